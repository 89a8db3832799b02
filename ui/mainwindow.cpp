#include "mainwindow.h"

#include "welcomeview.h"

#include <QApplication>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>

#include "qatbench/version.h"

namespace qat::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("QATBench"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/qatbench.svg")));
    resize(1280, 800);

    m_stack = new QStackedWidget(this);
    m_welcome = new WelcomeView(m_stack);
    m_stack->addWidget(m_welcome);
    setCentralWidget(m_stack);

    createMenus();
    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About QATBench"), this, [this] {
        QMessageBox::about(this, tr("About QATBench"),
                           tr("<b>QATBench</b> %1<br>A workbench for quantization-aware training of "
                              "LLaMA-family language models.")
                               .arg(QString::fromStdString(qat::version())));
    });
}

} // namespace qat::ui

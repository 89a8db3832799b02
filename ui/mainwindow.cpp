#include "mainwindow.h"

#include "compareview.h"
#include "engineclient.h"
#include "explorerview.h"
#include "histogramview.h"
#include "modelpanel.h"
#include "runrepository.h"
#include "runsview.h"
#include "settingsdialog.h"
#include "welcomeview.h"
#include "workbenchview.h"

#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>

#include "qatbench/version.h"

namespace qat::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("QATBench"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/qatbench.svg")));
    resize(1280, 800);

    m_repository = new RunRepository(this);
    m_nav = new QListWidget(this);
    m_nav->setFixedWidth(150);
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setStyleSheet(QStringLiteral("QListWidget { background: palette(window); font-size: 11pt; }"
                                        "QListWidget::item { padding: 8px 10px; }"));
    m_stack = new QStackedWidget(this);
    m_welcome = new WelcomeView(m_stack);
    m_workbench = new WorkbenchView(m_stack);
    m_runs = new RunsView(m_repository, m_stack);
    addView(tr("Start"), m_welcome);
    addView(tr("Experiment"), m_workbench);
    addView(tr("Runs"), m_runs);
    m_compare = new CompareView(m_stack);
    m_histograms = new HistogramView(m_stack);
    m_explorer = new ExplorerView(m_stack);
    addView(tr("Compare"), m_compare);
    addView(tr("Histograms"), m_histograms);
    addView(tr("Explorer"), m_explorer);
    m_nav->setCurrentRow(0);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_nav);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    connect(m_welcome, &WelcomeView::openModelRequested, this, [this] {
        showView(m_workbench);
        m_workbench->modelPanel()->chooseModel();
    });
    connect(m_welcome, &WelcomeView::runDemoRequested, this, [this] {
        showView(m_workbench);
        m_workbench->runDemo();
    });
    connect(m_runs, &RunsView::openRunRequested, m_repository, &RunRepository::loadCharts);
    connect(m_runs, &RunsView::openRunRequested, m_histograms, &HistogramView::setRun);
    connect(m_runs, &RunsView::resumeRequested, this, [this](qint64 runId, const QString& config) {
        showView(m_workbench);
        m_workbench->resumeRun(runId, config);
    });
    connect(m_runs, &RunsView::cloneRequested, this, [this](const QString& config) {
        showView(m_workbench);
        m_workbench->cloneExperiment(config);
    });
    // The explorer loads the opened model only once it is shown.
    connect(m_workbench->modelPanel(), &ModelPanel::modelOpened, m_explorer, &ExplorerView::offerModelDir);
    connect(m_workbench, &WorkbenchView::runEnded, m_compare, &CompareView::reload);
    connect(m_workbench, &WorkbenchView::runEnded, m_histograms, &HistogramView::reload);
    connect(m_repository, &RunRepository::chartsLoaded, this, [this](const RunChartData& data) {
        m_workbench->showPastRun(data);
        showView(m_workbench);
    });
    connect(m_workbench, &WorkbenchView::runEnded, m_repository, &RunRepository::refresh);
    connect(m_workbench->engine(), &EngineClient::started, m_repository, &RunRepository::refresh);
    connect(m_workbench->engine(), &EngineClient::stateChanged, this, [this] {
        if (m_closeWhenIdle && !m_workbench->isRunActive()) close();
    });

    createMenus();
    setDatabase(m_workbench->database());
    statusBar()->showMessage(tr("Ready"));
}

int MainWindow::addView(const QString& title, QWidget* view)
{
    const int index = m_stack->addWidget(view);
    m_nav->addItem(title);
    return index;
}

void MainWindow::showView(QWidget* view)
{
    const int index = m_stack->indexOf(view);
    if (index >= 0) m_nav->setCurrentRow(index);
}

QWidget* MainWindow::currentView() const
{
    return m_stack->currentWidget();
}

void MainWindow::setDatabase(const QString& file)
{
    m_workbench->setDatabase(file);
    m_repository->setDatabase(file);
    m_repository->refresh();
    m_compare->setDatabase(file);
    m_histograms->setDatabase(file);
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open model..."), QKeySequence::Open, this, [this] {
        showView(m_workbench);
        m_workbench->modelPanel()->chooseModel();
    });
    file->addAction(tr("&Load experiment..."), this, [this] {
        showView(m_workbench);
        m_workbench->loadExperiment();
    });
    file->addAction(tr("&Save experiment..."), QKeySequence::Save, this,
                    [this] { m_workbench->saveExperiment(); });
    file->addSeparator();
    file->addAction(tr("Se&ttings..."), QKeySequence::Preferences, this, &MainWindow::openSettings);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(tr("&Start"), this, [this] { m_workbench->startRun(); });
    run->addAction(tr("&Pause"), this, [this] { m_workbench->engine()->pause(); });
    run->addAction(tr("&Resume"), this, [this] { m_workbench->engine()->resume(); });
    run->addAction(tr("S&top"), this, [this] { m_workbench->engine()->stop(); });
    run->addSeparator();
    run->addAction(tr("Run the &demo"), this, [this] {
        showView(m_workbench);
        m_workbench->runDemo();
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About QATBench"), this, [this] {
        QMessageBox::about(this, tr("About QATBench"),
                           tr("<b>QATBench</b> %1<br>A workbench for quantization-aware training of "
                              "LLaMA-family language models.")
                               .arg(QString::fromStdString(qat::version())));
    });
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) return;
    const QString db = databasePath();
    if (db != m_repository->database()) {
        if (m_workbench->isRunActive())
            statusBar()->showMessage(tr("The new database is used from the next run on."), 8000);
        setDatabase(db);
    }
}

MainWindow::CloseChoice MainWindow::askClose()
{
    if (m_askClose) return m_askClose();
    QMessageBox box(QMessageBox::Question, tr("A run is active"),
                    tr("A run is still active. Stop it (it writes a checkpoint and can be resumed later), or "
                       "let it finish and close QATBench afterwards?"),
                    QMessageBox::NoButton, this);
    QPushButton* stop = box.addButton(tr("Stop the run"), QMessageBox::DestructiveRole);
    QPushButton* finish = box.addButton(tr("Let it finish"), QMessageBox::AcceptRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(finish);
    box.exec();
    if (box.clickedButton() == stop) return CloseChoice::StopRun;
    if (box.clickedButton() == finish) return CloseChoice::LetFinish;
    return CloseChoice::Cancel;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_workbench->isRunActive()) {
        event->accept();
        return;
    }
    event->ignore();
    if (m_closeWhenIdle) return; // already asked; the window closes when the engine ends
    switch (askClose()) {
    case CloseChoice::StopRun:
        m_closeWhenIdle = true;
        m_workbench->engine()->stop();
        statusBar()->showMessage(
            tr("Stopping the run; QATBench closes when the engine has written its checkpoint."));
        break;
    case CloseChoice::LetFinish:
        m_closeWhenIdle = true;
        statusBar()->showMessage(tr("QATBench closes when the run has finished."));
        break;
    case CloseChoice::Cancel:
        break;
    }
}

} // namespace qat::ui

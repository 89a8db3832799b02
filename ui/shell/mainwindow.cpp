#include "shell/mainwindow.h"

#include "common/engineclient.h"
#include "common/runrepository.h"
#include "compare/compareview.h"
#include "explorer/explorerview.h"
#include "histograms/histogramview.h"
#include "runs/runsview.h"
#include "shell/settingsdialog.h"
#include "shell/welcomeview.h"
#include "workbench/experimentform.h"
#include "workbench/modelpanel.h"
#include "workbench/workbenchview.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>

#include <nlohmann/json.hpp>

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
    addView(tr("Start"), m_welcome, QStringLiteral("start"));
    addView(tr("Experiment"), m_workbench, QStringLiteral("experiment"));
    addView(tr("Runs"), m_runs, QStringLiteral("runs"));
    m_compare = new CompareView(m_stack);
    m_histograms = new HistogramView(m_stack);
    m_explorer = new ExplorerView(m_stack);
    addView(tr("Compare"), m_compare, QStringLiteral("compare"));
    addView(tr("Histograms"), m_histograms, QStringLiteral("histograms"));
    addView(tr("Explorer"), m_explorer, QStringLiteral("explorer"));
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
    connect(m_welcome, &WelcomeView::recentModelRequested, this, [this](const QString& dir) {
        showView(m_workbench);
        m_workbench->modelPanel()->openModel(dir);
    });
    connect(m_welcome, &WelcomeView::runRequested, m_repository, &RunRepository::loadCharts);
    connect(m_welcome, &WelcomeView::runRequested, m_histograms, &HistogramView::setRun);
    connect(m_repository, &RunRepository::rowsLoaded, m_welcome, &WelcomeView::setRecentRuns);
    connect(m_workbench->modelPanel(), &ModelPanel::modelOpened, this, [this](const QString& dir) {
        m_openModel = dir;
        m_welcome->setRecentModels(m_workbench->modelPanel()->recentModels());
    });
    m_welcome->setRecentModels(m_workbench->modelPanel()->recentModels());
    connect(m_runs, &RunsView::openRunRequested, m_repository, &RunRepository::loadCharts);
    connect(m_runs, &RunsView::openRunRequested, m_histograms, &HistogramView::setRun);
    connect(m_runs, &RunsView::resumeRequested, this, [this](qint64 runId, const QString& config, int gpus) {
        showView(m_workbench);
        m_workbench->resumeRun(runId, config, gpus);
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
    connect(m_workbench->engine(), &EngineClient::stateChanged, this, &MainWindow::updateRunActions);
    connect(m_workbench->form(), &ExperimentForm::validityChanged, this, &MainWindow::updateRunActions);
    updateRunActions();
    // A panel dragged to nothing could not be found again: every splitter keeps each side at its minimum.
    for (QSplitter* splitter : findChildren<QSplitter*>())
        splitter->setChildrenCollapsible(false);
    setDatabase(m_workbench->database());
    restoreSession();
    statusBar()->showMessage(tr("Ready"));
}

int MainWindow::addView(const QString& title, QWidget* view, const QString& id)
{
    const int index = m_stack->addWidget(view);
    m_nav->addItem(title);
    m_viewIds << (id.isEmpty() ? QStringLiteral("view%1").arg(index) : id);
    return index;
}

namespace {

const QString kGeometry = QStringLiteral("window/geometry");
const QString kView = QStringLiteral("window/view");
const QString kModel = QStringLiteral("session/model");
const QString kExperiment = QStringLiteral("session/experiment");

// The splitters of a view in creation order (stable from one start to the next), keyed by view id and index.
QList<QPair<QString, QSplitter*>> viewSplitters(QStackedWidget* stack, const QStringList& ids)
{
    QList<QPair<QString, QSplitter*>> out;
    for (int v = 0; v < stack->count() && v < ids.size(); ++v) {
        const auto splitters = stack->widget(v)->findChildren<QSplitter*>();
        for (int i = 0; i < splitters.size(); ++i)
            out.append({QStringLiteral("window/splitters/%1/%2").arg(ids[v]).arg(i), splitters[i]});
    }
    return out;
}

} // namespace

void MainWindow::saveSession() const
{
    QSettings settings;
    settings.setValue(kGeometry, saveGeometry());
    const int current = m_stack->currentIndex();
    if (current >= 0 && current < m_viewIds.size()) settings.setValue(kView, m_viewIds[current]);
    for (const auto& [key, splitter] : viewSplitters(m_stack, m_viewIds))
        settings.setValue(key, splitter->saveState());
    settings.setValue(kModel, m_openModel);
    settings.setValue(kExperiment, QString::fromStdString(m_workbench->form()->experiment().dump()));
}

void MainWindow::restoreSession()
{
    QSettings settings;
    if (settings.contains(kGeometry)) restoreGeometry(settings.value(kGeometry).toByteArray());
    for (const auto& [key, splitter] : viewSplitters(m_stack, m_viewIds))
        if (settings.contains(key)) splitter->restoreState(settings.value(key).toByteArray());
    const int view = m_viewIds.indexOf(settings.value(kView).toString());
    if (view >= 0) m_nav->setCurrentRow(view);
    const auto experiment =
        nlohmann::json::parse(settings.value(kExperiment).toString().toStdString(), nullptr, false);
    if (experiment.is_object()) m_workbench->form()->setExperiment(experiment);
    // The model last open, if it is still there (opened off the GUI thread; the form keeps what was
    // restored).
    const QString model = settings.value(kModel).toString();
    if (!model.isEmpty() && QDir(model).exists()) m_workbench->modelPanel()->openModel(model);
}

void MainWindow::updateRunActions()
{
    if (!m_start) return;
    const EngineClient::State state = m_workbench->engine()->state();
    const bool active = m_workbench->isRunActive();
    m_start->setEnabled(!active && m_workbench->form()->isValid());
    m_pause->setEnabled(state == EngineClient::State::Running);
    m_resume->setEnabled(state == EngineClient::State::Paused);
    m_stop->setEnabled(state == EngineClient::State::Running || state == EngineClient::State::Paused);
    m_demo->setEnabled(!active);
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
    m_explorer->setDatabase(file); // its "Show" list: the completed runs of the loaded model
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

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_nav->count(); ++i) {
        QAction* a = view->addAction(m_nav->item(i)->text(), this, [this, i] { m_nav->setCurrentRow(i); });
        if (i < 9) a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        m_viewActions << a;
    }

    // Debugger keys: F5 starts, Shift+F5 stops; F6 pauses, Shift+F6 resumes.
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    m_start = run->addAction(tr("&Start"), QKeySequence(Qt::Key_F5), this, [this] {
        showView(m_workbench);
        m_workbench->startRun();
    });
    m_pause = run->addAction(tr("&Pause"), QKeySequence(Qt::Key_F6), this,
                             [this] { m_workbench->engine()->pause(); });
    m_resume = run->addAction(tr("&Resume"), QKeySequence(Qt::SHIFT | Qt::Key_F6), this,
                              [this] { m_workbench->engine()->resume(); });
    m_stop = run->addAction(tr("S&top"), QKeySequence(Qt::SHIFT | Qt::Key_F5), this,
                            [this] { m_workbench->engine()->stop(); });
    run->addSeparator();
    m_demo = run->addAction(tr("Run the &demo"), this, [this] {
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
    const QString device = QSettings().value(QStringLiteral("defaultDevice")).toString();
    if (dialog.exec() != QDialog::Accepted) return;
    // A new default device applies to the experiment in the form at once (as when the engine answers).
    const QString chosen = QSettings().value(QStringLiteral("defaultDevice")).toString();
    if (chosen != device && !m_workbench->isRunActive()) m_workbench->form()->setDefaultDevice(chosen);
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
        saveSession();
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

#include "workbench/workbenchview.h"

#include "common/engineclient.h"
#include "common/enginesettings.h"
#include "common/runrepository.h"
#include "workbench/chartpanel.h"
#include "workbench/experimentform.h"
#include "workbench/modelpanel.h"
#include "workbench/runcontrol.h"

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace qat::ui {

WorkbenchView::WorkbenchView(QWidget* parent) : QWidget(parent)
{
    m_engine = new EngineClient(this);
    m_model = new ModelPanel(this);
    m_form = new ExperimentForm(this);
    m_control = new RunControl(m_engine, this);
    m_charts = new ChartPanel(this);

    m_load = new QPushButton(tr("Load..."), this);
    m_load->setToolTip(tr("Load an experiment JSON file."));
    m_save = new QPushButton(tr("Save..."), this);
    m_save->setToolTip(tr("Save the experiment as JSON (the same file `qatbench-cli run --config` reads)."));
    auto* formHeader = new QHBoxLayout;
    auto* formTitle = new QLabel(tr("<b>Experiment</b>"), this);
    formHeader->addWidget(formTitle, 1);
    formHeader->addWidget(m_load);
    formHeader->addWidget(m_save);
    auto* formBox = new QWidget(this);
    auto* formLayout = new QVBoxLayout(formBox);
    formLayout->setContentsMargins(0, 0, 0, 0);
    formLayout->addLayout(formHeader);
    formLayout->addWidget(m_form, 1);

    auto* left = new QSplitter(Qt::Vertical, this);
    left->addWidget(m_model);
    left->addWidget(formBox);
    left->setStretchFactor(0, 2);
    left->setStretchFactor(1, 5);
    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_charts);
    right->addWidget(m_control);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 5);
    split->setSizes({430, 850});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(m_load, &QPushButton::clicked, this, &WorkbenchView::loadExperiment);
    connect(m_save, &QPushButton::clicked, this, &WorkbenchView::saveExperiment);
    connect(m_control, &RunControl::startRequested, this, &WorkbenchView::startRun);
    connect(m_form, &ExperimentForm::validityChanged, this, &WorkbenchView::updateStartState);
    connect(m_model, &ModelPanel::modelOpened, this, [this](const QString& dir) {
        m_form->setModel(dir, m_model->info() ? std::optional<ModelConfig>(m_model->info()->config)
                                              : std::nullopt);
    });
    connectEngine();
    updateStartState();
    m_database = databasePath();

    // The engine that runs the experiments says which devices exist (its LibTorch may have CUDA where the
    // GUI's has none); asked again whenever the engine setting changes.
    m_devices = new DeviceProbe(this);
    connect(m_devices, &DeviceProbe::finished, this, [this](const EngineDevices& d) {
        m_engineDevices = d;
        m_form->setDevices(d.gpuChoices(), d.dataParallelProblem());
        m_form->setDefaultDevice(QSettings().value(QStringLiteral("defaultDevice")).toString());
        if (!d.error.isEmpty()) m_control->appendLog(QStringLiteral("warning"), d.error);
        Q_EMIT devicesChanged();
    });
    connect(&EngineSettings::instance(), &EngineSettings::changed, this, &WorkbenchView::applyEngineSetting);
    applyEngineSetting();
}

WorkbenchView::~WorkbenchView() = default;

void WorkbenchView::applyEngineSetting()
{
    m_enginePending = m_engine->isActive(); // a live run keeps its engine; the next one gets the new one
    if (!m_enginePending) m_engine->setProgram(enginePath());
    m_devices->start(enginePath());
}

bool WorkbenchView::isRunActive() const
{
    return m_engine->isActive();
}

void WorkbenchView::updateStartState()
{
    m_control->setCanStart(m_form->isValid(), tr("Fix the experiment's problems first (shown in red)."));
}

void WorkbenchView::connectEngine()
{
    connect(m_engine, &EngineClient::started, this, [this](qint64 runId, const QString& method, qint64) {
        m_charts->clear();
        m_charts->setTimeOrigin(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0);
        m_charts->setRunTitle(m_demo ? tr("Demo: run %1 (%2) - live").arg(runId).arg(method)
                                     : tr("Run %1 (%2) - live").arg(runId).arg(method));
    });
    connect(m_engine, &EngineClient::metric, this,
            [this](const QString& name, qint64 step, double value, double wall, const QJsonObject& context,
                   const QString& contextKey) {
                const QString split = context.value(QStringLiteral("split")).toString();
                if (split.isEmpty() || split == QLatin1String("train"))
                    m_charts->addMetric(name, contextKey, step, value, wall);
            });
    connect(
        m_engine, &EngineClient::evalResult, this,
        [this](qint64 step, double ppl, double, qint64, double wall) { m_charts->addEval(step, ppl, wall); });
    connect(m_engine, &EngineClient::finished, this, &WorkbenchView::runEnded);
    connect(m_engine, &EngineClient::failed, this, &WorkbenchView::runEnded);
    connect(m_engine, &EngineClient::stateChanged, this, [this] {
        const bool idle = !m_engine->isActive();
        if (idle) m_demo = false;
        if (idle && m_enginePending) {
            m_enginePending = false;
            m_engine->setProgram(enginePath());
        }
        m_load->setEnabled(idle);
        m_form->setEnabled(idle);
        m_model->setEnabled(idle);
        updateStartState();
    });
}

QString WorkbenchView::writeExperimentFile(QString* error)
{
    const QString dir = QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
                            .filePath(QStringLiteral("experiments"));
    if (!QDir().mkpath(dir)) {
        *error = tr("Cannot create %1").arg(dir);
        return {};
    }
    const QString file = QDir(dir).filePath(
        QStringLiteral("experiment-%1.json")
            .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    return m_form->saveFile(file, error) ? file : QString();
}

void WorkbenchView::startRun()
{
    m_form->validateNow();
    if (!m_form->isValid()) {
        QMessageBox::warning(this, tr("Start run"),
                             tr("The experiment has problems; they are shown in red in the form."));
        return;
    }
    QString error;
    const QString file = writeExperimentFile(&error);
    if (file.isEmpty()) {
        m_control->showFailure(tr("Could not write the experiment file."), error);
        return;
    }
    QDir().mkpath(QFileInfo(m_database).absolutePath());
    m_control->clearLog();
    m_charts->clear();
    m_charts->setRunTitle(tr("Starting..."));
    setPlanFrom(m_form->experiment());
    m_control->appendLog(QStringLiteral("info"), tr("Experiment: %1").arg(file));
    m_control->appendLog(QStringLiteral("info"), tr("Database: %1").arg(m_database));
    const int gpus = m_form->gpuCount();
    if (gpus > 1)
        m_control->appendLog(QStringLiteral("info"),
                             tr("Data-parallel on %1 GPUs: one engine process per GPU, each with 1/%1 of "
                                "every step's batch (qatbench-cli run --gpus %1).")
                                 .arg(gpus));
    m_engine->startRun(file, m_database, gpus);
}

void WorkbenchView::runDemo()
{
    if (m_engine->isActive()) return;
    QDir().mkpath(QFileInfo(m_database).absolutePath());
    m_control->clearLog();
    m_charts->clear();
    m_charts->setRunTitle(tr("Demo: pretraining a small LLaMA..."));
    m_control->appendLog(
        QStringLiteral("info"),
        tr("Running the demo: a small LLaMA is built and pretrained here, then quantized with RTN and "
           "DL-QAT at 3 and 2 bits. Each of those is a real run in the database: its curves are drawn live "
           "and it stays in Runs, Compare and Histograms. No download needed."));
    m_control->appendLog(QStringLiteral("info"), tr("Database: %1").arg(m_database));
    // The demo speaks the engine's protocol: its pretraining's progress, then every run's events, and it
    // obeys Pause and Stop like a run.
    m_demo = true;
    m_engine->start({QStringLiteral("demo"), QStringLiteral("--db"), m_database, QStringLiteral("--events"),
                     QStringLiteral("jsonl")});
}

void WorkbenchView::setPlanFrom(const nlohmann::json& experiment)
{
    m_control->setPlan(planFromExperiment(experiment));
}

void WorkbenchView::resumeRun(qint64 runId, const QString& config, int gpus)
{
    if (m_engine->isActive()) {
        QMessageBox::information(this, tr("Resume run"), tr("A run is active; stop it first."));
        return;
    }
    m_control->clearLog();
    m_charts->clear();
    m_charts->setRunTitle(tr("Resuming run %1...").arg(runId));
    setPlanFrom(nlohmann::json::parse(config.toStdString(), nullptr, false));
    m_control->appendLog(QStringLiteral("info"), tr("Resuming run %1 from its last checkpoint.").arg(runId));
    const int listed = int(m_engineDevices.gpuChoices().size());
    const int processes = gpus > 1 && listed >= gpus ? gpus : 1;
    if (processes > 1) {
        m_control->appendLog(QStringLiteral("info"),
                             tr("It ran on %1 GPUs and continues on as many (data-parallel).").arg(gpus));
    } else if (gpus > 1) {
        m_control->appendLog(QStringLiteral("warning"),
                             tr("It ran on %1 GPUs; the engine lists %2, so it continues as one process (the "
                                "same run: the batch of each step does not change).")
                                 .arg(gpus)
                                 .arg(listed));
    }
    m_engine->resumeRun(runId, m_database, processes);
}

void WorkbenchView::openModelOf(const nlohmann::json& doc)
{
    const QString model = doc.contains("model") && doc["model"].is_object() &&
                                  doc["model"].value("path", nlohmann::json()).is_string()
                              ? QString::fromStdString(doc["model"]["path"].get<std::string>())
                              : QString();
    if (!model.isEmpty() && model != m_model->modelDir()) m_model->openModel(model);
}

void WorkbenchView::cloneExperiment(const QString& config)
{
    const nlohmann::json doc = nlohmann::json::parse(config.toStdString(), nullptr, false);
    if (!doc.is_object()) {
        QMessageBox::warning(this, tr("Clone run"), tr("The run's stored experiment is not a JSON object."));
        return;
    }
    nlohmann::json copy = doc;
    if (copy.contains("name") && copy["name"].is_string())
        copy["name"] = copy["name"].get<std::string>() + " (clone)";
    m_form->setExperiment(copy);
    openModelOf(copy);
    m_form->validateNow();
}

void WorkbenchView::showPastRun(const RunChartData& data)
{
    if (m_engine->isActive()) {
        QMessageBox::information(this, tr("Open run"),
                                 tr("A run is active; its live charts stay on screen."));
        return;
    }
    m_charts->clear();
    m_charts->setRunTitle(tr("Run %1: %2").arg(data.runId).arg(data.title));
    m_charts->setTimeOrigin(data.timeOrigin);
    for (auto it = data.scalars.cbegin(); it != data.scalars.cend(); ++it)
        for (const ScalarPoint& p : it.value())
            m_charts->addMetric(it.key(), p.step, p.value, p.wallTime);
    for (const EvalResult& e : data.evals)
        m_charts->addEval(e.step, e.value, e.wallTime);
}

void WorkbenchView::loadExperiment()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Load experiment"), QString(),
                                                      tr("Experiment JSON (*.json);;All files (*)"));
    if (file.isEmpty()) return;
    QString error;
    if (!m_form->loadFile(file, &error)) QMessageBox::warning(this, tr("Load experiment"), error);
    openModelOf(m_form->experiment());
}

void WorkbenchView::saveExperiment()
{
    QString file = QFileDialog::getSaveFileName(
        this, tr("Save experiment"), QStringLiteral("experiment.json"), tr("Experiment JSON (*.json)"));
    if (file.isEmpty()) return;
    if (!file.endsWith(QLatin1String(".json"))) file += QStringLiteral(".json");
    QString error;
    if (!m_form->saveFile(file, &error)) QMessageBox::warning(this, tr("Save experiment"), error);
}

} // namespace qat::ui

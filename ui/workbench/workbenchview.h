#pragma once
// The experiment workbench: the model panel and the experiment form on the left, the live charts and the run
// control on the right. It owns the EngineClient of the one active run and routes its events to the charts.

#include "common/enginesettings.h"

#include <nlohmann/json.hpp>

#include <QWidget>

class QPushButton;
class QSplitter;

namespace qat::ui {

class ChartPanel;
class DeviceProbe;
class EngineClient;
class ExperimentForm;
class ModelPanel;
class RunControl;
struct RunChartData;

class WorkbenchView final : public QWidget
{
    Q_OBJECT
public:
    explicit WorkbenchView(QWidget* parent = nullptr);
    ~WorkbenchView() override;

    ModelPanel* modelPanel() const { return m_model; }
    ExperimentForm* form() const { return m_form; }
    RunControl* runControl() const { return m_control; }
    ChartPanel* charts() const { return m_charts; }
    EngineClient* engine() const { return m_engine; }

    void setDatabase(const QString& file) { m_database = file; }
    QString database() const { return m_database; }
    bool isRunActive() const;

    void startRun(); // writes the experiment next to the app's data and starts the engine on it
    void runDemo();  // `qatbench-cli demo --db --events jsonl`: no model, no data; real runs in the store
    // `qatbench-cli run --resume RUN_ID`: the same run continues from its last checkpoint, live here. A run
    // that trained on several GPUs (gpus > 1) continues on as many (`--gpus N`) when the engine lists them,
    // else on one process (any number of processes continues any run, docs/SCALE.md).
    void resumeRun(qint64 runId, const QString& config, int gpus = 1);
    // A stored run's experiment into the form (and its model opened), to change and start as a new run.
    void cloneExperiment(const QString& config);
    void showPastRun(const RunChartData& data);

    // The engine setting (enginesettings.h) applied: the next run's program, and its devices asked for again.
    void applyEngineSetting();
    const EngineDevices& engineDevices() const { return m_engineDevices; } // the last answer
    DeviceProbe* deviceProbe() const { return m_devices; }

    void loadExperiment(); // file dialogs
    void saveExperiment();

Q_SIGNALS:
    void runEnded();       // completed, stopped or failed: the runs table refreshes
    void devicesChanged(); // the engine answered `devices --json` (engineDevices())

private:
    void connectEngine();
    void updateStartState();
    QString writeExperimentFile(QString* error);
    void setPlanFrom(const nlohmann::json& experiment); // the whole run's progress (RunControl)
    void openModelOf(const nlohmann::json& experiment);

    ModelPanel* m_model = nullptr;
    ExperimentForm* m_form = nullptr;
    RunControl* m_control = nullptr;
    ChartPanel* m_charts = nullptr;
    EngineClient* m_engine = nullptr;
    QPushButton* m_load = nullptr;
    QPushButton* m_save = nullptr;
    QString m_database;
    DeviceProbe* m_devices = nullptr;
    EngineDevices m_engineDevices;
    bool m_enginePending = false; // the engine setting changed during a run
    bool m_demo = false;          // the engine runs the demo (several runs, then the process ends)
};

} // namespace qat::ui

#pragma once
// The engine the GUI drives (issue 18, 7b): which qatbench-cli runs the experiments, and the devices that
// engine reports (`qatbench-cli devices --json`). The GUI's own LibTorch (Debian's, CPU only) never decides
// which GPUs exist: a CUDA build of qatbench-cli made with README's GPU recipe sits in <source>/build-gpu/bin
// and is found there automatically, and its devices fill the device pickers.
//
// Intended usage:
//   1. enginePath() wherever a qatbench-cli is started (EngineClient's default program).
//   2. DeviceProbe probe; connect finished(EngineDevices); probe.start(enginePath()).
//   3. EngineSettings::instance().setConfiguredEngine(path) from the settings dialog; its changed() signal
//      tells the workbench to probe again.

#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

class QProcess;

namespace qat::ui {

struct EngineDevice
{
    QString id;             // "cpu", "cuda:0"
    QString kind;           // "cpu" or "cuda"
    QString name;           // "NVIDIA H200", "CPU (16 hardware threads, 16 in use)"
    qint64 memoryBytes = 0; // GPU memory; the machine's physical memory for the CPU
    QString capability;     // CUDA compute capability ("9.0"); "" for the CPU
};

struct EngineDevices
{
    QString engine;         // the engine's build summary ("QATBench 0.9 (LibTorch 2.11.0, CUDA)")
    bool cudaBuild = false; // built against a LibTorch with CUDA
    QList<EngineDevice> devices;
    QString error; // why there is no list (the engine did not start, printed no JSON, ...); "" when fine
    // What the engine can run data-parallel ("data_parallel" of devices --json, core's dist::available):
    // NCCL for `run --gpus N`, Gloo for `run --ranks N`. An engine that does not say (older than the field)
    // is not second-guessed: dataParallelKnown false, and the GPUs' data-parallel entries stay enabled.
    bool dataParallelKnown = false;
    bool nccl = false;
    bool gloo = false;

    // The GPUs as (id, label) for the device pickers ("cuda:0 - NVIDIA H200, 140.4 GiB, sm 9.0").
    QList<QPair<QString, QString>> gpuChoices() const;
    QString summary() const; // one line for the settings dialog
    // Why "k GPUs (data-parallel)" cannot run on this engine and what to do (it reports no NCCL); "" when
    // it can or does not say. The device pickers disable those entries with this text.
    QString dataParallelProblem() const;
};

// `devices --json` as the engine prints it; error names the field that is missing or wrong.
EngineDevices parseDevicesJson(const QByteArray& json);

QString automaticEngine(); // $QATBENCH_CLI, else <source>/build-gpu/bin/qatbench-cli if it exists, else next
                           // to the app
QString cudaBuildCandidate(); // where README's CUDA recipe puts qatbench-cli, relative to this app
QString enginePath();         // the configured engine, else automaticEngine()

class EngineSettings final : public QObject
{
    Q_OBJECT
public:
    static EngineSettings& instance();
    QString configuredEngine() const; // "" = automatic
    void setConfiguredEngine(const QString& program);

Q_SIGNALS:
    void changed();

private:
    EngineSettings() = default;
};

// Runs `ENGINE devices --json` off the GUI thread (a child process) and reports the parsed list once.
class DeviceProbe final : public QObject
{
    Q_OBJECT
public:
    explicit DeviceProbe(QObject* parent = nullptr);
    ~DeviceProbe() override;            // ends a probe still running
    void start(const QString& program); // a new start supersedes the one in flight
    bool isRunning() const;

Q_SIGNALS:
    void finished(const qat::ui::EngineDevices& devices);

private:
    QProcess* m_process = nullptr;
};

} // namespace qat::ui

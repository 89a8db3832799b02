#pragma once
// The GUI's side of the engine process (DESIGN.md §2). The engine is `qatbench-cli run --config EXP.json --db
// RUNS.db --events jsonl` as a child process: it prints one JSON object per stdout line and reads `pause`,
// `resume` and `stop` lines on stdin. This class turns those lines into typed signals on the GUI thread; the
// lines are read by core's parser (qatbench/events.h, torch-free), the same one the CLI and the fuzzer use.
//
// Intended usage:
//   1. EngineClient client; connect its signals (progress, metric, evalResult, finished, failed, ...).
//   2. client.startRun(configFile, dbFile[, gpus])  (or start(args) for other commands, e.g. {"demo"}).
//   3. pause()/resume()/stop() while it runs; isActive() says whether a process is alive.
//   4. Exactly one of finished() or failed() ends every start, also when the process crashes or cannot start.
//      A command that runs several runs in one process (the demo) sends started() ... finished() for each;
//      isActive() stays true until the process has exited.
// The destructor asks a live engine to stop, waits a little and then kills it: a client never leaks a
// process.

#include "qatbench/events.h"

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QStringList>

namespace qat::ui {

struct EngineProgress
{
    QString phase; // "calibration", "training", "eval", ...
    qint64 step = 0;
    qint64 total = 0;       // 0 when unknown
    double etaSeconds = -1; // < 0 when unknown
    double tokensPerSecond = 0;
    qint64 memoryBytes = 0; // 0 when unknown
    double time = 0;        // unix seconds of the event (0 for the demo's text progress)
};

class EngineClient final : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle, // nothing started yet, or the last run ended
        Running,
        Paused,
        Stopping, // stop requested, waiting for the engine's checkpoint and exit
    };
    Q_ENUM(State)

    explicit EngineClient(QObject* parent = nullptr);
    ~EngineClient() override;

    // The engine executable; by default enginePath() (the Settings' engine, else $QATBENCH_CLI, else a CUDA
    // build where README's recipe puts it, else qatbench-cli next to this application).
    void setProgram(const QString& program, const QStringList& leadingArguments = {});
    QString program() const { return m_program; }
    static QString defaultProgram();

    // gpus > 1: data-parallel on GPUs 0..gpus-1, one engine process each (`--gpus N`, docs/SCALE.md); the
    // events, stdin commands and exit status are rank 0's, as for one process.
    void startRun(const QString& configFile, const QString& databaseFile, int gpus = 1);
    // `run --resume runId`: the run continues from its last checkpoint, on `gpus` processes when > 1.
    void resumeRun(qint64 runId, const QString& databaseFile, int gpus = 1);
    void start(const QStringList& arguments); // any engine command; events are parsed when it prints them

    void pause();
    void resume();
    void stop(); // polite: the engine finishes the step, checkpoints and exits
    void setStopTimeout(int ms) { m_stopTimeoutMs = ms; } // after stop(): terminate when still alive

    bool isActive() const { return m_state != State::Idle; }
    State state() const { return m_state; }
    qint64 runId() const { return m_runId; }
    QString workDir() const { return m_workDir; } // the run's checkpoints and exports (from "started")
    // The time ("t", unix seconds, the engine's clock) of the event whose signal is being delivered; 0 for
    // text progress and for signals that come from no event (the process ended).
    double eventTime() const { return m_eventTime; }
    // The run's experiment as the engine stored it (from "started"); null when the engine did not send it.
    const nlohmann::json& experiment() const { return m_experiment; }

Q_SIGNALS:
    void stateChanged(qat::ui::EngineClient::State state);
    void started(qint64 runId, const QString& method, qint64 totalSteps);
    void phaseChanged(const QString& phase);
    void progress(const qat::ui::EngineProgress& progress);
    // contextKey: the event's context_key ("" or "group=m", the store's series context string).
    void metric(const QString& name, qint64 step, double value, double wallTime, const QJsonObject& context,
                const QString& contextKey);
    void evalResult(qint64 step, double perplexity, double nll, qint64 tokens, double wallTime);
    void message(const QString& level, const QString& text); // engine messages, stderr lines as "stderr"
    void paused();
    void resumed();
    void checkpoint(const QString& path, qint64 step);
    void finished(const QString& status, const QString& message); // status: completed, cancelled, ...
    void failed(const QString& message, const QString& hint);

private:
    void onReadyStdout();
    void onReadyStderr();
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void onProcessError(QProcess::ProcessError error);
    void handleLine(const QByteArray& line);
    bool parseTextProgress(const QString& line);
    void handleEvent(const EngineEvent& e);
    void setState(State state);
    void send(const QByteArray& command);
    void endWithFailure(const QString& message, const QString& hint);

    QProcess* m_process = nullptr;
    QString m_program;
    QStringList m_leadingArguments;
    QByteArray m_stdoutBuffer;
    QByteArray m_stderrBuffer;
    QStringList m_stderrTail; // last lines, for the message of a crash
    State m_state = State::Idle;
    qint64 m_runId = -1;
    QString m_workDir;
    nlohmann::json m_experiment;
    double m_eventTime = 0;
    bool m_ended = false; // finished() or failed() already emitted for this start
    int m_stopTimeoutMs = 60000;
};

} // namespace qat::ui

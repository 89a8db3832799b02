#include "common/engineclient.h"

#include "common/enginesettings.h"
#include "qatbench/device.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QPointer>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTimer>

namespace qat::ui {

namespace {
constexpr int kStderrTailLines = 20;
constexpr qint64 kMaxLineBytes = 16 * 1024 * 1024; // a runaway line without newline must not eat memory
} // namespace

EngineClient::EngineClient(QObject* parent) : QObject(parent), m_program(defaultProgram()) {}

EngineClient::~EngineClient()
{
    if (!m_process || m_process->state() == QProcess::NotRunning) return;
    // The owner is going away: the engine gets a short chance to checkpoint, then it is ended for sure.
    disconnect(m_process, nullptr, this, nullptr);
    m_process->write("stop\n");
    if (!m_process->waitForFinished(3000)) {
        m_process->terminate();
        if (!m_process->waitForFinished(2000)) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
    }
}

QString EngineClient::defaultProgram()
{
    return enginePath();
}

void EngineClient::setProgram(const QString& program, const QStringList& leadingArguments)
{
    m_program = program;
    m_leadingArguments = leadingArguments;
}

namespace {

// `run` with what comes first (--config FILE or --resume ID), the store, the event stream and the processes.
QStringList runArguments(const QStringList& what, const QString& databaseFile, int gpus)
{
    QStringList args{QStringLiteral("run")};
    args << what << QStringLiteral("--db") << databaseFile << QStringLiteral("--events")
         << QStringLiteral("jsonl");
    if (gpus > 1) args << QStringLiteral("--gpus") << QString::number(gpus);
    return args;
}

} // namespace

void EngineClient::startRun(const QString& configFile, const QString& databaseFile, int gpus)
{
    start(runArguments({QStringLiteral("--config"), configFile}, databaseFile, gpus));
}

void EngineClient::resumeRun(qint64 runId, const QString& databaseFile, int gpus)
{
    start(runArguments({QStringLiteral("--resume"), QString::number(runId)}, databaseFile, gpus));
}

void EngineClient::start(const QStringList& arguments)
{
    if (isActive()) {
        Q_EMIT message(QStringLiteral("warning"), tr("A run is already active; stop it first."));
        return;
    }
    if (m_process) m_process->deleteLater();
    m_process = new QProcess(this);
    m_stdoutBuffer.clear();
    m_stderrBuffer.clear();
    m_stderrTail.clear();
    m_runId = -1;
    m_workDir.clear();
    m_experiment = nlohmann::json();
    m_ended = false;
    connect(m_process, &QProcess::readyReadStandardOutput, this, &EngineClient::onReadyStdout);
    connect(m_process, &QProcess::readyReadStandardError, this, &EngineClient::onReadyStderr);
    connect(m_process, &QProcess::finished, this, &EngineClient::onProcessFinished);
    connect(m_process, &QProcess::errorOccurred, this, &EngineClient::onProcessError);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto& [name, value] : qat::engineEnvironment())
        env.insert(QString::fromStdString(name), QString::fromStdString(value));
    m_process->setProcessEnvironment(env);
    setState(State::Running);
    m_process->start(m_program, m_leadingArguments + arguments);
}

void EngineClient::send(const QByteArray& command)
{
    if (m_process && m_process->state() == QProcess::Running) m_process->write(command + '\n');
}

void EngineClient::pause()
{
    if (m_state == State::Running) send("pause");
}

void EngineClient::resume()
{
    if (m_state == State::Paused) send("resume");
}

void EngineClient::stop()
{
    if (m_state == State::Idle || m_state == State::Stopping) return;
    send("stop");
    setState(State::Stopping);
    // An engine that does not react (hung, or not an engine at all) is ended after the timeout.
    QPointer<QProcess> process = m_process;
    QTimer::singleShot(m_stopTimeoutMs, this, [process] {
        if (process && process->state() != QProcess::NotRunning) process->terminate();
    });
}

void EngineClient::setState(State state)
{
    if (m_state == state) return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void EngineClient::onReadyStdout()
{
    m_stdoutBuffer += m_process->readAllStandardOutput();
    qsizetype newline;
    while ((newline = m_stdoutBuffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_stdoutBuffer.left(newline).trimmed();
        m_stdoutBuffer.remove(0, newline + 1);
        if (!line.isEmpty()) handleLine(line);
    }
    if (m_stdoutBuffer.size() > kMaxLineBytes) m_stdoutBuffer.clear();
}

void EngineClient::onReadyStderr()
{
    // A progress bar redraws itself with carriage returns: each redraw counts as a line.
    m_stderrBuffer += m_process->readAllStandardError().replace('\r', '\n');
    qsizetype newline;
    while ((newline = m_stderrBuffer.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_stderrBuffer.left(newline)).trimmed();
        m_stderrBuffer.remove(0, newline + 1);
        if (line.isEmpty()) continue;
        m_stderrTail << line;
        if (m_stderrTail.size() > kStderrTailLines) m_stderrTail.removeFirst();
        if (!parseTextProgress(line)) Q_EMIT message(QStringLiteral("stderr"), line);
    }
    if (m_stderrBuffer.size() > kMaxLineBytes) m_stderrBuffer.clear();
}

bool EngineClient::parseTextProgress(const QString& line)
{
    // Commands without --events (the demo) print "phase: 35% (350/1000) ETA 1m05s" lines (app/cli/args.h
    // ProgressPrinter); they drive the progress bar like progress events.
    static const QRegularExpression re(
        QStringLiteral(R"(^([\w -]+): +\d+% \((\d+)/(\d+)\)(?: ETA (?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)?)"));
    const QRegularExpressionMatch m = re.match(line);
    if (!m.hasMatch()) return false;
    EngineProgress p;
    p.phase = m.captured(1).trimmed();
    p.step = m.captured(2).toLongLong();
    p.total = m.captured(3).toLongLong();
    if (m.capturedLength(4) || m.capturedLength(5) || m.capturedLength(6))
        p.etaSeconds =
            m.captured(4).toDouble() * 3600 + m.captured(5).toDouble() * 60 + m.captured(6).toDouble();
    Q_EMIT progress(p);
    return true;
}

namespace {

// The engine's context objects are flat ({"layer": 3, "module": "q_proj"}); nested values are kept as well.
QJsonValue toQJson(const nlohmann::json& j)
{
    if (j.is_boolean()) return j.get<bool>();
    if (j.is_number_integer()) return qint64(j.get<int64_t>());
    if (j.is_number()) return j.get<double>();
    if (j.is_string()) return QString::fromStdString(j.get<std::string>());
    if (j.is_array()) {
        QJsonArray a;
        for (const auto& v : j)
            a.append(toQJson(v));
        return a;
    }
    if (j.is_object()) {
        QJsonObject o;
        for (const auto& [k, v] : j.items())
            o.insert(QString::fromStdString(k), toQJson(v));
        return o;
    }
    return QJsonValue(); // null
}

// Typed reads of an event's fields; a missing field, a null (NaN on the wire) or a wrong type is the
// fallback.
double number(const nlohmann::json& f, const char* key, double fallback = 0)
{
    const auto it = f.find(key);
    return it != f.end() && it->is_number() ? it->get<double>() : fallback;
}

qint64 integer(const nlohmann::json& f, const char* key)
{
    const auto it = f.find(key);
    if (it == f.end() || !it->is_number()) return 0;
    return it->is_number_integer() ? qint64(it->get<int64_t>()) : qint64(it->get<double>());
}

QString text(const nlohmann::json& f, const char* key)
{
    const auto it = f.find(key);
    return it != f.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

} // namespace

void EngineClient::handleLine(const QByteArray& line)
{
    // core's parser: the same reading of the protocol as the CLI and the fuzz target (events.h).
    const std::optional<EngineEvent> e =
        parseEventLine(std::string_view(line.constData(), size_t(line.size())));
    if (!e) {
        // Plain text from the engine (or from a command without --events): show it, do not guess.
        Q_EMIT message(QStringLiteral("output"), QString::fromUtf8(line));
        return;
    }
    handleEvent(*e);
}

void EngineClient::handleEvent(const EngineEvent& e)
{
    const nlohmann::json& f = e.fields;
    const std::string& name = e.name;
    m_eventTime = e.time;
    const auto restore = qScopeGuard([this] { m_eventTime = 0; });
    if (name == event::kStarted) {
        m_runId = integer(f, "run_id");
        m_workDir = text(f, "work_dir");
        const auto experiment = f.find("experiment");
        m_experiment = experiment != f.end() && experiment->is_object() ? *experiment : nlohmann::json();
        m_ended = false; // a command that runs several runs (the demo) ends each with its own "finished"
        Q_EMIT started(m_runId, text(f, "method"), integer(f, "total_steps"));
    } else if (name == event::kPhase) {
        Q_EMIT phaseChanged(text(f, "phase"));
    } else if (name == event::kProgress) {
        EngineProgress p;
        p.phase = text(f, "phase");
        p.step = integer(f, "step");
        p.total = integer(f, "total");
        p.etaSeconds = number(f, "eta_s", -1);
        p.tokensPerSecond = number(f, "tokens_per_s");
        p.memoryBytes = integer(f, "mem_bytes");
        p.time = e.time;
        Q_EMIT progress(p);
    } else if (name == event::kMetric) {
        const auto context = f.find("context");
        Q_EMIT metric(text(f, "name"), integer(f, "step"), number(f, "value", qQNaN()), e.time,
                      context != f.end() ? toQJson(*context).toObject() : QJsonObject(),
                      text(f, "context_key"));
    } else if (name == event::kEval) {
        Q_EMIT evalResult(integer(f, "step"), number(f, "ppl", qQNaN()), number(f, "nll", qQNaN()),
                          integer(f, "tokens"), e.time);
    } else if (name == event::kMessage) {
        Q_EMIT message(text(f, "level"), text(f, "text"));
    } else if (name == event::kPaused) {
        setState(State::Paused);
        Q_EMIT paused();
    } else if (name == event::kResumed) {
        setState(State::Running);
        Q_EMIT resumed();
    } else if (name == event::kCheckpoint) {
        Q_EMIT checkpoint(text(f, "path"), integer(f, "step"));
    } else if (name == event::kFinished) {
        if (!m_ended) {
            m_ended = true;
            Q_EMIT finished(text(f, "status"), text(f, "message"));
        }
    } else if (name == event::kFailed) {
        if (!m_ended) {
            m_ended = true;
            Q_EMIT failed(text(f, "message"), text(f, "hint"));
        }
    } else {
        // A newer engine may add events; they must not break an older GUI.
        Q_EMIT message(QStringLiteral("debug"),
                       tr("Unknown engine event: %1").arg(QString::fromStdString(name)));
    }
}

void EngineClient::endWithFailure(const QString& messageText, const QString& hint)
{
    if (m_ended) return;
    m_ended = true;
    Q_EMIT failed(messageText, hint);
}

void EngineClient::onProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    onReadyStdout(); // lines that arrived together with the exit
    onReadyStderr();
    if (!m_stdoutBuffer.trimmed().isEmpty()) handleLine(m_stdoutBuffer.trimmed());
    m_stdoutBuffer.clear();
    const bool stopping = m_state == State::Stopping;
    setState(State::Idle);
    if (m_ended) return;
    const QString tail = m_stderrTail.join(QLatin1Char('\n'));
    if (status == QProcess::CrashExit) {
        endWithFailure(stopping ? tr("The engine was ended before it could report how the run ended.")
                                : tr("The engine crashed."),
                       tail);
    } else if (exitCode == 0) {
        m_ended = true;
        Q_EMIT finished(stopping ? QStringLiteral("cancelled") : QStringLiteral("completed"), QString());
    } else {
        endWithFailure(tr("The engine exited with code %1.").arg(exitCode), tail);
    }
}

void EngineClient::onProcessError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart) return; // crashes arrive through finished()
    setState(State::Idle);
    endWithFailure(tr("Could not start the engine: %1").arg(m_process->errorString()),
                   tr("Expected qatbench-cli at %1. Choose the engine in Settings, or set QATBENCH_CLI.")
                       .arg(m_program));
}

} // namespace qat::ui

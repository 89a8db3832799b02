#include "engineclient.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
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
    const QString fromEnv = qEnvironmentVariable("QATBENCH_CLI");
    if (!fromEnv.isEmpty()) return fromEnv;
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("qatbench-cli"));
}

void EngineClient::setProgram(const QString& program, const QStringList& leadingArguments)
{
    m_program = program;
    m_leadingArguments = leadingArguments;
}

void EngineClient::startRun(const QString& configFile, const QString& databaseFile)
{
    start({QStringLiteral("run"), QStringLiteral("--config"), configFile, QStringLiteral("--db"),
           databaseFile, QStringLiteral("--events"), QStringLiteral("jsonl")});
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
    m_ended = false;
    connect(m_process, &QProcess::readyReadStandardOutput, this, &EngineClient::onReadyStdout);
    connect(m_process, &QProcess::readyReadStandardError, this, &EngineClient::onReadyStderr);
    connect(m_process, &QProcess::finished, this, &EngineClient::onProcessFinished);
    connect(m_process, &QProcess::errorOccurred, this, &EngineClient::onProcessError);
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

void EngineClient::handleLine(const QByteArray& line)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        // Plain text from the engine (or from a command without --events): show it, do not guess.
        Q_EMIT message(QStringLiteral("output"), QString::fromUtf8(line));
        return;
    }
    const QJsonObject o = doc.object();
    handleEvent(o.value(QStringLiteral("event")).toString(), o);
}

void EngineClient::handleEvent(const QString& event, const QJsonObject& o)
{
    auto num = [&o](const char* key, double fallback = 0) {
        return o.value(QLatin1String(key)).toDouble(fallback);
    };
    auto integer = [&o](const char* key) { return o.value(QLatin1String(key)).toInteger(); };
    auto text = [&o](const char* key) { return o.value(QLatin1String(key)).toString(); };

    if (event == QLatin1String("started")) {
        m_runId = integer("run_id");
        Q_EMIT started(m_runId, text("method"), integer("total_steps"));
    } else if (event == QLatin1String("phase")) {
        Q_EMIT phaseChanged(text("phase"));
    } else if (event == QLatin1String("progress")) {
        EngineProgress p;
        p.phase = text("phase");
        p.step = integer("step");
        p.total = integer("total");
        p.etaSeconds = num("eta_s", -1);
        p.tokensPerSecond = num("tokens_per_s");
        p.memoryBytes = integer("mem_bytes");
        Q_EMIT progress(p);
    } else if (event == QLatin1String("metric")) {
        Q_EMIT metric(text("name"), integer("step"), num("value", qQNaN()), num("t"),
                      o.value(QStringLiteral("context")).toObject(), text("context_key"));
    } else if (event == QLatin1String("eval")) {
        Q_EMIT evalResult(integer("step"), num("ppl", qQNaN()), num("nll", qQNaN()), integer("tokens"),
                          num("t"));
    } else if (event == QLatin1String("message")) {
        Q_EMIT message(text("level"), text("text"));
    } else if (event == QLatin1String("paused")) {
        setState(State::Paused);
        Q_EMIT paused();
    } else if (event == QLatin1String("resumed")) {
        setState(State::Running);
        Q_EMIT resumed();
    } else if (event == QLatin1String("checkpoint")) {
        Q_EMIT checkpoint(text("path"), integer("step"));
    } else if (event == QLatin1String("finished")) {
        if (!m_ended) {
            m_ended = true;
            Q_EMIT finished(text("status"), text("message"));
        }
    } else if (event == QLatin1String("failed")) {
        if (!m_ended) {
            m_ended = true;
            Q_EMIT failed(text("message"), text("hint"));
        }
    } else {
        // A newer engine may add events; they must not break an older GUI.
        Q_EMIT message(QStringLiteral("debug"), tr("Unknown engine event: %1").arg(event));
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
                   tr("Expected qatbench-cli at %1. Reinstall QATBench or set QATBENCH_CLI.").arg(m_program));
}

} // namespace qat::ui

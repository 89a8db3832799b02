#include "workbench/runcontrol.h"

#include "common/format.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace qat::ui {

namespace {

double now()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

QString phaseTitle(const QString& phase)
{
    if (phase == QLatin1String("calibration")) return RunControl::tr("Calibration");
    if (phase == QLatin1String("training")) return RunControl::tr("Training");
    if (phase == QLatin1String("eval")) return RunControl::tr("Evaluation");
    if (phase == QLatin1String("loading")) return RunControl::tr("Loading");
    if (phase == QLatin1String("tokenizing")) return RunControl::tr("Tokenizing");
    if (phase == QLatin1String("pretraining")) return RunControl::tr("Pretraining"); // the demo's own model
    if (phase == QLatin1String("export")) return RunControl::tr("Export");
    return phase;
}

} // namespace

RunControl::RunControl(EngineClient* client, QWidget* parent) : QWidget(parent), m_client(client)
{
    m_start = new QPushButton(tr("Start run"), this);
    m_start->setDefault(true);
    m_pause = new QPushButton(tr("Pause"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setToolTip(tr("The engine finishes the current step, writes a checkpoint and ends the run."));
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    m_bar->setFormat(QString());
    m_bar->setTextVisible(true);
    m_runBar = new QProgressBar(this);
    m_runBar->setRange(0, 1000);
    m_runBar->setValue(0);
    m_runBar->setFormat(QString());
    m_runBar->setTextVisible(true);
    m_runBar->setToolTip(tr("The whole run: calibration, training and the evaluations, by the time each "
                            "has taken so far. The clock stops while the run is paused."));
    m_runText = new QLabel(this);
    m_runText->setTextFormat(Qt::PlainText);
    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    m_phase = new QLabel(tr("Idle"), this);
    m_phase->setMinimumWidth(120);
    m_stats = new QLabel(this);
    m_stats->setTextFormat(Qt::PlainText);
    m_banner = new QLabel(this);
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setStyleSheet(QStringLiteral(
        "QLabel { background: #fdecea; color: #611a15; border: 1px solid #f5c6cb; padding: 6px; }"));
    m_banner->hide();
    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setPlaceholderText(tr("Engine messages appear here."));
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // The log follows new lines unless the user scrolled up to read; back at the bottom it follows again.
    QScrollBar* logBar = m_log->verticalScrollBar();
    connect(logBar, &QScrollBar::valueChanged, this,
            [this, logBar](int value) { m_followLog = value >= logBar->maximum(); });
    connect(logBar, &QScrollBar::rangeChanged, this, [this, logBar](int, int max) {
        if (m_followLog) logBar->setValue(max);
    });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    buttons->addSpacing(12);
    buttons->addWidget(m_phase);
    buttons->addWidget(m_bar, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* whole = new QHBoxLayout;
    auto* wholeTitle = new QLabel(tr("Whole run"), this);
    wholeTitle->setMinimumWidth(m_start->sizeHint().width());
    whole->addWidget(wholeTitle);
    whole->addWidget(m_runBar, 1);
    layout->addLayout(buttons);
    layout->addLayout(whole);
    layout->addWidget(m_runText);
    layout->addWidget(m_stats);
    layout->addWidget(m_banner);
    layout->addWidget(m_log, 1);

    connect(m_start, &QPushButton::clicked, this, [this] {
        m_banner->hide();
        Q_EMIT startRequested();
    });
    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (m_client->state() == EngineClient::State::Paused)
            m_client->resume();
        else
            m_client->pause();
    });
    connect(m_stop, &QPushButton::clicked, m_client, &EngineClient::stop);
    connect(m_client, &EngineClient::stateChanged, this, &RunControl::updateButtons);
    connect(m_client, &EngineClient::progress, this, &RunControl::onProgress);
    connect(m_tick, &QTimer::timeout, this, &RunControl::showRunProgress);
    connect(m_client, &EngineClient::phaseChanged, this, [this](const QString& phase) {
        m_run.phase(phase, eventClock());
        showRunProgress();
        m_phaseName = phase;
        m_phase->setText(phaseTitle(phase));
        appendLog(QStringLiteral("info"), tr("Phase: %1").arg(phaseTitle(phase)));
    });
    connect(m_client, &EngineClient::started, this,
            [this](qint64 runId, const QString& method, qint64 total) {
                m_banner->hide();
                m_haveClockOffset = false;
                // The engine sends the run's stored experiment (each run of the demo has its own); an engine
                // that does not gets the plan the owner set from its form.
                const nlohmann::json& experiment = m_client->experiment();
                m_run.start(experiment.is_object() ? planFromExperiment(experiment) : m_plan, eventClock());
                m_tick->start();
                showRunProgress();
                m_bar->setRange(0, int(std::max<qint64>(1, total)));
                m_bar->setValue(0);
                appendLog(QStringLiteral("info"),
                          tr("Run %1 started: %2, %3 steps").arg(runId).arg(method).arg(total));
            });
    connect(m_client, &EngineClient::message, this, &RunControl::appendLog);
    connect(m_client, &EngineClient::paused, this, [this] {
        m_run.pause(eventClock());
        showRunProgress();
        appendLog(QStringLiteral("info"), tr("Paused. Resume continues from the same step."));
    });
    connect(m_client, &EngineClient::resumed, this, [this] {
        m_run.resume(eventClock());
        showRunProgress();
        appendLog(QStringLiteral("info"), tr("Resumed."));
    });
    connect(m_client, &EngineClient::metric, this, [this](const QString& name, qint64 step) {
        if (name == QLatin1String("eval/ppl"))
            m_run.evaluation(step, eventClock(), false);
        else if (name.startsWith(QLatin1String("train/")))
            m_run.trainingMetric(step, eventClock());
    });
    connect(m_client, &EngineClient::checkpoint, this, [this](const QString& path, qint64 step) {
        appendLog(QStringLiteral("info"), tr("Checkpoint at step %1: %2").arg(step).arg(path));
    });
    connect(m_client, &EngineClient::evalResult, this,
            [this](qint64 step, double ppl, double, qint64 tokens, double) {
                m_run.evaluation(step, eventClock(), true);
                appendLog(QStringLiteral("info"), tr("Evaluation at step %1: perplexity %2 over %3 tokens")
                                                      .arg(step)
                                                      .arg(ppl, 0, 'f', 3)
                                                      .arg(tokens));
            });
    connect(m_client, &EngineClient::finished, this, [this](const QString& status, const QString& message) {
        m_tick->stop();
        if (status == QLatin1String("completed")) m_run.finish(eventClock());
        showRunProgress();
        if (status == QLatin1String("completed")) {
            m_bar->setValue(m_bar->maximum());
            showOutcome(tr("Run completed."));
        } else if (status == QLatin1String("cancelled")) {
            // The demo stopped in its pretraining ends with no run: nothing to resume.
            showOutcome(m_client->runId() > 0 ? tr("Run stopped. It can be resumed from its last checkpoint.")
                                              : tr("Stopped before any run had started."));
        } else {
            showOutcome(tr("Run ended: %1").arg(status));
        }
        if (!message.isEmpty()) appendLog(QStringLiteral("info"), message);
    });
    connect(m_client, &EngineClient::failed, this, [this](const QString& message, const QString& hint) {
        m_tick->stop();
        showFailure(message, hint);
    });
    updateButtons();
}

double RunControl::eventClock()
{
    const double arrived = now(), sent = m_client->eventTime();
    if (sent <= 0) return arrived;
    // The engine's clock onto the GUI's by the smallest delay seen in this run: it may run on another host
    // with another clock, and events read late (the GUI was busy) keep the time they happened.
    if (!m_haveClockOffset || arrived - sent < m_clockOffset) {
        m_clockOffset = arrived - sent;
        m_haveClockOffset = true;
    }
    return sent + m_clockOffset;
}

void RunControl::setCanStart(bool can, const QString& reason)
{
    m_canStart = can;
    m_start->setToolTip(can ? tr("Start the experiment in the background engine.") : reason);
    updateButtons();
}

void RunControl::updateButtons()
{
    const auto state = m_client->state();
    const bool active = state != EngineClient::State::Idle;
    m_start->setEnabled(!active && m_canStart);
    m_pause->setEnabled(state == EngineClient::State::Running || state == EngineClient::State::Paused);
    m_pause->setText(state == EngineClient::State::Paused ? tr("Resume") : tr("Pause"));
    m_stop->setEnabled(state == EngineClient::State::Running || state == EngineClient::State::Paused);
    if (state == EngineClient::State::Stopping)
        m_phase->setText(tr("Stopping..."));
    else if (state == EngineClient::State::Paused)
        m_phase->setText(tr("Paused"));
    else if (state == EngineClient::State::Running)
        m_phase->setText(m_phaseName.isEmpty() ? tr("Starting...") : phaseTitle(m_phaseName));
}

void RunControl::onProgress(const EngineProgress& p)
{
    EngineProgress arrived = p;
    arrived.time = eventClock();
    m_run.progress(arrived);
    if (p.phase != m_phaseName && !p.phase.isEmpty()) {
        m_phaseName = p.phase;
        m_phase->setText(phaseTitle(p.phase));
    }
    m_bar->setRange(0, int(std::max<qint64>(1, p.total)));
    m_bar->setValue(int(std::min(p.step, std::max<qint64>(1, p.total))));
    m_bar->setFormat(p.total > 0 ? tr("step %1 / %2").arg(p.step).arg(p.total) : tr("step %1").arg(p.step));
    QStringList parts;
    parts << (p.etaSeconds >= 0 ? tr("ETA %1").arg(formatDuration(p.etaSeconds)) : tr("ETA unknown"));
    if (p.tokensPerSecond > 0) parts << tr("%1 tokens/s").arg(p.tokensPerSecond, 0, 'f', 0);
    if (p.memoryBytes > 0) parts << tr("memory %1").arg(formatBytes(p.memoryBytes));
    m_stats->setText(parts.join(QStringLiteral("   ·   ")));
    showRunProgress();
}

void RunControl::showRunProgress()
{
    if (!m_run.isStarted()) {
        m_runBar->setValue(0);
        m_runBar->setFormat(QString());
        m_runText->clear();
        return;
    }
    const RunProgress::View v = m_run.view(now());
    m_runBar->setValue(v.fraction >= 0 ? int(std::lround(v.fraction * 1000)) : 0);
    m_runBar->setFormat(v.fraction >= 0 ? tr("%1 %").arg(v.fraction * 100, 0, 'f', 0) : tr("timing..."));
    QStringList parts;
    if (v.calibrationTotal > 0)
        parts << tr("calibration %1/%2").arg(v.calibrationDone).arg(v.calibrationTotal);
    if (v.trainingTotal > 0) parts << tr("training %1/%2").arg(v.trainingDone).arg(v.trainingTotal);
    if (v.evalsTotal > 0) parts << tr("evaluations %1/%2").arg(v.evalsDone).arg(v.evalsTotal);
    parts << tr("elapsed %1").arg(formatDuration(v.elapsedSeconds));
    QString eta =
        v.etaSeconds < 0 ? tr("ETA once a step is timed") : tr("ETA %1").arg(formatDuration(v.etaSeconds));
    if (v.etaSeconds >= 0 && v.etaPartial) eta += tr(" + what is not timed yet");
    if (v.paused) eta = tr("paused: the clock is stopped, %1 left when resumed").arg(eta);
    parts << eta;
    m_runText->setText(parts.join(QStringLiteral("   ·   ")));
}

QString RunControl::runProgressText() const
{
    return m_runText->text();
}

void RunControl::appendLog(const QString& level, const QString& text)
{
    const QString time = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
    QString prefix;
    if (level == QLatin1String("warning"))
        prefix = tr("warning: ");
    else if (level == QLatin1String("error"))
        prefix = tr("error: ");
    const bool follow = m_followLog;
    m_log->appendPlainText(time + QLatin1Char(' ') + prefix + text);
    if (follow) m_log->verticalScrollBar()->setValue(m_log->verticalScrollBar()->maximum());
}

void RunControl::clearLog()
{
    m_run = RunProgress();
    m_tick->stop();
    showRunProgress();
    m_log->clear();
    m_followLog = true;
    m_stats->clear();
    m_banner->hide();
    m_phaseName.clear();
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    m_bar->setFormat(QString());
}

void RunControl::showFailure(const QString& message, const QString& hint)
{
    QString text = tr("The run failed: %1").arg(message);
    if (!hint.isEmpty()) text += QLatin1Char('\n') + hint;
    m_banner->setText(text);
    m_banner->show();
    m_phase->setText(tr("Failed"));
    appendLog(QStringLiteral("error"), message);
}

void RunControl::showOutcome(const QString& text)
{
    m_phase->setText(tr("Done"));
    m_stats->setText(text);
    appendLog(QStringLiteral("info"), text);
}

QString RunControl::failureText() const
{
    return m_banner->isVisible() || !m_banner->isHidden() ? m_banner->text() : QString();
}

QString RunControl::statusText() const
{
    return m_stats->text();
}

} // namespace qat::ui

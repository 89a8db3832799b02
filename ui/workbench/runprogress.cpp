#include "workbench/runprogress.h"

#include "common/engineclient.h"

#include "qatbench/method.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace qat::ui {

RunPlan planFromExperiment(const nlohmann::json& experiment, bool methodTrains)
{
    RunPlan plan;
    auto integer = [&experiment](const char* section, const char* key) -> qint64 {
        const auto s = experiment.find(section);
        if (s == experiment.end() || !s->is_object()) return 0;
        const auto v = s->find(key);
        return v != s->end() && v->is_number() ? std::max<qint64>(0, v->get<qint64>()) : 0;
    };
    plan.trainingSteps = methodTrains ? integer("training", "steps") : 0;
    plan.evalEvery = methodTrains ? integer("training", "eval_every") : 0;
    const auto data = experiment.find("data");
    plan.finalEvaluation = data != experiment.end() && data->is_object() && data->contains("eval") &&
                           (*data)["eval"].is_string() && !(*data)["eval"].get<std::string>().empty();
    // Missing settings take the experiment's declared defaults when the engine fills them in; the started
    // event carries the filled document, a form's draft may lack some (then the estimate is left out).
    plan.stepTokens = double(integer("data", "batch_size") *
                             std::max<qint64>(1, integer("data", "grad_accum")) * integer("data", "seq_len"));
    const qint64 windows = integer("data", "eval_max_windows"), evalLen = integer("data", "eval_seq_len");
    if (windows > 0)
        plan.evalTokens = double(windows * evalLen);
    else if (plan.finalEvaluation)
        plan.evalTokens =
            double(QFileInfo(QString::fromStdString((*data)["eval"].get<std::string>())).size()) / 4;
    return plan;
}

RunPlan planFromExperiment(const nlohmann::json& experiment)
{
    const auto method = experiment.is_object() ? experiment.find("method") : experiment.end();
    std::string id;
    if (method != experiment.end() && method->is_object() && method->contains("name") &&
        (*method)["name"].is_string())
        id = (*method)["name"].get<std::string>();
    const MethodInfo* info = findMethod(id);
    return planFromExperiment(experiment, info ? info->trains : true);
}

void RunProgress::start(const RunPlan& plan, double t)
{
    *this = RunProgress();
    m_plan = plan;
    m_started = true;
    m_start = m_last = t;
}

void RunProgress::advance(double t, int kind, double units)
{
    if (!m_started || m_paused || t <= 0) return;
    const double dt = std::max(0.0, t - m_last);
    m_last = std::max(m_last, t);
    if (kind < 0) return; // loading, tokenizing, export: elapsed, but no unit of planned work
    m_seconds[kind] += dt;
    m_units[kind] += std::max(0.0, units);
}

void RunProgress::phase(const QString& phase, double t)
{
    // The engine reports a phase's steps at most every 0.25 s: the steps a phase did after its last report
    // end with it.
    if (m_phase == QLatin1String("calibration") && m_calibTotal > m_calibDone) {
        advance(t, Calibration, double(m_calibTotal - m_calibDone));
        m_calibDone = m_calibTotal;
    } else if (m_phase == QLatin1String("training") && m_plan.trainingSteps > m_trainDone) {
        advance(t, Training, double(m_plan.trainingSteps - m_trainDone));
        m_trainDone = m_trainSeen = m_plan.trainingSteps;
    } else {
        advance(t, -1, 0);
    }
    if (phase == QLatin1String("calibration") && m_calibTotal < 0) m_calibTotal = 0; // known once it reports
    if (phase == QLatin1String("training") && m_calibTotal < 0) m_calibTotal = 0;    // no calibration
    m_phase = phase;
}

void RunProgress::progress(const EngineProgress& p)
{
    // A report says how many steps are done before the next one. The first report of a phase may count steps
    // done before this process (a resumed run): they are no work of this run's clock.
    if (p.phase == QLatin1String("calibration")) {
        m_calibTotal = std::max<qint64>(p.total, 0);
        const bool first = !m_calibReported;
        m_calibReported = true;
        advance(p.time, first ? -1 : Calibration, double(std::max<qint64>(0, p.step - m_calibDone)));
        m_calibDone = std::max(m_calibDone, p.step);
    } else if (p.phase == QLatin1String("training")) {
        if (m_trainSeen < 0) {
            if (m_calibTotal < 0) m_calibTotal = 0;
            advance(p.time, -1, 0);
            m_trainSeen = p.step;
            m_trainDone = std::max(m_trainDone, p.step);
        } else {
            trainingMetric(p.step, p.time);
        }
    } else if (p.phase == QLatin1String("eval") && p.total > 0) {
        const double f = std::clamp(double(p.step) / double(p.total), 0.0, 1.0);
        advance(p.time, Evaluation, f - m_finalEvalFraction);
        m_finalEvalFraction = std::max(m_finalEvalFraction, f);
    } else {
        advance(p.time, -1, 0);
    }
}

void RunProgress::trainingMetric(qint64 step, double t)
{
    if (m_calibTotal < 0) m_calibTotal = 0;
    if (m_trainSeen < 0) m_trainSeen = std::max<qint64>(0, step - 1); // a resumed run starts mid-way
    advance(t, Training, double(std::max<qint64>(0, step - m_trainSeen)));
    m_trainSeen = std::max(m_trainSeen, step);
    m_trainDone = std::max(m_trainDone, step);
}

void RunProgress::evaluation(qint64 step, double t, bool final)
{
    if (final) {
        advance(t, Evaluation, 1.0 - m_finalEvalFraction);
        m_finalEvalFraction = 1.0;
    } else {
        advance(t, Evaluation, 1.0);
        m_lastEvalStep = std::max(m_lastEvalStep, step);
    }
    ++m_evalsDone;
}

void RunProgress::pause(double t)
{
    if (!m_started || m_paused) return;
    m_paused = true;
    m_pausedAt = t;
}

void RunProgress::resume(double t)
{
    if (!m_paused) return;
    m_paused = false;
    const double paused = std::max(0.0, t - m_pausedAt);
    m_pausedTotal += paused;
    m_last += paused; // the pause is no step's work
}

void RunProgress::finish(double t)
{
    if (m_paused) resume(t);
    m_finished = true;
    m_end = t;
}

double RunProgress::secondsPerUnit(int kind) const
{
    return m_units[kind] > 0 ? m_seconds[kind] / m_units[kind] : -1;
}

double RunProgress::secondsPerEvaluation() const
{
    if (const double timed = secondsPerUnit(Evaluation); timed >= 0) return timed;
    const double train = secondsPerUnit(Training), calib = secondsPerUnit(Calibration);
    const double step = train >= 0 ? train : calib;
    if (step < 0 || m_plan.stepTokens <= 0 || m_plan.evalTokens <= 0) return -1;
    return step * m_plan.evalTokens / m_plan.stepTokens / 3.0;
}

qint64 RunProgress::evalsLeft() const
{
    qint64 left = 0;
    if (m_plan.evalEvery > 0 && m_plan.trainingSteps > 0) {
        // Evaluations at every multiple of eval_every up to the last step; a resumed run did the earlier
        // ones.
        const qint64 after = std::max(m_lastEvalStep, m_trainSeen >= 0 ? m_trainDone - 1 : 0);
        left = m_plan.trainingSteps / m_plan.evalEvery - std::max<qint64>(0, after) / m_plan.evalEvery;
        if (m_lastEvalStep < 0 && m_trainSeen < 0) left = m_plan.trainingSteps / m_plan.evalEvery;
    }
    return std::max<qint64>(0, left);
}

RunProgress::View RunProgress::view(double now) const
{
    View v;
    v.paused = m_paused;
    v.calibrationDone = m_calibDone;
    v.calibrationTotal = m_calibTotal;
    v.trainingDone = m_trainDone;
    v.trainingTotal = m_plan.trainingSteps;
    const qint64 trainEvals = m_plan.evalEvery > 0 ? m_plan.trainingSteps / m_plan.evalEvery : 0;
    v.evalsTotal = trainEvals + (m_plan.finalEvaluation ? 1 : 0);
    const double finalLeft = m_plan.finalEvaluation ? 1.0 - m_finalEvalFraction : 0.0;
    const double evalUnitsLeft = double(evalsLeft()) + finalLeft;
    v.evalsDone = std::clamp<qint64>(v.evalsTotal - qint64(std::ceil(evalUnitsLeft)), 0, v.evalsTotal);
    if (!m_started) return v;
    const double clock = m_finished ? m_end : m_paused ? m_pausedAt : std::max(now, m_last);
    v.elapsedSeconds = std::max(0.0, clock - m_start - m_pausedTotal);
    if (m_finished) {
        v.fraction = 1;
        v.etaSeconds = 0;
        m_shownFraction = 1;
        return v;
    }

    double eta = 0;
    bool any = false;
    auto add = [&](double units, double secondsPerUnit) {
        if (units <= 0) return;
        if (secondsPerUnit < 0) {
            v.etaPartial = true;
            return;
        }
        eta += units * secondsPerUnit;
        any = true;
    };
    const double calib = secondsPerUnit(Calibration), train = secondsPerUnit(Training);
    if (m_calibTotal < 0)
        v.etaPartial = true; // still loading: whether the method calibrates is not known yet
    else
        add(double(m_calibTotal - m_calibDone), calib);
    // A training step costs about what a calibration step costs (both a forward and a backward pass) until
    // one is timed.
    add(double(m_plan.trainingSteps - m_trainDone), train >= 0 ? train : calib);
    add(evalUnitsLeft, secondsPerEvaluation());
    if (!any && v.etaPartial) return v; // nothing timed yet
    const double sinceLast = std::max(0.0, clock - m_last);
    v.etaSeconds = std::max(0.0, eta - sinceLast);
    const double total = v.elapsedSeconds + v.etaSeconds;
    // Work is left: never 100 % (the countdown may pass the estimate), and never back.
    constexpr double kMaxUnfinished = 0.99;
    const double f = total > 0 ? std::clamp(v.elapsedSeconds / total, 0.0, kMaxUnfinished) : 0;
    m_shownFraction = std::max(m_shownFraction, f);
    v.fraction = m_shownFraction;
    return v;
}

} // namespace qat::ui

#pragma once
// Progress and ETA of a whole run (issue 18, 10): calibration, training and the evaluations (during training
// and the final one), from the engine's events and the experiment's plan. Pure logic, no widgets: RunControl
// shows it, tests feed it events with their times.
//
// Every second of active time between two events goes to the work of the later event (a calibration or
// training step, an evaluation); the seconds per unit measured so far times the units left give the ETA. An
// evaluation not timed yet is estimated from a timed step by the tokens each processes (a forward pass over
// the evaluation's tokens costs about a third of a training step over as many tokens: no backward pass);
// other work not timed yet is left out, and the ETA says so (partial). While the run is paused the clock
// stops: the elapsed time and the ETA stay where they were until it resumes.
//
// The whole run's fraction is the elapsed time over elapsed + ETA. It never goes back (a slower step than
// expected holds it until the time catches up) and stays below 100 % until the run has finished. Times are
// the engine's own event times (RunControl maps them onto the GUI's clock): timed on arrival, a burst of
// events that the GUI read late looked like steps of no time and gave an ETA of 0 and 100 % at training step
// 3 of 8.

#include <nlohmann/json.hpp>

#include <QString>

namespace qat::ui {

struct EngineProgress;

struct RunPlan
{
    qint64 trainingSteps = 0; // 0: the method does not train
    qint64 evalEvery = 0;     // evaluations during training every N steps (0: none)
    bool finalEvaluation = true;
    // Tokens of a calibration or training step (batch x accumulation x length), of an evaluation; 0 unknown.
    double stepTokens = 0;
    double evalTokens = 0;
};

// From the experiment JSON (training.steps, training.eval_every, data.*) and whether the method trains. The
// evaluation's tokens: data.eval_max_windows x eval_seq_len, or for the whole file its size / 4 (about four
// bytes of English text per token).
RunPlan planFromExperiment(const nlohmann::json& experiment, bool methodTrains);
// The same, whether the method trains looked up from method.name (a method not registered here: it trains).
RunPlan planFromExperiment(const nlohmann::json& experiment);

class RunProgress
{
public:
    struct View
    {
        double fraction = -1;      // of the whole run, 0..1; < 0 until something is timed
        double etaSeconds = -1;    // < 0 when unknown
        bool etaPartial = false;   // some remaining work is not timed yet and not in the ETA
        double elapsedSeconds = 0; // active time (pauses left out)
        bool paused = false;
        qint64 calibrationDone = 0, calibrationTotal = -1; // -1: not known (yet)
        qint64 trainingDone = 0, trainingTotal = 0;
        qint64 evalsDone = 0, evalsTotal = 0;
    };

    void start(const RunPlan& plan, double t); // a run started (or resumed) at unix time t
    void phase(const QString& phase, double t);
    void progress(const EngineProgress& p);             // p.time
    void trainingMetric(qint64 step, double t);         // train/* metric: a training step ended
    void evaluation(qint64 step, double t, bool final); // eval/ppl during training, or the final eval event
    void pause(double t);
    void resume(double t);
    void finish(double t);

    View view(double now) const;
    bool isStarted() const { return m_started; }

private:
    enum Kind
    {
        Calibration,
        Training,
        Evaluation,
        KindCount,
    };
    void advance(double t, int kind, double units);
    double secondsPerUnit(int kind) const; // < 0 when not timed
    double secondsPerEvaluation() const;   // timed, else estimated from a timed step; < 0 when neither
    qint64 evalsLeft() const;

    RunPlan m_plan;
    bool m_started = false, m_paused = false, m_finished = false;
    double m_start = 0, m_last = 0, m_pausedAt = 0, m_pausedTotal = 0, m_end = 0;
    double m_seconds[KindCount] = {};
    double m_units[KindCount] = {};
    qint64 m_calibDone = 0, m_calibTotal = -1;
    bool m_calibReported = false;             // a calibration report arrived (the first one times nothing)
    qint64 m_trainDone = 0, m_trainSeen = -1; // last training step seen; -1 before the first
    qint64 m_lastEvalStep = -1;
    qint64 m_evalsDone = 0;
    double m_finalEvalFraction = 0;      // windows done / total of the final evaluation while it runs
    mutable double m_shownFraction = -1; // the highest fraction view() has given: it never goes back
    QString m_phase;
};

} // namespace qat::ui

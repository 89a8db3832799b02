#pragma once
// Progress and ETA of a whole run (issue 18, 10): calibration, training and the evaluations (during training
// and the final one), from the engine's events and the experiment's plan. Pure logic, no widgets: RunControl
// shows it, tests feed it events with their times.
//
// Every second of active time between two events goes to the work of the later event (a calibration or
// training step, an evaluation); the seconds per unit measured so far times the units left give the ETA. A
// kind of work not timed yet is estimated from a timed one where that is sound (a training step from a
// calibration step) and otherwise left out, and the ETA says so (partial). While the run is paused the clock
// stops: the elapsed time and the ETA stay where they were until it resumes.

#include <nlohmann/json.hpp>

#include <QString>

namespace qat::ui {

struct EngineProgress;

struct RunPlan
{
    qint64 trainingSteps = 0; // 0: the method does not train
    qint64 evalEvery = 0;     // evaluations during training every N steps (0: none)
    bool finalEvaluation = true;
};

// From the experiment JSON (training.steps, training.eval_every, data.eval) and whether the method trains.
RunPlan planFromExperiment(const nlohmann::json& experiment, bool methodTrains);

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
    qint64 evalsLeft() const;

    RunPlan m_plan;
    bool m_started = false, m_paused = false, m_finished = false;
    double m_start = 0, m_last = 0, m_pausedAt = 0, m_pausedTotal = 0, m_end = 0;
    double m_seconds[KindCount] = {};
    double m_units[KindCount] = {};
    qint64 m_calibDone = 0, m_calibTotal = -1;
    qint64 m_trainDone = 0, m_trainSeen = -1; // last training step seen; -1 before the first
    qint64 m_lastEvalStep = -1;
    qint64 m_evalsDone = 0;
    double m_finalEvalFraction = 0; // windows done / total of the final evaluation while it runs
    QString m_phase;
};

} // namespace qat::ui

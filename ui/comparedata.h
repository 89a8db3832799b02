#pragma once
// The pure logic of the Compare view (no widgets, tested on its own): runs loaded from the store with their
// scalar series and parameters; the value of a metric at a chosen step (the nearest point at or before it),
// final and best; the config diff; grouping of runs by parameters ignoring the seed, with mean and min-max
// band; x by step, wall time or time since the run started.

#include "qatbench/store.h"
#include "qatbench/tasks_stored.h"

#include <QColor>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>
#include <vector>

namespace qat::ui {

enum class CompareAxis
{
    Step,
    WallTime,     // unix seconds (a date-time axis)
    RelativeTime, // seconds since the run's first point
};

struct CompareRun
{
    RunInfo info;
    std::vector<RunParam> params;
    QMap<QString, QVector<ScalarPoint>> series; // metric key ("train/loss", "eval/ppl", "x[ctx]") -> points
    std::vector<StoredTaskScore> tasks;         // multiple-choice task scores (comparetasks.h)
    QColor color;
    QString label() const;     // name, or "run <id>"
    double timeOrigin() const; // the run's first point's wall time (started when there is none)
};

// Reads runs, their parameters, every scalar series (all points, no downsampling beyond maxPoints) and their
// evaluations (as "eval/<metric>" when the engine did not log that series itself; task scores go to tasks,
// not to a curve). Throws qat::Error.
std::vector<CompareRun> loadCompareRuns(const std::string& database, const std::vector<int64_t>& runIds,
                                        int maxPoints = 5000);

// The key a series is listed under: name, plus "[context]" when it has one.
QString seriesKey(const SeriesInfo& s);

// Loss-like metrics are better when lower; accuracy-like ("acc", "tokens_per_s", ...) when higher.
bool lowerIsBetter(const QString& metric);

// The point at or before step (the last one when step is past the end); nullopt when step precedes every
// point.
std::optional<ScalarPoint> valueAtStep(const QVector<ScalarPoint>& points, qint64 step);

struct MetricSummary
{
    std::optional<ScalarPoint> atStep; // nearest point at or before the chosen step
    std::optional<ScalarPoint> last;   // the final point
    std::optional<ScalarPoint> best;   // the lowest (or highest, see lowerIsBetter) finite point
};
MetricSummary summarize(const QVector<ScalarPoint>& points, qint64 step, bool lowerBetter);

// The x of a point on the chosen axis.
double xOf(const ScalarPoint& p, CompareAxis axis, double timeOrigin);

// --- config diff
struct DiffRow
{
    QString key;        // dotted parameter key
    QStringList values; // one per run ("" when a run lacks the key)
    bool differs = false;
};
// Every parameter key of the runs (sorted), with whether the values differ.
std::vector<DiffRow> configDiff(const std::vector<CompareRun>& runs);

// --- grouping
// Parameter keys that never separate groups: seeds, names, paths of the run's own folders.
bool isIgnoredForGrouping(const QString& key);

struct RunGroup
{
    QString label;              // the differing parameters "bits=3, lr=0.001" (or the first run's name)
    std::vector<int> members;   // indexes into the runs vector
    QMap<QString, QString> key; // the parameters that define it
};
// Runs with equal parameters (ignoring isIgnoredForGrouping keys) share a group; groups keep first-run order.
std::vector<RunGroup> groupRuns(const std::vector<CompareRun>& runs);

struct BandCurve
{
    QVector<double> x, mean, min, max;
    QVector<int> n; // runs contributing at each x
};
// At every step where any member has a point, the members whose range covers that step contribute their value
// at or before it (non-finite values are left out). x is the step, or the members' mean time on time axes.
BandCurve groupBand(const std::vector<CompareRun>& runs, const RunGroup& group, const QString& metric,
                    CompareAxis axis);

// Every metric key any run has, sorted, with "train/loss" and "eval/ppl" first when present.
QStringList metricKeys(const std::vector<CompareRun>& runs);

} // namespace qat::ui

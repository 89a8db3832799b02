#pragma once
// The pure logic of the Compare view (no widgets, tested on its own): runs loaded from the store with their
// scalar series and parameters; the value of a metric at a chosen step (the nearest point at or before it),
// final and best (which way is better: core's metricGoal, the rule the CLI uses too); smoothing (the live
// charts' debiased EMA, MetricSeries); the config diff; grouping of runs by parameters ignoring the seed,
// with mean and a min-max, standard deviation or standard error band, labelled by the parameters that differ;
// runs without training as reference lines; the values under the mouse; a final metric against a parameter;
// x by step, wall time or time since the run started.

#include "qatbench/compare.h"
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
    // A run without training (RTN, GPTQ, full precision): no planned steps and no point past step 0. Its
    // metrics are drawn as horizontal reference lines across the other runs' curves.
    bool isReference() const;
};

// Reads runs, their parameters, every scalar series (all points, no downsampling beyond maxPoints) and their
// evaluations (as "eval/<metric>" when the engine did not log that series itself; task scores go to tasks,
// not to a curve). Throws qat::Error.
std::vector<CompareRun> loadCompareRuns(const std::string& database, const std::vector<int64_t>& runIds,
                                        int maxPoints = 5000);

// The key a series is listed under: name, plus "[context]" when it has one.
QString seriesKey(const SeriesInfo& s);

// Which way the metric is better: qat::metricGoal (core/include/qatbench/compare.h), shared with the CLI.
MetricGoal goalOf(const QString& metric);

// The point at or before step (the last one when step is past the end); nullopt when step precedes every
// point.
std::optional<ScalarPoint> valueAtStep(const QVector<ScalarPoint>& points, qint64 step);

struct MetricSummary
{
    std::optional<ScalarPoint> atStep; // nearest point at or before the chosen step
    std::optional<ScalarPoint> last;   // the final point
    std::optional<ScalarPoint> best;   // the lowest or highest finite point (goalOf); none when neither
    MetricStats stats;                 // final, best, min, max, last (core's metricStats)
};
MetricSummary summarize(const QVector<ScalarPoint>& points, qint64 step, MetricGoal goal,
                        bool runEnded = true);

// The debiased EMA of the live charts (MetricSeries, TensorBoard's slider) over the points' values; weight
// 0 returns them unchanged.
QVector<ScalarPoint> smoothed(const QVector<ScalarPoint>& points, double weight);
// Every run's metric smoothed (a copy: the runs as loaded stay raw for the tables).
std::vector<CompareRun> smoothedRuns(const std::vector<CompareRun>& runs, const QString& metric,
                                     double weight);

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
    QString label;              // the differing parameters, short: "method=dlqat, bits=3 (n=2)" (paramLabel)
    QString tooltip;            // the same parameters in full, one per line, and the member runs
    std::vector<int> members;   // indexes into the runs vector
    QMap<QString, QString> key; // the parameters that define it
};
// Runs with equal parameters (ignoring isIgnoredForGrouping keys) share a group; groups keep first-run order.
std::vector<RunGroup> groupRuns(const std::vector<CompareRun>& runs);

struct BandCurve
{
    QVector<double> x, mean, min, max;
    QVector<double> std; // population standard deviation of the members' values (0 for one run)
    QVector<int> n;      // runs contributing at each x
};

enum class BandKind
{
    MinMax,
    StdDev, // mean +- standard deviation
    StdErr, // mean +- standard error of the mean (std / sqrt(n))
};
// The band's lower and upper edge at index i.
double bandLow(const BandCurve& band, BandKind kind, qsizetype i);
double bandHigh(const BandCurve& band, BandKind kind, qsizetype i);
// At every step where any member has a point, the members whose range covers that step contribute their value
// at or before it (non-finite values are left out). x is the step, or the members' mean time on time axes.
BandCurve groupBand(const std::vector<CompareRun>& runs, const RunGroup& group, const QString& metric,
                    CompareAxis axis);

// Every metric key any run has, sorted, with "train/loss" and "eval/ppl" first when present.
QStringList metricKeys(const std::vector<CompareRun>& runs);
QStringList sortedMetricKeys(QStringList keys); // the same order for any list of keys

// --- what the charts draw, and what is under the mouse
struct DrawnCurve
{
    QString label;
    QString tooltip; // the legend entry's tooltip (a group's parameters in full)
    QColor color;
    QVector<double> x, y;   // as drawn (smoothed when smoothing is on)
    QVector<qint64> steps;  // the step of each point
    bool reference = false; // a horizontal line at y[0] across the chart
};
struct HoverValue
{
    QString label;
    QColor color;
    double value = 0;
    qint64 step = 0;
};
// Each curve's value at x: the point at or before x (a reference line everywhere; a curve that has not
// started at x is left out).
std::vector<HoverValue> valuesAt(const std::vector<DrawnCurve>& curves, double x);

// --- a final metric against a parameter
struct ScatterPoint
{
    QString label;
    QColor color;
    double x = 0;  // the parameter's number, or the category's index when it is not numeric
    QString xText; // the parameter as text
    double y = 0;  // the run's last finite value of the metric
};
// One point per run that has both the parameter and a finite value; categories receives the category names
// (by index) when the parameter is not a number in every run, and stays empty otherwise.
std::vector<ScatterPoint> scatterPoints(const std::vector<CompareRun>& runs, const QString& metric,
                                        const QString& paramKey, QStringList* categories);
// Parameters whose values differ between the runs (identity keys such as seeds left out): the scatter's x.
QStringList scatterParams(const std::vector<CompareRun>& runs);

} // namespace qat::ui

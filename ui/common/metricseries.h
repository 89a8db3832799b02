#pragma once
// One scalar series of a run (training loss, learning rate, eval perplexity) held for display: points by step
// with wall time, an exponential moving average for the smoothed curve, and display downsampling so a chart
// stays smooth at 100,000 points. Pure logic, no widgets: tested on its own.

#include "qatbench/series_context.h"

#include <QString>
#include <QVector>

#include <cstddef>
#include <optional>
#include <string_view>

namespace qat::ui {

// The live charts' key of a series (ChartPanel, RunChartData): "train/loss", "train/lr{group=m}". The context
// key is read by core's SeriesContext::parse; split=train is the default split and leaves no trace; another
// split (final, ...) is no live curve: nullopt.
std::optional<SeriesContext> liveChartContext(std::string_view contextKey);
QString liveSeriesKey(const QString& name, const SeriesContext& context);

enum class XAxis
{
    Step,
    WallTime, // seconds since the first point of the series' run
};

struct XYData
{
    QVector<double> x;
    QVector<double> y;
};

class MetricSeries
{
public:
    // weight in [0, 1): 0 = no smoothing. Same debiased EMA as TensorBoard's slider.
    void setSmoothing(double weight);
    double smoothing() const { return m_weight; }

    // Points arrive in step order from the engine; an earlier or repeated step (a resumed run) replaces the
    // tail.
    void append(double step, double wallTime, double value);
    void clear();
    void setTimeOrigin(double wallTime) { m_timeOrigin = wallTime; }

    qsizetype size() const { return m_step.size(); }
    bool isEmpty() const { return m_step.isEmpty(); }
    double lastValue() const { return m_value.isEmpty() ? 0 : m_value.last(); }
    double minValue() const; // of the finite values; 0 when none
    double maxValue() const;
    double x(qsizetype i, XAxis axis) const;
    double xMin(XAxis axis) const { return isEmpty() ? 0 : x(0, axis); }
    double xMax(XAxis axis) const { return isEmpty() ? 0 : x(size() - 1, axis); }

    // At most about 2 * buckets points covering [xFrom, xTo]: per bucket the first, min, max and last point,
    // so spikes survive; the neighbours just outside the range are kept so lines run to the plot's edge.
    XYData downsampled(XAxis axis, double xFrom, double xTo, int buckets, bool smoothed) const;

    // Full resolution, for CSV export: step, wall time, value, smoothed.
    const QVector<double>& steps() const { return m_step; }
    const QVector<double>& wallTimes() const { return m_wall; }
    const QVector<double>& values() const { return m_value; }
    const QVector<double>& smoothedValues() const { return m_smoothed; }

private:
    void recomputeSmoothing(qsizetype from);

    QVector<double> m_step, m_wall, m_value, m_smoothed;
    double m_weight = 0.9;
    double m_timeOrigin = -1; // < 0: the first point's wall time
    // EMA state after the last point (debiasing needs the running weight sum).
    double m_ema = 0, m_emaNorm = 0;
};

} // namespace qat::ui

#include "common/metricseries.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qat::ui {

std::optional<SeriesContext> liveChartContext(std::string_view contextKey)
{
    SeriesContext c = SeriesContext::parse(contextKey);
    if (!c.split.empty() && c.split != "train") return std::nullopt;
    c.split.clear();
    return c;
}

QString liveSeriesKey(const QString& name, const SeriesContext& context)
{
    const std::string key = context.key();
    return key.empty() ? name : name + QLatin1Char('{') + QString::fromStdString(key) + QLatin1Char('}');
}

void MetricSeries::setSmoothing(double weight)
{
    weight = std::clamp(weight, 0.0, 0.999);
    if (weight == m_weight) return;
    m_weight = weight;
    recomputeSmoothing(0);
}

void MetricSeries::clear()
{
    m_step.clear();
    m_wall.clear();
    m_value.clear();
    m_smoothed.clear();
    m_ema = m_emaNorm = 0;
    m_timeOrigin = -1;
}

void MetricSeries::append(double step, double wallTime, double value)
{
    if (!m_step.isEmpty() && step <= m_step.last()) {
        // A resumed run repeats steps after its last checkpoint: the newer points win.
        const auto it = std::lower_bound(m_step.cbegin(), m_step.cend(), step);
        const qsizetype keep = it - m_step.cbegin();
        m_step.resize(keep);
        m_wall.resize(keep);
        m_value.resize(keep);
        m_smoothed.resize(keep);
        recomputeSmoothing(0);
    }
    m_step.append(step);
    m_wall.append(wallTime);
    m_value.append(value);
    if (std::isfinite(value)) {
        m_ema = m_ema * m_weight + (1 - m_weight) * value;
        m_emaNorm = m_emaNorm * m_weight + (1 - m_weight);
    }
    m_smoothed.append(m_emaNorm > 0 ? m_ema / m_emaNorm : std::numeric_limits<double>::quiet_NaN());
}

void MetricSeries::recomputeSmoothing(qsizetype from)
{
    Q_UNUSED(from); // the EMA is a running sum: recomputing from the start is exact and cheap enough
    m_ema = m_emaNorm = 0;
    m_smoothed.resize(m_value.size());
    for (qsizetype i = 0; i < m_value.size(); ++i) {
        const double v = m_value[i];
        if (std::isfinite(v)) {
            m_ema = m_ema * m_weight + (1 - m_weight) * v;
            m_emaNorm = m_emaNorm * m_weight + (1 - m_weight);
        }
        m_smoothed[i] = m_emaNorm > 0 ? m_ema / m_emaNorm : std::numeric_limits<double>::quiet_NaN();
    }
}

double MetricSeries::minValue() const
{
    double m = std::numeric_limits<double>::infinity();
    for (double v : m_value)
        if (std::isfinite(v)) m = std::min(m, v);
    return std::isfinite(m) ? m : 0;
}

double MetricSeries::maxValue() const
{
    double m = -std::numeric_limits<double>::infinity();
    for (double v : m_value)
        if (std::isfinite(v)) m = std::max(m, v);
    return std::isfinite(m) ? m : 0;
}

double MetricSeries::x(qsizetype i, XAxis axis) const
{
    if (axis == XAxis::Step) return m_step[i];
    const double origin = m_timeOrigin >= 0 ? m_timeOrigin : m_wall.first();
    return m_wall[i] - origin;
}

XYData MetricSeries::downsampled(XAxis axis, double xFrom, double xTo, int buckets, bool smoothed) const
{
    XYData out;
    const QVector<double>& ys = smoothed ? m_smoothed : m_value;
    const qsizetype n = size();
    if (n == 0) return out;
    // x is non-decreasing in both modes (steps ascend; wall time ascends within a run), so binary search
    // works.
    qsizetype lo = 0, hi = n - 1;
    {
        qsizetype a = 0, b = n;
        while (a < b) {
            const qsizetype mid = (a + b) / 2;
            if (x(mid, axis) < xFrom)
                a = mid + 1;
            else
                b = mid;
        }
        lo = std::max<qsizetype>(0, a - 1);
        a = lo, b = n;
        while (a < b) {
            const qsizetype mid = (a + b) / 2;
            if (x(mid, axis) <= xTo)
                a = mid + 1;
            else
                b = mid;
        }
        hi = std::min(n - 1, a);
    }
    buckets = std::max(buckets, 1);
    const qsizetype count = hi - lo + 1;
    out.x.reserve(std::min<qsizetype>(count, 4 * buckets + 2));
    out.y.reserve(out.x.capacity());
    auto add = [&](qsizetype i) {
        out.x.append(x(i, axis));
        out.y.append(ys[i]);
    };
    if (count <= 4 * qsizetype(buckets) || xTo <= xFrom) {
        for (qsizetype i = lo; i <= hi; ++i)
            add(i);
        return out;
    }
    const double width = (xTo - xFrom) / buckets;
    qsizetype i = lo;
    while (i <= hi) {
        const double bucket = std::floor((x(i, axis) - xFrom) / width);
        qsizetype first = i, last = i, minI = -1, maxI = -1;
        for (; i <= hi && std::floor((x(i, axis) - xFrom) / width) == bucket; ++i) {
            last = i;
            if (!std::isfinite(ys[i])) continue;
            if (minI < 0 || ys[i] < ys[minI]) minI = i;
            if (maxI < 0 || ys[i] > ys[maxI]) maxI = i;
        }
        qsizetype picks[4] = {first, minI, maxI, last};
        std::sort(std::begin(picks), std::end(picks));
        qsizetype previous = -1;
        for (qsizetype p : picks)
            if (p >= 0 && p != previous) add(previous = p);
    }
    return out;
}

} // namespace qat::ui

#include "compare/comparedata.h"

#include "common/metricseries.h"
#include "common/runcolors.h"
#include "common/runrepository.h"

#include <QSet>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace qat::ui {

QString CompareRun::label() const
{
    return info.name.empty() ? QStringLiteral("run %1").arg(info.id) : QString::fromStdString(info.name);
}

double CompareRun::timeOrigin() const
{
    double origin = info.started > 0 ? info.started : info.created;
    for (const auto& points : series)
        if (!points.isEmpty() && points.first().wallTime > 0)
            origin = std::min(origin, points.first().wallTime);
    return origin;
}

bool CompareRun::isReference() const
{
    return info.totalSteps == 0 && info.lastStep <= 0;
}

QString seriesKey(const SeriesInfo& s)
{
    return QString::fromStdString(metricKey(s.name, s.context));
}

std::vector<CompareRun> loadCompareRuns(const std::string& database, const std::vector<int64_t>& runIds,
                                        int maxPoints)
{
    RunStore store(database, readOnlyStore());
    std::vector<CompareRun> out;
    for (int64_t id : runIds) {
        std::optional<RunInfo> info = store.run(id);
        if (!info) continue;
        CompareRun run;
        run.info = *info;
        run.params = store.params(id);
        run.color = RunColors::instance().color(id);
        ScalarQuery query;
        query.maxPoints = maxPoints;
        for (const SeriesInfo& s : store.series(id)) {
            if (s.kind != SeriesKind::Scalar) continue;
            const std::vector<ScalarPoint> pts = store.scalars(s.id, query);
            run.series.insert(seriesKey(s), QVector<ScalarPoint>(pts.begin(), pts.end()));
        }
        // Evaluations the engine recorded only as eval results (not as a scalar series) still deserve a
        // curve.
        const QMap<QString, QVector<ScalarPoint>> logged = run.series;
        const std::vector<EvalResult> evals = store.evalResults(id);
        run.tasks = storedTaskScores(evals);
        for (const EvalResult& e : evals) {
            if (isTaskEval(e)) continue; // one "eval/acc" curve across tasks would mean nothing
            const QString key = QStringLiteral("eval/") + QString::fromStdString(e.metric);
            if (logged.contains(key)) continue;
            ScalarPoint p;
            p.step = e.step;
            p.wallTime = e.wallTime;
            p.value = p.min = p.max = e.value;
            run.series[key].append(p);
        }
        for (auto it = run.series.begin(); it != run.series.end(); ++it)
            std::stable_sort(it->begin(), it->end(),
                             [](const ScalarPoint& a, const ScalarPoint& b) { return a.step < b.step; });
        out.push_back(std::move(run));
    }
    return out;
}

MetricGoal goalOf(const QString& metric)
{
    return metricGoal(metric.toStdString());
}

std::optional<ScalarPoint> valueAtStep(const QVector<ScalarPoint>& points, qint64 step)
{
    auto it = std::upper_bound(points.begin(), points.end(), step,
                               [](qint64 s, const ScalarPoint& p) { return s < p.step; });
    if (it == points.begin()) return std::nullopt;
    return *(it - 1);
}

MetricSummary summarize(const QVector<ScalarPoint>& points, qint64 step, MetricGoal goal, bool runEnded)
{
    MetricSummary s;
    s.stats =
        metricStats(std::span<const ScalarPoint>(points.constData(), size_t(points.size())), goal, runEnded);
    if (points.isEmpty()) return s;
    s.atStep = valueAtStep(points, step);
    s.last = points.last();
    if (s.stats.bestStep >= 0) {
        const auto it = std::find_if(points.begin(), points.end(),
                                     [&](const ScalarPoint& p) { return p.step == s.stats.bestStep; });
        if (it != points.end()) s.best = *it;
    }
    return s;
}

QVector<ScalarPoint> smoothed(const QVector<ScalarPoint>& points, double weight)
{
    if (weight <= 0 || points.size() < 2) return points;
    MetricSeries ema; // the live charts' smoothing, so that both views draw the same curve
    ema.setSmoothing(weight);
    for (const ScalarPoint& p : points)
        ema.append(double(p.step), p.wallTime, p.value);
    QVector<ScalarPoint> out = points;
    const QVector<double>& s = ema.smoothedValues();
    for (qsizetype i = 0; i < out.size() && i < s.size(); ++i)
        out[i].value = std::isfinite(out[i].value) ? s[i] : out[i].value;
    return out;
}

std::vector<CompareRun> smoothedRuns(const std::vector<CompareRun>& runs, const QString& metric,
                                     double weight)
{
    std::vector<CompareRun> out = runs;
    if (weight <= 0) return out;
    for (CompareRun& r : out) {
        auto it = r.series.find(metric);
        if (it != r.series.end()) *it = smoothed(*it, weight);
    }
    return out;
}

double xOf(const ScalarPoint& p, CompareAxis axis, double timeOrigin)
{
    switch (axis) {
    case CompareAxis::Step:
        return double(p.step);
    case CompareAxis::WallTime:
        return p.wallTime;
    case CompareAxis::RelativeTime:
        return p.wallTime - timeOrigin;
    }
    return double(p.step);
}

std::vector<DiffRow> configDiff(const std::vector<CompareRun>& runs)
{
    std::map<QString, QStringList> table;
    for (size_t i = 0; i < runs.size(); ++i)
        for (const RunParam& p : runs[i].params) {
            QStringList& values = table[QString::fromStdString(p.key)];
            while (values.size() < qsizetype(runs.size()))
                values << QString();
            values[qsizetype(i)] = QString::fromStdString(paramText(p)); // "cosine", not "\"cosine\""
        }
    std::vector<DiffRow> rows;
    for (auto& [key, values] : table) {
        DiffRow r;
        r.key = key;
        r.values = values;
        r.differs =
            std::any_of(values.begin(), values.end(), [&](const QString& v) { return v != values.first(); });
        rows.push_back(std::move(r));
    }
    return rows;
}

bool isIgnoredForGrouping(const QString& key)
{
    return isRunIdentityParam(key.toStdString());
}

std::vector<RunGroup> groupRuns(const std::vector<CompareRun>& runs)
{
    std::vector<RunGroup> groups;
    std::vector<QMap<QString, QString>> keys;
    for (size_t i = 0; i < runs.size(); ++i) {
        QMap<QString, QString> key;
        for (const RunParam& p : runs[i].params) {
            const QString k = QString::fromStdString(p.key);
            if (!isIgnoredForGrouping(k)) key.insert(k, QString::fromStdString(p.text));
        }
        auto it = std::find(keys.begin(), keys.end(), key);
        if (it == keys.end()) {
            keys.push_back(key);
            RunGroup g;
            g.key = key;
            groups.push_back(g);
            it = keys.end() - 1;
        }
        groups[size_t(it - keys.begin())].members.push_back(int(i));
    }
    // Label each group by the parameters that differ between groups (what the reader needs to tell them
    // apart), short; the tooltip has them in full.
    std::vector<std::vector<RunParam>> groupParams;
    for (const RunGroup& g : groups) {
        std::vector<RunParam> params;
        for (const RunParam& p : runs[size_t(g.members.front())].params)
            if (!isIgnoredForGrouping(QString::fromStdString(p.key))) params.push_back(p);
        groupParams.push_back(std::move(params));
    }
    // Keys every group has come first (core's differingParams): those are what the groups were made to
    // compare.
    const std::vector<std::string> differing = differingParams(groupParams);
    for (size_t i = 0; i < groups.size(); ++i) {
        RunGroup& g = groups[i];
        const QString label = QString::fromStdString(paramLabel(groupParams[i], differing));
        g.label = label.isEmpty() ? runs[size_t(g.members.front())].label() : label;
        g.label += QStringLiteral(" (n=%1)").arg(g.members.size());
        QStringList names;
        for (int m : g.members)
            names << runs[size_t(m)].label();
        const QString full = QString::fromStdString(paramLabelFull(groupParams[i], differing));
        g.tooltip = (full.isEmpty() ? QString() : full + QLatin1Char('\n')) + names.join(QLatin1String(", "));
    }
    return groups;
}

BandCurve groupBand(const std::vector<CompareRun>& runs, const RunGroup& group, const QString& metric,
                    CompareAxis axis)
{
    std::set<qint64> steps;
    for (int m : group.members)
        for (const ScalarPoint& p : runs[size_t(m)].series.value(metric))
            steps.insert(p.step);
    BandCurve band;
    for (qint64 step : steps) {
        double sum = 0, sumSquares = 0, lo = INFINITY, hi = -INFINITY, xSum = 0;
        int n = 0;
        for (int m : group.members) {
            const CompareRun& run = runs[size_t(m)];
            const QVector<ScalarPoint> pts = run.series.value(metric);
            if (pts.isEmpty() || step > pts.last().step) continue; // a shorter run stops contributing
            const std::optional<ScalarPoint> p = valueAtStep(pts, step);
            if (!p || !std::isfinite(p->value)) continue;
            sum += p->value;
            sumSquares += p->value * p->value;
            lo = std::min(lo, p->value);
            hi = std::max(hi, p->value);
            xSum += axis == CompareAxis::Step ? double(step) : xOf(*p, axis, run.timeOrigin());
            ++n;
        }
        if (n == 0) continue;
        band.x << xSum / n;
        band.mean << sum / n;
        band.min << lo;
        band.max << hi;
        band.std << std::sqrt(std::max(0.0, sumSquares / n - (sum / n) * (sum / n)));
        band.n << n;
    }
    return band;
}

double bandLow(const BandCurve& band, BandKind kind, qsizetype i)
{
    switch (kind) {
    case BandKind::MinMax:
        return band.min[i];
    case BandKind::StdDev:
        return band.mean[i] - band.std[i];
    case BandKind::StdErr:
        return band.mean[i] - band.std[i] / std::sqrt(double(band.n[i]));
    }
    return band.min[i];
}

double bandHigh(const BandCurve& band, BandKind kind, qsizetype i)
{
    switch (kind) {
    case BandKind::MinMax:
        return band.max[i];
    case BandKind::StdDev:
        return band.mean[i] + band.std[i];
    case BandKind::StdErr:
        return band.mean[i] + band.std[i] / std::sqrt(double(band.n[i]));
    }
    return band.max[i];
}

QStringList metricKeys(const std::vector<CompareRun>& runs)
{
    QStringList keys;
    for (const CompareRun& r : runs)
        for (auto it = r.series.begin(); it != r.series.end(); ++it)
            if (!keys.contains(it.key())) keys << it.key();
    return sortedMetricKeys(keys);
}

QStringList sortedMetricKeys(QStringList keys)
{
    keys.removeDuplicates();
    keys.sort();
    for (const QString& first : {QStringLiteral("eval/ppl"), QStringLiteral("train/loss")})
        if (keys.removeOne(first)) keys.prepend(first);
    return keys;
}

std::vector<HoverValue> valuesAt(const std::vector<DrawnCurve>& curves, double x)
{
    std::vector<HoverValue> out;
    for (const DrawnCurve& c : curves) {
        if (c.y.isEmpty()) continue;
        qsizetype i = 0;
        if (!c.reference) {
            const auto it = std::upper_bound(c.x.begin(), c.x.end(), x);
            if (it == c.x.begin()) continue; // not started yet at x
            i = (it - c.x.begin()) - 1;
        }
        out.push_back({c.label, c.color, c.y[i], c.steps.value(i)});
    }
    return out;
}

namespace {

std::optional<double> lastFinite(const QVector<ScalarPoint>& points)
{
    for (auto it = points.rbegin(); it != points.rend(); ++it)
        if (std::isfinite(it->value)) return it->value;
    return std::nullopt;
}

} // namespace

std::vector<ScatterPoint> scatterPoints(const std::vector<CompareRun>& runs, const QString& metric,
                                        const QString& paramKey, QStringList* categories)
{
    const std::string key = paramKey.toStdString();
    std::vector<ScatterPoint> out;
    bool numeric = true;
    for (const CompareRun& r : runs) {
        const std::optional<double> y = lastFinite(r.series.value(metric));
        const auto p =
            std::find_if(r.params.begin(), r.params.end(), [&](const RunParam& q) { return q.key == key; });
        if (!y || p == r.params.end()) continue;
        ScatterPoint s;
        s.label = r.label();
        s.color = r.color;
        s.xText = QString::fromStdString(paramText(*p));
        s.y = *y;
        if (p->number)
            s.x = *p->number;
        else
            numeric = false;
        out.push_back(s);
    }
    if (categories) categories->clear();
    if (!numeric) {
        QStringList names;
        for (const ScatterPoint& s : out)
            if (!names.contains(s.xText)) names << s.xText;
        names.sort();
        for (ScatterPoint& s : out)
            s.x = double(names.indexOf(s.xText));
        if (categories) *categories = names;
    }
    return out;
}

QStringList scatterParams(const std::vector<CompareRun>& runs)
{
    std::vector<std::vector<RunParam>> params;
    for (const CompareRun& r : runs)
        params.push_back(r.params);
    QStringList keys;
    for (const std::string& k : differingParams(params))
        if (!isRunIdentityParam(k)) keys << QString::fromStdString(k);
    return keys;
}

} // namespace qat::ui

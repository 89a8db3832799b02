#include "comparedata.h"

#include "runcolors.h"

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

QString seriesKey(const SeriesInfo& s)
{
    const QString name = QString::fromStdString(s.name);
    return s.context.empty() ? name
                             : name + QLatin1Char('[') + QString::fromStdString(s.context) + QLatin1Char(']');
}

std::vector<CompareRun> loadCompareRuns(const std::string& database, const std::vector<int64_t>& runIds,
                                        int maxPoints)
{
    StoreOptions options;
    options.readOnly = true;
    options.markDeadRuns = false;
    RunStore store(database, options);
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

bool lowerIsBetter(const QString& metric)
{
    static const char* const higher[] = {"acc", "tokens_per_s", "throughput", "score", "f1"};
    const QString m = metric.toLower();
    for (const char* h : higher)
        if (m.contains(QLatin1String(h))) return false;
    return true;
}

std::optional<ScalarPoint> valueAtStep(const QVector<ScalarPoint>& points, qint64 step)
{
    auto it = std::upper_bound(points.begin(), points.end(), step,
                               [](qint64 s, const ScalarPoint& p) { return s < p.step; });
    if (it == points.begin()) return std::nullopt;
    return *(it - 1);
}

MetricSummary summarize(const QVector<ScalarPoint>& points, qint64 step, bool lowerBetter)
{
    MetricSummary s;
    if (points.isEmpty()) return s;
    s.atStep = valueAtStep(points, step);
    s.last = points.last();
    for (const ScalarPoint& p : points) {
        if (!std::isfinite(p.value)) continue;
        if (!s.best || (lowerBetter ? p.value < s.best->value : p.value > s.best->value)) s.best = p;
    }
    return s;
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
            QString text = QString::fromStdString(p.text);
            // JSON strings are shown without their quotes: "cosine" reads better than "\"cosine\"".
            if (text.size() >= 2 && text.startsWith(QLatin1Char('"')) && text.endsWith(QLatin1Char('"')))
                text = text.mid(1, text.size() - 2);
            values[qsizetype(i)] = text;
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
    const QString last = key.section(QLatin1Char('.'), -1).toLower();
    return last == QLatin1String("seed") || last.endsWith(QLatin1String("_seed")) ||
           last == QLatin1String("name") || last == QLatin1String("work_dir") ||
           last == QLatin1String("tags");
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
    // Label each group by the parameters that differ between groups: what the reader needs to tell them
    // apart.
    QSet<QString> differing;
    for (const RunGroup& g : groups)
        for (auto it = g.key.begin(); it != g.key.end(); ++it)
            for (const RunGroup& h : groups)
                if (h.key.value(it.key()) != it.value()) differing.insert(it.key());
    for (RunGroup& g : groups) {
        QStringList parts;
        for (auto it = g.key.begin(); it != g.key.end(); ++it)
            if (differing.contains(it.key()))
                parts << it.key().section(QLatin1Char('.'), -1) + QLatin1Char('=') + it.value();
        g.label = parts.isEmpty() ? runs[size_t(g.members.front())].label() : parts.join(QLatin1String(", "));
        g.label += QStringLiteral(" (n=%1)").arg(g.members.size());
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
        double sum = 0, lo = INFINITY, hi = -INFINITY, xSum = 0;
        int n = 0;
        for (int m : group.members) {
            const CompareRun& run = runs[size_t(m)];
            const QVector<ScalarPoint> pts = run.series.value(metric);
            if (pts.isEmpty() || step > pts.last().step) continue; // a shorter run stops contributing
            const std::optional<ScalarPoint> p = valueAtStep(pts, step);
            if (!p || !std::isfinite(p->value)) continue;
            sum += p->value;
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
        band.n << n;
    }
    return band;
}

QStringList metricKeys(const std::vector<CompareRun>& runs)
{
    QStringList keys;
    for (const CompareRun& r : runs)
        for (auto it = r.series.begin(); it != r.series.end(); ++it)
            if (!keys.contains(it.key())) keys << it.key();
    keys.sort();
    for (const QString& first : {QStringLiteral("eval/ppl"), QStringLiteral("train/loss")})
        if (keys.removeOne(first)) keys.prepend(first);
    return keys;
}

} // namespace qat::ui

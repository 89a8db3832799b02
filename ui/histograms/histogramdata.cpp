#include "histograms/histogramdata.h"

#include "common/runrepository.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace qat::ui {

QVector<qint64> HistogramSeriesData::steps() const
{
    QVector<qint64> s;
    for (const HistogramPoint& p : points)
        s << p.step;
    return s;
}

const HistogramPoint* HistogramSeriesData::nearest(qint64 step) const
{
    const HistogramPoint* best = nullptr;
    for (const HistogramPoint& p : points)
        if (!best || std::llabs(p.step - step) < std::llabs(best->step - step)) best = &p;
    return best;
}

std::vector<HistogramSeriesRef> listHistogramSeries(const std::string& database, int64_t runId)
{
    RunStore store(database, readOnlyStore());
    std::vector<HistogramSeriesRef> out;
    for (const SeriesInfo& s : store.series(runId)) {
        if (s.kind != SeriesKind::Histogram) continue;
        HistogramSeriesRef r;
        r.seriesId = s.id;
        r.name = QString::fromStdString(s.name);
        r.context = QString::fromStdString(s.context);
        r.layer = s.layer;
        r.module = QString::fromStdString(s.module);
        r.count = s.count;
        out.push_back(r);
    }
    std::sort(out.begin(), out.end(), [](const HistogramSeriesRef& a, const HistogramSeriesRef& b) {
        return std::tie(a.name, a.layer, a.module, a.context) <
               std::tie(b.name, b.layer, b.module, b.context);
    });
    return out;
}

HistogramSeriesData loadHistogramSeries(const std::string& database, const HistogramSeriesRef& ref)
{
    RunStore store(database, readOnlyStore());
    HistogramSeriesData d;
    d.ref = ref;
    for (int64_t step : store.histogramSteps(ref.seriesId))
        if (std::optional<HistogramPoint> h = store.histogramAt(ref.seriesId, step); h && h->step == step)
            d.points.push_back(std::move(*h));
    return d;
}

std::optional<HistogramSeriesRef> findMatchingSeries(const std::vector<HistogramSeriesRef>& series,
                                                     const QString& name, const QString& context)
{
    for (const HistogramSeriesRef& r : series)
        if (r.name == name && r.context == context) return r;
    return std::nullopt;
}

QStringList seriesNames(const std::vector<HistogramSeriesRef>& series)
{
    QStringList names;
    for (const HistogramSeriesRef& r : series)
        if (!names.contains(r.name)) names << r.name;
    return names;
}

QList<int> seriesLayers(const std::vector<HistogramSeriesRef>& series, const QString& name)
{
    std::set<int> layers;
    for (const HistogramSeriesRef& r : series)
        if (r.name == name) layers.insert(r.layer);
    return QList<int>(layers.begin(), layers.end());
}

QStringList seriesModules(const std::vector<HistogramSeriesRef>& series, const QString& name, int layer)
{
    QStringList modules;
    for (const HistogramSeriesRef& r : series)
        if (r.name == name && r.layer == layer && !modules.contains(r.module)) modules << r.module;
    return modules;
}

const HistogramSeriesRef* findSeries(const std::vector<HistogramSeriesRef>& series, const QString& name,
                                     int layer, const QString& module)
{
    for (const HistogramSeriesRef& r : series)
        if (r.name == name && r.layer == layer && r.module == module) return &r;
    return nullptr;
}

HistogramGrid histogramGrid(const std::vector<HistogramPoint>& points, const QVector<qint64>& steps, int bins)
{
    HistogramGrid g;
    g.steps = steps;
    g.bins = std::max(1, bins);
    bool any = false;
    for (const HistogramPoint& p : points) {
        if (p.count == 0 || p.edges.empty()) continue;
        g.lo = any ? std::min(g.lo, p.edges.front()) : p.edges.front();
        g.hi = any ? std::max(g.hi, p.edges.back()) : p.edges.back();
        any = true;
    }
    if (g.hi <= g.lo) g.hi = g.lo + 1e-9; // every sample equal (m = 1 at the start): one thin range
    const double width = (g.hi - g.lo) / g.bins;
    for (const HistogramPoint& p : points) {
        std::vector<double> row(size_t(g.bins), 0.0);
        const double total = p.count > 0 ? double(p.count) : 1.0;
        for (size_t b = 0; b + 1 < p.edges.size() && b < p.counts.size(); ++b) {
            const double a = p.edges[b], e = p.edges[b + 1], c = double(p.counts[b]) / total;
            if (c == 0) continue;
            if (e <= a) { // a zero-width bin (all samples equal): it lands in one grid bin
                row[size_t(std::clamp(int((a - g.lo) / width), 0, g.bins - 1))] += c;
                continue;
            }
            const int first = std::clamp(int((a - g.lo) / width), 0, g.bins - 1);
            const int last = std::clamp(int((e - g.lo) / width), 0, g.bins - 1);
            for (int k = first; k <= last; ++k) {
                const double lo = g.lo + k * width, hi = lo + width;
                const double overlap = std::min(e, hi) - std::max(a, lo);
                if (overlap > 0) row[size_t(k)] += c * overlap / (e - a);
            }
        }
        g.density.push_back(std::move(row));
    }
    return g;
}

HistogramCurve histogramCurve(const HistogramPoint& h, bool normalized)
{
    HistogramCurve c;
    const double total = normalized && h.count > 0 ? double(h.count) : 1.0;
    for (size_t b = 0; b + 1 < h.edges.size() && b < h.counts.size(); ++b) {
        c.centers << 0.5 * (h.edges[b] + h.edges[b + 1]);
        c.widths << h.edges[b + 1] - h.edges[b];
        c.counts << double(h.counts[b]) / total;
    }
    return c;
}

} // namespace qat::ui

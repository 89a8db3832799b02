#pragma once
// The pure logic of the magnitude-histogram view (no widgets, tested on its own): which histogram series a
// run has (per-group magnitude m, scale s, LoRA update size, integer code usage: whatever the method logged,
// e.g. "dlqat/m" with context "layer=3,module=q_proj"), every logged step of one series with its
// min/max/mean/std, and the distribution-against-step grid drawn as a heat map (all steps re-binned onto
// common value bins).

#include "qatbench/store.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>
#include <vector>

namespace qat::ui {

// One histogram series of a run, as the pickers show it.
struct HistogramSeriesRef
{
    int64_t seriesId = 0;
    QString name;    // "dlqat/m"
    QString context; // "layer=3,module=q_proj" or ""
    int layer = -1;  // -1 when the context has no layer
    QString module;  // "" when the context has no module
    int64_t count = 0;
};

struct HistogramSeriesData
{
    HistogramSeriesRef ref;
    std::vector<HistogramPoint> points; // every logged step, ascending
    QVector<qint64> steps() const;
    // The point at the step nearest to `step` (ties: the earlier one), like RunStore::histogramAt.
    const HistogramPoint* nearest(qint64 step) const;
};

// Histogram series of a run (sorted by name, layer, module). Throws qat::Error.
std::vector<HistogramSeriesRef> listHistogramSeries(const std::string& database, int64_t runId);
// Every step of one series.
HistogramSeriesData loadHistogramSeries(const std::string& database, const HistogramSeriesRef& ref);
// The series of another run with the same name and context (for the overlay); nullopt when it has none.
std::optional<HistogramSeriesRef> findMatchingSeries(const std::vector<HistogramSeriesRef>& series,
                                                     const QString& name, const QString& context);

// Distinct names, layers and modules among the series (for the pickers).
QStringList seriesNames(const std::vector<HistogramSeriesRef>& series);
QList<int> seriesLayers(const std::vector<HistogramSeriesRef>& series, const QString& name);
QStringList seriesModules(const std::vector<HistogramSeriesRef>& series, const QString& name, int layer);
const HistogramSeriesRef* findSeries(const std::vector<HistogramSeriesRef>& series, const QString& name,
                                     int layer, const QString& module);

// Distribution against step: density[stepIndex][bin] is the share of that step's samples in each of `bins`
// equal bins over [lo, hi] (the range over all steps). A source bin's count is spread over the grid bins it
// overlaps in proportion to the overlap, so re-binning keeps every sample.
struct HistogramGrid
{
    QVector<qint64> steps;
    double lo = 0, hi = 0;
    int bins = 0;
    std::vector<std::vector<double>> density;
};
HistogramGrid histogramGrid(const std::vector<HistogramPoint>& points, const QVector<qint64>& steps,
                            int bins = 64);

// Bin centres and counts of one histogram (for a bar/step plot).
struct HistogramCurve
{
    QVector<double> centers, counts, widths;
};
HistogramCurve histogramCurve(const HistogramPoint& h, bool normalized);

} // namespace qat::ui

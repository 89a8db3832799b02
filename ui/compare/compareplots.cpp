// Compare's drawing: one chart panel's curves, bands and reference lines, and the scatter of a final metric
// against a parameter (CompareView's members, apart from its controls and its loading).

#include "common/qcp.h"
#include "common/runcolors.h"
#include "compare/comparechart.h"
#include "compare/comparemodels.h"
#include "compare/compareview.h"
#include <cmath>

namespace qat::ui {

void CompareView::drawChart(CompareChart* chart, const QString& metric)
{
    CompareChart::Content c;
    c.metric = metric;
    c.axis = axis();
    const std::vector<CompareRun> runs = smoothedRuns(m_runs, metric, smoothing());
    // Runs without training are a level to beat, not a curve: a horizontal line at their (last) value.
    std::vector<bool> inGroupCurves(runs.size(), true);
    for (size_t i = 0; i < runs.size(); ++i) {
        const CompareRun& r = runs[i];
        const QVector<ScalarPoint> pts = r.series.value(metric);
        if (!r.isReference() || pts.isEmpty()) continue;
        inGroupCurves[i] = false;
        DrawnCurve d;
        d.label = r.label();
        d.color = r.color;
        d.reference = true;
        d.y << pts.last().value;
        d.x << 0;
        d.steps << pts.last().step;
        d.tooltip = tr("%1: no training; its value is drawn as a line").arg(r.label());
        c.curves.push_back(d);
    }
    if (isGrouped()) {
        for (const RunGroup& grp : m_groups) {
            RunGroup trained = grp;
            trained.members.clear();
            for (int m : grp.members)
                if (inGroupCurves[size_t(m)]) trained.members.push_back(m);
            if (trained.members.empty()) continue;
            const BandCurve band = groupBand(runs, trained, metric, axis());
            if (band.x.isEmpty()) continue;
            const QColor color = runs[size_t(grp.members.front())].color;
            CompareChart::Band b{color, band.x, {}, {}};
            for (qsizetype i = 0; i < band.x.size(); ++i) {
                b.low << bandLow(band, bandKind(), i);
                b.high << bandHigh(band, bandKind(), i);
            }
            c.bands.push_back(b);
            DrawnCurve d;
            d.label = grp.label;
            d.tooltip = grp.tooltip;
            d.color = color;
            d.x = band.x;
            d.y = band.mean;
            const BandCurve bySteps = groupBand(runs, trained, metric, CompareAxis::Step);
            for (double s : bySteps.x)
                d.steps << qint64(s);
            c.curves.push_back(d);
        }
    } else {
        for (size_t i = 0; i < runs.size(); ++i) {
            if (!inGroupCurves[i]) continue;
            const CompareRun& r = runs[i];
            const QVector<ScalarPoint> pts = r.series.value(metric);
            if (pts.isEmpty()) continue;
            DrawnCurve d;
            d.label = r.label();
            d.color = r.color;
            const double origin = r.timeOrigin();
            for (const ScalarPoint& p : pts) {
                d.x << xOf(p, axis(), origin);
                d.y << (std::isfinite(p.value) ? p.value : qQNaN());
                d.steps << p.step;
            }
            c.curves.push_back(d);
        }
    }
    // The reference lines go after the curves in the legend and the hover box.
    std::stable_partition(c.curves.begin(), c.curves.end(), [](const DrawnCurve& d) { return !d.reference; });
    if (axis() == CompareAxis::Step && !m_runs.empty()) c.marker = double(step());
    c.yLabel = smoothing() > 0 ? tr("%1 (smoothed %2)").arg(metric).arg(smoothing()) : metric;
    chart->setContent(std::move(c));
}

void CompareView::drawScatter()
{
    m_scatter->clearPlottables();
    const QString param = m_scatterParam->currentText();
    const std::vector<ScatterPoint> pts = param.isEmpty()
                                              ? std::vector<ScatterPoint>{}
                                              : scatterPoints(m_runs, metric(), param, &m_scatterCategories);
    for (const ScatterPoint& p : pts) {
        QCPGraph* g = m_scatter->addGraph();
        g->setName(p.label);
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, p.color, p.color, 9));
        g->addData(p.x, p.y);
    }
    const bool categories = !m_scatterCategories.isEmpty();
    if (categories) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int i = 0; i < m_scatterCategories.size(); ++i)
            ticker->addTick(i, m_scatterCategories[i]);
        m_scatter->xAxis->setTicker(ticker);
        m_scatter->xAxis->setScaleType(QCPAxis::stLinear);
    } else if (m_scatterLogX->isChecked()) {
        m_scatter->xAxis->setScaleType(QCPAxis::stLogarithmic);
        m_scatter->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        m_scatter->xAxis->setScaleType(QCPAxis::stLinear);
        m_scatter->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    m_scatterLogX->setEnabled(!categories);
    m_scatter->xAxis->setLabel(param);
    m_scatter->yAxis->setLabel(tr("%1 (last value)").arg(metric()));
    m_scatter->rescaleAxes();
    // A margin so that no point sits on the frame.
    const QCPRange x = m_scatter->xAxis->range(), y = m_scatter->yAxis->range();
    if (m_scatter->xAxis->scaleType() == QCPAxis::stLinear)
        m_scatter->xAxis->setRange(x.lower - std::max(0.5, 0.08 * x.size()),
                                   x.upper + std::max(0.5, 0.08 * x.size()));
    const double dy = y.size() > 0 ? 0.1 * y.size() : std::max(0.05 * std::fabs(y.lower), 0.5);
    m_scatter->yAxis->setRange(y.lower - dy, y.upper + dy);
    m_scatter->replot();
}

} // namespace qat::ui

// The explorer's plots: a group's weights on its grid, the error per weight, the codes' use and the per-layer
// overview of output error (ExplorerView's drawing, apart from its controls and its background work).

#include "explorer/explorerview.h"

#include "common/qcp.h"

#include <cmath>

namespace qat::ui {

namespace {

const QColor kWeightColor(0, 114, 178);
const QColor kQuantColor(213, 94, 0);
const QColor kClipColor(200, 30, 30);
const QColor kMovedColor(0, 158, 115);
const QColor kCompareColor(204, 121, 167);

} // namespace

void ExplorerView::drawGroup(const ExplorerResult& r)
{
    QCustomPlot* p = m_groupPlot;
    p->clearPlottables();
    p->clearItems();
    const ExplorerGroup& g = r.group;
    // With up to 64 levels every level is a line; beyond that the lines would only grey out the plot.
    const bool allLevels = g.levels.size() <= 64;
    auto codes = qSharedPointerCast<QCPAxisTickerText>(p->yAxis2->ticker());
    codes->clear();
    const size_t labelEvery = std::max<size_t>(1, g.levels.size() / 16);
    for (size_t k = 0; k < g.levels.size(); ++k) {
        const bool zero = std::lround(g.zero) == long(k);
        const bool edge = k == 0 || k + 1 == g.levels.size();
        if (zero || edge || k % labelEvery == 0) codes->addTick(g.levels[k], QString::number(k));
        if (!allLevels && !edge && !zero) continue;
        auto* line = new QCPItemStraightLine(p);
        line->point1->setCoords(0, g.levels[k]);
        line->point2->setCoords(1, g.levels[k]);
        line->setPen(
            QPen(zero ? QColor(60, 60, 60) : QColor(140, 140, 140), 1, zero ? Qt::SolidLine : Qt::DashLine));
    }
    QVector<double> x, w, q, cx, cw;
    for (size_t i = 0; i < g.weights.size(); ++i) {
        const double col = double(g.firstColumn + qint64(i));
        x << col;
        w << g.weights[i];
        q << g.quantized[i];
        if (g.clipped[i]) {
            cx << col;
            cw << g.weights[i];
        }
        auto* seg = new QCPItemLine(p);
        seg->start->setCoords(col, g.weights[i]);
        seg->end->setCoords(col, g.quantized[i]);
        seg->setPen(QPen(g.clipped[i] ? kClipColor : QColor(150, 150, 150), 1));
    }
    auto addPoints = [p](const QString& name, const QVector<double>& xs, const QVector<double>& ys,
                         QCPScatterStyle style) {
        QCPGraph* graph = p->addGraph();
        graph->setName(name);
        graph->setLineStyle(QCPGraph::lsNone);
        graph->setScatterStyle(style);
        graph->setData(xs, ys, true);
    };
    addPoints(tr("weight w"), x, w, QCPScatterStyle(QCPScatterStyle::ssCircle, kWeightColor, 6));
    addPoints(tr("quantized Q(w)"), x, q,
              QCPScatterStyle(QCPScatterStyle::ssCross, QPen(kQuantColor, 2), Qt::NoBrush, 7));
    addPoints(tr("clipped"), cx, cw, QCPScatterStyle(QCPScatterStyle::ssDisc, kClipColor, 7));
    if (g.trained && !g.trained->codesBefore.empty()) {
        QVector<double> mx, my;
        for (size_t i = 0; i < g.codes.size(); ++i)
            if (g.codes[i] != g.trained->codesBefore[i]) {
                mx << x[qsizetype(i)];
                my << g.quantized[i];
            }
        addPoints(tr("code moved by LoRA"), mx, my,
                  QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(kMovedColor, 2), Qt::NoBrush, 10));
    }
    if (m_resultB) {
        // The compared setting's values for the same columns (its group may start elsewhere).
        const ExplorerGroup& b = m_resultB->group;
        QVector<double> bx, by;
        for (size_t i = 0; i < b.quantized.size(); ++i) {
            const double col = double(b.firstColumn + qint64(i));
            if (!x.isEmpty() && col >= x.first() && col <= x.last()) {
                bx << col;
                by << b.quantized[i];
            }
        }
        addPoints(tr("Q(w) at %1 bits").arg(m_resultB->query.spec.bits), bx, by,
                  QCPScatterStyle(QCPScatterStyle::ssPlus, QPen(kCompareColor, 2), Qt::NoBrush, 7));
    }
    p->rescaleAxes();
    double lo = std::min(p->yAxis->range().lower, g.levels.empty() ? 0.0 : g.levels.front());
    double hi = std::max(p->yAxis->range().upper, g.levels.empty() ? 0.0 : g.levels.back());
    const double pad = 0.05 * (hi - lo);
    p->yAxis->setRange(lo - pad, hi + pad);
    p->xAxis->setRange(x.isEmpty() ? 0 : x.first() - 1, x.isEmpty() ? 1 : x.last() + 1);
    p->replot();
}

void ExplorerView::drawError(const ExplorerResult& r)
{
    QCustomPlot* p = m_errorPlot;
    p->clearPlottables();
    p->clearItems();
    const ExplorerGroup& g = r.group;
    QVector<double> x, e;
    for (size_t i = 0; i < g.error.size(); ++i) {
        x << double(g.firstColumn + qint64(i));
        e << g.error[i];
    }
    auto* bars = new QCPBars(p->xAxis, p->yAxis);
    bars->setData(x, e, true);
    bars->setWidth(0.8);
    bars->setBrush(kQuantColor);
    bars->setPen(Qt::NoPen);
    bars->setName(tr("Q(w) − w"));
    p->legend->setVisible(false);
    if (g.trained && !g.trained->loraDelta.empty()) {
        QVector<double> d;
        for (float v : g.trained->loraDelta)
            d << v;
        QCPGraph* lora = p->addGraph();
        lora->setName(tr("LoRA update (α/r)·B·A"));
        lora->setPen(QPen(kMovedColor, 2));
        lora->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
        lora->setData(x, d, true);
        p->legend->setVisible(true);
    }
    // Inside the grid the error stays within half a step: the dashed lines at +-s/2.
    for (double h : {-0.5 * g.scale, 0.5 * g.scale}) {
        auto* line = new QCPItemStraightLine(p);
        line->point1->setCoords(0, h);
        line->point2->setCoords(1, h);
        line->setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));
    }
    p->rescaleAxes();
    const double m =
        std::max({std::abs(p->yAxis->range().lower), std::abs(p->yAxis->range().upper), 0.6 * g.scale});
    p->yAxis->setRange(-m * 1.1, m * 1.1);
    p->xAxis->setRange(x.isEmpty() ? 0 : x.first() - 1, x.isEmpty() ? 1 : x.last() + 1);
    p->replot();
}

void ExplorerView::drawUsage(const ExplorerResult& r)
{
    QCustomPlot* p = m_usagePlot;
    p->clearPlottables();
    QVector<double> x, n;
    for (size_t k = 0; k < r.layer.codeUsage.size(); ++k) {
        x << double(k);
        n << double(r.layer.codeUsage[k]);
    }
    auto* bars = new QCPBars(p->xAxis, p->yAxis);
    bars->setData(x, n, true);
    bars->setWidth(0.8);
    bars->setBrush(kWeightColor);
    bars->setPen(Qt::NoPen);
    p->rescaleAxes();
    p->xAxis->setRange(-1, double(r.layer.codeUsage.size()));
    p->yAxis->setRangeLower(0);
    p->replot();
}

void ExplorerView::drawOverview()
{
    QCustomPlot* p = m_overviewPlot;
    p->clearPlottables();
    auto labels = qSharedPointerCast<QCPAxisTickerText>(p->xAxis->ticker());
    labels->clear();
    const auto& A = m_overviewA;
    const size_t every = std::max<size_t>(1, A.size() / 40); // readable labels on a 7B model's 224 linears
    for (size_t i = 0; i < A.size(); i += every)
        labels->addTick(
            double(i),
            QStringLiteral("%1 %2")
                .arg(A[i].layer)
                .arg(QString::fromLatin1(linearName(A[i].module)).section(QLatin1Char('_'), 0, 0)));
    p->xAxis->setLabel(tr("layer and module"));
    auto* group = new QCPBarsGroup(p);
    auto addBars = [&](const QString& name, const QColor& color, auto value) {
        QVector<double> x, y;
        for (size_t i = 0; i < A.size(); ++i) {
            const double v = value(i);
            if (v < 0) continue;
            x << double(i);
            y << 100.0 * v;
        }
        if (x.isEmpty()) return;
        auto* bars = new QCPBars(p->xAxis, p->yAxis);
        bars->setName(name);
        bars->setBrush(color);
        bars->setPen(Qt::NoPen);
        bars->setData(x, y, true);
        bars->setBarsGroup(group);
    };
    if (m_run) {
        addBars(tr("round to nearest"), QColor(150, 150, 150),
                [&](size_t i) { return A[i].rtnOutputRelError; });
        addBars(tr("calibrated"), kWeightColor, [&](size_t i) { return A[i].calibOutputRelError; });
        addBars(tr("trained"), kQuantColor, [&](size_t i) { return A[i].outputRelError; });
    } else if (m_result) {
        const auto setting = [this](const ExplorerQuery& q) {
            return q.spec.groupSize > 0 ? tr("%1 bits, g%2").arg(q.spec.bits).arg(q.spec.groupSize)
                                        : tr("%1 bits, per row").arg(q.spec.bits);
        };
        addBars(setting(m_result->query), kWeightColor, [&](size_t i) { return A[i].outputRelError; });
        if (m_resultB && m_overviewB.size() == A.size())
            addBars(setting(m_resultB->query), kCompareColor,
                    [&](size_t i) { return m_overviewB[i].outputRelError; });
    }
    const double width = 0.8 / std::max(1, p->plottableCount());
    for (int i = 0; i < p->plottableCount(); ++i)
        if (auto* b = qobject_cast<QCPBars*>(p->plottable(i))) b->setWidth(width);
    p->rescaleAxes();
    p->xAxis->setRange(-1, double(std::max<size_t>(A.size(), 1)));
    p->yAxis->setRangeLower(0);
    p->yAxis->setRangeUpper(p->yAxis->range().upper * 1.08);
    p->replot();
}

} // namespace qat::ui

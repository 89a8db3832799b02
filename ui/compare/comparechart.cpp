#include "compare/comparechart.h"

#include "common/qcp.h"

#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <limits>

namespace qat::ui {

namespace {

QString formatNumber(double v)
{
    return std::isfinite(v) ? QString::number(v, 'g', 5) : QStringLiteral("NaN");
}

} // namespace

CompareChart::CompareChart(QWidget* parent) : QWidget(parent)
{
    m_plot = new QCustomPlot(this);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setMinimumHeight(200);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(
        0, 0,
        new QCPTextElement(m_plot, QString(), QFont(font().family(), font().pointSize() + 1, QFont::Bold)));
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QColor(255, 255, 255, 210));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);
    connect(m_plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] {
        if (!m_updatingRange) m_follow = false; // the user zoomed or panned: keep the view on new data
    });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { fitToData(); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setToolTip(tr("Hover for every run's value; click to choose that step; drag to pan, wheel to zoom, "
                  "double-click to fit."));
}

void CompareChart::setContent(Content content)
{
    m_content = std::move(content);
    draw();
}

void CompareChart::setLogScale(bool on)
{
    m_log = on;
    m_plot->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    m_plot->yAxis->setTicker(on ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                                : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    fitRanges(); // a log axis shows other values (only the positive ones): refit whatever the view was
    placeReferenceLabels();
    m_plot->replot();
}

void CompareChart::fitToData()
{
    m_follow = true;
    fitRanges();
    placeReferenceLabels();
    m_plot->replot();
}

void CompareChart::drawNow()
{
    m_plot->replot(QCustomPlot::rpImmediateRefresh);
}

void CompareChart::draw()
{
    const bool crossShown = m_cross != nullptr && m_cross->visible();
    const double crossX = crossShown ? m_cross->point1->coords().x() : 0;
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_cross = nullptr;
    m_crossText = nullptr;
    const Content& c = m_content;
    if (auto* title = qobject_cast<QCPTextElement*>(m_plot->plotLayout()->element(0, 0)))
        title->setText(c.metric);
    if (c.axis == CompareAxis::WallTime) {
        auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
        ticker->setDateTimeFormat(QStringLiteral("hh:mm\ndd MMM"));
        m_plot->xAxis->setTicker(ticker);
    } else {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    m_plot->yAxis->setLabel(c.yLabel.isEmpty() ? c.metric : c.yLabel);
    m_plot->xAxis->setLabel(c.axis == CompareAxis::Step       ? tr("step")
                            : c.axis == CompareAxis::WallTime ? tr("wall time")
                                                              : tr("seconds since start"));
    for (const Band& b : c.bands) {
        QCPGraph* lo = m_plot->addGraph();
        QCPGraph* hi = m_plot->addGraph();
        lo->setData(b.x, b.low, true);
        hi->setData(b.x, b.high, true);
        QColor fill = b.color;
        fill.setAlpha(50);
        for (QCPGraph* g : {lo, hi})
            g->setPen(QPen(fill, 1));
        hi->setBrush(fill);
        hi->setChannelFillGraph(lo);
        lo->removeFromLegend();
        hi->removeFromLegend();
    }
    for (const DrawnCurve& d : c.curves) {
        if (d.reference) {
            if (d.y.isEmpty()) continue;
            auto* line = new QCPItemStraightLine(m_plot);
            line->point1->setCoords(0, d.y.first());
            line->point2->setCoords(1, d.y.first());
            line->setPen(QPen(d.color, 1.6, Qt::DashLine));
            auto* text = new QCPItemText(m_plot);
            text->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
            text->position->setTypeY(QCPItemPosition::ptPlotCoords);
            text->position->setCoords(0.01, d.y.first());
            text->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom); // placed in placeReferenceLabels()
            text->setColor(d.color);
            text->setText(d.label);
            // A legend entry of its own (a graph with no points, drawn with the line's pen).
            QCPGraph* legend = m_plot->addGraph();
            legend->setName(d.label);
            legend->setPen(line->pen());
            continue;
        }
        QCPGraph* g = m_plot->addGraph();
        g->setName(d.label);
        g->setPen(QPen(d.color, 2));
        g->setData(d.x, d.y, true);
        if (d.x.size() < 30) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    }
    if (std::isfinite(c.marker)) {
        auto* marker = new QCPItemStraightLine(m_plot);
        marker->point1->setCoords(c.marker, 0);
        marker->point2->setCoords(c.marker, 1);
        marker->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
    }
    if (m_follow) fitRanges();
    placeReferenceLabels();
    if (crossShown) showCrosshair(crossX);
    m_plot->replot();
}

void CompareChart::placeReferenceLabels()
{
    // A label above its line in the lower half of the chart and below it in the upper half, so that a line
    // near the frame keeps its label inside.
    const QCPRange r = m_plot->yAxis->range();
    const double middle = m_log && r.lower > 0 ? std::sqrt(r.lower * r.upper) : r.center();
    for (int i = 0; i < m_plot->itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(m_plot->item(i)); text && text != m_crossText) {
            const bool upper = text->position->coords().y() > middle;
            text->setPositionAlignment(Qt::AlignLeft | (upper ? Qt::AlignTop : Qt::AlignBottom));
        }
}

void CompareChart::fitRanges()
{
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    auto takeY = [&](double v) {
        if (!std::isfinite(v) || (m_log && v <= 0)) return;
        y0 = std::min(y0, v);
        y1 = std::max(y1, v);
    };
    for (const DrawnCurve& d : m_content.curves) {
        for (double v : d.y)
            takeY(v);
        if (d.reference) continue; // a line spans whatever x the curves have
        for (double x : d.x) {
            x0 = std::min(x0, x);
            x1 = std::max(x1, x);
        }
    }
    for (const Band& b : m_content.bands)
        for (qsizetype i = 0; i < b.x.size(); ++i) {
            takeY(b.low[i]);
            takeY(b.high[i]);
        }
    m_updatingRange = true;
    if (x0 <= x1) {
        const double pad = x1 > x0 ? 0.02 * (x1 - x0) : 0.5;
        m_plot->xAxis->setRange(x0 - pad, x1 + pad);
    }
    if (y0 <= y1) {
        if (m_log) {
            const double a = std::log10(y0), b = std::log10(y1);
            const double pad = b > a ? 0.06 * (b - a) : std::log10(1.25);
            m_plot->yAxis->setRange(std::pow(10.0, a - pad), std::pow(10.0, b + pad));
        } else {
            const double pad = y1 > y0 ? 0.06 * (y1 - y0) : (y0 != 0 ? 0.05 * std::fabs(y0) : 0.5);
            m_plot->yAxis->setRange(y0 - pad, y1 + pad);
        }
    }
    m_updatingRange = false;
}

void CompareChart::showCrosshair(double x)
{
    if (!m_cross) {
        m_cross = new QCPItemStraightLine(m_plot);
        m_cross->setPen(QPen(QColor(60, 60, 60, 160), 1));
        m_crossText = new QCPItemText(m_plot);
        m_crossText->position->setType(QCPItemPosition::ptAxisRectRatio);
        m_crossText->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        m_crossText->setTextAlignment(Qt::AlignLeft);
        m_crossText->setBrush(QColor(255, 255, 255, 225));
        m_crossText->setPen(QPen(QColor(160, 160, 160)));
        m_crossText->setPadding(QMargins(5, 3, 5, 3));
        m_crossText->setLayer(QStringLiteral("legend"));
        m_crossText->setClipToAxisRect(false);
    }
    m_cross->point1->setCoords(x, 0);
    m_cross->point2->setCoords(x, 1);
    m_hover = valuesAt(m_content.curves, x);
    QStringList lines;
    lines << (m_content.axis == CompareAxis::Step ? tr("step %1").arg(qRound64(x))
                                                  : tr("x = %1").arg(formatNumber(x)));
    for (const HoverValue& h : m_hover) {
        // Long group labels are cut: the box must fit beside the curves (the legend has them in full).
        const QString label = h.label.size() > 34 ? h.label.left(33) + QChar(0x2026) : h.label;
        lines << QStringLiteral("%1: %2  (step %3)").arg(label, formatNumber(h.value)).arg(h.step);
    }
    m_crossText->setText(lines.join(QLatin1Char('\n')));
    // The box sits on the side away from the mouse so that it never hides the curves being read; it lists
    // every curve, so the legend steps aside meanwhile.
    const QCPRange r = m_plot->xAxis->range();
    const bool mouseLeft = r.size() > 0 && (x - r.lower) / r.size() < 0.5;
    m_crossText->setPositionAlignment((mouseLeft ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
    m_crossText->position->setCoords(mouseLeft ? 0.98 : 0.02, 0.02);
    m_cross->setVisible(true);
    m_crossText->setVisible(true);
    m_plot->legend->setVisible(false);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void CompareChart::hideCrosshair()
{
    if (!m_cross) return;
    m_cross->setVisible(false);
    m_crossText->setVisible(false);
    m_plot->legend->setVisible(true);
    m_hover.clear();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString CompareChart::crosshairText() const
{
    return m_crossText && m_crossText->visible() ? m_crossText->text() : QString();
}

qint64 CompareChart::stepAt(double x) const
{
    if (m_content.axis == CompareAxis::Step) return std::max<qint64>(0, qRound64(x));
    qint64 step = 0; // on a time axis: the latest step any curve had reached at x
    for (const HoverValue& h : valuesAt(m_content.curves, x))
        step = std::max(step, h.step);
    return step;
}

bool CompareChart::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_plot) return QWidget::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::MouseMove: {
        const auto* e = static_cast<QMouseEvent*>(event);
        const QPointF pos = e->position();
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(m_plot->layoutElementAt(pos))) {
            for (const DrawnCurve& d : m_content.curves)
                if (d.label == item->plottable()->name() && !d.tooltip.isEmpty())
                    QToolTip::showText(e->globalPosition().toPoint(), d.tooltip, m_plot);
        }
        if (m_plot->axisRect()->rect().contains(pos.toPoint())) {
            const double x = m_plot->xAxis->pixelToCoord(pos.x());
            showCrosshair(x);
            Q_EMIT hovered(x);
        }
        break;
    }
    case QEvent::Leave:
        hideCrosshair();
        Q_EMIT left();
        break;
    case QEvent::MouseButtonPress:
        m_pressPos = static_cast<QMouseEvent*>(event)->position().toPoint();
        break;
    case QEvent::MouseButtonRelease: {
        const auto* e = static_cast<QMouseEvent*>(event);
        const QPoint pos = e->position().toPoint();
        // A click, not the end of a drag, inside the plot area chooses the step.
        if (e->button() == Qt::LeftButton && (pos - m_pressPos).manhattanLength() <= 3 &&
            m_plot->axisRect()->rect().contains(pos))
            Q_EMIT stepClicked(stepAt(m_plot->xAxis->pixelToCoord(pos.x())));
        break;
    }
    default:
        break;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace qat::ui

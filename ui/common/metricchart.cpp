#include "common/metricchart.h"

#include "common/qcp.h"

#include <QFile>
#include <QTextStream>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace qat::ui {

namespace {
constexpr int kRefreshMs = 150; // live data is redrawn at most ~7 times a second

// Steps are whole numbers: ticks at 1, 2, 5, 10, ... times a power of ten, never at 3.5.
QSharedPointer<QCPAxisTicker> stepTicker()
{
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    return ticker;
}
} // namespace

MetricChart::MetricChart(const QString& title, const QString& yLabel, QWidget* parent)
    : QWidget(parent), m_title(title)
{
    m_plot = new QCustomPlot(this);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setMinimumHeight(160);
    m_plot->plotLayout()->insertRow(0);
    auto* heading =
        new QCPTextElement(m_plot, title, QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    m_plot->plotLayout()->addElement(0, 0, heading);
    m_plot->yAxis->setLabel(yLabel);
    m_plot->xAxis->setLabel(tr("Step"));
    m_plot->xAxis->setTicker(stepTicker());
    m_plot->legend->setVisible(false);
    m_plot->legend->setBrush(QColor(255, 255, 255, 200));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(kRefreshMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &MetricChart::refresh);

    // A range change that we did not make is the user zooming or panning: stop following, redraw the detail.
    connect(m_plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] {
        if (!m_updatingRange) userMovedView();
    });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setToolTip(tr("Drag to pan, wheel to zoom, double-click to follow the data again."));
}

void MetricChart::addSeries(const QString& name, const QString& label, const QColor& color, bool showSmoothed,
                            bool markers)
{
    if (m_series.contains(name)) return;
    Entry e;
    e.label = label;
    e.data.setSmoothing(m_smoothing);
    e.data.setTimeOrigin(m_timeOrigin);
    e.raw = m_plot->addGraph();
    e.raw->setName(showSmoothed ? tr("%1 (raw)").arg(label) : label);
    QColor rawColor = color;
    if (showSmoothed) rawColor.setAlpha(70);
    e.raw->setPen(QPen(rawColor, showSmoothed ? 1.0 : 1.6));
    // The faint raw line under a smoothed one is dense; antialiasing it costs time and shows nothing.
    if (showSmoothed) e.raw->setAntialiased(false);
    if (showSmoothed) {
        e.smooth = m_plot->addGraph();
        e.smooth->setName(tr("%1 (smoothed)").arg(label));
        e.smooth->setPen(QPen(color, 2.0));
    }
    if (markers) e.raw->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 7));
    m_series.insert(name, e);
    m_order << name;
    m_plot->legend->setVisible(m_plot->graphCount() > 1);
}

void MetricChart::addPoint(const QString& name, double step, double wallTime, double value)
{
    auto it = m_series.find(name);
    if (it == m_series.end()) return;
    it->data.append(step, wallTime, value);
    scheduleRefresh();
}

void MetricChart::setTimeOrigin(double wallTime)
{
    m_timeOrigin = wallTime;
    for (auto& e : m_series)
        e.data.setTimeOrigin(wallTime);
    scheduleRefresh();
}

void MetricChart::clear()
{
    m_plot->clearGraphs();
    m_series.clear();
    m_order.clear();
    m_timeOrigin = -1;
    m_plot->legend->setVisible(false);
    m_updatingRange = true;
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(m_plot->yAxis->scaleType() == QCPAxis::stLogarithmic ? QCPRange(0.1, 10)
                                                                                 : QCPRange(0, 1));
    m_updatingRange = false;
    m_follow = true;
    refreshNow();
}

QString MetricChart::seriesLabel(const QString& name) const
{
    const auto it = m_series.constFind(name);
    return it == m_series.cend() ? QString() : it->label;
}

bool MetricChart::placeholderShown() const
{
    QCPItemText* label = m_plot->itemCount() > 0 ? qobject_cast<QCPItemText*>(m_plot->item(0)) : nullptr;
    return label && label->visible();
}

void MetricChart::setXAxis(XAxis axis)
{
    if (axis == m_xAxis) return;
    m_xAxis = axis;
    if (axis == XAxis::Step) {
        m_plot->xAxis->setTicker(stepTicker());
        m_plot->xAxis->setLabel(tr("Step"));
    } else {
        QSharedPointer<QCPAxisTickerTime> ticker(new QCPAxisTickerTime);
        ticker->setTimeFormat(QStringLiteral("%h:%m:%s"));
        m_plot->xAxis->setTicker(ticker);
        m_plot->xAxis->setLabel(tr("Wall time (h:mm:ss)"));
    }
    resetView();
}

void MetricChart::setLogScale(bool on)
{
    m_plot->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on)
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog));
    else
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    resetView();
}

void MetricChart::setSmoothing(double weight)
{
    m_smoothing = weight;
    for (auto& e : m_series)
        e.data.setSmoothing(weight);
    scheduleRefresh();
}

void MetricChart::setPlaceholder(const QString& text)
{
    m_placeholder = text;
    scheduleRefresh();
}

void MetricChart::resetView()
{
    m_follow = true;
    refreshNow();
}

void MetricChart::userMovedView()
{
    m_follow = false;
    scheduleRefresh();
}

void MetricChart::scheduleRefresh()
{
    if (!m_refreshTimer->isActive()) m_refreshTimer->start();
}

void MetricChart::refreshNow()
{
    m_refreshTimer->stop();
    refresh();
}

void MetricChart::drawNow()
{
    refreshNow();
    // Drawn now, not at the next event loop turn: a grab() (PNG export, screenshots) right after sees it.
    m_plot->replot(QCustomPlot::rpImmediateRefresh);
}

void MetricChart::refresh()
{
    const int buckets = std::max(100, m_plot->axisRect()->width());
    bool any = false;
    double xMin = 0, xMax = 0;
    for (const auto& e : m_series) {
        if (e.data.isEmpty()) continue;
        xMin = any ? std::min(xMin, e.data.xMin(m_xAxis)) : e.data.xMin(m_xAxis);
        xMax = any ? std::max(xMax, e.data.xMax(m_xAxis)) : e.data.xMax(m_xAxis);
        any = true;
    }
    QCPRange range = m_plot->xAxis->range();
    if (m_follow && any) {
        // A margin of 2 % (half a step for a single point) keeps the first and last points off the frame.
        const double pad = xMax > xMin ? 0.02 * (xMax - xMin) : 0.5;
        range = QCPRange(xMin - pad, xMax + pad);
    }
    for (auto& e : m_series) {
        const XYData raw = e.data.downsampled(m_xAxis, range.lower, range.upper, buckets, false);
        e.raw->setData(raw.x, raw.y, true);
        if (e.smooth) {
            const XYData smooth = e.data.downsampled(m_xAxis, range.lower, range.upper, buckets, true);
            e.smooth->setData(smooth.x, smooth.y, true);
        }
    }
    if (m_follow && any) {
        m_updatingRange = true;
        m_plot->xAxis->setRange(range);
        fitValueAxis(range.lower, range.upper);
        m_updatingRange = false;
    }
    // An empty chart says why instead of drawing bare, squashed axes.
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setTicks(any);
        axis->setTickLabels(any);
        axis->grid()->setVisible(any);
    }
    QCPItemText* label = m_plot->itemCount() > 0 ? qobject_cast<QCPItemText*>(m_plot->item(0)) : nullptr;
    if (!label) {
        label = new QCPItemText(m_plot);
        label->position->setType(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(0.5, 0.5);
        label->setColor(palette().color(QPalette::PlaceholderText));
    }
    label->setText(m_placeholder);
    label->setVisible(!any && !m_placeholder.isEmpty());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricChart::fitValueAxis(double xFrom, double xTo)
{
    // The values drawn in [xFrom, xTo] (raw and smoothed); on a log axis only the positive ones can be shown.
    const bool log = m_plot->yAxis->scaleType() == QCPAxis::stLogarithmic;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& e : m_series) {
        for (QCPGraph* g : {e.raw, e.smooth}) {
            if (!g) continue;
            for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
                const double v = it->value;
                if (it->key < xFrom || it->key > xTo || !std::isfinite(v) || (log && v <= 0)) continue;
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    }
    if (!(lo <= hi)) return; // nothing drawable in view: keep the range
    if (log) {
        // 6 % of the decades on either side; a single value gets a factor of 1.25.
        const double a = std::log10(lo), b = std::log10(hi);
        const double pad = b > a ? 0.06 * (b - a) : std::log10(1.25);
        m_plot->yAxis->setRange(std::pow(10.0, a - pad), std::pow(10.0, b + pad));
    } else {
        const double pad = hi > lo ? 0.06 * (hi - lo) : (lo != 0 ? 0.05 * std::fabs(lo) : 0.5);
        m_plot->yAxis->setRange(lo - pad, hi + pad);
    }
}

qsizetype MetricChart::pointCount(const QString& name) const
{
    const auto it = m_series.constFind(name);
    return it == m_series.cend() ? 0 : it->data.size();
}

qsizetype MetricChart::drawnPointCount() const
{
    qsizetype n = 0;
    for (int i = 0; i < m_plot->graphCount(); ++i)
        n += m_plot->graph(i)->dataCount();
    return n;
}

const MetricSeries* MetricChart::series(const QString& name) const
{
    const auto it = m_series.constFind(name);
    return it == m_series.cend() ? nullptr : &it->data;
}

bool MetricChart::savePng(const QString& file, int width, int height)
{
    refreshNow();
    return m_plot->savePng(file, width, height);
}

bool MetricChart::savePdf(const QString& file)
{
    refreshNow();
    return m_plot->savePdf(file);
}

void MetricChart::writeCsvRows(QTextStream& out) const
{
    for (const QString& name : m_order) {
        const MetricSeries& s = m_series[name].data;
        for (qsizetype i = 0; i < s.size(); ++i)
            out << name << ',' << qint64(s.steps()[i]) << ',' << QString::number(s.wallTimes()[i], 'f', 3)
                << ',' << QString::number(s.values()[i], 'g', 9) << ','
                << QString::number(s.smoothedValues()[i], 'g', 9) << '\n';
    }
}

bool MetricChart::saveCsv(const QString& file) const
{
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
    QTextStream out(&f);
    out << "series,step,wall_time,value,smoothed\n";
    writeCsvRows(out);
    out.flush();
    return f.error() == QFileDevice::NoError;
}

} // namespace qat::ui

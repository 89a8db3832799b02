#include "histograms/histogramview.h"

#include "common/backgroundtask.h"
#include "common/plotexport.h"
#include "common/qcp.h"
#include "common/runcolors.h"
#include "common/runrepository.h"
#include "histograms/histogrammodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>

namespace qat::ui {

namespace {

QString runTitle(const RunInfo& r)
{
    return r.name.empty() ? HistogramView::tr("run %1").arg(r.id)
                          : QStringLiteral("%1 (#%2)").arg(QString::fromStdString(r.name)).arg(r.id);
}

QString describe(const HistogramPoint& p)
{
    return HistogramView::tr("step %1 · %2 values · min %3 · max %4 · mean %5 · std %6")
        .arg(p.step)
        .arg(p.count)
        .arg(p.min, 0, 'g', 5)
        .arg(p.max, 0, 'g', 5)
        .arg(p.mean(), 0, 'g', 5)
        .arg(p.stddev(), 0, 'g', 4);
}

} // namespace

HistogramView::HistogramView(QWidget* parent) : QWidget(parent)
{
    m_stats = new HistogramStatsModel(this);
    m_listRuns = new BackgroundTask(this);
    m_listSeries = new BackgroundTask(this);
    m_loadData = new BackgroundTask(this);
    buildUi();
}

bool HistogramView::isLoading() const
{
    return m_listRuns->isBusy() || m_listSeries->isBusy() || m_loadData->isBusy();
}

void HistogramView::showError(const QString& message)
{
    m_status->setText(message);
    Q_EMIT errorOccurred(message);
}

void HistogramView::buildUi()
{
    m_run = new QComboBox(this);
    m_run->setMinimumContentsLength(18);
    m_name = new QComboBox(this);
    m_name->setMinimumContentsLength(12);
    m_name->setToolTip(
        tr("What is measured per group: the magnitude m, the scale s, the LoRA update size or the "
           "integer code usage, as the run logged them."));
    m_layer = new QComboBox(this);
    m_module = new QComboBox(this);
    m_overlayRun = new QComboBox(this);
    m_overlayRun->setMinimumContentsLength(18);
    m_overlayRun->setToolTip(tr("Draw the same series of a second run on top."));
    auto* exportButton = makeExportButton(this, QStringLiteral("histograms"),
                                          {[this](const QString& f) { return exportPng(f); },
                                           [this](const QString& f) { return exportPdf(f); },
                                           [this](const QString& f) { return exportCsv(f); }});
    auto* reloadButton = new QPushButton(tr("Reload"), this);
    connect(reloadButton, &QPushButton::clicked, this, &HistogramView::reload);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Run"), this));
    bar->addWidget(m_run, 2);
    bar->addWidget(new QLabel(tr("Series"), this));
    bar->addWidget(m_name, 1);
    bar->addWidget(new QLabel(tr("Layer"), this));
    bar->addWidget(m_layer);
    bar->addWidget(new QLabel(tr("Module"), this));
    bar->addWidget(m_module);
    bar->addWidget(new QLabel(tr("Overlay"), this));
    bar->addWidget(m_overlayRun, 2);
    bar->addWidget(reloadButton);
    bar->addWidget(exportButton);

    connect(m_run, &QComboBox::currentIndexChanged, this, &HistogramView::listSeries);
    connect(m_overlayRun, &QComboBox::currentIndexChanged, this, &HistogramView::listSeries);
    connect(m_name, &QComboBox::currentIndexChanged, this, [this] {
        fillLayers();
        loadData();
    });
    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] {
        fillModules();
        loadData();
    });
    connect(m_module, &QComboBox::currentIndexChanged, this, &HistogramView::loadData);

    m_histPlot = new QCustomPlot(this);
    m_histPlot->setMinimumSize(320, 220);
    // The legend sits below the plot, where it cannot hide a bin.
    m_histPlot->legend->setVisible(true);
    m_histPlot->axisRect()->insetLayout()->take(m_histPlot->legend);
    m_histPlot->plotLayout()->addElement(1, 0, m_histPlot->legend);
    m_histPlot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_histPlot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_histPlot->legend->setBorderPen(Qt::NoPen);
    m_histPlot->yAxis->setLabel(tr("share of values"));
    m_heatPlot = new QCustomPlot(this);
    m_heatPlot->setMinimumSize(320, 220);
    m_heatPlot->xAxis->setLabel(tr("step"));
    m_colorMap = new QCPColorMap(m_heatPlot->xAxis, m_heatPlot->yAxis);
    auto* scale = new QCPColorScale(m_heatPlot);
    m_heatPlot->plotLayout()->addElement(0, 1, scale);
    scale->setLabel(tr("share of values"));
    scale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    m_colorMap->setColorScale(scale);
    m_colorMap->setGradient(QCPColorGradient::gpThermal);
    m_colorMap->setInterpolate(false);
    auto* margins = new QCPMarginGroup(m_heatPlot);
    m_heatPlot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_heatPlot->setInteraction(QCP::iRangeZoom);
    m_heatPlot->setInteraction(QCP::iRangeDrag);
    connect(m_heatPlot, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
        if (e->button() == Qt::RightButton)
            setStep(qint64(std::llround(m_heatPlot->xAxis->pixelToCoord(e->pos().x()))));
    });
    m_heatPlot->setToolTip(
        tr("Distribution against step: each column is one logged step. Right-click a column "
           "to show that step."));

    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(0, 0);
    m_slider->setToolTip(tr("The logged step shown on the left."));
    m_stepLabel = new QLabel(this);
    m_stepLabel->setMinimumWidth(90);
    connect(m_slider, &QSlider::valueChanged, this, [this] {
        drawHistogram();
        updateStepMarker();
    });
    auto* sliderRow = new QHBoxLayout;
    sliderRow->addWidget(new QLabel(tr("Step"), this));
    sliderRow->addWidget(m_slider, 1);
    sliderRow->addWidget(m_stepLabel);
    m_statsLabel = new QLabel(this);
    m_statsLabel->setTextFormat(Qt::PlainText);
    m_statsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_table = new QTableView(this);
    m_table->setModel(m_stats);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    connect(m_table, &QTableView::clicked, this,
            [this](const QModelIndex& i) { m_slider->setValue(i.row()); });

    auto* plots = new QSplitter(Qt::Horizontal, this);
    plots->addWidget(m_histPlot);
    plots->addWidget(m_heatPlot);
    auto* upper = new QWidget(this);
    auto* upperLayout = new QVBoxLayout(upper);
    upperLayout->setContentsMargins(0, 0, 0, 0);
    upperLayout->addWidget(plots, 1);
    upperLayout->addLayout(sliderRow);
    upperLayout->addWidget(m_statsLabel);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(upper);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    m_status = new QLabel(tr("Open a run store to see the histograms its runs logged."), this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
}

void HistogramView::setDatabase(const QString& file)
{
    m_database = file;
    reload();
}

void HistogramView::reload()
{
    if (m_database.isEmpty()) return;
    const std::string db = m_database.toStdString();
    m_listRuns->run([db] { return RunStore(db, readOnlyStore()).runs(); },
                    [this](std::vector<RunInfo> runs) {
                        const qint64 keep = m_wantedRun ? m_wantedRun : runId();
                        const qint64 keepOverlay = overlayRunId();
                        m_runs = std::move(runs);
                        const QSignalBlocker b1(m_run), b2(m_overlayRun);
                        m_run->clear();
                        m_overlayRun->clear();
                        m_overlayRun->addItem(tr("(none)"), 0);
                        for (const RunInfo& r : m_runs) {
                            m_run->addItem(runTitle(r), qlonglong(r.id));
                            m_overlayRun->addItem(runTitle(r), qlonglong(r.id));
                        }
                        m_run->setCurrentIndex(std::max(0, m_run->findData(qlonglong(keep))));
                        m_overlayRun->setCurrentIndex(
                            std::max(0, m_overlayRun->findData(qlonglong(keepOverlay))));
                        m_wantedRun = 0;
                        Q_EMIT runsListed();
                        listSeries();
                    },
                    [this](const QString& message) { showError(message); });
}

void HistogramView::setRun(qint64 id)
{
    const int i = m_run->findData(qlonglong(id));
    if (i < 0) {
        m_wantedRun = id; // the run list is still loading
        return;
    }
    m_run->setCurrentIndex(i);
}

void HistogramView::setOverlayRun(qint64 id)
{
    m_overlayRun->setCurrentIndex(std::max(0, m_overlayRun->findData(qlonglong(id))));
}

qint64 HistogramView::runId() const
{
    return m_run->currentData().toLongLong();
}

qint64 HistogramView::overlayRunId() const
{
    return m_overlayRun->currentData().toLongLong();
}

void HistogramView::listSeries()
{
    const qint64 run = runId(), overlay = overlayRunId();
    if (m_database.isEmpty() || run == 0) return;
    const std::string db = m_database.toStdString();
    using Listed = std::pair<std::vector<HistogramSeriesRef>, std::vector<HistogramSeriesRef>>;
    m_listSeries->run( // a newer pick of run supersedes this one
        [db, run, overlay] {
            return Listed{listHistogramSeries(db, run),
                          overlay ? listHistogramSeries(db, overlay) : std::vector<HistogramSeriesRef>{}};
        },
        [this](Listed listed) {
            m_series = std::move(listed.first);
            m_overlaySeries = std::move(listed.second);
            m_status->setText(m_series.empty() ? tr("This run logged no histograms (DL-QAT logs them every "
                                                    "training.histogram_every steps).")
                                               : tr("%n histogram series.", nullptr, int(m_series.size())));
            fillNames();
            Q_EMIT seriesListed();
            loadData();
        },
        [this](const QString& message) { showError(message); });
}

void HistogramView::fillNames()
{
    const QString current = m_name->currentText();
    const QSignalBlocker block(m_name);
    m_name->clear();
    m_name->addItems(seriesNames(m_series));
    const int i = m_name->findText(current);
    m_name->setCurrentIndex(i >= 0 ? i : 0);
    fillLayers();
}

void HistogramView::fillLayers()
{
    const int current = m_layer->currentData().isValid() ? m_layer->currentData().toInt() : -2;
    const QSignalBlocker block(m_layer);
    m_layer->clear();
    for (int l : seriesLayers(m_series, m_name->currentText()))
        m_layer->addItem(l < 0 ? tr("–") : QString::number(l), l);
    const int i = m_layer->findData(current);
    m_layer->setCurrentIndex(i >= 0 ? i : 0);
    fillModules();
}

void HistogramView::fillModules()
{
    const QString current = m_module->currentData().toString();
    const QSignalBlocker block(m_module);
    m_module->clear();
    for (const QString& m : seriesModules(m_series, m_name->currentText(), m_layer->currentData().toInt()))
        m_module->addItem(m.isEmpty() ? tr("–") : m, m);
    const int i = m_module->findData(current);
    m_module->setCurrentIndex(i >= 0 ? i : 0);
}

bool HistogramView::setSeries(const QString& name, int layer, const QString& module)
{
    if (!findSeries(m_series, name, layer, module)) return false;
    {
        const QSignalBlocker b1(m_name), b2(m_layer), b3(m_module);
        m_name->setCurrentIndex(m_name->findText(name));
        fillLayers();
        m_layer->setCurrentIndex(m_layer->findData(layer));
        fillModules();
        m_module->setCurrentIndex(m_module->findData(module));
    }
    loadData();
    return true;
}

const HistogramSeriesRef* HistogramView::currentRef() const
{
    if (m_layer->count() == 0 || m_module->count() == 0) return nullptr;
    return findSeries(m_series, m_name->currentText(), m_layer->currentData().toInt(),
                      m_module->currentData().toString());
}

void HistogramView::loadData()
{
    const HistogramSeriesRef* ref = currentRef();
    if (!ref) {
        m_loadData->cancel(); // a load still running is for a series no longer chosen
        m_data = {};
        m_hasOverlay = false;
        showData();
        return;
    }
    const std::optional<HistogramSeriesRef> other =
        overlayRunId() ? findMatchingSeries(m_overlaySeries, ref->name, ref->context) : std::nullopt;
    if (overlayRunId() && !other)
        m_status->setText(tr("The overlay run has no %1 for this layer and module.").arg(ref->name));
    const std::string db = m_database.toStdString();
    using Loaded = std::pair<HistogramSeriesData, std::optional<HistogramSeriesData>>;
    m_loadData->run(
        [db, main = *ref, other] {
            return Loaded{loadHistogramSeries(db, main),
                          other ? std::optional(loadHistogramSeries(db, *other)) : std::nullopt};
        },
        [this](Loaded loaded) {
            m_data = std::move(loaded.first);
            m_hasOverlay = loaded.second.has_value();
            m_overlay = loaded.second ? std::move(*loaded.second) : HistogramSeriesData{};
            showData();
            Q_EMIT dataLoaded();
        },
        [this](const QString& message) { showError(message); });
}

void HistogramView::showData()
{
    m_stats->setRunLabels(m_run->currentText(), m_overlayRun->currentText());
    m_stats->setSeries(m_data, overlayData());
    const QSignalBlocker block(m_slider);
    m_slider->setRange(0, std::max(0, int(m_data.points.size()) - 1));
    m_slider->setValue(m_slider->maximum()); // the latest step first: where training got to
    drawHeatMap();
    drawHistogram();
    updateStepMarker();
}

void HistogramView::setStep(qint64 s)
{
    const int row = m_stats->rowOfStep(s);
    if (row >= 0) m_slider->setValue(row);
}

qint64 HistogramView::step() const
{
    const int i = m_slider->value();
    return i >= 0 && i < int(m_data.points.size()) ? m_data.points[size_t(i)].step : -1;
}

QString HistogramView::statsText() const
{
    return m_statsLabel->text();
}

void HistogramView::drawHistogram()
{
    m_histPlot->clearPlottables();
    const int i = m_slider->value();
    if (i < 0 || i >= int(m_data.points.size())) {
        m_statsLabel->setText(tr("No histogram to show."));
        m_stepLabel->clear();
        m_histPlot->replot();
        return;
    }
    const HistogramPoint& p = m_data.points[size_t(i)];
    const QColor c = RunColors::instance().color(runId());
    const HistogramCurve curve = histogramCurve(p, true);
    auto* bars = new QCPBars(m_histPlot->xAxis, m_histPlot->yAxis);
    bars->setName(m_run->currentText());
    bars->setData(curve.centers, curve.counts, true);
    bars->setWidth(curve.widths.isEmpty() ? 1.0 : curve.widths.first());
    QColor fill = c;
    fill.setAlpha(150);
    bars->setBrush(fill);
    bars->setPen(QPen(c.darker(130)));
    QString text = m_run->currentText() + QStringLiteral(": ") + describe(p);
    if (const HistogramPoint* o = m_hasOverlay ? m_overlay.nearest(p.step) : nullptr) {
        const HistogramCurve oc = histogramCurve(*o, true);
        auto* line = m_histPlot->addGraph();
        line->setName(m_overlayRun->currentText());
        line->setLineStyle(QCPGraph::lsStepCenter);
        line->setPen(QPen(RunColors::instance().color(overlayRunId()), 2));
        line->setData(oc.centers, oc.counts, true);
        text += QLatin1Char('\n') + m_overlayRun->currentText() + QStringLiteral(": ") + describe(*o);
    }
    m_statsLabel->setText(text);
    m_stepLabel->setText(tr("step %1").arg(p.step));
    m_histPlot->xAxis->setLabel(m_data.ref.name +
                                (m_data.ref.context.isEmpty()
                                     ? QString()
                                     : QStringLiteral("  [") + m_data.ref.context + QLatin1Char(']')));
    m_histPlot->rescaleAxes();
    m_histPlot->yAxis->setRangeLower(0);
    m_histPlot->replot();
    m_table->selectRow(i);
}

void HistogramView::drawHeatMap()
{
    const HistogramGrid grid = histogramGrid(m_data.points, m_data.steps(), 64);
    const int n = int(grid.steps.size());
    m_colorMap->data()->clear();
    if (n == 0) {
        m_heatPlot->replot();
        return;
    }
    m_colorMap->data()->setSize(n, grid.bins);
    const double x0 = double(grid.steps.first()), x1 = double(grid.steps.last());
    m_colorMap->data()->setRange(QCPRange(x0, n > 1 ? x1 : x0 + 1), QCPRange(grid.lo, grid.hi));
    double top = 0;
    for (const auto& row : grid.density)
        for (double v : row)
            top = std::max(top, v);
    // A logarithmic colour scale: a spike (every m = 1 at the start) must not wash out the later, spread-out
    // steps. Empty cells get a value below the scale so they show its lowest colour.
    const double floor = top > 0 ? top * 1e-3 : 1e-3;
    for (int s = 0; s < n; ++s)
        for (int b = 0; b < grid.bins; ++b)
            m_colorMap->data()->setCell(s, b, std::max(grid.density[size_t(s)][size_t(b)], floor * 0.5));
    m_colorMap->setDataScaleType(QCPAxis::stLogarithmic);
    m_colorMap->setDataRange(QCPRange(floor, top > 0 ? top : 1));
    m_heatPlot->yAxis->setLabel(m_data.ref.name);
    m_heatPlot->rescaleAxes();
}

void HistogramView::updateStepMarker()
{
    m_heatPlot->clearItems();
    const qint64 s = step();
    if (s >= 0) {
        auto* marker = new QCPItemStraightLine(m_heatPlot);
        marker->point1->setCoords(double(s), 0);
        marker->point2->setCoords(double(s), 1);
        marker->setPen(QPen(QColor(0, 200, 255), 2, Qt::DashLine));
    }
    m_heatPlot->replot();
}

bool HistogramView::exportPng(const QString& file)
{
    return savePng(this, file);
}

bool HistogramView::exportPdf(const QString& file)
{
    return savePdf(this, {m_histPlot, m_heatPlot}, file, tr("Histograms: %1").arg(m_data.ref.name));
}

bool HistogramView::exportCsv(const QString& file) const
{
    return writeCsv(file, m_stats->csv());
}

} // namespace qat::ui

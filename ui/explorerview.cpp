#include "explorerview.h"

#include "plotexport.h"
#include "qcp.h"

#include "qatbench/error.h"

#include <QComboBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>
#include <QtConcurrent>

#include <cmath>

namespace qat::ui {

namespace {

struct Loaded
{
    std::shared_ptr<const QuantExplorer> explorer;
    QString error;
};

const QColor kWeightColor(0, 114, 178);
const QColor kQuantColor(213, 94, 0);
const QColor kClipColor(200, 30, 30);

} // namespace

ExplorerView::ExplorerView(QWidget* parent) : QWidget(parent)
{
    buildUi();
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(60); // a spin box held down sends many values: compute the one it stops at
    connect(m_debounce, &QTimer::timeout, this, &ExplorerView::compute);
    connect(this, &ExplorerView::computed, this, &ExplorerView::onComputed, Qt::QueuedConnection);
    connect(this, &ExplorerView::computeFailed, this, &ExplorerView::onComputeFailed, Qt::QueuedConnection);
}

ExplorerView::~ExplorerView()
{
    m_latest->fetch_add(1); // every request in flight is stale now: they stop at their next progress check
    for (QFuture<void>& f : m_inflight)
        f.waitForFinished();
}

QWidget* ExplorerView::buildControls()
{
    auto* box = new QGroupBox(tr("Pick a weight group"), this);
    auto* form = new QFormLayout(box);
    m_modelLabel = new QLabel(tr("No model loaded."), box);
    m_modelLabel->setWordWrap(true);
    m_layer = new QSpinBox(box);
    m_module = new QComboBox(box);
    for (int k = 0; k < kLinearKinds; ++k)
        m_module->addItem(QString::fromLatin1(linearName(LinearKind(k))), k);
    m_row = new QSpinBox(box);
    m_row->setToolTip(tr("The output feature (row of the weight matrix)."));
    m_group = new QSpinBox(box);
    m_group->setToolTip(tr("Which group of consecutive weights inside the row."));
    m_bits = new QSpinBox(box);
    m_bits->setRange(2, 8);
    m_bits->setValue(3);
    m_bits->setSuffix(tr(" bits"));
    m_groupSize = new QComboBox(box);
    m_init = new QComboBox(box);
    m_init->addItem(tr("min/max with 0"), int(RangeInit::MinMaxZero));
    m_init->addItem(tr("min/max"), int(RangeInit::MinMax));
    m_init->addItem(tr("search (clips outliers)"), int(RangeInit::Search));
    m_init->setToolTip(tr("How each group's range is chosen before s and z are computed."));
    form->addRow(m_modelLabel);
    form->addRow(tr("Layer"), m_layer);
    form->addRow(tr("Module"), m_module);
    form->addRow(tr("Row"), m_row);
    form->addRow(tr("Group"), m_group);
    form->addRow(tr("Bits"), m_bits);
    form->addRow(tr("Group size"), m_groupSize);
    form->addRow(tr("Range"), m_init);

    auto changed = [this] {
        if (m_updating) return;
        updateRanges();
        schedule();
    };
    connect(m_layer, &QSpinBox::valueChanged, this, changed);
    connect(m_module, &QComboBox::currentIndexChanged, this, changed);
    connect(m_row, &QSpinBox::valueChanged, this, changed);
    connect(m_group, &QSpinBox::valueChanged, this, changed);
    connect(m_bits, &QSpinBox::valueChanged, this, changed);
    connect(m_groupSize, &QComboBox::currentIndexChanged, this, changed);
    connect(m_init, &QComboBox::currentIndexChanged, this, changed);
    return box;
}

void ExplorerView::buildUi()
{
    QWidget* controls = buildControls();
    m_numbers = new QLabel(this);
    m_numbers->setTextFormat(Qt::RichText);
    m_numbers->setWordWrap(true);
    m_numbers->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_numbers->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* exportButton = makeExportButton(this, QStringLiteral("explorer"),
                                          {[this](const QString& f) { return exportPng(f); },
                                           [this](const QString& f) { return exportPdf(f); },
                                           [this](const QString& f) { return exportCsv(f); }});
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(controls);
    leftLayout->addWidget(m_numbers, 1);
    leftLayout->addWidget(exportButton, 0, Qt::AlignLeft);

    auto makePlot = [this](const QString& title) {
        auto* p = new QCustomPlot(this);
        p->setMinimumSize(300, 150);
        p->plotLayout()->insertRow(0);
        auto* t = new QCPTextElement(p, title, QFont(font().family(), font().pointSize(), QFont::Bold));
        p->plotLayout()->addElement(0, 0, t);
        return p;
    };
    m_groupPlot = makePlot(tr("The group's weights and the levels they are rounded to"));
    m_groupPlot->xAxis->setLabel(tr("input column"));
    m_groupPlot->yAxis->setLabel(tr("weight"));
    // The legend goes below the plot: inside it would hide weights near the group's extremes.
    m_groupPlot->legend->setVisible(true);
    m_groupPlot->axisRect()->insetLayout()->take(m_groupPlot->legend);
    m_groupPlot->plotLayout()->addElement(2, 0, m_groupPlot->legend);
    m_groupPlot->plotLayout()->setRowStretchFactor(2, 0.001);
    m_groupPlot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_groupPlot->legend->setBorderPen(Qt::NoPen);
    m_groupPlot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // The right axis names the levels by their integer code.
    m_groupPlot->yAxis2->setVisible(true);
    m_groupPlot->yAxis2->setLabel(tr("code q"));
    m_groupPlot->yAxis2->setTickLabels(true);
    m_groupPlot->yAxis2->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    connect(m_groupPlot->yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), m_groupPlot->yAxis2,
            qOverload<const QCPRange&>(&QCPAxis::setRange));
    m_errorPlot = makePlot(tr("Rounding error Q(w) - w of each weight"));
    m_errorPlot->xAxis->setLabel(tr("input column"));
    m_usagePlot = makePlot(tr("How often each integer code is used in the whole layer"));
    m_usagePlot->xAxis->setLabel(tr("code"));
    m_usagePlot->yAxis->setLabel(tr("weights"));
    for (QCustomPlot* p : {m_groupPlot, m_errorPlot, m_usagePlot}) {
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
        ticker->setTickStep(1);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // whole columns and codes only
        p->xAxis->setTicker(ticker);
    }
    auto* lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(m_errorPlot);
    lower->addWidget(m_usagePlot);
    auto* plots = new QSplitter(Qt::Vertical, this);
    plots->addWidget(m_groupPlot);
    plots->addWidget(lower);
    plots->setStretchFactor(0, 3);
    plots->setStretchFactor(1, 2);

    m_explain = new QTextBrowser(this);
    m_explain->setHtml(explanationHtml());
    m_explain->setMinimumWidth(240);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(plots);
    split->addWidget(m_explain);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 1);

    m_status = new QLabel(tr("Open a model to explore how its weights are quantized."), this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
}

void ExplorerView::offerModelDir(const QString& dir)
{
    if (dir == m_loadedDir) return;
    m_offeredDir = dir;
    if (isVisible()) setModelDir(std::exchange(m_offeredDir, QString()));
}

void ExplorerView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (!m_offeredDir.isEmpty()) setModelDir(std::exchange(m_offeredDir, QString()));
}

void ExplorerView::setModelDir(const QString& dir)
{
    m_loadedDir = dir;
    m_status->setText(tr("Loading %1 ...").arg(dir));
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcher<Loaded>::finished, this, [this, watcher] {
        const Loaded loaded = watcher->result();
        watcher->deleteLater();
        if (!loaded.error.isEmpty()) {
            m_loadedDir.clear(); // offering the same folder again retries
            showError(loaded.error);
            return;
        }
        setExplorer(loaded.explorer);
    });
    const std::string path = dir.toStdString();
    QFuture<Loaded> future = QtConcurrent::run([path]() -> Loaded {
        try {
            return {std::make_shared<const QuantExplorer>(path), {}};
        } catch (const std::exception& e) {
            return {nullptr, QString::fromUtf8(e.what())};
        }
    });
    watcher->setFuture(future);
    m_inflight.append(QFuture<void>(future));
}

void ExplorerView::setExplorer(std::shared_ptr<const QuantExplorer> explorer)
{
    m_explorer = std::move(explorer);
    onExplorerReady();
}

void ExplorerView::onExplorerReady()
{
    const ModelConfig& cfg = m_explorer->config();
    m_modelLabel->setText(tr("%1\n%2 layers, hidden %3, intermediate %4\nsample activations from %5")
                              .arg(QString::fromStdString(m_explorer->modelDir()))
                              .arg(cfg.numLayers)
                              .arg(cfg.hiddenSize)
                              .arg(cfg.intermediateSize)
                              .arg(QString::fromStdString(m_explorer->sampleSource())));
    m_updating = true;
    m_layer->setRange(0, int(cfg.numLayers - 1));
    m_updating = false;
    updateRanges();
    Q_EMIT modelLoaded();
    schedule();
}

void ExplorerView::updateRanges()
{
    if (!m_explorer) return;
    m_updating = true;
    const auto [rows, cols] =
        m_explorer->linearShape(m_layer->value(), LinearKind(m_module->currentData().toInt()));
    m_row->setRange(0, int(rows - 1));
    // Only group sizes that divide the row: the others would need partial groups, which training refuses too.
    const qint64 current = m_groupSize->count() ? m_groupSize->currentData().toLongLong() : 32;
    m_groupSize->clear();
    for (qint64 g : {8, 16, 32, 64, 128, 256, 512})
        if (g < cols && cols % g == 0) m_groupSize->addItem(QString::number(g), g);
    m_groupSize->addItem(tr("whole row (%1)").arg(cols), qint64(0));
    const int i = m_groupSize->findData(current);
    m_groupSize->setCurrentIndex(i >= 0 ? i : m_groupSize->count() - 1);
    const qint64 g = m_groupSize->currentData().toLongLong();
    m_group->setRange(0, int(g > 0 ? cols / g - 1 : 0));
    m_updating = false;
}

ExplorerQuery ExplorerView::query() const
{
    ExplorerQuery q;
    q.layer = m_layer->value();
    q.module = LinearKind(m_module->currentData().toInt());
    q.row = m_row->value();
    q.group = m_group->value();
    q.spec.bits = m_bits->value();
    q.spec.groupSize = m_groupSize->currentData().toLongLong();
    q.spec.init = RangeInit(m_init->currentData().toInt());
    return q;
}

void ExplorerView::setQuery(const ExplorerQuery& q)
{
    m_updating = true;
    m_layer->setValue(q.layer);
    m_module->setCurrentIndex(m_module->findData(int(q.module)));
    m_bits->setValue(q.spec.bits);
    m_init->setCurrentIndex(m_init->findData(int(q.spec.init)));
    m_updating = false;
    updateRanges();
    m_updating = true;
    const qint64 cols = m_explorer ? m_explorer->linearShape(m_layer->value(), q.module).second : 0;
    const qint64 wanted = q.spec.groupSize >= cols ? 0 : q.spec.groupSize; // core treats these as per-channel
    const int gi = m_groupSize->findData(wanted);
    if (gi >= 0) m_groupSize->setCurrentIndex(gi);
    m_updating = false;
    updateRanges();
    m_updating = true;
    m_row->setValue(int(q.row));
    m_group->setValue(int(q.group));
    m_updating = false;
    schedule();
}

void ExplorerView::schedule()
{
    if (!m_explorer) return;
    m_debouncePending = true;
    m_debounce->start();
}

void ExplorerView::compute()
{
    m_debouncePending = false;
    if (!m_explorer) return;
    const ExplorerQuery q = query();
    const quint64 id = m_latest->fetch_add(1) + 1;
    auto latest = m_latest;
    auto explorer = m_explorer;
    ++m_running;
    m_status->setText(tr("Computing..."));
    m_inflight.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
    m_inflight.append(QtConcurrent::run([this, q, id, latest, explorer] {
        // A newer request makes this one stale: the progress check then stops it early.
        const ProgressFn stillWanted = [&](const Progress&) { return latest->load() == id; };
        try {
            const ExplorerResult r = explorer->compute(q, stillWanted);
            Q_EMIT computed(id, r);
        } catch (const Cancelled&) {
            Q_EMIT computeFailed(id, QString(), true);
        } catch (const std::exception& e) {
            Q_EMIT computeFailed(id, QString::fromUtf8(e.what()), false);
        }
    }));
}

void ExplorerView::onComputed(quint64 id, const ExplorerResult& r)
{
    --m_running;
    if (id != m_latest->load()) {
        ++m_cancelled; // finished, but the user has moved on
        return;
    }
    showResult(r);
}

void ExplorerView::onComputeFailed(quint64 id, const QString& message, bool cancelled)
{
    --m_running;
    if (cancelled) {
        ++m_cancelled;
        return;
    }
    if (id == m_latest->load()) showError(message);
}

void ExplorerView::showError(const QString& message)
{
    m_status->setText(message);
    Q_EMIT errorOccurred(message);
}

void ExplorerView::showResult(const ExplorerResult& r)
{
    m_result = r;
    const ExplorerGroup& g = r.group;
    const ExplorerLayer& L = r.layer;
    int clippedHere = 0;
    for (uint8_t c : g.clipped)
        clippedHere += c;
    m_numbers->setText(
        tr("<b>This group</b> (row %1, columns %2–%3)<br>"
           "scale s = %4<br>zero-point z = %5<br>%6 levels from %7 to %8<br>"
           "RMS rounding error = %9 (%10 of s)<br>largest error = %11<br>clipped here: %12 of %13<br><br>"
           "<b>The whole layer</b> (%14 × %15, %16 groups per row)<br>"
           "weight error ‖Q(W)−W‖/‖W‖ = %17<br>"
           "<b>output error</b> on %18 sample tokens = %19<br>"
           "clipped weights: %20<br>bits per weight incl. s and z: %21<br><br>"
           "<small>computed in %22 ms</small>")
            .arg(g.row)
            .arg(g.firstColumn)
            .arg(g.firstColumn + qint64(g.weights.size()) - 1)
            .arg(g.scale, 0, 'g', 4)
            .arg(g.zero)
            .arg(g.levels.size())
            .arg(g.levels.empty() ? 0.0 : g.levels.front(), 0, 'g', 4)
            .arg(g.levels.empty() ? 0.0 : g.levels.back(), 0, 'g', 4)
            .arg(g.rmsError, 0, 'g', 3)
            .arg(g.scale > 0 ? QStringLiteral("%1%").arg(100.0 * g.rmsError / g.scale, 0, 'f', 0) : QString())
            .arg(g.maxAbsError, 0, 'g', 3)
            .arg(clippedHere)
            .arg(g.weights.size())
            .arg(L.rows)
            .arg(L.cols)
            .arg(L.groupsPerRow)
            .arg(QStringLiteral("%1%").arg(100.0 * L.weightRelError, 0, 'f', 2))
            .arg(L.sampleTokens)
            .arg(QStringLiteral("%1%").arg(100.0 * L.outputRelError, 0, 'f', 2))
            .arg(QStringLiteral("%1%").arg(100.0 * L.clippedFraction, 0, 'f', 2))
            .arg(L.bitsPerWeight, 0, 'f', 2)
            .arg(r.seconds * 1000.0, 0, 'f', 0));
    drawGroup(r);
    drawError(r);
    drawUsage(r);
    m_status->setText(tr("Layer %1 %2: %3 bits, %4.")
                          .arg(r.query.layer)
                          .arg(QString::fromLatin1(linearName(r.query.module)))
                          .arg(r.query.spec.bits)
                          .arg(r.query.spec.groupSize > 0 ? tr("groups of %1").arg(r.query.spec.groupSize)
                                                          : tr("one group per row")));
    Q_EMIT resultReady();
}

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

QString ExplorerView::numbersText() const
{
    return m_numbers->text();
}

QString ExplorerView::explanationText() const
{
    return m_explain->toPlainText();
}

bool ExplorerView::exportPng(const QString& file)
{
    return savePng(this, file);
}

bool ExplorerView::exportPdf(const QString& file)
{
    return savePdf(this, {m_groupPlot, m_errorPlot, m_usagePlot}, file, tr("Quantization explorer"));
}

bool ExplorerView::exportCsv(const QString& file) const
{
    if (!m_result) return false;
    QString text = QString::fromStdString(explorerCsv(*m_result));
    text += QStringLiteral("\ncode,weights_in_layer\n");
    for (size_t k = 0; k < m_result->layer.codeUsage.size(); ++k)
        text += QStringLiteral("%1,%2\n").arg(k).arg(m_result->layer.codeUsage[k]);
    return writeText(file, text);
}

} // namespace qat::ui

#include "explorer/explorerview.h"

#include "common/backgroundtask.h"
#include "common/format.h"
#include "common/plotexport.h"
#include "common/qcp.h"

#include "qatbench/error.h"
#include "qatbench/store.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>

#include <cmath>

namespace qat::ui {

namespace {

struct ListedRuns
{
    QList<ExplorerRunEntry> runs;
    QString error;
};

// Completed runs of the model in `modelDir` whose work folder holds a quantized export.
ListedRuns readRuns(const std::string& database, const QString& modelDir)
{
    ListedRuns out;
    try {
        StoreOptions options;
        options.readOnly = true;
        RunStore store(database, options);
        const QString model = QFileInfo(modelDir).canonicalFilePath();
        RunFilter filter;
        filter.statuses = {RunStatus::Completed};
        for (const RunInfo& info : store.runs(filter)) {
            const QString dir = QString::fromStdString(info.workDir);
            if (dir.isEmpty() || !QFileInfo::exists(dir + QStringLiteral("/export/quantized.safetensors")))
                continue;
            if (QFileInfo(QString::fromStdString(info.modelPath)).canonicalFilePath() != model) continue;
            ExplorerRunEntry e;
            e.id = info.id;
            e.label = QStringLiteral("#%1 %2 (%3)")
                          .arg(info.id)
                          .arg(QString::fromStdString(info.name.empty() ? info.experiment : info.name),
                               QString::fromStdString(info.method));
            e.workDir = dir;
            e.config = QString::fromStdString(info.config);
            out.runs.append(e);
        }
    } catch (const std::exception& e) {
        out.error = QString::fromUtf8(e.what());
    }
    return out;
}

// The group size a combo offers for a row of `cols`: those that divide it, and the whole row (0).
void fillGroupSizes(QComboBox* box, qint64 cols, qint64 keep)
{
    box->clear();
    for (qint64 g : {8, 16, 32, 64, 128, 256, 512})
        if (g < cols && cols % g == 0) box->addItem(QString::number(g), g);
    box->addItem(ExplorerView::tr("whole row (%1)").arg(cols), qint64(0));
    const int i = box->findData(keep);
    box->setCurrentIndex(i >= 0 ? i : box->count() - 1);
}

QString moduleLabel(LinearKind k)
{
    switch (k) {
    case LinearKind::Q:
        return ExplorerView::tr("query (q_proj)");
    case LinearKind::K:
        return ExplorerView::tr("key (k_proj)");
    case LinearKind::V:
        return ExplorerView::tr("value (v_proj)");
    case LinearKind::O:
        return ExplorerView::tr("attention output (o_proj)");
    case LinearKind::Gate:
        return ExplorerView::tr("MLP gate (gate_proj)");
    case LinearKind::Up:
        return ExplorerView::tr("MLP up (up_proj)");
    case LinearKind::Down:
        return ExplorerView::tr("MLP down (down_proj)");
    }
    return QString::fromLatin1(linearName(k));
}

} // namespace

ExplorerView::ExplorerView(QWidget* parent) : QWidget(parent)
{
    m_loadModel = new BackgroundTask(this);
    m_listRuns = new BackgroundTask(this);
    m_loadRun = new BackgroundTask(this);
    m_compute = new BackgroundTask(this);
    buildUi();
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(60); // a spin box held down sends many values: compute the one it stops at
    connect(m_debounce, &QTimer::timeout, this, &ExplorerView::compute);
}

bool ExplorerView::isComputing() const
{
    return m_compute->isBusy() || m_debouncePending;
}

int ExplorerView::cancelledCount() const
{
    return m_compute->droppedCount();
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
        m_module->addItem(moduleLabel(LinearKind(k)), k);
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
    m_source = new QComboBox(box);
    m_source->addItem(tr("the loaded weights (settings below)"), qint64(0));
    m_source->setToolTip(tr("A completed run of this model from the run store: its calibrated s and z, the "
                            "learned m and what LoRA moved."));
    m_compare = new QCheckBox(tr("Compare with"), box);
    m_compare->setToolTip(tr("A second setting computed beside the first: the numbers side by side, its "
                             "quantized values in the group plot and its output error in the overview."));
    m_bitsB = new QSpinBox(box);
    m_bitsB->setRange(2, 8);
    m_bitsB->setValue(2);
    m_bitsB->setSuffix(tr(" bits"));
    m_groupSizeB = new QComboBox(box);
    auto* compareRow = new QHBoxLayout;
    compareRow->addWidget(m_bitsB);
    compareRow->addWidget(m_groupSizeB, 1);
    form->addRow(m_modelLabel);
    form->addRow(tr("Show"), m_source);
    form->addRow(tr("Layer"), m_layer);
    form->addRow(tr("Module"), m_module);
    form->addRow(tr("Row"), m_row);
    form->addRow(tr("Group"), m_group);
    form->addRow(tr("Bits"), m_bits);
    form->addRow(tr("Group size"), m_groupSize);
    form->addRow(tr("Range"), m_init);
    form->addRow(m_compare, compareRow);

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
    connect(m_compare, &QCheckBox::toggled, this, changed);
    connect(m_bitsB, &QSpinBox::valueChanged, this, changed);
    connect(m_groupSizeB, &QComboBox::currentIndexChanged, this, changed);
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating) onSourceChanged();
    });
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
    m_overviewPlot = makePlot(tr("Output error of every quantized linear (sample activations)"));
    m_overviewPlot->yAxis->setLabel(tr("output error (%)"));
    m_overviewPlot->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    m_overviewPlot->xAxis->setTickLabelRotation(60);
    // The legend goes above the bars, outside the axes: inside it hid the first layers' bars.
    m_overviewPlot->legend->setVisible(true);
    m_overviewPlot->axisRect()->insetLayout()->take(m_overviewPlot->legend);
    m_overviewPlot->plotLayout()->insertRow(1);
    m_overviewPlot->plotLayout()->addElement(1, 0, m_overviewPlot->legend);
    m_overviewPlot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_overviewPlot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_overviewPlot->legend->setBorderPen(Qt::NoPen);
    auto* plots = new QSplitter(Qt::Vertical, this);
    plots->addWidget(m_groupPlot);
    plots->addWidget(lower);
    plots->addWidget(m_overviewPlot);
    plots->setStretchFactor(0, 3);
    plots->setStretchFactor(1, 2);
    plots->setStretchFactor(2, 2);
    for (QSplitter* sp : {lower, plots})
        sp->setChildrenCollapsible(false); // a plot dragged to nothing could not be found again

    m_explain = new QTextBrowser(this);
    m_explain->setHtml(explanationHtml());
    m_explain->setMinimumWidth(240);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("explorerSplitter"));
    split->setChildrenCollapsible(false);
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
    if (m_explorer) listRuns(); // runs may have finished since the list was read
}

void ExplorerView::setDatabase(const QString& file)
{
    m_database = file;
    if (m_explorer && isVisible()) listRuns();
}

QStringList ExplorerView::runLabels() const
{
    QStringList labels;
    for (const ExplorerRunEntry& e : m_runs)
        labels << e.label;
    return labels;
}

void ExplorerView::listRuns()
{
    if (!m_explorer || m_database.isEmpty()) return;
    const std::string db = m_database.toStdString();
    const QString model = QString::fromStdString(m_explorer->modelDir());
    m_listRuns->run([db, model] { return readRuns(db, model); },
                    [this](const ListedRuns& listed) {
                        const qint64 shown = m_source->currentData().toLongLong();
                        m_runs = listed.runs;
                        m_updating = true;
                        while (m_source->count() > 1)
                            m_source->removeItem(1);
                        for (const ExplorerRunEntry& e : m_runs)
                            m_source->addItem(e.label, e.id);
                        const int keep = m_source->findData(shown);
                        m_source->setCurrentIndex(keep >= 0 ? keep : 0);
                        m_updating = false;
                        if (keep < 0 && m_run) onSourceChanged(); // the shown run was deleted
                        if (!listed.error.isEmpty()) m_status->setText(listed.error);
                        Q_EMIT runsListed();
                    });
}

bool ExplorerView::showRun(qint64 id)
{
    const int i = m_source->findData(id);
    if (i <= 0) return false;
    if (m_source->currentIndex() == i)
        onSourceChanged();
    else
        m_source->setCurrentIndex(i);
    return true;
}

void ExplorerView::showLoadedWeights()
{
    m_source->setCurrentIndex(0);
}

void ExplorerView::onSourceChanged()
{
    const qint64 id = m_source->currentData().toLongLong();
    const auto it = std::find_if(m_runs.begin(), m_runs.end(), [id](const auto& e) { return e.id == id; });
    if (id == 0 || it == m_runs.end() || !m_explorer) {
        m_loadRun->cancel();
        m_run.reset();
        updateRanges();
        schedule();
        return;
    }
    m_status->setText(tr("Loading run #%1 ...").arg(id));
    auto explorer = m_explorer;
    const std::string dir = it->workDir.toStdString(), config = it->config.toStdString();
    m_loadRun->run( // a newer pick supersedes this one
        [explorer, dir, config] { return explorer->loadRun(dir, config); },
        [this](std::shared_ptr<const ExplorerRun> run) {
            m_run = std::move(run);
            updateRanges();
            Q_EMIT runLoaded();
            schedule();
        },
        [this](const QString& message) {
            m_run.reset();
            showError(message);
        });
}

void ExplorerView::setCompare(bool on, int bits, qint64 groupSize)
{
    m_updating = true;
    m_bitsB->setValue(bits);
    const int gi = m_groupSizeB->findData(groupSize);
    if (gi >= 0) m_groupSizeB->setCurrentIndex(gi);
    m_compare->setChecked(on);
    m_updating = false;
    updateRanges();
    schedule();
}

bool ExplorerView::isComparing() const
{
    return m_compare->isChecked() && !m_run;
}

void ExplorerView::setModelDir(const QString& dir)
{
    m_loadedDir = dir;
    m_status->setText(tr("Loading %1 ...").arg(dir));
    const std::string path = dir.toStdString();
    m_loadModel->run(
        [path] { return std::make_shared<const QuantExplorer>(path); },
        [this](std::shared_ptr<const QuantExplorer> explorer) { setExplorer(std::move(explorer)); },
        [this](const QString& message) {
            m_loadedDir.clear(); // offering the same folder again retries
            showError(message);
        });
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
    m_source->setCurrentIndex(0); // another model: its runs are listed anew
    while (m_source->count() > 1)
        m_source->removeItem(1);
    m_updating = false;
    m_run.reset();
    m_runs.clear();
    m_shownOverviewKey.clear();
    updateRanges();
    Q_EMIT modelLoaded();
    schedule();
    if (isVisible()) listRuns();
}

void ExplorerView::updateRanges()
{
    if (!m_explorer) return;
    m_updating = true;
    const auto [rows, cols] =
        m_explorer->linearShape(m_layer->value(), LinearKind(m_module->currentData().toInt()));
    m_row->setRange(0, int(rows - 1));
    // Only group sizes that divide the row: the others would need partial groups, which training refuses too.
    fillGroupSizes(m_groupSize, cols, m_groupSize->count() ? m_groupSize->currentData().toLongLong() : 32);
    fillGroupSizes(m_groupSizeB, cols,
                   m_groupSizeB->count() ? m_groupSizeB->currentData().toLongLong() : 128);
    qint64 g = m_groupSize->currentData().toLongLong();
    if (m_run) {
        // The run's own grid, which may end in a partial group (allow_partial_group).
        m_bits->setValue(m_run->spec().bits);
        m_init->setCurrentIndex(m_init->findData(int(m_run->spec().init)));
        g = m_run->spec().groupSize >= cols ? 0 : m_run->spec().groupSize;
        const int gi = m_groupSize->findData(g);
        if (gi >= 0)
            m_groupSize->setCurrentIndex(gi);
        else {
            m_groupSize->addItem(tr("%1 (last group partial)").arg(g), g);
            m_groupSize->setCurrentIndex(m_groupSize->count() - 1);
        }
    }
    m_group->setRange(0, int(g > 0 ? (cols + g - 1) / g - 1 : 0));
    for (QWidget* w : {static_cast<QWidget*>(m_bits), static_cast<QWidget*>(m_groupSize),
                       static_cast<QWidget*>(m_init), static_cast<QWidget*>(m_compare)})
        w->setEnabled(!m_run);
    m_bitsB->setEnabled(!m_run && m_compare->isChecked());
    m_groupSizeB->setEnabled(!m_run && m_compare->isChecked());
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
    q.run = m_run;
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

QString ExplorerView::overviewKey() const
{
    if (m_run) return QStringLiteral("run:") + QString::fromStdString(m_run->workDir());
    QString key = QStringLiteral("%1/%2/%3")
                      .arg(m_bits->value())
                      .arg(m_groupSize->currentData().toLongLong())
                      .arg(m_init->currentData().toInt());
    if (isComparing())
        key += QStringLiteral("|%1/%2").arg(m_bitsB->value()).arg(m_groupSizeB->currentData().toLongLong());
    return key;
}

void ExplorerView::compute()
{
    m_debouncePending = false;
    if (!m_explorer) return;
    const ExplorerQuery q = query();
    std::optional<ExplorerQuery> qb;
    if (isComparing()) {
        // The compared setting's group that holds the first column of the chosen one.
        qb = q;
        qb->spec.bits = m_bitsB->value();
        qb->spec.groupSize = m_groupSizeB->currentData().toLongLong();
        const qint64 first = q.spec.groupSize > 0 ? q.group * q.spec.groupSize : 0;
        qb->group = qb->spec.groupSize > 0 ? first / qb->spec.groupSize : 0;
    }
    const QString key = overviewKey();
    const bool needOverview = key != m_shownOverviewKey;
    auto explorer = m_explorer;
    m_status->setText(tr("Computing..."));
    m_compute->run( // a newer request makes this one stale: its progress check then stops it early
        [q, qb, key, needOverview, explorer](const CancelToken& token) {
            const ProgressFn stillWanted = [token](const Progress&) { return !token.isCancelled(); };
            ExplorerOutcome o;
            o.a = explorer->compute(q, stillWanted);
            if (qb) o.b = explorer->compute(*qb, stillWanted);
            if (needOverview) {
                // Every linear is measured, also those whose rows the chosen group size does not divide.
                QuantSpec spec = q.spec;
                spec.allowPartialGroup = true;
                o.overviewA = explorer->overview(spec, q.run, stillWanted);
                if (qb) {
                    QuantSpec specB = qb->spec;
                    specB.allowPartialGroup = true;
                    o.overviewB = explorer->overview(specB, nullptr, stillWanted);
                }
                o.overviewKey = key;
            }
            return o;
        },
        [this](const ExplorerOutcome& o) { showOutcome(o); },
        [this](const QString& message) { showError(message); });
}

void ExplorerView::showError(const QString& message)
{
    m_status->setText(message);
    Q_EMIT errorOccurred(message);
}

void ExplorerView::showOutcome(const ExplorerOutcome& o)
{
    const ExplorerResult& r = o.a;
    m_result = r;
    m_resultB = o.b;
    if (o.overviewA) {
        m_overviewA = *o.overviewA;
        m_overviewB = o.overviewB.value_or(std::vector<ExplorerLinearError>{});
        m_shownOverviewKey = o.overviewKey;
    }
    QString html = numbersHtml(r);
    if (r.group.trained) html = trainedHtml(r) + QStringLiteral("<br><br>") + html;
    if (m_resultB) html = compareHtml(r, *m_resultB) + QStringLiteral("<br>") + html;
    m_numbers->setText(html);
    drawGroup(r);
    drawError(r);
    drawUsage(r);
    drawOverview();
    QString status = tr("Layer %1 %2: %3 bits, %4.")
                         .arg(r.query.layer)
                         .arg(moduleLabel(r.query.module))
                         .arg(r.query.spec.bits)
                         .arg(r.query.spec.groupSize > 0 ? tr("groups of %1").arg(r.query.spec.groupSize)
                                                         : tr("one group per row"));
    if (m_run) status = m_source->currentText() + QStringLiteral(" — ") + status;
    m_status->setText(status);
    Q_EMIT resultReady();
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

#include "compare/compareview.h"

#include "common/backgroundtask.h"
#include "common/plotexport.h"
#include "common/qcp.h"
#include "common/runcolors.h"
#include "common/runrepository.h"
#include "compare/comparechart.h"
#include "compare/comparemodels.h"
#include "compare/comparetasks.h"

#include <QCheckBox>
#include <QColorDialog>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>

#include <cmath>

namespace qat::ui {

CompareView::CompareView(QWidget* parent) : QWidget(parent)
{
    m_runsModel = new CompareRunsModel(this);
    m_runsFilter = new CompareRunsFilter(this);
    m_runsFilter->setSourceModel(m_runsModel);
    m_metricsModel = new CompareMetricsModel(this);
    m_diffModel = new ConfigDiffModel(this);
    m_list = new BackgroundTask(this);
    m_load = new BackgroundTask(this);
    buildUi();

    connect(m_runsModel, &CompareRunsModel::checkedRunsChanged, this, &CompareView::loadSelected);

    m_liveTimer = new QTimer(this);
    m_liveTimer->setInterval(2000);
    connect(m_liveTimer, &QTimer::timeout, this, &CompareView::liveTick);
    m_liveTimer->start();
}

bool CompareView::isLoading() const
{
    return m_list->isBusy() || m_load->isBusy();
}

QWidget* CompareView::buildToolbar()
{
    m_metric = new QComboBox(this);
    m_metric->setMinimumContentsLength(16);
    m_metric->setToolTip(tr("The metric of the first chart, of the tables and of the scatter plot."));
    m_panelsButton = new QToolButton(this);
    m_panelsButton->setText(tr("Panels"));
    m_panelsButton->setPopupMode(QToolButton::InstantPopup);
    m_panelsButton->setMenu(new QMenu(m_panelsButton));
    m_panelsButton->setToolTip(tr("More metrics as charts beside the first one."));
    m_axis = new QComboBox(this);
    m_axis->addItem(tr("x: step"));
    m_axis->addItem(tr("x: wall time"));
    m_axis->addItem(tr("x: time since start"));
    m_smoothing = new QDoubleSpinBox(this);
    m_smoothing->setRange(0.0, 0.99);
    m_smoothing->setSingleStep(0.1);
    m_smoothing->setDecimals(2);
    m_smoothing->setPrefix(tr("Smoothing "));
    m_smoothing->setToolTip(tr("Debiased exponential moving average, as in the live charts and TensorBoard "
                               "(0 = raw values). Tables always show raw values."));
    m_logY = new QCheckBox(tr("Log y"), this);
    m_grouped = new QCheckBox(tr("Group by parameters"), this);
    m_grouped->setToolTip(tr("Runs that differ only in their seed form one group: the line is their mean, "
                             "the band their spread."));
    m_band = new QComboBox(this);
    m_band->addItem(tr("band: min–max"));
    m_band->addItem(tr("band: ± std"));
    m_band->addItem(tr("band: ± SEM"));
    m_band->setToolTip(
        tr("The band around a group's mean: the members' range, standard deviation or standard "
           "error of the mean."));
    m_step = new QSpinBox(this);
    m_step->setPrefix(tr("Step "));
    m_step->setRange(0, 0);
    m_step->setToolTip(
        tr("The table shows each run's value at this step (the nearest point at or before it); "
           "a click on a chart chooses it too."));
    m_live = new QCheckBox(tr("Live"), this);
    m_live->setChecked(true);
    m_live->setToolTip(tr("While a run is going, read the store again every few seconds."));
    auto* reload = new QPushButton(tr("Reload"), this);
    auto* exportButton = makeExportButton(this, QStringLiteral("compare"),
                                          {[this](const QString& f) { return exportPng(f); },
                                           [this](const QString& f) { return exportPdf(f); },
                                           [this](const QString& f) { return exportCsv(f); }});
    connect(reload, &QPushButton::clicked, this, &CompareView::reload);
    connect(m_metric, &QComboBox::currentTextChanged, this, [this] {
        m_runsModel->setMetric(metric());
        updateStepRange();
        refreshMetrics();
        redraw();
    });
    connect(m_axis, &QComboBox::currentIndexChanged, this, [this] {
        redraw();
        for (CompareChart* c : m_charts)
            c->fitToData();
    });
    connect(m_smoothing, &QDoubleSpinBox::valueChanged, this, &CompareView::redraw);
    connect(m_logY, &QCheckBox::toggled, this, [this](bool on) {
        for (CompareChart* c : m_charts)
            c->setLogScale(on);
    });
    connect(m_grouped, &QCheckBox::toggled, this, [this] {
        m_band->setEnabled(isGrouped());
        refreshMetrics();
        redraw();
    });
    connect(m_band, &QComboBox::currentIndexChanged, this, &CompareView::redraw);
    m_band->setEnabled(false);
    connect(m_step, &QSpinBox::valueChanged, this, [this] {
        refreshMetrics();
        redraw();
    });
    connect(m_live, &QCheckBox::toggled, this,
            [this](bool on) { setLiveRefresh(on, m_liveTimer->interval()); });

    auto* bar = new QWidget(this);
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Metric"), this));
    layout->addWidget(m_metric, 1);
    for (QWidget* w : std::initializer_list<QWidget*>{m_panelsButton, m_axis, m_smoothing, m_logY, m_grouped,
                                                      m_band, m_step, m_live, reload, exportButton})
        layout->addWidget(w);
    return bar;
}

QWidget* CompareView::buildScatterPage()
{
    auto* page = new QWidget(this);
    m_scatterParam = new QComboBox(page);
    m_scatterParam->setToolTip(tr("The parameter on the x axis (those that differ between the runs)."));
    m_scatterLogX = new QCheckBox(tr("Log x"), page);
    m_scatter = new QCustomPlot(page);
    m_scatter->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_scatter->legend->setVisible(true);
    m_scatter->legend->setBrush(QColor(255, 255, 255, 210));
    connect(m_scatterParam, &QComboBox::currentTextChanged, this, &CompareView::drawScatter);
    connect(m_scatterLogX, &QCheckBox::toggled, this, &CompareView::drawScatter);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Final value against"), page));
    row->addWidget(m_scatterParam, 1);
    row->addWidget(m_scatterLogX);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_scatter, 1);
    return page;
}

void CompareView::buildUi()
{
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter: bits=2 method=dlqat g!=32 ..."));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(
        tr("Words separated by spaces, all must hold: key=value or key!=value on a parameter "
           "(full key or its last part: bits, g, method, lr_m), or text in the run's name, "
           "method or status."));
    connect(m_filter, &QLineEdit::textChanged, m_runsFilter, &CompareRunsFilter::setFilterText);
    m_runsTable = new QTableView(this);
    m_runsTable->setModel(m_runsFilter);
    m_runsTable->setSortingEnabled(true);
    m_runsTable->sortByColumn(-1, Qt::AscendingOrder); // store order until the user sorts
    m_runsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runsTable->setWordWrap(false);
    m_runsTable->verticalHeader()->hide();
    m_runsTable->horizontalHeader()->setStretchLastSection(true);
    m_runsTable->setToolTip(
        tr("Tick the runs to compare; click a header to sort; double-click a run's colour "
           "square to change it."));
    connect(m_runsTable, &QTableView::doubleClicked, this, &CompareView::editColor);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_runsTable, 1);

    m_chartsHost = new QWidget(this);
    m_chartsGrid = new QGridLayout(m_chartsHost);
    m_chartsGrid->setContentsMargins(0, 0, 0, 0);
    m_chartsGrid->setSpacing(4);
    rebuildCharts();

    auto* metricsTable = m_metricsTable = new QTableView(this);
    metricsTable->setModel(m_metricsModel);
    metricsTable->verticalHeader()->hide();
    metricsTable->horizontalHeader()->setStretchLastSection(true);
    auto* diffTable = m_diffTable = new QTableView(this);
    diffTable->setWordWrap(false);
    diffTable->setModel(m_diffModel);
    diffTable->verticalHeader()->hide();
    diffTable->horizontalHeader()->setStretchLastSection(true);
    m_onlyDiff = new QCheckBox(tr("Only parameters that differ"), this);
    connect(m_onlyDiff, &QCheckBox::toggled, m_diffModel, &ConfigDiffModel::setOnlyDifferences);
    auto* diffPage = new QWidget(this);
    auto* diffLayout = new QVBoxLayout(diffPage);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    diffLayout->addWidget(m_onlyDiff);
    diffLayout->addWidget(diffTable, 1);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(metricsTable, tr("Metrics"));
    m_tabs->addTab(diffPage, tr("Config diff"));
    m_tasksPanel = new CompareTasksPanel(this);
    m_tabs->addTab(m_tasksPanel, tr("Tasks"));
    m_tabs->addTab(buildScatterPage(), tr("Scatter"));

    auto* right = new QSplitter(Qt::Vertical, this);
    right->setChildrenCollapsible(false);
    right->addWidget(m_chartsHost);
    right->addWidget(m_tabs);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    right->setSizes({480, 260});
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({420, 800});

    m_status = new QLabel(tr("Open a run store to compare its runs."), this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildToolbar());
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
}

void CompareView::setDatabase(const QString& file)
{
    m_database = file;
    reload();
}

void CompareView::reload()
{
    listRuns();
    loadSelected();
}

void CompareView::listRuns()
{
    if (m_database.isEmpty() || m_list->isBusy()) return;
    m_status->setText(tr("Reading runs..."));
    const std::string db = m_database.toStdString();
    m_list->run(
        [db] {
            const RunStore store(db, readOnlyStore());
            std::vector<RunSummary> runs;
            for (const RunInfo& r : store.runs())
                runs.push_back(summarizeRun(store, r.id));
            return runs;
        },
        [this](std::vector<RunSummary> runs) { onRunsListed(std::move(runs)); },
        [this](const QString& message) {
            m_status->setText(message);
            Q_EMIT errorOccurred(message);
        });
}

void CompareView::onRunsListed(std::vector<RunSummary> runs)
{
    m_runsModel->setSummaries(std::move(runs));
    fillMetricChoices();
    m_runsTable->resizeColumnsToContents();
    m_runsTable->setColumnWidth(CompareRunsModel::Params,
                                std::min(m_runsTable->columnWidth(CompareRunsModel::Params), 240));
    if (!m_pendingSelection.empty()) m_runsModel->setCheckedRuns(std::exchange(m_pendingSelection, {}));
    m_status->setText(tr("%n run(s) in the store.", nullptr, int(m_runsModel->runs().size())));
    Q_EMIT runsListed();
}

void CompareView::setSelectedRuns(const std::vector<int64_t>& runIds)
{
    if (m_list->isBusy()) {
        m_pendingSelection = runIds; // applied when the run list arrives
        return;
    }
    m_runsModel->setCheckedRuns(runIds); // checkedRunsChanged -> loadSelected
}

void CompareView::setLiveRefresh(bool on, int intervalMs)
{
    m_liveTimer->setInterval(intervalMs);
    if (on)
        m_liveTimer->start();
    else
        m_liveTimer->stop();
    if (m_live->isChecked() != on) {
        const QSignalBlocker block(m_live);
        m_live->setChecked(on);
    }
}

void CompareView::liveTick()
{
    if (m_database.isEmpty() || isLoading()) return;
    // Only while something is going: an idle store is not read again and again.
    const auto active = [](const RunInfo& r) { return isActive(r.status); };
    bool any = std::any_of(m_runsModel->runs().begin(), m_runsModel->runs().end(), active);
    for (const CompareRun& r : m_runs)
        any = any || active(r.info);
    if (any) {
        m_idleTicks = 0;
        reload();
    } else if (++m_idleTicks >= 5) {
        m_idleTicks = 0; // now and then: a run started elsewhere (the CLI, another GUI) appears in the list
        listRuns();
    }
}

void CompareView::loadSelected()
{
    if (m_database.isEmpty()) return;
    if (m_load->isBusy()) {
        m_reloadPending = true; // one load at a time: the newest selection is loaded when this one is in
        return;
    }
    const std::string db = m_database.toStdString();
    const std::vector<int64_t> ids = m_runsModel->checkedRuns();
    m_load->run([db, ids] { return loadCompareRuns(db, ids); },
                [this](std::vector<CompareRun> runs) {
                    if (std::exchange(m_reloadPending, false)) {
                        loadSelected();
                        return;
                    }
                    onDataLoaded(std::move(runs));
                },
                [this](const QString& message) {
                    if (std::exchange(m_reloadPending, false)) {
                        loadSelected();
                        return;
                    }
                    m_status->setText(message);
                    Q_EMIT errorOccurred(message);
                    onDataLoaded({});
                });
}

void CompareView::fillMetricChoices()
{
    QStringList keys = metricKeys(m_runs) + m_runsModel->metricKeys();
    keys = sortedMetricKeys(keys);
    const QString current = m_metric->currentText();
    {
        const QSignalBlocker block(m_metric);
        m_metric->clear();
        m_metric->addItems(keys);
        const int i = m_metric->findText(current);
        m_metric->setCurrentIndex(i >= 0 ? i : 0);
    }
    m_runsModel->setMetric(metric());
    QMenu* menu = m_panelsButton->menu();
    menu->clear();
    for (const QString& k : keys) {
        QAction* a = menu->addAction(k);
        a->setCheckable(true);
        a->setChecked(m_extraPanels.contains(k));
        connect(a, &QAction::toggled, this, [this, k](bool on) {
            QStringList panels = m_extraPanels;
            if (on && !panels.contains(k)) panels << k;
            if (!on) panels.removeAll(k);
            setPanelMetrics(panels);
        });
    }
}

void CompareView::onDataLoaded(std::vector<CompareRun> runs)
{
    m_runs = std::move(runs);
    m_groups = groupRuns(m_runs);
    fillMetricChoices();
    m_diffModel->setRuns(m_runs);
    m_diffTable->resizeColumnsToContents();
    m_tasksPanel->setRuns(m_runs);
    {
        const QString current = m_scatterParam->currentText();
        const QSignalBlocker block(m_scatterParam);
        m_scatterParam->clear();
        m_scatterParam->addItems(scatterParams(m_runs));
        const int i = m_scatterParam->findText(current);
        m_scatterParam->setCurrentIndex(i >= 0 ? i : 0);
    }
    updateStepRange();
    refreshMetrics();
    m_metricsTable->resizeColumnsToContents();
    redraw();
    m_status->setText(tr("%n run(s) compared.", nullptr, int(m_runs.size())));
    Q_EMIT dataLoaded();
}

void CompareView::updateStepRange()
{
    qint64 last = 0;
    for (const CompareRun& r : m_runs) {
        const auto pts = r.series.value(metric());
        if (!pts.isEmpty()) last = std::max<qint64>(last, pts.last().step);
    }
    const bool atEnd = m_step->value() == m_step->maximum();
    const QSignalBlocker block(m_step);
    m_step->setRange(0, int(std::min<qint64>(last, std::numeric_limits<int>::max())));
    if (atEnd) m_step->setValue(m_step->maximum());
}

void CompareView::refreshMetrics()
{
    if (!isGrouped()) {
        m_metricsModel->setRuns(m_runs, metric(), step());
        return;
    }
    // Grouped: one row per group, from the group's mean curve (by step).
    std::vector<CompareRun> rows;
    for (const RunGroup& g : m_groups) {
        CompareRun row;
        row.info.name = g.label.toStdString();
        row.info.status = RunStatus::Completed;
        for (int m : g.members)
            if (isActive(m_runs[size_t(m)].info.status)) row.info.status = RunStatus::Running;
        row.color = m_runs[size_t(g.members.front())].color;
        const BandCurve band = groupBand(m_runs, g, metric(), CompareAxis::Step);
        QVector<ScalarPoint>& pts = row.series[metric()];
        for (qsizetype i = 0; i < band.x.size(); ++i) {
            ScalarPoint p;
            p.step = qint64(band.x[i]);
            p.value = band.mean[i];
            p.min = band.min[i];
            p.max = band.max[i];
            pts.append(p);
        }
        rows.push_back(std::move(row));
    }
    m_metricsModel->setRuns(rows, metric(), step());
}

void CompareView::rebuildCharts()
{
    QStringList metrics{metric()};
    for (const QString& m : m_extraPanels)
        if (!metrics.contains(m)) metrics << m;
    while (m_charts.size() < metrics.size()) {
        auto* chart = new CompareChart(m_chartsHost);
        chart->setLogScale(m_logY && m_logY->isChecked());
        connect(chart, &CompareChart::stepClicked, this, [this](qint64 s) { setStep(s); });
        // The crosshair follows the mouse on every panel at once (same x on each).
        connect(chart, &CompareChart::hovered, this, [this, chart](double x) {
            for (CompareChart* other : m_charts)
                if (other != chart) other->showCrosshair(x);
        });
        connect(chart, &CompareChart::left, this, [this] {
            for (CompareChart* c : m_charts)
                c->hideCrosshair();
        });
        m_charts << chart;
    }
    while (m_charts.size() > metrics.size())
        delete m_charts.takeLast();
    // One panel fills the area; more go two per row.
    const int columns = m_charts.size() > 1 ? 2 : 1;
    for (int i = 0; i < m_charts.size(); ++i) {
        m_chartsGrid->addWidget(m_charts[i], i / columns, i % columns);
        m_charts[i]->show(); // now, not at the next event loop turn (a grab() right after sees it)
    }
    m_chartsGrid->activate(); // a panel fewer gives its room back at once
}

void CompareView::redraw()
{
    rebuildCharts();
    QStringList metrics{metric()};
    for (const QString& m : m_extraPanels)
        if (!metrics.contains(m)) metrics << m;
    for (int i = 0; i < m_charts.size(); ++i)
        drawChart(m_charts[i], metrics.value(i));
    drawScatter();
}

void CompareView::editColor(const QModelIndex& proxyIndex)
{
    const QModelIndex index = m_runsFilter->mapToSource(proxyIndex);
    if (!index.isValid() || index.column() != CompareRunsModel::Name) return;
    const qint64 id = index.data(CompareRunsModel::RunIdRole).toLongLong();
    const QColor c = QColorDialog::getColor(RunColors::instance().color(id), this, tr("Colour of the run"));
    if (!c.isValid()) return;
    RunColors::instance().setColor(id, c);
    for (CompareRun& r : m_runs)
        if (r.info.id == id) r.color = c;
    m_runsModel->refreshColors();
    m_diffModel->setRuns(m_runs);
    m_tasksPanel->setRuns(m_runs);
    refreshMetrics();
    redraw();
}

void CompareView::showConfigDiff(bool on)
{
    m_tabs->setCurrentIndex(on ? 1 : 0);
}

void CompareView::showTasks()
{
    m_tabs->setCurrentWidget(m_tasksPanel);
}

void CompareView::showScatter()
{
    m_tabs->setCurrentIndex(3);
}

void CompareView::setMetric(const QString& metric)
{
    const int i = m_metric->findText(metric);
    if (i >= 0) m_metric->setCurrentIndex(i);
}

void CompareView::setPanelMetrics(const QStringList& metrics)
{
    m_extraPanels = metrics;
    for (QAction* a : m_panelsButton->menu()->actions()) {
        const QSignalBlocker block(a);
        a->setChecked(metrics.contains(a->text()));
    }
    redraw();
}

void CompareView::setAxis(CompareAxis a)
{
    m_axis->setCurrentIndex(int(a));
}

void CompareView::setGrouped(bool on)
{
    m_grouped->setChecked(on);
}

void CompareView::setBandKind(BandKind kind)
{
    m_band->setCurrentIndex(int(kind));
}

void CompareView::setSmoothing(double weight)
{
    m_smoothing->setValue(weight);
}

void CompareView::setLogScale(bool on)
{
    m_logY->setChecked(on);
}

void CompareView::setStep(qint64 s)
{
    m_step->setValue(int(s));
}

void CompareView::setOnlyDifferences(bool on)
{
    m_onlyDiff->setChecked(on);
}

void CompareView::setFilterText(const QString& text)
{
    m_filter->setText(text);
}

void CompareView::setScatterParam(const QString& key)
{
    const int i = m_scatterParam->findText(key);
    if (i >= 0) m_scatterParam->setCurrentIndex(i);
}

QString CompareView::metric() const
{
    return m_metric ? m_metric->currentText() : QString();
}

CompareAxis CompareView::axis() const
{
    return CompareAxis(m_axis->currentIndex());
}

bool CompareView::isGrouped() const
{
    return m_grouped->isChecked();
}

BandKind CompareView::bandKind() const
{
    return BandKind(m_band->currentIndex());
}

double CompareView::smoothing() const
{
    return m_smoothing->value();
}

bool CompareView::logScale() const
{
    return m_logY->isChecked();
}

qint64 CompareView::step() const
{
    return m_step->value();
}

QCustomPlot* CompareView::plot() const
{
    return m_charts.isEmpty() ? nullptr : m_charts.first()->plot();
}

void CompareView::drawNow()
{
    for (CompareChart* c : m_charts)
        c->drawNow();
    m_scatter->replot(QCustomPlot::rpImmediateRefresh);
}

bool CompareView::exportPng(const QString& file)
{
    drawNow();
    return savePng(this, file);
}

bool CompareView::exportPdf(const QString& file)
{
    QList<QCustomPlot*> plots;
    for (CompareChart* c : m_charts)
        plots << c->plot();
    return savePdf(this, plots, file, tr("Compare: %1").arg(metric()));
}

CsvTable CompareView::curvesCsv() const
{
    CsvTable t;
    t.header = {QStringLiteral("series"), QStringLiteral("metric"), QStringLiteral("step"),
                QStringLiteral("x"),      QStringLiteral("value"),  QStringLiteral("min"),
                QStringLiteral("max"),    QStringLiteral("runs")};
    const QString m = metric();
    if (isGrouped()) {
        for (const RunGroup& g : m_groups) {
            const BandCurve b = groupBand(m_runs, g, m, axis());
            const BandCurve s = groupBand(m_runs, g, m, CompareAxis::Step);
            for (qsizetype i = 0; i < b.x.size(); ++i)
                t.rows.append({g.label, m, QString::number(qint64(s.x.value(i))),
                               QString::number(b.x[i], 'g', 12), QString::number(b.mean[i], 'g', 9),
                               QString::number(b.min[i], 'g', 9), QString::number(b.max[i], 'g', 9),
                               QString::number(b.n[i])});
        }
        return t;
    }
    for (const CompareRun& r : m_runs)
        for (const ScalarPoint& p : r.series.value(m))
            t.rows.append({r.label(), m, QString::number(p.step),
                           QString::number(xOf(p, axis(), r.timeOrigin()), 'g', 12),
                           QString::number(p.value, 'g', 9), QString::number(p.min, 'g', 9),
                           QString::number(p.max, 'g', 9), QStringLiteral("1")});
    return t;
}

bool CompareView::exportCsv(const QString& file) const
{
    return writeCsv(file, curvesCsv());
}

} // namespace qat::ui

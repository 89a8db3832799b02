#include "compareview.h"

#include "comparemodels.h"
#include "comparetasks.h"
#include "plotexport.h"
#include "qcp.h"
#include "runcolors.h"

#include <QCheckBox>
#include <QColorDialog>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QtConcurrent>

#include <cmath>

namespace qat::ui {

CompareView::CompareView(QWidget* parent) : QWidget(parent)
{
    m_runsModel = new CompareRunsModel(this);
    m_metricsModel = new CompareMetricsModel(this);
    m_diffModel = new ConfigDiffModel(this);
    buildUi();

    connect(&m_listWatcher, &QFutureWatcher<Listed>::finished, this, [this] {
        const Listed listed = m_listWatcher.result();
        if (!listed.error.isEmpty()) {
            m_status->setText(listed.error);
            Q_EMIT errorOccurred(listed.error);
            return;
        }
        m_runsModel->setRuns(listed.runs);
        m_runsTable->resizeColumnsToContents();
        if (!m_pendingSelection.empty()) m_runsModel->setCheckedRuns(std::exchange(m_pendingSelection, {}));
        m_status->setText(tr("%n run(s) in the store.", nullptr, int(m_runsModel->runs().size())));
        Q_EMIT runsListed();
    });
    connect(&m_dataWatcher, &QFutureWatcher<Loaded>::finished, this, [this] {
        Loaded loaded = m_dataWatcher.result();
        if (std::exchange(m_reloadPending, false)) {
            loadSelected();
            return;
        }
        if (!loaded.error.isEmpty()) {
            m_status->setText(loaded.error);
            Q_EMIT errorOccurred(loaded.error);
        }
        onDataLoaded(std::move(loaded.runs));
    });
    connect(m_runsModel, &CompareRunsModel::checkedRunsChanged, this, &CompareView::loadSelected);
}

CompareView::~CompareView()
{
    m_listWatcher.waitForFinished();
    m_dataWatcher.waitForFinished();
}

void CompareView::buildUi()
{
    m_runsTable = new QTableView(this);
    m_runsTable->setModel(m_runsModel);
    m_runsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runsTable->verticalHeader()->hide();
    m_runsTable->horizontalHeader()->setStretchLastSection(true);
    m_runsTable->setToolTip(tr("Tick the runs to compare; double-click a run's colour square to change it."));
    connect(m_runsTable, &QTableView::doubleClicked, this, &CompareView::editColor);

    m_metric = new QComboBox(this);
    m_metric->setMinimumContentsLength(16);
    m_metric->setToolTip(tr("The metric drawn and summarized."));
    m_axis = new QComboBox(this);
    m_axis->addItem(tr("x: step"));
    m_axis->addItem(tr("x: wall time"));
    m_axis->addItem(tr("x: time since start"));
    m_grouped = new QCheckBox(tr("Group by parameters"), this);
    m_grouped->setToolTip(
        tr("Runs that differ only in their seed form one group: the line is their mean, the "
           "band spans their minimum and maximum."));
    m_step = new QSpinBox(this);
    m_step->setPrefix(tr("Step "));
    m_step->setRange(0, 0);
    m_step->setToolTip(
        tr("The table shows each run's value at this step (the nearest point at or before it)."));
    auto* reload = new QPushButton(tr("Reload"), this);
    auto* exportButton = makeExportButton(this, QStringLiteral("compare"),
                                          {[this](const QString& f) { return exportPng(f); },
                                           [this](const QString& f) { return exportPdf(f); },
                                           [this](const QString& f) { return exportCsv(f); }});
    connect(reload, &QPushButton::clicked, this, &CompareView::reload);
    connect(m_metric, &QComboBox::currentTextChanged, this, [this] {
        updateStepRange();
        refreshMetrics();
        redraw();
    });
    connect(m_axis, &QComboBox::currentIndexChanged, this, &CompareView::redraw);
    connect(m_grouped, &QCheckBox::toggled, this, [this] {
        refreshMetrics();
        redraw();
    });
    connect(m_step, &QSpinBox::valueChanged, this, [this] {
        refreshMetrics();
        redraw();
    });

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Metric"), this));
    bar->addWidget(m_metric, 1);
    for (QWidget* w : std::initializer_list<QWidget*>{m_axis, m_grouped, m_step, reload, exportButton})
        bar->addWidget(w);

    m_plot = new QCustomPlot(this);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectPlottables);
    m_plot->legend->setVisible(true);
    m_plot->setMinimumHeight(220);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] {
        m_plot->rescaleAxes();
        m_plot->replot();
    });

    m_runsTable->setWordWrap(false);
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

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_plot);
    right->addWidget(m_tabs);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    right->setSizes({480, 260});
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_runsTable);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({330, 800});

    m_status = new QLabel(tr("Open a run store to compare its runs."), this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
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
    if (m_database.isEmpty() || m_listWatcher.isRunning()) return;
    m_status->setText(tr("Reading runs..."));
    const std::string db = m_database.toStdString();
    m_listWatcher.setFuture(QtConcurrent::run([db]() -> Listed {
        try {
            StoreOptions o;
            o.readOnly = true;
            o.markDeadRuns = false;
            return {RunStore(db, o).runs(), {}};
        } catch (const std::exception& e) {
            return {{}, QString::fromUtf8(e.what())};
        }
    }));
    loadSelected();
}

void CompareView::setSelectedRuns(const std::vector<int64_t>& runIds)
{
    if (m_listWatcher.isRunning()) {
        m_pendingSelection = runIds; // applied when the run list arrives
        return;
    }
    m_runsModel->setCheckedRuns(runIds); // checkedRunsChanged -> loadSelected
}

void CompareView::loadSelected()
{
    if (m_database.isEmpty()) return;
    if (m_dataWatcher.isRunning()) {
        m_reloadPending = true;
        return;
    }
    const std::string db = m_database.toStdString();
    const std::vector<int64_t> ids = m_runsModel->checkedRuns();
    m_dataWatcher.setFuture(QtConcurrent::run([db, ids]() -> Loaded {
        try {
            return {loadCompareRuns(db, ids), {}};
        } catch (const std::exception& e) {
            return {{}, QString::fromUtf8(e.what())};
        }
    }));
}

void CompareView::onDataLoaded(std::vector<CompareRun> runs)
{
    m_runs = std::move(runs);
    m_groups = groupRuns(m_runs);
    const QString current = m_metric->currentText();
    {
        const QSignalBlocker block(m_metric);
        m_metric->clear();
        m_metric->addItems(metricKeys(m_runs));
        const int i = m_metric->findText(current);
        m_metric->setCurrentIndex(i >= 0 ? i : 0);
    }
    m_diffModel->setRuns(m_runs);
    m_diffTable->resizeColumnsToContents();
    m_tasksPanel->setRuns(m_runs);
    updateStepRange();
    refreshMetrics();
    m_metricsTable->resizeColumnsToContents();
    redraw();
    m_plot->rescaleAxes();
    m_plot->replot();
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

void CompareView::redraw()
{
    m_plot->clearPlottables();
    m_plot->clearItems();
    const CompareAxis a = axis();
    if (a == CompareAxis::WallTime) {
        auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
        ticker->setDateTimeFormat(QStringLiteral("hh:mm\ndd MMM"));
        m_plot->xAxis->setTicker(ticker);
    } else {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    m_plot->xAxis->setLabel(a == CompareAxis::Step       ? tr("step")
                            : a == CompareAxis::WallTime ? tr("wall time")
                                                         : tr("seconds since start"));
    m_plot->yAxis->setLabel(metric());
    if (isGrouped())
        drawGroups();
    else
        drawRuns();
    if (a == CompareAxis::Step && !m_runs.empty()) {
        auto* marker = new QCPItemStraightLine(m_plot);
        marker->point1->setCoords(double(step()), 0);
        marker->point2->setCoords(double(step()), 1);
        marker->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
    }
    m_plot->replot();
}

void CompareView::drawRuns()
{
    for (const CompareRun& r : m_runs) {
        const auto pts = r.series.value(metric());
        if (pts.isEmpty()) continue;
        QCPGraph* g = m_plot->addGraph();
        g->setName(r.label());
        g->setPen(QPen(r.color, 2));
        const double origin = r.timeOrigin();
        QVector<double> x, y;
        for (const ScalarPoint& p : pts) {
            x << xOf(p, axis(), origin);
            y << (std::isfinite(p.value) ? p.value : qQNaN());
        }
        g->setData(x, y, true);
        if (pts.size() < 30) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    }
}

void CompareView::drawGroups()
{
    for (const RunGroup& grp : m_groups) {
        const BandCurve band = groupBand(m_runs, grp, metric(), axis());
        if (band.x.isEmpty()) continue;
        const QColor c = m_runs[size_t(grp.members.front())].color;
        QCPGraph* lo = m_plot->addGraph();
        QCPGraph* hi = m_plot->addGraph();
        lo->setData(band.x, band.min, true);
        hi->setData(band.x, band.max, true);
        QColor fill = c;
        fill.setAlpha(50);
        for (QCPGraph* b : {lo, hi})
            b->setPen(QPen(fill, 1));
        hi->setBrush(fill);
        hi->setChannelFillGraph(lo);
        lo->removeFromLegend();
        hi->removeFromLegend();
        QCPGraph* mean = m_plot->addGraph();
        mean->setName(grp.label);
        mean->setPen(QPen(c, 2));
        mean->setData(band.x, band.mean, true);
    }
}

void CompareView::editColor(const QModelIndex& index)
{
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

void CompareView::setMetric(const QString& metric)
{
    const int i = m_metric->findText(metric);
    if (i >= 0) m_metric->setCurrentIndex(i);
}

void CompareView::setAxis(CompareAxis a)
{
    m_axis->setCurrentIndex(int(a));
    m_plot->rescaleAxes();
    m_plot->replot();
}

void CompareView::setGrouped(bool on)
{
    m_grouped->setChecked(on);
}

void CompareView::setStep(qint64 s)
{
    m_step->setValue(int(s));
}

void CompareView::setOnlyDifferences(bool on)
{
    m_onlyDiff->setChecked(on);
}

QString CompareView::metric() const
{
    return m_metric->currentText();
}

CompareAxis CompareView::axis() const
{
    return CompareAxis(m_axis->currentIndex());
}

bool CompareView::isGrouped() const
{
    return m_grouped->isChecked();
}

qint64 CompareView::step() const
{
    return m_step->value();
}

bool CompareView::exportPng(const QString& file)
{
    return savePng(this, file);
}

bool CompareView::exportPdf(const QString& file)
{
    return savePdf(this, {m_plot}, file, tr("Compare: %1").arg(metric()));
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

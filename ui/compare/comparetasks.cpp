#include "compare/comparetasks.h"

#include "common/tasktable.h"

#include "qatbench/tasks.h"

#include <QComboBox>
#include <QFont>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPixmap>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace qat::ui {

QList<TaskMetric> taskMetrics(const std::vector<CompareRun>& runs)
{
    QList<TaskMetric> out;
    for (const TaskInfo& t : knownTasks()) {
        const QString task = QString::fromStdString(t.name);
        bool acc = false, norm = false;
        for (const CompareRun& r : runs)
            if (const StoredTaskScore* s = findTaskScore(r, task)) {
                acc = true;
                norm = norm || s->hasAccNorm;
            }
        if (acc) out.append({task, false});
        if (norm) out.append({task, true});
    }
    return out;
}

const StoredTaskScore* findTaskScore(const CompareRun& run, const QString& task)
{
    const std::string name = task.toStdString();
    for (const StoredTaskScore& s : run.tasks)
        if (s.task == name) return &s;
    return nullptr;
}

bool TaskCell::significant() const
{
    return diff && std::isfinite(diffStderr) && std::fabs(*diff) > 2 * diffStderr;
}

TaskCell taskCell(const CompareRun& run, const TaskMetric& metric, const CompareRun* baseline)
{
    TaskCell c;
    const StoredTaskScore* s = findTaskScore(run, metric.task);
    if (!s || (metric.norm && !s->hasAccNorm)) return c;
    c.present = true;
    c.value = metric.norm ? s->accNorm : s->acc;
    c.stderrValue = metric.norm ? s->accNormStderr : s->accStderr;
    if (!baseline || baseline->info.id == run.info.id) return c;
    const StoredTaskScore* b = findTaskScore(*baseline, metric.task);
    if (!b || (metric.norm && !b->hasAccNorm)) return c;
    const double bv = metric.norm ? b->accNorm : b->acc;
    const double bse = metric.norm ? b->accNormStderr : b->accStderr;
    c.diff = c.value - bv;
    c.diffStderr = std::sqrt(c.stderrValue * c.stderrValue + bse * bse); // NaN stays NaN
    c.sameProtocol = s->questions == b->questions && s->limit == b->limit && s->shots == b->shots;
    return c;
}

// ---------------------------------------------------------------- CompareTasksModel

namespace {

QString signedPoints(double diff)
{
    const double pp = 100.0 * diff;
    return (pp >= 0 ? QStringLiteral("+") : QString()) + QString::number(pp, 'f', 1);
}

} // namespace

CompareTasksModel::CompareTasksModel(QObject* parent) : QAbstractTableModel(parent) {}

void CompareTasksModel::setRuns(const std::vector<CompareRun>& runs, qint64 baselineRunId)
{
    beginResetModel();
    m_runs.clear();
    for (const CompareRun& r : runs) {
        CompareRun copy;
        copy.info = r.info;
        copy.tasks = r.tasks;
        copy.color = r.color;
        m_runs.push_back(std::move(copy));
    }
    m_baseline = m_runs.empty() ? -1 : 0;
    for (size_t i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].info.id == baselineRunId) m_baseline = int(i);
    m_metrics = taskMetrics(m_runs);
    endResetModel();
}

qint64 CompareTasksModel::baselineRunId() const
{
    return m_baseline >= 0 ? m_runs[size_t(m_baseline)].info.id : -1;
}

TaskCell CompareTasksModel::cell(int row, int metricIndex) const
{
    if (row < 0 || row >= rowCount() || metricIndex < 0 || metricIndex >= m_metrics.size()) return {};
    return taskCell(m_runs[size_t(row)], m_metrics[metricIndex],
                    m_baseline >= 0 ? &m_runs[size_t(m_baseline)] : nullptr);
}

bool CompareTasksModel::protocolsDiffer() const
{
    for (int r = 0; r < rowCount(); ++r)
        for (int m = 0; m < m_metrics.size(); ++m) {
            const TaskCell c = cell(r, m);
            if (c.diff && !c.sameProtocol) return true;
        }
    return false;
}

int CompareTasksModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int CompareTasksModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || m_metrics.isEmpty() ? 0 : 1 + int(m_metrics.size());
}

QVariant CompareTasksModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const CompareRun& run = m_runs[size_t(index.row())];
    const bool isBaseline = index.row() == m_baseline;
    if (index.column() == 0) {
        if (role == Qt::DisplayRole) return isBaseline ? tr("%1 (baseline)").arg(run.label()) : run.label();
        if (role == Qt::DecorationRole) return run.color;
        if (role == Qt::FontRole && isBaseline) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    }
    const TaskCell c = cell(index.row(), index.column() - 1);
    const TaskMetric& metric = m_metrics[index.column() - 1];
    switch (role) {
    case Qt::DisplayRole:
        if (!c.present) return QStringLiteral("–");
        return c.diff ? percentWithError(c.value, c.stderrValue) + QStringLiteral("  (") +
                            signedPoints(*c.diff) + (c.sameProtocol ? QString() : QStringLiteral(" ≠")) +
                            QLatin1Char(')')
                      : percentWithError(c.value, c.stderrValue);
    case Qt::TextAlignmentRole:
        return int(Qt::AlignRight | Qt::AlignVCenter);
    case ValueRole:
        return c.present ? QVariant(100.0 * c.value) : QVariant();
    case DiffRole:
        return c.diff ? QVariant(100.0 * *c.diff) : QVariant();
    case Qt::ForegroundRole:
        if (c.diff && !c.sameProtocol) return QColor(Qt::gray);
        if (c.significant()) return *c.diff > 0 ? QColor(0, 128, 0) : QColor(192, 0, 0);
        return {};
    case Qt::FontRole:
        if (isBaseline) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ToolTipRole: {
        const StoredTaskScore* s = findTaskScore(run, metric.task);
        if (!s || !c.present) return tr("%1 was not scored on %2.").arg(run.label(), metric.task);
        QString tip = tr("%1 %2: %3 % over %4 questions (%5)")
                          .arg(metric.task, metric.metricName(), percentWithError(c.value, c.stderrValue))
                          .arg(s->questions)
                          .arg(taskProtocolText(*s));
        if (c.diff) {
            tip += QLatin1Char('\n') +
                   tr("Difference to the baseline: %1 points (standard error %2)")
                       .arg(signedPoints(*c.diff), std::isfinite(c.diffStderr)
                                                       ? QString::number(100.0 * c.diffStderr, 'f', 1)
                                                       : tr("n/a"));
            if (!c.sameProtocol)
                tip += QLatin1Char('\n') + tr("Scored on other questions or shots than the baseline: the "
                                              "difference compares different things.");
        }
        return tip;
    }
    }
    return {};
}

QVariant CompareTasksModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    if (section == 0) return tr("Run");
    const TaskMetric& m = m_metrics.value(section - 1);
    return m.task + QLatin1Char('\n') + m.metricName() + QStringLiteral(" %");
}

CsvTable CompareTasksModel::csv() const
{
    CsvTable t;
    t.header = {QStringLiteral("run"),          QStringLiteral("baseline"), QStringLiteral("task"),
                QStringLiteral("metric"),       QStringLiteral("n"),        QStringLiteral("value"),
                QStringLiteral("stderr"),       QStringLiteral("diff"),     QStringLiteral("diff_stderr"),
                QStringLiteral("same_protocol")};
    auto num = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 9) : QString(); };
    for (int r = 0; r < rowCount(); ++r)
        for (int m = 0; m < m_metrics.size(); ++m) {
            const TaskCell c = cell(r, m);
            if (!c.present) continue;
            const CompareRun& run = m_runs[size_t(r)];
            const StoredTaskScore* s = findTaskScore(run, m_metrics[m].task);
            t.rows.append({run.label(), r == m_baseline ? QStringLiteral("1") : QStringLiteral("0"),
                           m_metrics[m].task, m_metrics[m].metricName(), QString::number(s->questions),
                           num(c.value), num(c.stderrValue), c.diff ? num(*c.diff) : QString(),
                           c.diff ? num(c.diffStderr) : QString(),
                           c.sameProtocol ? QStringLiteral("1") : QStringLiteral("0")});
        }
    return t;
}

// ---------------------------------------------------------------- CompareTasksPanel

CompareTasksPanel::CompareTasksPanel(QWidget* parent) : QWidget(parent)
{
    m_model = new CompareTasksModel(this);
    m_baseline = new QComboBox(this);
    m_baseline->setToolTip(tr("The run the others are compared with."));
    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    auto* exportButton =
        makeExportButton(this, QStringLiteral("compare-tasks"),
                         {[this](const QString& f) { return savePng(this, f); },
                          [this](const QString& f) { return savePdf(this, {}, f, tr("Task scores")); },
                          [this](const QString& f) { return writeCsv(f, m_model->csv()); }});
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Baseline"), this));
    bar->addWidget(m_baseline, 1);
    bar->addWidget(exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_note);
    connect(m_baseline, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i < 0) return;
        m_baselineId = m_baseline->itemData(i).toLongLong();
        rebuild();
    });
    rebuild();
}

void CompareTasksPanel::setRuns(const std::vector<CompareRun>& runs)
{
    m_runs.clear();
    for (const CompareRun& r : runs) {
        CompareRun copy; // the scores only: a panel never needs the curves
        copy.info = r.info;
        copy.tasks = r.tasks;
        copy.color = r.color;
        m_runs.push_back(std::move(copy));
    }
    const QSignalBlocker block(m_baseline);
    m_baseline->clear();
    for (const CompareRun& r : m_runs)
        m_baseline->addItem(r.label(), qlonglong(r.info.id));
    const int i = m_baseline->findData(qlonglong(m_baselineId));
    m_baseline->setCurrentIndex(i >= 0 ? i : 0);
    m_baselineId = m_baseline->currentIndex() >= 0 ? m_baseline->currentData().toLongLong() : -1;
    rebuild();
}

void CompareTasksPanel::setBaseline(qint64 runId)
{
    const int i = m_baseline->findData(qlonglong(runId));
    if (i >= 0) m_baseline->setCurrentIndex(i); // currentIndexChanged -> rebuild
}

void CompareTasksPanel::rebuild()
{
    m_model->setRuns(m_runs, m_baselineId);
    m_view->resizeColumnsToContents();
    m_view->resizeRowsToContents();
    if (m_runs.empty())
        m_note->setText(tr("Tick runs to compare their task scores."));
    else if (m_model->metrics().isEmpty())
        m_note->setText(tr("None of the compared runs has task scores: add tasks to the experiment's "
                           "evaluation section (docs/EVAL.md)."));
    else
        m_note->setText(
            tr("Accuracy in % ± standard error; in brackets the difference to the baseline in points, green "
               "or red where it exceeds twice its standard error.") +
            (m_model->protocolsDiffer()
                 ? QLatin1Char(' ') + tr("≠: scored on other questions or shots than the baseline, so that "
                                         "difference compares different things.")
                 : QString()));
}

QString CompareTasksPanel::note() const
{
    return m_note->text();
}

} // namespace qat::ui

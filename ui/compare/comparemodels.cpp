#include "compare/comparemodels.h"

#include "common/runcolors.h"
#include "common/runsmodel.h"

#include <QDateTime>
#include <QFont>
#include <QPalette>
#include <QPixmap>

#include <cmath>

namespace qat::ui {

namespace {

QString formatValue(double v)
{
    if (std::isnan(v)) return QStringLiteral("NaN");
    if (std::isinf(v)) return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', 6);
}

QVariant pointValue(const std::optional<ScalarPoint>& p)
{
    return p ? QVariant(formatValue(p->value)) : QVariant(QStringLiteral("–"));
}

QVariant pointStep(const std::optional<ScalarPoint>& p)
{
    return p ? QVariant(qlonglong(p->step)) : QVariant(QStringLiteral("–"));
}

} // namespace

// ---------------------------------------------------------------- CompareRunsModel

CompareRunsModel::CompareRunsModel(QObject* parent) : QAbstractTableModel(parent) {}

void CompareRunsModel::setRuns(std::vector<RunInfo> runs)
{
    beginResetModel();
    m_runs = std::move(runs);
    m_summaries.clear();
    m_differing.clear();
    QSet<int64_t> present;
    for (const RunInfo& r : m_runs)
        present.insert(r.id);
    const bool lost = !(m_checked - present).isEmpty();
    m_checked &= present;
    endResetModel();
    if (lost) Q_EMIT checkedRunsChanged();
}

void CompareRunsModel::setSummaries(std::vector<RunSummary> summaries)
{
    std::vector<RunInfo> runs;
    std::vector<std::vector<RunParam>> params;
    for (const RunSummary& s : summaries) {
        runs.push_back(s.run);
        params.push_back(s.params);
    }
    setRuns(std::move(runs));
    beginResetModel();
    m_summaries = std::move(summaries);
    for (const std::string& k : differingParams(params))
        if (!isRunIdentityParam(k)) m_differing.push_back(k);
    endResetModel();
}

void CompareRunsModel::setMetric(const QString& metric)
{
    if (metric == m_metric) return;
    m_metric = metric;
    if (!m_runs.empty()) Q_EMIT dataChanged(index(0, Final), index(rowCount() - 1, Last));
    Q_EMIT headerDataChanged(Qt::Horizontal, Final, Last);
}

QStringList CompareRunsModel::metricKeys() const
{
    QStringList keys;
    for (const RunSummary& s : m_summaries)
        for (const RunMetric& m : s.metrics)
            keys << QString::fromStdString(m.key);
    return sortedMetricKeys(keys);
}

const RunMetric* CompareRunsModel::metricOf(int row) const
{
    if (row < 0 || size_t(row) >= m_summaries.size() || m_metric.isEmpty()) return nullptr;
    return m_summaries[size_t(row)].find(m_metric.toStdString());
}

std::vector<int64_t> CompareRunsModel::checkedRuns() const
{
    std::vector<int64_t> ids;
    for (const RunInfo& r : m_runs)
        if (m_checked.contains(r.id)) ids.push_back(r.id);
    return ids;
}

void CompareRunsModel::setChecked(int64_t runId, bool on)
{
    if (m_checked.contains(runId) == on) return;
    if (on)
        m_checked.insert(runId);
    else
        m_checked.remove(runId);
    for (size_t i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].id == runId) Q_EMIT dataChanged(index(int(i), Name), index(int(i), Name));
    Q_EMIT checkedRunsChanged();
}

void CompareRunsModel::setCheckedRuns(const std::vector<int64_t>& runIds)
{
    const QSet<int64_t> wanted(runIds.begin(), runIds.end());
    if (wanted == m_checked) return;
    m_checked = wanted;
    if (!m_runs.empty()) Q_EMIT dataChanged(index(0, Name), index(rowCount() - 1, Name));
    Q_EMIT checkedRunsChanged();
}

void CompareRunsModel::refreshColors()
{
    if (!m_runs.empty()) Q_EMIT dataChanged(index(0, Name), index(rowCount() - 1, Name));
}

int CompareRunsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int CompareRunsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CompareRunsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const RunInfo& r = m_runs[size_t(index.row())];
    if (role == RunIdRole) return qlonglong(r.id);
    const int col = index.column();
    const bool hasSummary = size_t(index.row()) < m_summaries.size();
    if (col == Params && hasSummary && role == Qt::ToolTipRole)
        return QString::fromStdString(paramLabelFull(m_summaries[size_t(index.row())].params, m_differing));
    if (col >= Final && col <= Last) {
        const RunMetric* m = metricOf(index.row());
        if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
        if (role != Qt::DisplayRole && role != SortRole) return {};
        if (!m) return role == SortRole ? QVariant(qQNaN()) : QVariant();
        const double v = col == Final  ? m->stats.final
                         : col == Best ? m->stats.best
                         : col == Min  ? m->stats.min
                         : col == Max  ? m->stats.max
                                       : m->stats.last;
        if (role == SortRole) return v;
        return std::isnan(v) ? QVariant(QStringLiteral("–")) : QVariant(formatValue(v));
    }
    if (role == SortRole) {
        if (col == Started) return r.started > 0 ? r.started : r.created;
        return data(index, Qt::DisplayRole);
    }
    if (index.column() == Name) {
        if (role == Qt::CheckStateRole) return m_checked.contains(r.id) ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::DecorationRole) return RunColors::instance().color(r.id);
        if (role == Qt::ToolTipRole) return tr("Double-click the colour square to change the run's colour.");
    }
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Name:
        return r.name.empty() ? tr("run %1").arg(r.id) : QString::fromStdString(r.name);
    case Status:
        return RunsModel::statusTitle(r.status); // translated, as in the runs table
    case Method:
        return QString::fromStdString(r.method);
    case Params:
        return hasSummary ? QString::fromStdString(
                                paramLabel(m_summaries[size_t(index.row())].params, m_differing, 4))
                          : QString();
    case Started:
        return RunsModel::startedText(r);
    }
    return {};
}

QVariant CompareRunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Name:
        return tr("Run");
    case Status:
        return tr("Status");
    case Method:
        return tr("Method");
    case Params:
        return tr("Parameters");
    case Started:
        return tr("Started");
    case Final:
        return tr("Final");
    case Best: {
        const MetricGoal g = goalOf(m_metric);
        return g == MetricGoal::Lower ? tr("Best ↓") : g == MetricGoal::Higher ? tr("Best ↑") : tr("Best");
    }
    case Min:
        return tr("Min");
    case Max:
        return tr("Max");
    case Last:
        return tr("Last");
    }
    return {};
}

Qt::ItemFlags CompareRunsModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == Name) f |= Qt::ItemIsUserCheckable;
    return f;
}

bool CompareRunsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.column() != Name || role != Qt::CheckStateRole) return false;
    setChecked(m_runs[size_t(index.row())].id, value.toInt() == Qt::Checked);
    return true;
}

// ---------------------------------------------------------------- CompareRunsFilter

CompareRunsFilter::CompareRunsFilter(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(CompareRunsModel::SortRole);
}

void CompareRunsFilter::setFilterText(const QString& text)
{
    m_text = text;
    invalidateFilter();
}

bool CompareRunsFilter::accepts(const RunSummary& run, const QString& filter)
{
    const QStringList words = filter.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString& word : words) {
        const qsizetype eq = word.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            const QString hay = QString::fromStdString(run.run.name + " " + run.run.method + " " +
                                                       runStatusName(run.run.status));
            if (!hay.contains(word, Qt::CaseInsensitive)) return false;
            continue;
        }
        const bool negate = word[eq - 1] == QLatin1Char('!');
        const std::string key = word.left(negate ? eq - 1 : eq).toLower().toStdString();
        const QString value = word.mid(eq + 1);
        bool match = false;
        for (const RunParam& p : run.params) {
            if (p.key != key && shortParamKey(p.key) != key &&
                !(p.key.size() > key.size() && p.key.ends_with("." + key)))
                continue;
            const QString text = QString::fromStdString(paramText(p));
            // Numbers compare by value: "lr=1e-3" finds 0.001.
            bool ok = false;
            const double v = value.toDouble(&ok);
            match = p.number && ok ? *p.number == v : text.compare(value, Qt::CaseInsensitive) == 0;
            if (match) break;
        }
        if (match == negate) return false;
    }
    return true;
}

bool CompareRunsFilter::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    const auto* model = qobject_cast<const CompareRunsModel*>(sourceModel());
    if (!model || m_text.trimmed().isEmpty()) return true;
    if (size_t(sourceRow) >= model->summaries().size()) return true;
    return accepts(model->summaries()[size_t(sourceRow)], m_text);
}

bool CompareRunsFilter::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const QVariant a = left.data(sortRole()), b = right.data(sortRole());
    if (a.typeId() == QMetaType::Double || b.typeId() == QMetaType::Double) {
        const double x = a.toDouble(), y = b.toDouble();
        // Runs without the metric sort after the others in either order.
        if (std::isnan(x) || std::isnan(y))
            return sortOrder() == Qt::AscendingOrder ? !std::isnan(x) && std::isnan(y)
                                                     : std::isnan(x) && !std::isnan(y);
        return x < y;
    }
    return QString::localeAwareCompare(a.toString(), b.toString()) < 0;
}

// ---------------------------------------------------------------- CompareMetricsModel

CompareMetricsModel::CompareMetricsModel(QObject* parent) : QAbstractTableModel(parent) {}

void CompareMetricsModel::setRuns(const std::vector<CompareRun>& runs, const QString& metric, qint64 step)
{
    beginResetModel();
    m_metric = metric;
    m_step = step;
    m_goal = goalOf(metric);
    m_rows.clear();
    for (const CompareRun& r : runs)
        m_rows.append(
            {r.label(), r.color, summarize(r.series.value(metric), step, m_goal, !isActive(r.info.status))});
    endResetModel();
}

int CompareMetricsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CompareMetricsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CompareMetricsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Row& r = m_rows[index.row()];
    if (role == Qt::DecorationRole && index.column() == Run) return r.color;
    if (role == Qt::TextAlignmentRole && index.column() != Run) return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && index.column() == Best && m_goal != MetricGoal::None) {
        // The best value over all runs in bold: the row a reader looks for first.
        const bool lower = m_goal == MetricGoal::Lower;
        double best = lower ? INFINITY : -INFINITY;
        for (const Row& o : m_rows)
            if (o.summary.best)
                best = lower ? std::min(best, o.summary.best->value) : std::max(best, o.summary.best->value);
        if (r.summary.best && r.summary.best->value == best) {
            QFont f;
            f.setBold(true);
            return f;
        }
    }
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Run:
        return r.label;
    case AtStep:
        return pointValue(r.summary.atStep);
    case AtStepStep:
        return pointStep(r.summary.atStep);
    case Final:
        return pointValue(r.summary.last);
    case FinalStep:
        return pointStep(r.summary.last);
    case Best:
        return pointValue(r.summary.best);
    case BestStep:
        return pointStep(r.summary.best);
    }
    return {};
}

QVariant CompareMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Run:
        return tr("Run");
    case AtStep:
        return tr("At step %1").arg(m_step);
    case AtStepStep:
        return tr("(from step)");
    case Final:
        return tr("Final");
    case FinalStep:
        return tr("Final step");
    case Best:
        return m_goal == MetricGoal::Lower    ? tr("Best (lowest)")
               : m_goal == MetricGoal::Higher ? tr("Best (highest)")
                                              : tr("Best (–)");
    case BestStep:
        return tr("Best step");
    }
    return {};
}

CsvTable CompareMetricsModel::csv() const
{
    CsvTable t;
    t.header = {
        QStringLiteral("run"),           QStringLiteral("metric"),       QStringLiteral("chosen_step"),
        QStringLiteral("value_at_step"), QStringLiteral("at_step_from"), QStringLiteral("final"),
        QStringLiteral("final_step"),    QStringLiteral("best"),         QStringLiteral("best_step")};
    auto v = [](const std::optional<ScalarPoint>& p) { return p ? formatValue(p->value) : QString(); };
    auto s = [](const std::optional<ScalarPoint>& p) { return p ? QString::number(p->step) : QString(); };
    for (const Row& r : m_rows)
        t.rows.append({r.label, m_metric, QString::number(m_step), v(r.summary.atStep), s(r.summary.atStep),
                       v(r.summary.last), s(r.summary.last), v(r.summary.best), s(r.summary.best)});
    return t;
}

// ---------------------------------------------------------------- ConfigDiffModel

ConfigDiffModel::ConfigDiffModel(QObject* parent) : QAbstractTableModel(parent) {}

void ConfigDiffModel::setRuns(const std::vector<CompareRun>& runs)
{
    beginResetModel();
    m_all = configDiff(runs);
    m_runLabels.clear();
    m_runColors.clear();
    for (const CompareRun& r : runs) {
        m_runLabels << r.label();
        m_runColors << r.color;
    }
    rebuild();
    endResetModel();
}

void ConfigDiffModel::setOnlyDifferences(bool on)
{
    if (on == m_onlyDiff) return;
    beginResetModel();
    m_onlyDiff = on;
    rebuild();
    endResetModel();
}

void ConfigDiffModel::rebuild()
{
    m_visible.clear();
    for (const DiffRow& r : m_all)
        if (!m_onlyDiff || r.differs) m_visible.push_back(r);
}

int ConfigDiffModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

int ConfigDiffModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 1 + int(m_runLabels.size());
}

QVariant ConfigDiffModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const DiffRow& r = m_visible[size_t(index.row())];
    if (role == DiffersRole) return r.differs;
    if (role == Qt::BackgroundRole && r.differs) return QColor(255, 236, 179); // amber: "look here"
    if (role == Qt::ForegroundRole && r.differs) return QColor(Qt::black);
    if (role == Qt::FontRole && r.differs) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::ToolTipRole && r.differs) return tr("The runs differ in this parameter.");
    if (role != Qt::DisplayRole) return {};
    if (index.column() == 0) return r.key;
    return r.values.value(index.column() - 1);
}

QVariant ConfigDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) return {};
    if (section == 0) return role == Qt::DisplayRole ? QVariant(tr("Parameter")) : QVariant();
    if (role == Qt::DisplayRole) return m_runLabels.value(section - 1);
    if (role == Qt::DecorationRole) {
        QPixmap swatch(12, 12); // a header shows pixmaps, not plain colours
        swatch.fill(m_runColors.value(section - 1));
        return swatch;
    }
    return {};
}

CsvTable ConfigDiffModel::csv() const
{
    CsvTable t;
    t.header << QStringLiteral("parameter") << m_runLabels << QStringLiteral("differs");
    for (const DiffRow& r : m_visible)
        t.rows.append(QStringList{r.key} + r.values +
                      QStringList{r.differs ? QStringLiteral("1") : QStringLiteral("0")});
    return t;
}

} // namespace qat::ui

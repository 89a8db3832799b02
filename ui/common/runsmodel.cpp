#include "common/runsmodel.h"

#include "common/format.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

#include <cmath>
#include <limits>

namespace qat::ui {

RunsModel::RunsModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsModel::setRows(std::vector<RunRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

const RunRow* RunsModel::rowAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)] : nullptr;
}

int RunsModel::rowOfRun(qint64 runId) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].info.id == runId) return int(i);
    return -1;
}

int RunsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RunsModel::startedText(const RunInfo& info)
{
    const double t = info.started > 0 ? info.started : info.created;
    return QDateTime::fromSecsSinceEpoch(qint64(t)).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString RunsModel::statusTitle(RunStatus status)
{
    switch (status) {
    case RunStatus::Queued:
        return tr("queued");
    case RunStatus::Running:
        return tr("running");
    case RunStatus::Paused:
        return tr("paused");
    case RunStatus::Completed:
        return tr("completed");
    case RunStatus::Failed:
        return tr("failed");
    case RunStatus::Cancelled:
        return tr("stopped");
    case RunStatus::Interrupted:
        return tr("interrupted");
    }
    return {};
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Name:
        return tr("Run");
    case Status:
        return tr("Status");
    case Method:
        return tr("Method");
    case Bits:
        return tr("Bits");
    case Group:
        return tr("Group");
    case Rank:
        return tr("Rank");
    case FinalPerplexity:
        return tr("Final PPL");
    case BestPerplexity:
        return tr("Best PPL");
    case Duration:
        return tr("Duration");
    case Started:
        return tr("Started");
    case Tags:
        return tr("Tags");
    default:
        return {};
    }
}

static QString optionalNumber(const std::optional<qint64>& v, bool groupSize = false)
{
    if (!v) return QStringLiteral("–");
    if (groupSize && *v == 0) return RunsModel::tr("row");
    return QString::number(*v);
}

static double durationOf(const RunInfo& info)
{
    if (info.started <= 0) return -1;
    const double end = info.ended > 0 ? info.ended : double(QDateTime::currentSecsSinceEpoch());
    return std::max(0.0, end - info.started);
}

QVariant RunsModel::display(const RunRow& r, int column) const
{
    switch (column) {
    case Name:
        return QString::fromStdString(r.info.name.empty() ? r.info.experiment : r.info.name);
    case Status:
        return statusTitle(r.info.status);
    case Method:
        return QString::fromStdString(r.info.method);
    case Bits:
        return optionalNumber(r.bits);
    case Group:
        return optionalNumber(r.group, true);
    case Rank:
        return optionalNumber(r.rank);
    case FinalPerplexity:
        return std::isfinite(r.finalPerplexity) ? QString::number(r.finalPerplexity, 'f', 3)
                                                : QStringLiteral("–");
    case BestPerplexity:
        return std::isfinite(r.bestPerplexity) ? QString::number(r.bestPerplexity, 'f', 3)
                                               : QStringLiteral("–");
    case Duration: {
        const double d = durationOf(r.info);
        return d < 0 ? QStringLiteral("–") : formatDuration(d);
    }
    case Started:
        return startedText(r.info);
    case Tags: {
        QStringList tags;
        for (const auto& t : r.info.tags)
            tags << QString::fromStdString(t);
        return tags.join(QStringLiteral(", "));
    }
    default:
        return {};
    }
}

QVariant RunsModel::sortKey(const RunRow& r, int column) const
{
    // Missing numbers sort after every real one in ascending order.
    constexpr double missing = std::numeric_limits<double>::max();
    auto opt = [](const std::optional<qint64>& v) { return v ? double(*v) : missing; };
    switch (column) {
    case Bits:
        return opt(r.bits);
    case Group:
        return opt(r.group);
    case Rank:
        return opt(r.rank);
    case FinalPerplexity:
        return std::isfinite(r.finalPerplexity) ? r.finalPerplexity : missing;
    case BestPerplexity:
        return std::isfinite(r.bestPerplexity) ? r.bestPerplexity : missing;
    case Duration: {
        const double d = durationOf(r.info);
        return d < 0 ? missing : d;
    }
    case Started:
        return r.info.started > 0 ? r.info.started : r.info.created;
    case Status:
        return int(r.info.status);
    default:
        return display(r, column).toString().toLower();
    }
}

QVariant RunsModel::data(const QModelIndex& index, int role) const
{
    const RunRow* r = rowAt(index.row());
    if (!r) return {};
    switch (role) {
    case Qt::DisplayRole:
        return display(*r, index.column());
    case Qt::EditRole:
        return index.column() == Name ? display(*r, Name) : QVariant();
    case SortRole:
        return sortKey(*r, index.column());
    case RunIdRole:
        return qint64(r->info.id);
    case Qt::TextAlignmentRole:
        if (index.column() >= Bits && index.column() <= Duration)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (index.column() != Status) return {};
        if (r->info.status == RunStatus::Failed) return QBrush(QColor(192, 57, 43));
        if (r->info.status == RunStatus::Running) return QBrush(QColor(31, 119, 180));
        if (r->info.status == RunStatus::Completed) return QBrush(QColor(30, 132, 73));
        return {};
    case Qt::ToolTipRole: {
        QString tip = QString::fromStdString(r->info.modelPath);
        if (!r->info.message.empty()) tip += QLatin1Char('\n') + QString::fromStdString(r->info.message);
        return tip;
    }
    default:
        return {};
    }
}

Qt::ItemFlags RunsModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == Name) f |= Qt::ItemIsEditable;
    return f;
}

bool RunsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    const RunRow* r = rowAt(index.row());
    if (!r || role != Qt::EditRole || index.column() != Name) return false;
    const QString name = value.toString().trimmed();
    if (name.isEmpty()) return false;
    // The store is the truth: the row changes when the repository has written it and reloaded.
    Q_EMIT renameRequested(r->info.id, name);
    return true;
}

} // namespace qat::ui

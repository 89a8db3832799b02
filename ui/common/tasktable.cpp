#include "common/tasktable.h"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>

namespace qat::ui {

QString percentWithError(double value, double stderrValue)
{
    const QString v = QString::number(100.0 * value, 'f', 1);
    return std::isfinite(stderrValue)
               ? v + QStringLiteral(" ± ") + QString::number(100.0 * stderrValue, 'f', 1)
               : v + QStringLiteral(" ± ") + TaskTableModel::tr("n/a");
}

QString taskProtocolText(const StoredTaskScore& s)
{
    QStringList parts;
    if (s.shots >= 0) parts << TaskTableModel::tr("%1-shot").arg(s.shots);
    if (s.limit > 0)
        parts << (s.task == "mmlu" ? TaskTableModel::tr("first %1 per subject").arg(s.limit)
                                   : TaskTableModel::tr("first %1").arg(s.limit));
    else
        parts << TaskTableModel::tr("all questions");
    if (s.truncated > 0) parts << TaskTableModel::tr("%n truncated", nullptr, int(s.truncated));
    if (s.step > 0) parts << TaskTableModel::tr("step %1").arg(s.step);
    return parts.join(QStringLiteral(" · "));
}

// ---------------------------------------------------------------- TaskTableModel

TaskTableModel::TaskTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TaskTableModel::setScores(std::vector<StoredTaskScore> scores)
{
    beginResetModel();
    m_scores = std::move(scores);
    endResetModel();
}

int TaskTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_scores.size());
}

int TaskTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TaskTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const StoredTaskScore& s = m_scores[size_t(index.row())];
    const int c = index.column();
    if (role == Qt::TextAlignmentRole && c != Task && c != Protocol)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        if (c == Acc && s.accMacro >= 0)
            return tr("Weighted by subject size, as the harness's \"mmlu\"; macro average over subjects: "
                      "%1 %")
                .arg(100.0 * s.accMacro, 0, 'f', 1);
        if (c == AccNorm && !s.hasAccNorm) return tr("The harness reports acc only for this task.");
        if (c == Chance) return tr("Expected accuracy of a uniform guess: the mean of 1 / choices.");
        if (c == Task) return QString::fromStdString(s.title);
        return {};
    }
    if (role == SortRole) {
        switch (c) {
        case Task:
            return QString::fromStdString(s.task);
        case Questions:
            return qlonglong(s.questions);
        case Acc:
            return s.acc;
        case AccNorm:
            return s.hasAccNorm ? s.accNorm : -1.0;
        case Chance:
            return s.chance;
        case Protocol:
            return taskProtocolText(s);
        }
        return {};
    }
    if (role != Qt::DisplayRole) return {};
    switch (c) {
    case Task:
        return QString::fromStdString(s.task);
    case Questions:
        return QLocale().toString(qlonglong(s.questions));
    case Acc:
        return percentWithError(s.acc, s.accStderr);
    case AccNorm:
        return s.hasAccNorm ? percentWithError(s.accNorm, s.accNormStderr) : QStringLiteral("–");
    case Chance:
        return s.chance >= 0 ? QString::number(100.0 * s.chance, 'f', 1) : QStringLiteral("–");
    case Protocol:
        return taskProtocolText(s);
    }
    return {};
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Task:
        return tr("Task");
    case Questions:
        return tr("n");
    case Acc:
        return tr("acc % ± stderr");
    case AccNorm:
        return tr("acc_norm % ± stderr");
    case Chance:
        return tr("chance %");
    case Protocol:
        return tr("Protocol");
    }
    return {};
}

CsvTable TaskTableModel::csv() const
{
    CsvTable t;
    t.header = {QStringLiteral("task"),       QStringLiteral("n"),        QStringLiteral("acc"),
                QStringLiteral("acc_stderr"), QStringLiteral("acc_norm"), QStringLiteral("acc_norm_stderr"),
                QStringLiteral("chance"),     QStringLiteral("shots"),    QStringLiteral("limit"),
                QStringLiteral("truncated"),  QStringLiteral("step")};
    auto num = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 9) : QString(); };
    for (const StoredTaskScore& s : m_scores)
        t.rows.append({QString::fromStdString(s.task), QString::number(s.questions), num(s.acc),
                       num(s.accStderr), s.hasAccNorm ? num(s.accNorm) : QString(),
                       s.hasAccNorm ? num(s.accNormStderr) : QString(),
                       s.chance >= 0 ? num(s.chance) : QString(), QString::number(s.shots),
                       QString::number(s.limit), QString::number(s.truncated), QString::number(s.step)});
    return t;
}

// ---------------------------------------------------------------- TaskTable

TaskTable::TaskTable(QWidget* parent) : QWidget(parent)
{
    m_model = new TaskTableModel(this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(TaskTableModel::SortRole);
    m_view = new QTableView(this);
    m_view->setModel(proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // the store's (knownTasks) order until a header is clicked
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_caption = new QLabel(this);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_caption);
    layout->addWidget(m_view, 1);
    setRun(-1, {}, {});
}

void TaskTable::setRun(qint64 runId, const QString& runName, std::vector<StoredTaskScore> scores)
{
    m_runId = runId;
    const bool any = !scores.empty();
    m_model->setScores(std::move(scores));
    m_view->setVisible(any);
    if (runId < 0)
        m_caption->setText(tr("Select a run to see its task scores."));
    else if (!any)
        m_caption->setText(tr("Run \"%1\" has no task scores: add tasks to the experiment's evaluation "
                              "section (docs/EVAL.md), or score its export with qatbench-cli tasks.")
                               .arg(runName));
    else
        m_caption->setText(
            tr("Tasks of run \"%1\", scored as lm-evaluation-harness scores them:").arg(runName));
    if (any) m_view->resizeColumnsToContents();
    // Without scores the pane is one line of text: the runs table above keeps the space.
    setMaximumHeight(any ? QWIDGETSIZE_MAX : m_caption->sizeHint().height());
}

QString TaskTable::caption() const
{
    return m_caption->text();
}

} // namespace qat::ui

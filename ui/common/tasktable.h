#pragma once
// A run's task scores (issue 16, docs/EVAL.md): one row per multiple-choice task the engine scored on the
// final model, read from the run store (qatbench/tasks_stored.h): task, questions, acc and acc_norm with
// their standard errors in percent, chance, and the protocol (shots, --limit, truncated prompts). Shown
// under the Runs table for the selected run.

#include "common/plotexport.h"

#include "qatbench/tasks_stored.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <vector>

class QLabel;
class QTableView;

namespace qat::ui {

// "25.3 ± 2.5" in percent with one decimal; "25.3 ± n/a" when the stderr is undefined (n = 1).
QString percentWithError(double value, double stderrValue);
// "5-shot · first 4 per subject · 32 truncated": how the task was scored, for the table and tooltips.
QString taskProtocolText(const StoredTaskScore& score);

class TaskTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Task,
        Questions,
        Acc,
        AccNorm,
        Chance,
        Protocol,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole; // numbers as numbers

    explicit TaskTableModel(QObject* parent = nullptr);

    void setScores(std::vector<StoredTaskScore> scores);
    const std::vector<StoredTaskScore>& scores() const { return m_scores; }
    CsvTable csv() const; // task, n, acc, acc_stderr, acc_norm, acc_norm_stderr, chance, shots, limit, ...

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<StoredTaskScore> m_scores;
};

// The table with a caption naming the run; says what to do when the run has no task scores.
class TaskTable final : public QWidget
{
    Q_OBJECT
public:
    explicit TaskTable(QWidget* parent = nullptr);

    // runId < 0: no run selected.
    void setRun(qint64 runId, const QString& runName, std::vector<StoredTaskScore> scores);
    qint64 runId() const { return m_runId; }
    TaskTableModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QString caption() const;

private:
    qint64 m_runId = -1;
    TaskTableModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_caption = nullptr;
};

} // namespace qat::ui

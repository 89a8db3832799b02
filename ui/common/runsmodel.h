#pragma once
// The runs table: one row per stored run with status, method, bits, group, rank, final and best perplexity,
// duration and start time. Rows come from RunRepository (read off the GUI thread); the model only presents
// them. Sorting uses Qt::UserRole (numbers sort as numbers, missing values last); renaming edits the Name
// column.

#include "qatbench/store.h"
#include "qatbench/tasks_stored.h"

#include <QAbstractTableModel>

#include <optional>
#include <vector>

namespace qat::ui {

struct RunRow
{
    RunInfo info;
    std::optional<qint64> bits, group, rank; // from the run's parameters (method.options.*)
    int gpus = 1; // GPUs of its latest session (distributed.world_size with backend nccl); 1 otherwise
    double finalPerplexity = qQNaN();   // the last evaluation
    double bestPerplexity = qQNaN();    // the lowest evaluation
    qint64 evalStep = -1;               // step of the last evaluation
    std::vector<StoredTaskScore> tasks; // multiple-choice task scores (evaluation.tasks), if any
};

class RunsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Status,
        Method,
        Bits,
        Group,
        Rank,
        FinalPerplexity,
        BestPerplexity,
        Duration,
        Started,
        Tags,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int RunIdRole = Qt::UserRole + 1;

    explicit RunsModel(QObject* parent = nullptr);

    void setRows(std::vector<RunRow> rows);
    const RunRow* rowAt(int row) const;
    int rowOfRun(qint64 runId) const; // -1 when absent

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    static QString statusTitle(RunStatus status);    // translated: "completed", "stopped", ...
    static QString startedText(const RunInfo& info); // "yyyy-MM-dd HH:mm" of the start (else creation)

Q_SIGNALS:
    void renameRequested(qint64 runId, const QString& name);

private:
    QVariant display(const RunRow& r, int column) const;
    QVariant sortKey(const RunRow& r, int column) const;

    std::vector<RunRow> m_rows;
};

} // namespace qat::ui

#pragma once
// The Compare view's task columns (issue 16): for each multiple-choice task the compared runs were scored on
// (evaluation.tasks, docs/EVAL.md), acc and acc_norm of every run and its difference to a chosen baseline
// run, in percentage points. One row per run, one column per task metric ("arc_easy acc", "arc_easy
// acc_norm", ...). A difference larger than twice its standard error (sqrt(se_run² + se_base²)) is coloured;
// a task scored on other questions or shots than the baseline's is flagged, since its difference compares
// different things.

#include "common/plotexport.h"
#include "compare/comparedata.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QTableView;

namespace qat::ui {

struct TaskMetric
{
    QString task;
    bool norm = false; // acc_norm instead of acc
    QString metricName() const { return norm ? QStringLiteral("acc_norm") : QStringLiteral("acc"); }
    bool operator==(const TaskMetric& o) const { return task == o.task && norm == o.norm; }
};

// Every task metric any of the runs has, in knownTasks() order, acc before acc_norm.
QList<TaskMetric> taskMetrics(const std::vector<CompareRun>& runs);

const StoredTaskScore* findTaskScore(const CompareRun& run, const QString& task); // nullptr when absent

struct TaskCell
{
    bool present = false;
    double value = 0;           // 0..1
    double stderrValue = 0;     // NaN when undefined
    std::optional<double> diff; // value - baseline's value (0..1 scale); unset for the baseline itself
    double diffStderr = 0;      // sqrt(se² + se_base²); NaN when either is undefined
    bool sameProtocol = true;   // same questions (n, --limit) and shots as the baseline
    bool significant() const;   // |diff| > 2 diffStderr
};
// The cell of `run` for `metric`; baseline nullptr (or the run itself): no difference.
TaskCell taskCell(const CompareRun& run, const TaskMetric& metric, const CompareRun* baseline);

class CompareTasksModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int DiffRole = Qt::UserRole + 1; // the difference in percentage points (double), or none
    static constexpr int ValueRole = Qt::UserRole + 2; // the value in percent (double), or none

    explicit CompareTasksModel(QObject* parent = nullptr);

    // baselineRunId not among the runs (e.g. -1): the first run is the baseline.
    void setRuns(const std::vector<CompareRun>& runs, qint64 baselineRunId);
    qint64 baselineRunId() const; // -1 without runs
    const QList<TaskMetric>& metrics() const { return m_metrics; }
    TaskCell cell(int row, int metricIndex) const;
    bool protocolsDiffer() const; // some run's task was scored on other questions/shots than the baseline's
    CsvTable csv() const;         // run, task, metric, n, value, stderr, diff, diff_stderr, same_protocol

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<CompareRun> m_runs; // copies without their series: the scores are all this model needs
    int m_baseline = -1;            // index into m_runs
    QList<TaskMetric> m_metrics;
};

// The tab: baseline chooser, the table, a note on colours and protocol mismatches, and an export button.
class CompareTasksPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit CompareTasksPanel(QWidget* parent = nullptr);

    void setRuns(const std::vector<CompareRun>& runs); // keeps the baseline when it is still compared
    void setBaseline(qint64 runId);
    qint64 baseline() const { return m_model->baselineRunId(); }
    CompareTasksModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QComboBox* baselineBox() const { return m_baseline; }
    QString note() const;

private:
    void rebuild();

    std::vector<CompareRun> m_runs;
    qint64 m_baselineId = -1;
    CompareTasksModel* m_model = nullptr;
    QComboBox* m_baseline = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_note = nullptr;
};

} // namespace qat::ui

#pragma once
// Item models of the Compare view: the runs to pick from (checkable, a colour each, with the chosen metric's
// final / best / min / max / last as columns, sortable and filterable by parameter), the metrics table at a
// chosen step and at the end, and the config diff. They present data; CompareView loads it off the GUI
// thread.

#include "common/plotexport.h"
#include "compare/comparedata.h"

#include <QAbstractTableModel>
#include <QSet>
#include <QSortFilterProxyModel>

namespace qat::ui {

class CompareRunsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Status,
        Final, // of the chosen metric (setMetric): empty while the run is active
        Best,
        Min,
        Max,
        Last,
        Method,
        Params, // the parameters that differ between the listed runs, short (full text in the tooltip)
        Started,
        ColumnCount
    };
    static constexpr int RunIdRole = Qt::UserRole + 1;
    static constexpr int SortRole = Qt::UserRole + 3; // numbers for the metric columns, NaN last

    explicit CompareRunsModel(QObject* parent = nullptr);

    void setRuns(std::vector<RunInfo> runs); // keeps the check marks of runs still present
    // The runs with their parameters and metric summaries (core's summarizeRun): fills every column.
    void setSummaries(std::vector<RunSummary> summaries);
    void setMetric(const QString& metric); // the metric of the Final..Last columns
    QString metric() const { return m_metric; }
    const std::vector<RunInfo>& runs() const { return m_runs; }
    const std::vector<RunSummary>& summaries() const { return m_summaries; }
    QStringList metricKeys() const;           // every metric of the listed runs' summaries
    std::vector<int64_t> checkedRuns() const; // in list order
    void setChecked(int64_t runId, bool on);
    void setCheckedRuns(const std::vector<int64_t>& runIds); // exactly these (one checkedRunsChanged)
    void refreshColors();                                    // after a colour changed

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

Q_SIGNALS:
    void checkedRunsChanged();

private:
    const RunMetric* metricOf(int row) const;

    std::vector<RunInfo> m_runs;
    std::vector<RunSummary> m_summaries; // by row; empty when only setRuns was called
    std::vector<std::string> m_differing;
    QString m_metric;
    QSet<int64_t> m_checked;
};

// The runs list filtered by parameters and text and sorted by any column. The filter is words separated by
// spaces: "key=value" keeps runs whose parameter equals value (key as the full dotted key or its short form:
// "bits=2", "g=32", "method=rtn", "method.options.rank=8"); "key!=value" the others; any other word must
// occur in the run's name, method or status. Every word must hold.
class CompareRunsFilter final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit CompareRunsFilter(QObject* parent = nullptr);
    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }
    // Whether a run's parameters and labels pass the filter (the rule above).
    static bool accepts(const RunSummary& run, const QString& filter);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QString m_text;
};

// One row per run (or per group when grouping): value at the chosen step, final and best.
class CompareMetricsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Run,
        AtStep,
        AtStepStep,
        Final,
        FinalStep,
        Best,
        BestStep,
        ColumnCount
    };
    struct Row
    {
        QString label;
        QColor color;
        MetricSummary summary;
    };

    explicit CompareMetricsModel(QObject* parent = nullptr);

    // Summaries of `metric` for each run at `step`.
    void setRuns(const std::vector<CompareRun>& runs, const QString& metric, qint64 step);
    const QList<Row>& rows() const { return m_rows; }
    QString metric() const { return m_metric; }
    qint64 step() const { return m_step; }
    CsvTable csv() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Row> m_rows;
    QString m_metric;
    qint64 m_step = 0;
    MetricGoal m_goal = MetricGoal::Lower;
};

// Parameters as rows, runs as columns; rows whose values differ are highlighted (and can be shown alone).
class ConfigDiffModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int DiffersRole = Qt::UserRole + 2;

    explicit ConfigDiffModel(QObject* parent = nullptr);

    void setRuns(const std::vector<CompareRun>& runs);
    void setOnlyDifferences(bool on);
    bool onlyDifferences() const { return m_onlyDiff; }
    const std::vector<DiffRow>& visibleRows() const { return m_visible; }
    CsvTable csv() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();

    std::vector<DiffRow> m_all;
    std::vector<DiffRow> m_visible;
    QStringList m_runLabels;
    QList<QColor> m_runColors;
    bool m_onlyDiff = false;
};

} // namespace qat::ui

#pragma once
// Item models of the Compare view: the runs to pick from (checkable, a colour each), the metrics table at a
// chosen step and at the end, and the config diff. They present data; CompareView loads it off the GUI
// thread.

#include "comparedata.h"
#include "plotexport.h"

#include <QAbstractTableModel>
#include <QSet>

namespace qat::ui {

class CompareRunsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Status,
        Method,
        Started,
        ColumnCount
    };
    static constexpr int RunIdRole = Qt::UserRole + 1;

    explicit CompareRunsModel(QObject* parent = nullptr);

    void setRuns(std::vector<RunInfo> runs); // keeps the check marks of runs still present
    const std::vector<RunInfo>& runs() const { return m_runs; }
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
    std::vector<RunInfo> m_runs;
    QSet<int64_t> m_checked;
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
    bool m_lowerBetter = true;
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

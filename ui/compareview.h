#pragma once
// The Compare view (issue 7): pick runs from the store, see one metric's curves overlaid with a colour per
// run (double-click the colour square to change it), read the metric at a chosen step, the final and the best
// value, see which parameters differ, group runs by parameters ignoring the seed (mean line with a min-max
// band), and put step, wall time or time since start on the x axis; the Tasks tab has the runs' task scores
// and their differences to a baseline run (issue 16). Store reads run off the GUI thread.

#include "comparedata.h"

#include <QFutureWatcher>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QSpinBox;
class QTableView;
class QTabWidget;

namespace qat::ui {

class CompareRunsModel;
class CompareMetricsModel;
class CompareTasksPanel;
class ConfigDiffModel;
struct CsvTable;

class CompareView final : public QWidget
{
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);
    ~CompareView() override;

    void setDatabase(const QString& file); // lists the stored runs (off the GUI thread)
    QString database() const { return m_database; }
    void reload();
    void setSelectedRuns(const std::vector<int64_t>& runIds); // checks them and loads their data

    void setMetric(const QString& metric);
    void setAxis(CompareAxis axis);
    void setGrouped(bool on);
    void setStep(qint64 step);
    void setOnlyDifferences(bool on);

    QString metric() const;
    CompareAxis axis() const;
    bool isGrouped() const;
    qint64 step() const;
    bool isLoading() const { return m_listWatcher.isRunning() || m_dataWatcher.isRunning(); }

    CompareRunsModel* runsModel() const { return m_runsModel; }
    CompareMetricsModel* metricsModel() const { return m_metricsModel; }
    ConfigDiffModel* diffModel() const { return m_diffModel; }
    QCustomPlot* plot() const { return m_plot; }
    void showConfigDiff(bool on); // the config diff tab instead of the metrics tab
    CompareTasksPanel* tasksPanel() const { return m_tasksPanel; }
    void showTasks(); // the task columns tab (comparetasks.h)
    const std::vector<CompareRun>& loadedRuns() const { return m_runs; }
    const std::vector<RunGroup>& groups() const { return m_groups; }

    bool exportPng(const QString& file);
    bool exportPdf(const QString& file);
    bool exportCsv(const QString& file) const; // the drawn curves, long format
    CsvTable curvesCsv() const;

Q_SIGNALS:
    void runsListed(); // the run list arrived
    void dataLoaded(); // the checked runs' series arrived and are drawn
    void errorOccurred(const QString& message);

private:
    void buildUi();
    void loadSelected();
    void onDataLoaded(std::vector<CompareRun> runs);
    void refreshMetrics();
    void redraw();
    void drawRuns();
    void drawGroups();
    void editColor(const QModelIndex& index);
    void updateStepRange();

    QString m_database;
    std::vector<CompareRun> m_runs;
    std::vector<RunGroup> m_groups;
    bool m_reloadPending = false; // the selection changed while a load was running: load again after it
    // Workers never throw (a future holding an exception rethrows it in waitForFinished, in the destructor):
    // they hand back the error text instead.
    struct Listed
    {
        std::vector<RunInfo> runs;
        QString error;
    };
    struct Loaded
    {
        std::vector<CompareRun> runs;
        QString error;
    };
    QFutureWatcher<Listed> m_listWatcher;
    QFutureWatcher<Loaded> m_dataWatcher;
    std::vector<int64_t> m_pendingSelection;

    CompareRunsModel* m_runsModel = nullptr;
    CompareMetricsModel* m_metricsModel = nullptr;
    ConfigDiffModel* m_diffModel = nullptr;
    CompareTasksPanel* m_tasksPanel = nullptr;
    QTableView* m_runsTable = nullptr;
    QTableView* m_metricsTable = nullptr;
    QTableView* m_diffTable = nullptr;
    QComboBox* m_metric = nullptr;
    QComboBox* m_axis = nullptr;
    QCheckBox* m_grouped = nullptr;
    QSpinBox* m_step = nullptr;
    QCheckBox* m_onlyDiff = nullptr;
    QLabel* m_status = nullptr;
    QCustomPlot* m_plot = nullptr;
    QTabWidget* m_tabs = nullptr;
};

} // namespace qat::ui

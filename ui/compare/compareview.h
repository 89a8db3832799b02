#pragma once
// The Compare view (issue 7, issue 18 item 12): pick runs from the store in a table with the chosen metric's
// final / best / min / max / last as columns (sortable, filterable by parameter: "bits=2 method=dlqat"), see
// one or several metrics as panels side by side with a colour per run (double-click the colour square to
// change it), smooth them (the live charts' debiased EMA) and put them on a log scale, hover for every run's
// value and click to choose the step, read the metric at that step, the final and the best value, see which
// parameters differ, group runs by parameters ignoring the seed (mean line with a min-max, standard-deviation
// or standard-error band, labelled by the parameters that differ), see runs without training (RTN, GPTQ, full
// precision) as reference lines, plot a final metric against a parameter (Scatter tab), and put step, wall
// time or time since start on the x axis. While a shown run is active the view re-reads the store every few
// seconds (and the run list now and then, so that runs started elsewhere appear). The Tasks tab has the runs'
// task scores and their differences to a baseline run (issue 16). Store reads run off the GUI thread.

#include "compare/comparedata.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableView;
class QTabWidget;
class QTimer;
class QToolButton;

namespace qat::ui {

class BackgroundTask;
class CompareChart;
class CompareRunsFilter;
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

    void setDatabase(const QString& file); // lists the stored runs (off the GUI thread)
    QString database() const { return m_database; }
    void reload();
    void setSelectedRuns(const std::vector<int64_t>& runIds); // checks them and loads their data

    void setMetric(const QString& metric); // the first panel, the tables' metric and the scatter's y
    void setPanelMetrics(const QStringList& metrics); // more panels beside the first one
    QStringList panelMetrics() const { return m_extraPanels; }
    void setAxis(CompareAxis axis);
    void setGrouped(bool on);
    void setBandKind(BandKind kind);
    void setSmoothing(double weight); // 0 = raw; the live charts' debiased EMA weight, < 1
    void setLogScale(bool on);
    void setStep(qint64 step);
    void setOnlyDifferences(bool on);
    void setFilterText(const QString& text); // the runs table's parameter filter (CompareRunsFilter)
    void setScatterParam(const QString& key);
    // While a loaded or listed run is active, re-read the store every intervalMs (on by default, 2 s).
    void setLiveRefresh(bool on, int intervalMs = 2000);

    QString metric() const;
    CompareAxis axis() const;
    bool isGrouped() const;
    BandKind bandKind() const;
    double smoothing() const;
    bool logScale() const;
    qint64 step() const;
    bool isLoading() const;

    CompareRunsModel* runsModel() const { return m_runsModel; }
    CompareRunsFilter* runsFilter() const { return m_runsFilter; }
    QTableView* runsTable() const { return m_runsTable; }
    CompareMetricsModel* metricsModel() const { return m_metricsModel; }
    ConfigDiffModel* diffModel() const { return m_diffModel; }
    QList<CompareChart*> charts() const { return m_charts; } // the first is the chosen metric's
    QCustomPlot* plot() const;                               // the first chart's plot
    QCustomPlot* scatterPlot() const { return m_scatter; }
    QStringList scatterCategories() const { return m_scatterCategories; }
    void showConfigDiff(bool on); // the config diff tab instead of the metrics tab
    void showScatter();
    CompareTasksPanel* tasksPanel() const { return m_tasksPanel; }
    void showTasks(); // the task columns tab (comparetasks.h)
    const std::vector<CompareRun>& loadedRuns() const { return m_runs; }
    const std::vector<RunGroup>& groups() const { return m_groups; }

    void drawNow(); // paint every chart at once (before a grab())
    bool exportPng(const QString& file);
    bool exportPdf(const QString& file);
    bool exportCsv(const QString& file) const; // the drawn curves of the first panel, long format
    CsvTable curvesCsv() const;

Q_SIGNALS:
    void runsListed(); // the run list arrived
    void dataLoaded(); // the checked runs' series arrived and are drawn
    void errorOccurred(const QString& message);

private:
    void buildUi();
    QWidget* buildToolbar();
    QWidget* buildScatterPage();
    void listRuns();
    void loadSelected();
    void onDataLoaded(std::vector<CompareRun> runs);
    void refreshMetrics();
    void redraw();
    void rebuildCharts();
    void drawChart(CompareChart* chart, const QString& metric);
    void drawScatter();
    void fillMetricChoices();
    void editColor(const QModelIndex& index);
    void updateStepRange();
    void liveTick();

    QString m_database;
    std::vector<CompareRun> m_runs;
    std::vector<RunGroup> m_groups;
    QStringList m_extraPanels;
    int m_idleTicks = 0;          // live ticks without an active run
    bool m_reloadPending = false; // the selection changed while a load was running: load again after it
    void onRunsListed(std::vector<RunSummary> runs);
    BackgroundTask* m_list = nullptr; // the store's runs, summarized
    BackgroundTask* m_load = nullptr; // the checked runs' series
    std::vector<int64_t> m_pendingSelection;

    CompareRunsModel* m_runsModel = nullptr;
    CompareRunsFilter* m_runsFilter = nullptr;
    CompareMetricsModel* m_metricsModel = nullptr;
    ConfigDiffModel* m_diffModel = nullptr;
    CompareTasksPanel* m_tasksPanel = nullptr;
    QTableView* m_runsTable = nullptr;
    QTableView* m_metricsTable = nullptr;
    QTableView* m_diffTable = nullptr;
    QLineEdit* m_filter = nullptr;
    QComboBox* m_metric = nullptr;
    QToolButton* m_panelsButton = nullptr;
    QComboBox* m_axis = nullptr;
    QCheckBox* m_grouped = nullptr;
    QComboBox* m_band = nullptr;
    QDoubleSpinBox* m_smoothing = nullptr;
    QCheckBox* m_logY = nullptr;
    QSpinBox* m_step = nullptr;
    QCheckBox* m_onlyDiff = nullptr;
    QCheckBox* m_live = nullptr;
    QTimer* m_liveTimer = nullptr;
    QLabel* m_status = nullptr;
    QWidget* m_chartsHost = nullptr;
    QGridLayout* m_chartsGrid = nullptr;
    QList<CompareChart*> m_charts;
    QCustomPlot* m_scatter = nullptr;
    QComboBox* m_scatterParam = nullptr;
    QCheckBox* m_scatterLogX = nullptr;
    QStringList m_scatterCategories;
    QTabWidget* m_tabs = nullptr;
};

} // namespace qat::ui

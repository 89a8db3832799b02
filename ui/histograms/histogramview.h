#pragma once
// The magnitude-histogram view (issue 7): for a run, a histogram series (per-group magnitude m, scale s, LoRA
// update size, integer code usage: whatever the run logged) of one layer and module, the distribution at a
// step chosen with a slider, a heat map of the distribution against step, min/max/mean/std per step, and an
// overlay of the same series from a second run. Store reads run off the GUI thread (common/backgroundtask.h):
// a newer request of a kind supersedes an older one.

#include "histograms/histogramdata.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QCPColorMap;
class QLabel;
class QSlider;
class QTableView;

namespace qat::ui {

class BackgroundTask;
class HistogramStatsModel;
struct CsvTable;

class HistogramView final : public QWidget
{
    Q_OBJECT
public:
    explicit HistogramView(QWidget* parent = nullptr);

    void setDatabase(const QString& file); // lists the runs (off the GUI thread)
    void reload();
    void setRun(qint64 runId);
    void setOverlayRun(qint64 runId); // 0: no overlay
    // Picks a series of the current run; false when the run has no such series.
    bool setSeries(const QString& name, int layer, const QString& module);
    void setStep(qint64 step); // the nearest logged step

    qint64 runId() const;
    qint64 overlayRunId() const;
    qint64 step() const;
    bool isLoading() const;
    const std::vector<HistogramSeriesRef>& series() const { return m_series; }
    const HistogramSeriesData& data() const { return m_data; }
    const HistogramSeriesData* overlayData() const { return m_hasOverlay ? &m_overlay : nullptr; }
    HistogramStatsModel* statsModel() const { return m_stats; }
    QCustomPlot* histogramPlot() const { return m_histPlot; }
    QCustomPlot* heatPlot() const { return m_heatPlot; }
    QString statsText() const;

    bool exportPng(const QString& file);
    bool exportPdf(const QString& file);
    bool exportCsv(const QString& file) const;

Q_SIGNALS:
    void runsListed();
    void seriesListed();
    void dataLoaded();
    void errorOccurred(const QString& message);

private:
    void showError(const QString& message);
    void buildUi();
    void listSeries();
    void fillNames();
    void fillLayers();
    void fillModules();
    void loadData();
    void showData();
    void drawHistogram();
    void drawHeatMap();
    void updateStepMarker();
    const HistogramSeriesRef* currentRef() const;

    QString m_database;
    std::vector<RunInfo> m_runs;
    std::vector<HistogramSeriesRef> m_series;
    std::vector<HistogramSeriesRef> m_overlaySeries;
    HistogramSeriesData m_data;
    HistogramSeriesData m_overlay;
    bool m_hasOverlay = false;
    BackgroundTask* m_listRuns = nullptr;
    BackgroundTask* m_listSeries = nullptr;
    BackgroundTask* m_loadData = nullptr;
    qint64 m_wantedRun = 0;

    QComboBox* m_run = nullptr;
    QComboBox* m_name = nullptr;
    QComboBox* m_layer = nullptr;
    QComboBox* m_module = nullptr;
    QComboBox* m_overlayRun = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_stepLabel = nullptr;
    QLabel* m_statsLabel = nullptr;
    QLabel* m_status = nullptr;
    QCustomPlot* m_histPlot = nullptr;
    QCustomPlot* m_heatPlot = nullptr;
    QCPColorMap* m_colorMap = nullptr;
    QTableView* m_table = nullptr;
    HistogramStatsModel* m_stats = nullptr;
};

} // namespace qat::ui

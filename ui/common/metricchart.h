#pragma once
// One live chart (QCustomPlot) of a few named series: zoom and pan with the mouse, log scale, x by step or
// wall time, display downsampling (MetricSeries) so 100,000 points stay smooth, export to PNG, PDF and CSV.
// The chart follows new data until the user zooms or pans; a double click (or resetView()) follows again.
// While following, both ranges are fitted to the data with a margin (so end points and single evaluations
// stay off the frame; on a log axis over the positive values only); clear() removes every series and its
// legend.

#include "common/metricseries.h"

#include <QColor>
#include <QMap>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QTimer;
class QTextStream;

namespace qat::ui {

class MetricChart final : public QWidget
{
    Q_OBJECT
public:
    explicit MetricChart(const QString& title, const QString& yLabel, QWidget* parent = nullptr);

    // A series is created on first use. showSmoothed: draw the raw values faintly and the EMA on top;
    // markers: a circle at every point (sparse series such as evaluations).
    void addSeries(const QString& name, const QString& label, const QColor& color, bool showSmoothed,
                   bool markers = false);
    bool hasSeries(const QString& name) const { return m_series.contains(name); }
    void addPoint(const QString& name, double step, double wallTime, double value);
    void setTimeOrigin(double wallTime);
    void clear(); // removes every series: nothing (points, ranges, legend) carries over to the next run

    void setXAxis(XAxis axis);
    void setLogScale(bool on);
    void setSmoothing(double weight);
    void setPlaceholder(const QString& text); // shown while there is no data
    void resetView();
    void refreshNow(); // redraw at once instead of at the next timer tick (tests, export)
    void drawNow();    // refreshNow() and paint at once (before a grab())

    qsizetype pointCount(const QString& name) const;
    qsizetype drawnPointCount() const; // points handed to QCustomPlot, after downsampling
    const MetricSeries* series(const QString& name) const;
    QStringList seriesNames() const { return m_order; }
    QCustomPlot* plot() const { return m_plot; }
    QString title() const { return m_title; }
    QString seriesLabel(const QString& name) const;
    bool placeholderShown() const; // the chart is empty and says why

    bool savePng(const QString& file, int width = 0, int height = 0);
    bool savePdf(const QString& file);
    // Long format, one row per point: series, step, wall_time, value, smoothed.
    bool saveCsv(const QString& file) const;
    void writeCsvRows(QTextStream& out) const;

private:
    struct Entry
    {
        MetricSeries data;
        QCPGraph* raw = nullptr;
        QCPGraph* smooth = nullptr; // nullptr when not smoothed
        QString label;
    };
    void scheduleRefresh();
    void refresh();
    void userMovedView();
    void fitValueAxis(double xFrom, double xTo);

    QString m_title;
    QCustomPlot* m_plot = nullptr;
    QTimer* m_refreshTimer = nullptr;
    QMap<QString, Entry> m_series;
    QStringList m_order;
    XAxis m_xAxis = XAxis::Step;
    bool m_follow = true; // rescale to the data on refresh
    bool m_updatingRange = false;
    QString m_placeholder;
    double m_smoothing = 0.9; // for series created later
    double m_timeOrigin = -1; // likewise
};

} // namespace qat::ui

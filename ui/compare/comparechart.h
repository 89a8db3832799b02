#pragma once
// One chart of the Compare view: one metric's curves (a line per run or a mean line with a band per group),
// runs without training as dashed horizontal reference lines, a linear or log value axis, and a crosshair
// that lists every curve's value under the mouse; a click there asks for that step. Zoom and pan with the
// mouse; a double click fits the data again. The view computes what to draw (comparedata.h); the chart draws
// it.

#include "compare/comparedata.h"

#include <QWidget>

#include <cmath>

class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;

namespace qat::ui {

class CompareChart final : public QWidget
{
    Q_OBJECT
public:
    struct Band
    {
        QColor color;
        QVector<double> x, low, high;
    };
    struct Content
    {
        QString metric;
        QString yLabel; // "" = the metric
        CompareAxis axis = CompareAxis::Step;
        std::vector<DrawnCurve> curves; // reference curves become horizontal lines
        std::vector<Band> bands;        // drawn under the curves
        double marker = std::nan("");   // the chosen step's x (a dashed vertical line); NaN: none
    };

    explicit CompareChart(QWidget* parent = nullptr);

    // Draws it; keeps the user's zoom unless the chart follows the data (it does until the user zooms).
    void setContent(Content content);
    const Content& content() const { return m_content; }
    void setLogScale(bool on);
    bool logScale() const { return m_log; }
    void fitToData(); // follow the data again (double click)
    void drawNow();   // paint at once (before a grab(): PNG export, screenshots)

    // The crosshair at x (as the mouse does): a vertical line and a box with every curve's value there.
    void showCrosshair(double x);
    void hideCrosshair();
    QString crosshairText() const; // "" while hidden
    std::vector<HoverValue> valuesUnderCrosshair() const { return m_hover; }

    QCustomPlot* plot() const { return m_plot; }

Q_SIGNALS:
    void hovered(double x); // the mouse moved to x (the view mirrors it on the other charts)
    void left();            // the mouse left the chart
    void stepClicked(qint64 step);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void draw();
    void fitRanges();
    void placeReferenceLabels();
    qint64 stepAt(double x) const;

    QCustomPlot* m_plot = nullptr;
    Content m_content;
    bool m_log = false;
    bool m_follow = true;
    bool m_updatingRange = false;
    QCPItemStraightLine* m_cross = nullptr;
    QCPItemText* m_crossText = nullptr;
    std::vector<HoverValue> m_hover;
    QPoint m_pressPos;
};

} // namespace qat::ui

#pragma once
// The live charts of one run: training loss (raw and smoothed), evaluation perplexity and learning rate, with
// one toolbar for the x axis (step or wall time), log scale, smoothing, following the data, and export (PNG,
// PDF, CSV). Fed point by point from engine events, or all at once from the store for a past run.

#include "common/metricseries.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QToolButton;

namespace qat::ui {

class MetricChart;

class ChartPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit ChartPanel(QWidget* parent = nullptr);

    void setRunTitle(const QString& title);
    void clear();

    // Routes an engine metric by name and context (EVENTS.md's `context_key`, "" for run-level metrics), each
    // name and context its own series so that nothing overwrites anything:
    //   "*loss*" (not eval/*) -> loss chart, one series per name: calib/loss and train/loss side by side;
    //   "*/lr", "lr*", "*learning_rate*" -> learning-rate chart, one series per name and parameter group
    //     (train/lr{group=m}, train/lr{group=lora}, calib/lr{group=scale}, ...);
    //   "eval/ppl" -> perplexity chart (evaluations during training; the final one comes through addEval).
    // A context split=train is the same as none; any other split is not charted here. Other metrics are not
    // charted (the Compare view shows them). Returns whether it was charted.
    bool addMetric(const QString& name, const QString& contextKey, qint64 step, double value,
                   double wallTime);
    // The same with a series key as the store and RunChartData name it: "train/lr{group=m}" or "train/loss".
    bool addMetric(const QString& key, qint64 step, double value, double wallTime);
    void addEval(qint64 step, double perplexity, double wallTime);
    void setTimeOrigin(double wallTime);

    MetricChart* lossChart() const { return m_loss; }
    MetricChart* perplexityChart() const { return m_ppl; }
    MetricChart* learningRateChart() const { return m_lr; }
    MetricChart* taskChart() const { return m_tasks; } // hidden until a run scores tasks during training

    bool exportPng(const QString& file);
    bool exportPdf(const QString& file);
    bool exportCsv(const QString& file) const;

private:
    void exportTo(const QString& format);
    QList<MetricChart*> charts() const { return {m_loss, m_ppl, m_lr, m_tasks}; }

    QLabel* m_title = nullptr;
    QComboBox* m_xAxis = nullptr;
    QCheckBox* m_logScale = nullptr;
    QDoubleSpinBox* m_smoothing = nullptr;
    QToolButton* m_follow = nullptr;
    QToolButton* m_export = nullptr;
    MetricChart* m_loss = nullptr;
    MetricChart* m_ppl = nullptr;
    MetricChart* m_lr = nullptr;
    MetricChart* m_tasks = nullptr;
};

} // namespace qat::ui

#pragma once
// The quantization explorer (issue 7, teaching): pick a layer of the loaded model, a module, a row and a
// group; see the group's weights, the levels the chosen bits and group size allow, which values clip and the
// rounding error; change bits, group size or the range rule and see the error, the code usage and the layer's
// output error update. The numbers come from core (qatbench/explorer.h, core's quantizer) computed off the
// GUI thread; a newer request cancels the one in flight. A side panel explains the ideas in plain words.

#include "qatbench/explorer.h"

#include <QFuture>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QCustomPlot;
class QLabel;
class QSpinBox;
class QTextBrowser;
class QTimer;

namespace qat::ui {

struct CsvTable;

class ExplorerView final : public QWidget
{
    Q_OBJECT
public:
    explicit ExplorerView(QWidget* parent = nullptr);
    ~ExplorerView() override;

    // Loads the model's weights off the GUI thread (modelLoaded or errorOccurred follows).
    void setModelDir(const QString& dir);
    // The model the user opened elsewhere: loaded when this view is first shown (or at once when visible), so
    // a GUI that never opens the explorer never holds a second copy of the weights.
    void offerModelDir(const QString& dir);
    // Uses an explorer that is already loaded (shared with whoever else holds it).
    void setExplorer(std::shared_ptr<const QuantExplorer> explorer);

    ExplorerQuery query() const;
    void setQuery(const ExplorerQuery& q); // sets the controls; one computation follows
    const std::optional<ExplorerResult>& result() const { return m_result; }
    bool isComputing() const { return m_running > 0 || m_debouncePending; }
    int cancelledCount() const { return m_cancelled; }

    QCustomPlot* groupPlot() const { return m_groupPlot; }
    QCustomPlot* usagePlot() const { return m_usagePlot; }
    QCustomPlot* errorPlot() const { return m_errorPlot; }
    QString numbersText() const;
    QString explanationText() const;

    bool exportPng(const QString& file);
    bool exportPdf(const QString& file);
    bool exportCsv(const QString& file) const;

    // The explanations for students, as HTML through tr() (the side panel shows it).
    static QString explanationHtml();

Q_SIGNALS:
    void modelLoaded();
    void resultReady();
    void errorOccurred(const QString& message);
    // Emitted on the worker thread, received on the GUI thread (queued): request id and its outcome.
    void computed(quint64 id, const qat::ExplorerResult& result);
    void computeFailed(quint64 id, const QString& message, bool cancelled);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void buildUi();
    QWidget* buildControls();
    void onExplorerReady();
    void updateRanges();
    void schedule();
    void compute();
    void showResult(const ExplorerResult& r);
    void drawGroup(const ExplorerResult& r);
    void drawUsage(const ExplorerResult& r);
    void drawError(const ExplorerResult& r);
    void showError(const QString& message);
    void onComputed(quint64 id, const ExplorerResult& r);
    void onComputeFailed(quint64 id, const QString& message, bool cancelled);

    std::shared_ptr<const QuantExplorer> m_explorer;
    std::optional<ExplorerResult> m_result;
    std::shared_ptr<std::atomic<quint64>> m_latest = std::make_shared<std::atomic<quint64>>(0);
    QList<QFuture<void>> m_inflight;
    int m_running = 0;
    int m_cancelled = 0;
    bool m_debouncePending = false;
    bool m_updating = false;
    QString m_offeredDir; // offered but not loaded yet
    QString m_loadedDir;

    QLabel* m_modelLabel = nullptr;
    QSpinBox* m_layer = nullptr;
    QComboBox* m_module = nullptr;
    QSpinBox* m_row = nullptr;
    QSpinBox* m_group = nullptr;
    QSpinBox* m_bits = nullptr;
    QComboBox* m_groupSize = nullptr;
    QComboBox* m_init = nullptr;
    QLabel* m_numbers = nullptr;
    QLabel* m_status = nullptr;
    QTextBrowser* m_explain = nullptr;
    QCustomPlot* m_groupPlot = nullptr;
    QCustomPlot* m_usagePlot = nullptr;
    QCustomPlot* m_errorPlot = nullptr;
    QTimer* m_debounce = nullptr;
};

} // namespace qat::ui

#pragma once
// The quantization explorer (issue 7, teaching): pick a layer of the loaded model, a module, a row and a
// group; see the group's weights, the levels the chosen bits and group size allow, which values clip and the
// rounding error; change bits, group size or the range rule and see the error, the code usage and the layer's
// output error update. The numbers come from core (qatbench/explorer.h, core's quantizer) computed off the
// GUI thread; a newer request cancels the one in flight. A side panel explains the ideas in plain words.
// Issue 18: "Show" picks a trained run of the loaded model from the store instead (its calibrated s and z,
// the learned m, the codes LoRA moved, the output error before calibration, after it and after training);
// "Compare with" adds a second setting (bits, group size) side by side; the overview plot shows the output
// error of every quantized linear, for both settings or for the run's three stages.

#include "qatbench/explorer.h"

#include <QWidget>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QSpinBox;
class QTextBrowser;
class QTimer;

namespace qat::ui {

class BackgroundTask;
struct CsvTable;

// What one request computes: the chosen setting, the compared one, and the per-linear overviews when their
// setting changed (else they stay as shown).
struct ExplorerOutcome
{
    ExplorerResult a;
    std::optional<ExplorerResult> b;
    std::optional<std::vector<ExplorerLinearError>> overviewA, overviewB;
    QString overviewKey;
};

// A run the explorer can show: a completed run of the loaded model with a quantized export.
struct ExplorerRunEntry
{
    qint64 id = 0;
    QString label; // "#2 stories260K DL-QAT W3 g32 (dlqat)"
    QString workDir;
    QString config;
};

class ExplorerView final : public QWidget
{
    Q_OBJECT
public:
    explicit ExplorerView(QWidget* parent = nullptr);

    // Loads the model's weights off the GUI thread (modelLoaded or errorOccurred follows).
    void setModelDir(const QString& dir);
    // The model the user opened elsewhere: loaded when this view is first shown (or at once when visible), so
    // a GUI that never opens the explorer never holds a second copy of the weights.
    void offerModelDir(const QString& dir);
    // Uses an explorer that is already loaded (shared with whoever else holds it).
    void setExplorer(std::shared_ptr<const QuantExplorer> explorer);

    // The run store the "Show" list comes from (read off the GUI thread when the view is shown or the model
    // changes; runsListed follows).
    void setDatabase(const QString& file);
    QString database() const { return m_database; }
    QStringList runLabels() const; // the "Show" list after its first entry (the loaded weights)
    // Shows run `id` of the list (false when it is not listed); runLoaded or errorOccurred follows.
    bool showRun(qint64 id);
    void showLoadedWeights(); // back to quantizing the loaded weights with the settings
    const std::shared_ptr<const ExplorerRun>& run() const { return m_run; }

    // "Compare with": a second setting computed beside the first (same layer, row and the group holding the
    // same first column).
    void setCompare(bool on, int bits = 2, qint64 groupSize = 128);
    bool isComparing() const;
    const std::optional<ExplorerResult>& compareResult() const { return m_resultB; }
    const std::vector<ExplorerLinearError>& overview() const { return m_overviewA; }
    const std::vector<ExplorerLinearError>& compareOverview() const { return m_overviewB; }
    QCustomPlot* overviewPlot() const { return m_overviewPlot; }

    ExplorerQuery query() const;
    void setQuery(const ExplorerQuery& q); // sets the controls; one computation follows
    const std::optional<ExplorerResult>& result() const { return m_result; }
    bool isComputing() const;
    int cancelledCount() const; // computations superseded by a newer request

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
    void runsListed();
    void runLoaded();
    void errorOccurred(const QString& message);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void buildUi();
    QWidget* buildControls();
    void onExplorerReady();
    void updateRanges();
    void schedule();
    void compute();
    void showOutcome(const ExplorerOutcome& o);
    void listRuns();
    void onSourceChanged();
    QString overviewKey() const;
    QString numbersHtml(const ExplorerResult& r) const;
    QString trainedHtml(const ExplorerResult& r) const;
    QString compareHtml(const ExplorerResult& a, const ExplorerResult& b) const;
    void drawOverview();
    void drawGroup(const ExplorerResult& r);
    void drawUsage(const ExplorerResult& r);
    void drawError(const ExplorerResult& r);
    void showError(const QString& message);

    std::shared_ptr<const QuantExplorer> m_explorer;
    std::optional<ExplorerResult> m_result;
    std::optional<ExplorerResult> m_resultB;
    std::shared_ptr<const ExplorerRun> m_run;
    QList<ExplorerRunEntry> m_runs;
    std::vector<ExplorerLinearError> m_overviewA, m_overviewB;
    QString m_shownOverviewKey;
    QString m_database;
    bool m_runsStale = true;
    BackgroundTask* m_loadModel = nullptr; // the weights of the offered folder
    BackgroundTask* m_listRuns = nullptr;  // the store's runs of the loaded model
    BackgroundTask* m_loadRun = nullptr;   // the run picked in "Show"
    BackgroundTask* m_compute = nullptr;   // the chosen settings; a newer one stops the one in flight
    bool m_debouncePending = false;
    bool m_updating = false;
    QString m_offeredDir; // offered but not loaded yet
    QString m_loadedDir;

    QLabel* m_modelLabel = nullptr;
    QComboBox* m_source = nullptr;
    QCheckBox* m_compare = nullptr;
    QSpinBox* m_bitsB = nullptr;
    QComboBox* m_groupSizeB = nullptr;
    QCustomPlot* m_overviewPlot = nullptr;
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

#pragma once
// The runs table: every run of the database with sort, filter (text and status), rename, tags, delete (with
// confirmation) and "open" to see a past run's charts; under the table, the selected run's task scores. Reads
// and edits go through RunRepository. The life of a run (issue 18, 8): resume a stopped or interrupted run,
// clone its experiment into the form, its full-precision baseline on the same text and protocol, evaluate or
// generate with its model, its files with sizes, and the export dialog.

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

namespace qat::ui {

class EvalDialog;
class RunFilesDialog;
class RunRepository;
class RunsModel;
class TaskTable;
struct RunRow;

} // namespace qat::ui
namespace qat {
struct RunInfo;
}
namespace qat::ui {

class RunsView final : public QWidget
{
    Q_OBJECT
public:
    explicit RunsView(RunRepository* repository, QWidget* parent = nullptr);

    RunsModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    TaskTable* taskTable() const { return m_tasks; } // the selected run's task scores
    void setFilterText(const QString& text);
    qint64 selectedRunId() const; // -1 when none

    // The actions of the toolbar, callable directly (tests); they ask the user where the UI would.
    void renameSelected();
    void editTagsSelected();
    void deleteSelected(bool confirm = true);
    void openSelected();
    void exportSelected(); // the Export dialog (GGUF, GPTQ, HF) of a completed run
    void resumeSelected(); // a cancelled, interrupted or failed run continues from its checkpoint
    void cloneSelected();  // the run's experiment into the form
    // Non-modal dialogs (deleted when closed), returned for tests; nullptr without a selected run.
    EvalDialog* evaluateSelected();      // the run's model (export/hf), any text, and a generation preview
    EvalDialog* baselineSelected();      // the original model on the run's text with its protocol, started
    RunFilesDialog* showFilesSelected(); // checkpoints and exports with sizes

    static QString runModelDir(const RunInfo& run); // <work dir>/export/hf when it exists, else ""

Q_SIGNALS:
    void openRunRequested(qint64 runId);
    // The stored experiment JSON, and the GPUs its latest session trained on (RunRow::gpus).
    void resumeRequested(qint64 runId, const QString& config, int gpus);
    void cloneRequested(const QString& config);

private:
    void applyStatusFilter();
    void updateActions();
    void showTasksOfSelected();

    RunRepository* m_repository = nullptr;
    RunsModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_table = nullptr;
    TaskTable* m_tasks = nullptr;
    QLineEdit* m_filter = nullptr;
    QComboBox* m_status = nullptr;
    QLabel* m_info = nullptr;
    QToolButton* m_open = nullptr;
    QToolButton* m_rename = nullptr;
    QToolButton* m_tags = nullptr;
    QToolButton* m_delete = nullptr;
    QToolButton* m_export = nullptr;
    QToolButton* m_resume = nullptr;
    QToolButton* m_clone = nullptr;
    QToolButton* m_baseline = nullptr;
    QToolButton* m_evaluate = nullptr;
    QToolButton* m_files = nullptr;
    QToolButton* m_refresh = nullptr;
};

} // namespace qat::ui

#include "runs/runsview.h"

#include "common/runrepository.h"
#include "common/runsmodel.h"
#include "common/tasktable.h"
#include "runs/evaldialog.h"
#include "runs/exportdialog.h"
#include "runs/runfiles.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace qat::ui {

namespace {

// Text filter over every column plus an optional status.
class RunsFilter final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setStatus(std::optional<RunStatus> s)
    {
        m_status = s;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        if (m_status) {
            const auto* model = static_cast<const RunsModel*>(sourceModel());
            const RunRow* r = model->rowAt(row);
            if (!r || r->info.status != *m_status) return false;
        }
        return QSortFilterProxyModel::filterAcceptsRow(row, parent);
    }

private:
    std::optional<RunStatus> m_status;
};

} // namespace

RunsView::RunsView(RunRepository* repository, QWidget* parent) : QWidget(parent), m_repository(repository)
{
    m_model = new RunsModel(this);
    auto* proxy = new RunsFilter(this);
    m_proxy = proxy;
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RunsModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter runs (name, method, tag, ...)"));
    m_filter->setClearButtonEnabled(true);
    m_status = new QComboBox(this);
    m_status->addItem(tr("All statuses"), -1);
    for (RunStatus s : {RunStatus::Running, RunStatus::Paused, RunStatus::Completed, RunStatus::Failed,
                        RunStatus::Cancelled, RunStatus::Interrupted, RunStatus::Queued})
        m_status->addItem(RunsModel::statusTitle(s), int(s));
    auto button = [this](const QString& text, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        return b;
    };
    m_open = button(tr("Open charts"), tr("Show the selected run's charts (or double-click it)."));
    m_rename = button(tr("Rename..."), tr("Rename the selected run (or edit its name in the table)."));
    m_tags = button(tr("Tags..."), tr("Edit the selected run's tags."));
    m_delete = button(tr("Delete..."), tr("Delete the selected run and its metrics from the database."));
    m_export =
        button(tr("Export..."), tr("Export the selected completed run for llama.cpp (GGUF), GPTQModel or "
                                   "as a Hugging Face checkpoint."));
    m_refresh = button(tr("Refresh"), tr("Read the database again."));
    m_resume =
        button(tr("Resume"), tr("Continue the selected stopped, interrupted or failed run from its last "
                                "checkpoint (same run, live in the Experiment view)."));
    m_clone =
        button(tr("Clone"), tr("Load the selected run's experiment into the form, to change and run it."));
    m_baseline =
        button(tr("FP baseline"), tr("The full-precision model on the run's evaluation text with the "
                                     "run's protocol, next to the run's perplexity."));
    m_evaluate =
        button(tr("Evaluate..."), tr("The run's model on any text, and a short generation preview."));
    m_files = button(tr("Files..."), tr("The run's checkpoints and exports with their sizes."));

    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunsModel::Started, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(RunsModel::Name, QHeaderView::Interactive);
    m_table->setColumnWidth(RunsModel::Name, 220);
    m_info = new QLabel(this);
    m_tasks = new TaskTable(this);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_tasks);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_status);
    for (QToolButton* b : {m_open, m_resume, m_clone, m_baseline, m_evaluate, m_files, m_rename, m_tags,
                           m_delete, m_export, m_refresh})
        bar->addWidget(b);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
    layout->addWidget(m_info);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_status, &QComboBox::currentIndexChanged, this, &RunsView::applyStatusFilter);
    connect(m_open, &QToolButton::clicked, this, &RunsView::openSelected);
    connect(m_rename, &QToolButton::clicked, this, &RunsView::renameSelected);
    connect(m_tags, &QToolButton::clicked, this, &RunsView::editTagsSelected);
    connect(m_delete, &QToolButton::clicked, this, [this] { deleteSelected(true); });
    connect(m_export, &QToolButton::clicked, this, &RunsView::exportSelected);
    connect(m_refresh, &QToolButton::clicked, m_repository, &RunRepository::refresh);
    connect(m_resume, &QToolButton::clicked, this, &RunsView::resumeSelected);
    connect(m_clone, &QToolButton::clicked, this, &RunsView::cloneSelected);
    connect(m_baseline, &QToolButton::clicked, this, &RunsView::baselineSelected);
    connect(m_evaluate, &QToolButton::clicked, this, &RunsView::evaluateSelected);
    connect(m_files, &QToolButton::clicked, this, &RunsView::showFilesSelected);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (index.column() != RunsModel::Name) openSelected();
    });
    connect(m_model, &RunsModel::renameRequested, m_repository, &RunRepository::rename);
    connect(m_repository, &RunRepository::rowsLoaded, this, [this](const std::vector<RunRow>& rows) {
        const qint64 selected = selectedRunId();
        m_model->setRows(rows);
        const int row = m_model->rowOfRun(selected);
        if (row >= 0) m_table->selectRow(m_proxy->mapFromSource(m_model->index(row, 0)).row());
        m_table->resizeColumnsToContents();
        m_table->setColumnWidth(RunsModel::Name, std::max(220, m_table->columnWidth(RunsModel::Name)));
        m_info->setText(tr("%n run(s) in %1", nullptr, int(rows.size())).arg(m_repository->database()));
        updateActions();
        showTasksOfSelected();
    });
    connect(m_repository, &RunRepository::errorOccurred, this,
            [this](const QString& message) { m_info->setText(tr("Database: %1").arg(message)); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RunsView::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RunsView::showTasksOfSelected);
    updateActions();
}

void RunsView::setFilterText(const QString& text)
{
    m_filter->setText(text);
}

void RunsView::applyStatusFilter()
{
    const int s = m_status->currentData().toInt();
    static_cast<RunsFilter*>(m_proxy)->setStatus(s < 0 ? std::nullopt
                                                       : std::optional<RunStatus>(RunStatus(s)));
}

qint64 RunsView::selectedRunId() const
{
    const QModelIndexList rows =
        m_table->selectionModel() ? m_table->selectionModel()->selectedRows() : QModelIndexList();
    if (rows.isEmpty()) return -1;
    return rows.first().data(RunsModel::RunIdRole).toLongLong();
}

void RunsView::updateActions()
{
    const bool any = selectedRunId() >= 0;
    for (QToolButton* b : {m_open, m_rename, m_tags, m_delete})
        b->setEnabled(any);
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(selectedRunId()));
    m_export->setEnabled(r && r->info.status == RunStatus::Completed);
    const bool resumable =
        r && (r->info.status == RunStatus::Cancelled || r->info.status == RunStatus::Interrupted ||
              r->info.status == RunStatus::Failed);
    m_resume->setEnabled(resumable);
    for (QToolButton* b : {m_clone, m_baseline, m_evaluate, m_files})
        b->setEnabled(r && !r->info.config.empty());
    m_evaluate->setToolTip(
        r && runModelDir(r->info).isEmpty()
            ? tr("This run has no dequantized model (export/hf) yet: the original model is "
                 "offered instead.")
            : tr("The run's model on any text, and a short generation preview."));
}

QString RunsView::runModelDir(const RunInfo& run)
{
    if (run.workDir.empty()) return {};
    const QString dir = QDir(QString::fromStdString(run.workDir)).filePath(QStringLiteral("export/hf"));
    return QFileInfo::exists(dir + QStringLiteral("/config.json")) ? dir : QString();
}

void RunsView::resumeSelected()
{
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(selectedRunId()));
    if (!r || !m_resume->isEnabled()) return;
    Q_EMIT resumeRequested(r->info.id, QString::fromStdString(r->info.config), r->gpus);
}

void RunsView::cloneSelected()
{
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(selectedRunId()));
    if (r && !r->info.config.empty()) Q_EMIT cloneRequested(QString::fromStdString(r->info.config));
}

namespace {

QString runTitle(const RunRow& r)
{
    return RunsView::tr("run %1 (%2)").arg(r.info.id).arg(QString::fromStdString(r.info.name));
}

nlohmann::json configOf(const RunRow& r)
{
    return nlohmann::json::parse(r.info.config, nullptr, false);
}

QString originalModel(const RunRow& r)
{
    const nlohmann::json exp = configOf(r);
    if (exp.is_object() && exp.contains("model") && exp["model"].is_object() &&
        exp["model"].value("path", nlohmann::json()).is_string())
        return QString::fromStdString(exp["model"]["path"].get<std::string>());
    return QString::fromStdString(r.info.modelPath);
}

} // namespace

EvalDialog* RunsView::evaluateSelected()
{
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(selectedRunId()));
    if (!r) return nullptr;
    auto* dialog = new EvalDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Evaluate and generate: %1").arg(runTitle(*r)));
    const QString own = runModelDir(r->info);
    dialog->setModel(own.isEmpty() ? originalModel(*r) : own);
    dialog->setProtocolFrom(configOf(*r));
    dialog->setReference(tr("%1, its final evaluation").arg(runTitle(*r)), r->finalPerplexity);
    dialog->show();
    return dialog;
}

EvalDialog* RunsView::baselineSelected()
{
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(selectedRunId()));
    if (!r) return nullptr;
    auto* dialog = new EvalDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Full-precision baseline of %1").arg(runTitle(*r)));
    dialog->setModel(originalModel(*r));
    dialog->setProtocolFrom(configOf(*r));
    dialog->setReference(tr("%1, quantized").arg(runTitle(*r)), r->finalPerplexity);
    dialog->show();
    dialog->evaluate();
    return dialog;
}

RunFilesDialog* RunsView::showFilesSelected()
{
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(selectedRunId()));
    if (!r) return nullptr;
    auto* dialog = new RunFilesDialog(runTitle(*r), QString::fromStdString(r->info.workDir), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void RunsView::showTasksOfSelected()
{
    const qint64 id = selectedRunId();
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(id));
    if (!r) {
        m_tasks->setRun(-1, {}, {});
        return;
    }
    m_tasks->setRun(id, m_model->data(m_model->index(m_model->rowOfRun(id), RunsModel::Name)).toString(),
                    r->tasks);
}

void RunsView::openSelected()
{
    const qint64 id = selectedRunId();
    if (id >= 0) Q_EMIT openRunRequested(id);
}

void RunsView::exportSelected()
{
    const qint64 id = selectedRunId();
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(id));
    if (!r || r->info.status != RunStatus::Completed) return;
    ExportDialog dialog(id, QString::fromStdString(r->info.name), m_repository->database(), this);
    dialog.exec();
}

void RunsView::renameSelected()
{
    const qint64 id = selectedRunId();
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(id));
    if (!r) return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename run"), tr("New name:"), QLineEdit::Normal,
                                               QString::fromStdString(r->info.name), &ok);
    if (ok && !name.trimmed().isEmpty()) m_repository->rename(id, name.trimmed());
}

void RunsView::editTagsSelected()
{
    const qint64 id = selectedRunId();
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(id));
    if (!r) return;
    QStringList tags;
    for (const auto& t : r->info.tags)
        tags << QString::fromStdString(t);
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Edit tags"), tr("Tags, separated by commas:"),
                                               QLineEdit::Normal, tags.join(QStringLiteral(", ")), &ok);
    if (ok) m_repository->setTags(id, text.split(QLatin1Char(','), Qt::SkipEmptyParts));
}

void RunsView::deleteSelected(bool confirm)
{
    const qint64 id = selectedRunId();
    const RunRow* r = m_model->rowAt(m_model->rowOfRun(id));
    if (!r) return;
    if (isActive(r->info.status)) {
        QMessageBox::information(this, tr("Delete run"), tr("This run is still active. Stop it first."));
        return;
    }
    if (confirm) {
        const auto answer = QMessageBox::question(
            this, tr("Delete run"),
            tr("Delete run \"%1\" with all its metrics? Checkpoint files on disk are kept.")
                .arg(m_model->data(m_model->index(m_model->rowOfRun(id), RunsModel::Name)).toString()),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) return;
    }
    m_repository->remove(id);
}

} // namespace qat::ui

#pragma once
// The Export dialog of a finished run (issue 14, docs/EXPORT.md): format, type, output path; what the file
// will be (size, bits per weight, exact or not) from `qatbench-cli export --dry-run`; the export itself as a
// `qatbench-cli export --events jsonl` child process with progress and Cancel. The CLI writes under a
// temporary name and renames at the end, so a cancelled or failed export leaves nothing behind (the dialog
// also removes the CLI's PATH.partial-<pid> if the process was killed before it could).

#include <QDialog>
#include <QStringList>

class QComboBox;
class QLabel;
class QLineEdit;
class QProcess;
class QProgressBar;
class QPushButton;

namespace qat::ui {

class ExportDialog final : public QDialog
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,       // choosing; the estimate may be on its way
        Exporting,  // the CLI runs
        Cancelling, // Cancel pressed, waiting for the CLI to remove its partial file and exit
        Done,
        Failed,
        Cancelled,
    };
    Q_ENUM(State)

    ExportDialog(qint64 runId, const QString& runName, const QString& database, QWidget* parent = nullptr);
    ~ExportDialog() override; // a running export is cancelled and waited for

    // The CLI; by default EngineClient::defaultProgram() (qatbench-cli next to the app, or $QATBENCH_CLI).
    void setProgram(const QString& program);

    void setFormat(const QString& format); // gguf, gptq, hf
    void setType(const QString& type);     // gguf: auto, q4_1, ...; hf: "", float32, ...
    void setOutputPath(const QString& path);
    QString format() const;
    QString type() const;
    QString outputPath() const;

    void startExport(); // asks before replacing an existing output
    void cancelExport();
    State state() const { return m_state; }
    QString statusText() const;
    QString estimateText() const; // size, bits per weight, exactness as shown
    bool estimateReady() const { return m_estimateOk; }
    void reject() override; // Esc / Close while exporting cancels the export instead of hiding it

Q_SIGNALS:
    void estimateUpdated(bool ok);
    void progressed(qint64 done, qint64 total);
    void exportFinished(qat::ui::ExportDialog::State state);

private:
    void updateTypes();
    void suggestOutput();
    void requestEstimate();
    void onEstimateFinished();
    void onExportOutput();
    void onExportFinished(int exitCode);
    void handleLine(const QByteArray& line);
    void setState(State s, const QString& text);
    void removeLeftovers();
    QStringList commonArguments() const;

    qint64 m_runId;
    QString m_database;
    QString m_program;
    QString m_exportPath; // the output of the export in flight
    qint64 m_exportPid = 0;
    bool m_outputEdited = false;
    bool m_estimateOk = false;
    State m_state = State::Idle;
    QByteArray m_buffer;
    QStringList m_warnings;
    QString m_finalMessage;
    QString m_finalStatus;

    QComboBox* m_format = nullptr;
    QComboBox* m_type = nullptr;
    QLineEdit* m_out = nullptr;
    QPushButton* m_browse = nullptr;
    QLabel* m_size = nullptr;
    QLabel* m_bits = nullptr;
    QLabel* m_exact = nullptr;
    QLabel* m_notes = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_close = nullptr;
    QProcess* m_estimate = nullptr;
    QProcess* m_process = nullptr;
};

} // namespace qat::ui

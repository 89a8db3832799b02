#include "runs/exportdialog.h"

#include "common/engineclient.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace qat::ui {

namespace {

QString sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

// Removes a file or folder the CLI left under its temporary name (it was killed before it could clean up).
void removePath(const QString& path)
{
    const QFileInfo fi(path);
    if (fi.isDir())
        QDir(path).removeRecursively();
    else if (fi.exists())
        QFile::remove(path);
}

} // namespace

ExportDialog::ExportDialog(qint64 runId, const QString& runName, const QString& database, QWidget* parent)
    : QDialog(parent), m_runId(runId), m_database(database), m_program(EngineClient::defaultProgram())
{
    setWindowTitle(tr("Export run %1").arg(runName.isEmpty() ? QString::number(runId) : runName));
    m_format = new QComboBox(this);
    m_format->addItem(tr("GGUF (llama.cpp, ollama, LM Studio)"), QStringLiteral("gguf"));
    m_format->addItem(tr("GPTQ v2 checkpoint (GPTQModel)"), QStringLiteral("gptq"));
    m_format->addItem(tr("Hugging Face, dequantized"), QStringLiteral("hf"));
    m_type = new QComboBox(this);
    m_out = new QLineEdit(this);
    m_browse = new QPushButton(tr("Browse..."), this);
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_out, 1);
    outRow->addWidget(m_browse);
    m_size = new QLabel(this);
    m_bits = new QLabel(this);
    m_exact = new QLabel(this);
    m_exact->setWordWrap(true);
    m_notes = new QLabel(this);
    m_notes->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Type:"), m_type);
    form->addRow(tr("Save as:"), outRow);
    form->addRow(tr("Estimated size:"), m_size);
    form->addRow(tr("Bits per weight:"), m_bits);
    form->addRow(tr("Trained grid:"), m_exact);
    form->addRow(QString(), m_notes);

    auto* buttons = new QDialogButtonBox(this);
    m_export = buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    m_cancel = buttons->addButton(tr("Cancel export"), QDialogButtonBox::RejectRole);
    m_close = buttons->addButton(QDialogButtonBox::Close);
    m_cancel->setEnabled(false);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    setMinimumWidth(560);

    // Buttons act here; QDialogButtonBox's accepted/rejected would close the dialog.
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_cancel, &QPushButton::clicked, this, &ExportDialog::cancelExport);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        updateTypes();
        suggestOutput();
        requestEstimate();
    });
    connect(m_type, &QComboBox::currentIndexChanged, this, [this] {
        suggestOutput();
        requestEstimate();
    });
    connect(m_out, &QLineEdit::textEdited, this, [this] { m_outputEdited = true; });
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export to"), m_out->text());
        if (path.isEmpty()) return;
        m_out->setText(path);
        m_outputEdited = true;
    });
    updateTypes();
    suggestOutput();
    setState(State::Idle, tr("Choose a format; the estimate comes from the run's quantized state."));
    requestEstimate();
}

ExportDialog::~ExportDialog()
{
    if (m_estimate) {
        m_estimate->disconnect(this);
        m_estimate->kill();
        m_estimate->waitForFinished(3000);
    }
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->terminate(); // the CLI stops at the next tensor and removes its partial output
        if (!m_process->waitForFinished(10000)) {
            m_process->kill();
            m_process->waitForFinished(3000);
        }
        removeLeftovers();
    }
}

void ExportDialog::setProgram(const QString& program)
{
    m_program = program;
    requestEstimate();
}

void ExportDialog::setFormat(const QString& format)
{
    const int i = m_format->findData(format);
    if (i >= 0) m_format->setCurrentIndex(i);
}

void ExportDialog::setType(const QString& type)
{
    const int i = m_type->findData(type);
    if (i >= 0) m_type->setCurrentIndex(i);
}

void ExportDialog::setOutputPath(const QString& path)
{
    m_out->setText(path);
    m_outputEdited = true;
}

QString ExportDialog::format() const
{
    return m_format->currentData().toString();
}

QString ExportDialog::type() const
{
    return m_type->currentData().toString();
}

QString ExportDialog::outputPath() const
{
    return m_out->text().trimmed();
}

QString ExportDialog::statusText() const
{
    return m_status->text();
}

QString ExportDialog::estimateText() const
{
    return m_size->text() + QLatin1Char('\n') + m_bits->text() + QLatin1Char('\n') + m_exact->text();
}

void ExportDialog::updateTypes()
{
    const QSignalBlocker block(m_type);
    m_type->clear();
    const QString f = format();
    if (f == QLatin1String("gguf")) {
        m_type->addItem(tr("Automatic: Q4_1 for 2-4 bits, Q5_1 for 5 (exact)"), QStringLiteral("auto"));
        m_type->addItem(QStringLiteral("Q4_1"), QStringLiteral("q4_1"));
        m_type->addItem(QStringLiteral("Q5_1"), QStringLiteral("q5_1"));
        m_type->addItem(tr("Q4_K (approximate: scales refit to 6 bits)"), QStringLiteral("q4_k"));
        m_type->addItem(tr("F16 (dequantized)"), QStringLiteral("f16"));
        m_type->addItem(tr("BF16 (dequantized)"), QStringLiteral("bf16"));
        m_type->addItem(tr("F32 (dequantized)"), QStringLiteral("f32"));
    } else if (f == QLatin1String("hf")) {
        m_type->addItem(tr("The model's own dtype"), QString());
        m_type->addItem(QStringLiteral("float32"), QStringLiteral("float32"));
        m_type->addItem(QStringLiteral("bfloat16"), QStringLiteral("bfloat16"));
        m_type->addItem(QStringLiteral("float16"), QStringLiteral("float16"));
    } else {
        m_type->addItem(tr("The run's bit width"), QString());
    }
    m_type->setEnabled(m_type->count() > 1);
}

void ExportDialog::suggestOutput()
{
    if (m_outputEdited) return;
    const QString dir = QFileInfo(m_database).absolutePath();
    QString name = QStringLiteral("run-%1").arg(m_runId);
    if (format() == QLatin1String("gguf"))
        name += QLatin1Char('-') + (type() == QLatin1String("auto") ? QStringLiteral("q") : type()) +
                QStringLiteral(".gguf");
    else if (format() == QLatin1String("gptq"))
        name += QStringLiteral("-gptq");
    else
        name += QStringLiteral("-hf") + (type().isEmpty() ? QString() : QLatin1Char('-') + type());
    m_out->setText(QDir(dir).filePath(name));
}

QStringList ExportDialog::commonArguments() const
{
    QStringList a{QStringLiteral("export"),   QString::number(m_runId),
                  QStringLiteral("--db"),     m_database,
                  QStringLiteral("--format"), format(),
                  QStringLiteral("--events"), QStringLiteral("jsonl")};
    if (format() == QLatin1String("gguf")) a << QStringLiteral("--type") << type();
    if (format() == QLatin1String("hf") && !type().isEmpty()) a << QStringLiteral("--dtype") << type();
    return a;
}

void ExportDialog::requestEstimate()
{
    if (m_estimate) {
        m_estimate->disconnect(this);
        m_estimate->kill();
        m_estimate->waitForFinished(3000);
        m_estimate->deleteLater();
    }
    m_estimateOk = false;
    m_size->setText(tr("estimating..."));
    m_bits->clear();
    m_exact->clear();
    m_notes->clear();
    m_export->setEnabled(false);
    m_estimate = new QProcess(this);
    connect(m_estimate, &QProcess::finished, this, &ExportDialog::onEstimateFinished);
    connect(m_estimate, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) onEstimateFinished();
    });
    m_estimate->start(m_program, commonArguments() << QStringLiteral("--dry-run"));
}

void ExportDialog::onEstimateFinished()
{
    QProcess* p = m_estimate;
    if (!p) return;
    m_estimate = nullptr;
    p->deleteLater();
    QJsonObject estimate;
    QString failure;
    for (const QByteArray& line : p->readAllStandardOutput().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(QStringLiteral("event")) == QLatin1String("estimate")) estimate = o;
        if (o.value(QStringLiteral("event")) == QLatin1String("failed"))
            failure = o.value(QStringLiteral("message")).toString();
    }
    if (estimate.isEmpty()) {
        if (failure.isEmpty())
            failure = p->error() == QProcess::FailedToStart
                          ? tr("Expected qatbench-cli at %1. Reinstall QATBench or set QATBENCH_CLI.")
                                .arg(m_program)
                          : QString::fromUtf8(p->readAllStandardError()).trimmed();
        m_size->setText(tr("cannot export"));
        m_exact->setText(failure);
        m_exact->setStyleSheet(QStringLiteral("color: #b00020"));
        Q_EMIT estimateUpdated(false);
        return;
    }
    m_exact->setStyleSheet(QString());
    m_size->setText(sizeText(qint64(estimate.value(QStringLiteral("bytes")).toDouble())) +
                    QLatin1String("  (") + estimate.value(QStringLiteral("type")).toString() +
                    QLatin1Char(')'));
    QString bits = tr("%1 over the block linears")
                       .arg(estimate.value(QStringLiteral("bits_per_weight")).toDouble(), 0, 'f', 2);
    const double file = estimate.value(QStringLiteral("file_bits_per_weight")).toDouble();
    if (file > 0) bits += tr("; %1 over the whole file").arg(file, 0, 'f', 2);
    m_bits->setText(bits);
    const QString exactness = estimate.value(QStringLiteral("exactness")).toString();
    const int quantized = estimate.value(QStringLiteral("quantized_linears")).toInt();
    const int exact = estimate.value(QStringLiteral("exact_linears")).toInt();
    if (exactness == QLatin1String("exact"))
        m_exact->setText(tr("exact: every quantized linear holds the trained grid (fp16 scales)"));
    else if (exactness == QLatin1String("partly exact"))
        m_exact->setText(tr("exact for %1 of %2 linears; the others are dequantized (see the warnings)")
                             .arg(exact)
                             .arg(quantized));
    else if (exactness == QLatin1String("rounded"))
        m_exact->setText(tr("approximate: the dequantized weights are rounded to a 16-bit type"));
    else
        m_exact->setText(tr("approximate"));
    const QJsonArray warnings = estimate.value(QStringLiteral("warnings")).toArray();
    QStringList tips;
    for (const auto& w : warnings)
        tips << w.toString();
    m_notes->setText(warnings.isEmpty()
                         ? QString()
                         : tr("%n warning(s); hover to read them", nullptr, int(warnings.size())));
    m_notes->setToolTip(tips.join(QLatin1Char('\n')));
    m_estimateOk = true;
    m_export->setEnabled(m_state != State::Exporting && m_state != State::Cancelling);
    Q_EMIT estimateUpdated(true);
}

void ExportDialog::startExport()
{
    if (m_state == State::Exporting || m_state == State::Cancelling) return;
    const QString out = outputPath();
    if (out.isEmpty()) return setState(State::Failed, tr("Choose where to save the export."));
    QStringList args = commonArguments() << QStringLiteral("--out") << out;
    if (QFileInfo::exists(out)) {
        const auto answer =
            QMessageBox::question(this, tr("Replace export"), tr("%1 exists. Replace it?").arg(out),
                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) return;
        args << QStringLiteral("--force");
    }
    if (m_process) m_process->deleteLater();
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_buffer.clear();
    m_warnings.clear();
    m_finalStatus.clear();
    m_finalMessage.clear();
    m_exportPath = out;
    m_progress->setRange(0, 0); // busy until the first progress line
    connect(m_process, &QProcess::readyReadStandardOutput, this, &ExportDialog::onExportOutput);
    connect(m_process, &QProcess::finished, this, [this](int code) { onExportFinished(code); });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) onExportFinished(-1);
    });
    connect(m_process, &QProcess::started, this, [this] { m_exportPid = m_process->processId(); });
    setState(State::Exporting, tr("Exporting to %1...").arg(out));
    m_process->start(m_program, args);
}

void ExportDialog::cancelExport()
{
    if (m_state != State::Exporting || !m_process) return;
    setState(State::Cancelling, tr("Cancelling..."));
    m_process->terminate(); // SIGTERM: the CLI stops at the next tensor and removes its partial output
}

void ExportDialog::reject()
{
    if (m_state == State::Exporting) return cancelExport();
    if (m_state == State::Cancelling) return;
    QDialog::reject();
}

void ExportDialog::onExportOutput()
{
    m_buffer += m_process->readAllStandardOutput();
    int nl;
    while ((nl = m_buffer.indexOf('\n')) >= 0) {
        handleLine(m_buffer.left(nl));
        m_buffer.remove(0, nl + 1);
    }
}

void ExportDialog::handleLine(const QByteArray& line)
{
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    const QString event = o.value(QStringLiteral("event")).toString();
    if (event == QLatin1String("progress")) {
        const qint64 done = qint64(o.value(QStringLiteral("step")).toDouble());
        const qint64 total = qint64(o.value(QStringLiteral("total")).toDouble());
        if (total > 0) {
            m_progress->setRange(0, int(total));
            m_progress->setValue(int(done));
        }
        if (m_state == State::Exporting)
            m_status->setText(tr("Exporting to %1: tensor %2 of %3").arg(m_exportPath).arg(done).arg(total));
        Q_EMIT progressed(done, total);
    } else if (event == QLatin1String("message")) {
        m_warnings << o.value(QStringLiteral("text")).toString();
    } else if (event == QLatin1String("finished")) {
        m_finalStatus = o.value(QStringLiteral("status")).toString();
        m_finalMessage = o.value(QStringLiteral("message")).toString();
        if (m_finalStatus == QLatin1String("completed")) {
            m_size->setText(sizeText(qint64(o.value(QStringLiteral("bytes")).toDouble())) +
                            QLatin1String("  (") + o.value(QStringLiteral("type")).toString() +
                            QLatin1Char(')'));
            QStringList notes;
            for (const auto& n : o.value(QStringLiteral("notes")).toArray())
                notes << n.toString();
            if (!notes.isEmpty()) m_notes->setText(notes.join(QLatin1Char('\n')));
        }
    }
}

void ExportDialog::onExportFinished(int exitCode)
{
    if (!m_process) return;
    onExportOutput();
    if (!m_buffer.isEmpty()) handleLine(m_buffer);
    m_buffer.clear();
    const bool cancelled = m_state == State::Cancelling || m_finalStatus == QLatin1String("cancelled");
    if (m_finalStatus == QLatin1String("completed") && exitCode == 0) {
        m_progress->setRange(0, 1);
        m_progress->setValue(1);
        QString text = tr("Done: %1").arg(m_exportPath);
        if (!m_warnings.isEmpty())
            text += QLatin1Char(' ') + tr("(%n warning(s))", nullptr, int(m_warnings.size()));
        setState(State::Done, text);
        return;
    }
    removeLeftovers();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    if (cancelled) return setState(State::Cancelled, tr("Cancelled; nothing was written."));
    QString why = m_finalMessage;
    if (why.isEmpty())
        why = m_process->error() == QProcess::FailedToStart
                  ? tr("Expected qatbench-cli at %1. Reinstall QATBench or set QATBENCH_CLI.").arg(m_program)
                  : QString::fromUtf8(m_process->readAllStandardError()).trimmed();
    setState(State::Failed, tr("Export failed: %1").arg(why));
}

void ExportDialog::removeLeftovers()
{
    if (m_exportPid > 0 && !m_exportPath.isEmpty())
        removePath(m_exportPath + QStringLiteral(".partial-") + QString::number(m_exportPid));
}

void ExportDialog::setState(State s, const QString& text)
{
    const State before = m_state;
    m_state = s;
    m_status->setText(text);
    const bool busy = s == State::Exporting || s == State::Cancelling;
    m_export->setEnabled(!busy && m_estimateOk);
    m_cancel->setEnabled(s == State::Exporting);
    m_close->setEnabled(!busy);
    for (QWidget* w :
         {static_cast<QWidget*>(m_format), static_cast<QWidget*>(m_out), static_cast<QWidget*>(m_browse)})
        w->setEnabled(!busy);
    m_type->setEnabled(!busy && m_type->count() > 1);
    if (before != s && (s == State::Done || s == State::Failed || s == State::Cancelled))
        Q_EMIT exportFinished(s);
}

} // namespace qat::ui

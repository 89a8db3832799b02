#include "runs/evaldialog.h"

#include "common/enginesettings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace qat::ui {

namespace {

QHBoxLayout* withBrowse(QLineEdit* edit, QWidget* parent, std::function<QString()> choose)
{
    auto* row = new QHBoxLayout;
    auto* browse = new QToolButton(parent);
    browse->setText(QStringLiteral("..."));
    row->addWidget(edit, 1);
    row->addWidget(browse);
    QObject::connect(browse, &QToolButton::clicked, parent, [edit, choose] {
        const QString chosen = choose();
        if (!chosen.isEmpty()) edit->setText(chosen);
    });
    return row;
}

} // namespace

EvalDialog::EvalDialog(QWidget* parent) : QDialog(parent), m_program(enginePath())
{
    setWindowTitle(tr("Evaluate and generate"));
    m_model = new QLineEdit(this);
    m_model->setPlaceholderText(tr("A Hugging Face LLaMA folder"));
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("A UTF-8 text file"));
    m_seqLen = new QSpinBox(this);
    m_seqLen->setRange(2, 1 << 20);
    m_seqLen->setValue(512);
    m_maxWindows = new QSpinBox(this);
    m_maxWindows->setRange(0, 1 << 30);
    m_maxWindows->setSpecialValueText(tr("all"));
    m_bosWindow = new QCheckBox(tr("BOS at the start of every window (bos-window)"), this);
    m_device = new QLineEdit(QStringLiteral("cpu"), this);
    m_dtype = new QLineEdit(QStringLiteral("float32"), this);
    m_evalButton = new QPushButton(tr("Evaluate"), this);
    m_result = new QLabel(this);
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_prompt = new QLineEdit(QStringLiteral("Once upon a time"), this);
    m_maxNew = new QSpinBox(this);
    m_maxNew->setRange(1, 4096);
    m_maxNew->setValue(48);
    m_generateButton = new QPushButton(tr("Generate"), this);
    m_output = new QPlainTextEdit(this);
    m_output->setReadOnly(true);
    m_output->setPlaceholderText(tr("The model's continuation appears here (greedy)."));
    m_output->setMinimumHeight(90);
    m_commandLine = new QLabel(this);
    m_commandLine->setWordWrap(true);
    m_commandLine->setTextFormat(Qt::PlainText);
    m_commandLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_commandLine->setStyleSheet(QStringLiteral("color: palette(mid);"));

    auto* modelForm = new QFormLayout;
    modelForm->addRow(tr("Model"), withBrowse(m_model, this, [this] {
                          return QFileDialog::getExistingDirectory(this, tr("Model folder"), m_model->text());
                      }));
    modelForm->addRow(tr("Device / dtype"), [this] {
        auto* row = new QHBoxLayout;
        row->addWidget(m_device);
        row->addWidget(m_dtype);
        return row;
    }());
    auto* evalBox = new QGroupBox(tr("Perplexity on a text"), this);
    auto* evalForm = new QFormLayout(evalBox);
    evalForm->addRow(tr("Text"), withBrowse(m_text, this, [this] {
                         return QFileDialog::getOpenFileName(this, tr("Text"), m_text->text(),
                                                             tr("Text (*.txt *.raw);;All files (*)"));
                     }));
    evalForm->addRow(tr("Tokens per window"), m_seqLen);
    evalForm->addRow(tr("Windows at most"), m_maxWindows);
    evalForm->addRow(QString(), m_bosWindow);
    evalForm->addRow(m_evalButton, m_result);
    auto* genBox = new QGroupBox(tr("Generation preview"), this);
    auto* genForm = new QFormLayout(genBox);
    genForm->addRow(tr("Prompt"), m_prompt);
    genForm->addRow(tr("New tokens at most"), m_maxNew);
    genForm->addRow(m_generateButton, m_output);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(modelForm);
    layout->addWidget(evalBox);
    layout->addWidget(genBox, 1);
    layout->addWidget(m_commandLine);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_evalButton, &QPushButton::clicked, this, &EvalDialog::evaluate);
    connect(m_generateButton, &QPushButton::clicked, this, &EvalDialog::generate);
    resize(720, 560);
}

EvalDialog::~EvalDialog()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        disconnect(m_process, nullptr, this, nullptr);
        m_process->kill();
        m_process->waitForFinished(3000);
    }
}

void EvalDialog::setModel(const QString& dir)
{
    m_model->setText(dir);
}

void EvalDialog::setText(const QString& file)
{
    m_text->setText(file);
}

void EvalDialog::setProtocolFrom(const nlohmann::json& exp)
{
    auto str = [](const nlohmann::json& o, const char* key) {
        return o.is_object() && o.contains(key) && o[key].is_string()
                   ? QString::fromStdString(o[key].get<std::string>())
                   : QString();
    };
    auto num = [](const nlohmann::json& o, const char* key, qint64 fallback) {
        return o.is_object() && o.contains(key) && o[key].is_number_integer() ? qint64(o[key].get<int64_t>())
                                                                              : fallback;
    };
    const nlohmann::json data =
        exp.is_object() ? exp.value("data", nlohmann::json::object()) : nlohmann::json();
    if (!str(data, "eval").isEmpty()) m_text->setText(str(data, "eval"));
    m_seqLen->setValue(int(num(data, "eval_seq_len", m_seqLen->value())));
    m_maxWindows->setValue(int(num(data, "eval_max_windows", m_maxWindows->value())));
    if (data.is_object() && data.contains("window_bos") && data["window_bos"].is_boolean())
        m_bosWindow->setChecked(data["window_bos"].get<bool>());
    const QString device = str(exp, "device");
    if (!device.isEmpty() && device != QLatin1String("auto")) m_device->setText(device);
    if (!str(exp, "dtype").isEmpty()) m_dtype->setText(str(exp, "dtype"));
}

void EvalDialog::setReference(const QString& label, double perplexity)
{
    m_referenceLabel = label;
    m_reference = perplexity;
    m_hasReference = std::isfinite(perplexity);
}

bool EvalDialog::isBusy() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

void EvalDialog::evaluate()
{
    QStringList args{QStringLiteral("eval"),      m_model->text(),
                     QStringLiteral("--text"),    m_text->text(),
                     QStringLiteral("--seq-len"), QString::number(m_seqLen->value()),
                     QStringLiteral("--device"),  m_device->text().trimmed(),
                     QStringLiteral("--dtype"),   m_dtype->text().trimmed(),
                     QStringLiteral("--json"),    QStringLiteral("--quiet")};
    if (m_maxWindows->value() > 0)
        args << QStringLiteral("--max-windows") << QString::number(m_maxWindows->value());
    if (m_bosWindow->isChecked()) args << QStringLiteral("--protocol") << QStringLiteral("bos-window");
    m_result->setText(tr("Evaluating..."));
    startCli(args, true);
}

void EvalDialog::generate()
{
    m_output->clear();
    startCli({QStringLiteral("generate"), m_model->text(), QStringLiteral("--prompt"), m_prompt->text(),
              QStringLiteral("--max-new"), QString::number(m_maxNew->value()), QStringLiteral("--device"),
              m_device->text().trimmed(), QStringLiteral("--dtype"), m_dtype->text().trimmed()},
             false);
}

void EvalDialog::startCli(const QStringList& args, bool isEval)
{
    if (isBusy()) return;
    if (m_process) m_process->deleteLater();
    m_process = new QProcess(this);
    m_processIsEval = isEval;
    m_command = (QStringList{m_program} + args).join(QLatin1Char(' '));
    m_commandLine->setText(m_command);
    m_evalButton->setEnabled(false);
    m_generateButton->setEnabled(false);
    connect(m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        onFinished(code, status == QProcess::CrashExit);
    });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) onFinished(-1, false);
    });
    m_process->start(m_program, args);
}

void EvalDialog::onFinished(int code, bool crashed)
{
    m_evalButton->setEnabled(true);
    m_generateButton->setEnabled(true);
    const QByteArray out = m_process->readAllStandardOutput();
    QString err = QString::fromUtf8(m_process->readAllStandardError()).trimmed();
    if (code == -1) err = tr("could not start %1: %2").arg(m_program, m_process->errorString());
    const bool ok = code == 0 && !crashed;
    if (!m_processIsEval) {
        const QString text = QString::fromUtf8(out).trimmed();
        m_output->setPlainText(ok ? text : tr("Failed: %1").arg(err.section(QLatin1Char('\n'), -1)));
        if (ok) Q_EMIT generated(text);
        return;
    }
    const QJsonObject o = QJsonDocument::fromJson(out).object();
    if (!ok || !o.value(QStringLiteral("ppl")).isDouble()) {
        m_lastPerplexity = qQNaN();
        m_result->setText(
            tr("Failed: %1")
                .arg(err.isEmpty() ? tr("exit code %1").arg(code) : err.section(QLatin1Char('\n'), -1)));
        Q_EMIT evaluated(m_lastPerplexity);
        return;
    }
    m_lastPerplexity = o.value(QStringLiteral("ppl")).toDouble();
    QString text = tr("perplexity %1 (NLL %2 nats/token over %3 tokens, %4 windows)")
                       .arg(m_lastPerplexity, 0, 'f', 4)
                       .arg(o.value(QStringLiteral("nll")).toDouble(), 0, 'f', 4)
                       .arg(o.value(QStringLiteral("tokens_scored")).toInteger())
                       .arg(o.value(QStringLiteral("windows")).toInteger());
    if (m_hasReference && m_reference > 0)
        text += QLatin1Char('\n') + tr("%1: %2 (%3 % against the result above)")
                                        .arg(m_referenceLabel)
                                        .arg(m_reference, 0, 'f', 4)
                                        .arg((m_reference / m_lastPerplexity - 1) * 100, 0, 'f', 2);
    m_result->setText(text);
    Q_EMIT evaluated(m_lastPerplexity);
}

QString EvalDialog::resultText() const
{
    return m_result->text();
}

QString EvalDialog::generatedText() const
{
    return m_output->toPlainText();
}

} // namespace qat::ui

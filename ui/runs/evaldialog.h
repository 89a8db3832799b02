#pragma once
// Try a model (issue 18, 8): its perplexity on any text (`qatbench-cli eval --json`) and a short generation
// preview (`qatbench-cli generate`), both through the engine the GUI drives, never in the GUI's process. The
// runs table opens it for a run's model (its dequantized export/hf), for the full-precision baseline (the
// run's original model on the run's evaluation text with the run's protocol) or for any model folder.

#include <QDialog>

#include <nlohmann/json.hpp>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProcess;
class QPushButton;
class QSpinBox;

namespace qat::ui {

class EvalDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit EvalDialog(QWidget* parent = nullptr);
    ~EvalDialog() override; // ends a command still running

    void setProgram(const QString& program) { m_program = program; } // default: enginePath()
    void setModel(const QString& dir);
    void setText(const QString& file);
    // The evaluation protocol of a run's experiment: data.eval, eval_seq_len, eval_max_windows, window_bos,
    // device, dtype. Empty or absent fields keep the dialog's values.
    void setProtocolFrom(const nlohmann::json& experiment);
    // A perplexity to compare with ("run 12, final evaluation"); NaN for none.
    void setReference(const QString& label, double perplexity);

    void evaluate();
    void generate();
    bool isBusy() const;

    QString resultText() const;    // the last evaluation's result line, or its error
    QString generatedText() const; // the last generation
    double lastPerplexity() const { return m_lastPerplexity; }
    QString command() const { return m_command; } // the last command line, as shown in the dialog

Q_SIGNALS:
    void evaluated(double perplexity); // NaN when it failed
    void generated(const QString& text);

private:
    void startCli(const QStringList& args, bool isEval);
    void onFinished(int code, bool crashed);

    QString m_program;
    QLineEdit* m_model = nullptr;
    QLineEdit* m_text = nullptr;
    QSpinBox* m_seqLen = nullptr;
    QSpinBox* m_maxWindows = nullptr;
    QCheckBox* m_bosWindow = nullptr;
    QLineEdit* m_device = nullptr;
    QLineEdit* m_dtype = nullptr;
    QPushButton* m_evalButton = nullptr;
    QLabel* m_result = nullptr;
    QLineEdit* m_prompt = nullptr;
    QSpinBox* m_maxNew = nullptr;
    QPushButton* m_generateButton = nullptr;
    QPlainTextEdit* m_output = nullptr;
    QLabel* m_commandLine = nullptr;
    QProcess* m_process = nullptr;
    bool m_processIsEval = false;
    QString m_referenceLabel;
    double m_reference = 0;
    bool m_hasReference = false;
    double m_lastPerplexity = 0;
    QString m_command;
};

} // namespace qat::ui

#pragma once
// The experiment form: the experiment's declared settings (qatbench/experiment.h experimentSettings(), one
// box per declared section: Data, Training, Evaluation, Run) and the chosen method's declared options
// (qatbench/method.h OptionSpec), generated from those declarations alone; labels and help are the declared
// texts, translated (optiontext.h). Validation is core's validateExperiment, plus validateAgainstModel as
// soon as a model is open, so the form shows exactly the CLI's messages, under the field they name, and each
// as one line "label: message" in the summary. The JSON document is the source of truth: fields the form does
// not show survive a load/save round trip unchanged.

#include "qatbench/model.h"

#include <nlohmann/json.hpp>

#include <QHash>
#include <QWidget>

#include <optional>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QScrollArea;
class QLabel;
class QTimer;
class QVBoxLayout;

namespace qat {
struct OptionSpec;
}

namespace qat::ui {

class ExperimentForm final : public QWidget
{
    Q_OBJECT
public:
    explicit ExperimentForm(QWidget* parent = nullptr);

    // The document as it stands (defaults filled in by validation).
    nlohmann::json experiment() const { return m_doc; }
    void setExperiment(const nlohmann::json& doc);

    bool loadFile(const QString& file, QString* error = nullptr);
    bool saveFile(const QString& file, QString* error = nullptr) const;

    // The open model: its directory goes into model.path, its config enables the model-dependent checks. A
    // group size the user has not chosen (the method's declared default) that does not fit the model becomes
    // the largest one below it that does (fittingGroupSize).
    void setModel(const QString& dir, const std::optional<ModelConfig>& config);
    // Devices offered besides "auto" and "cpu": (value, label), e.g. ("cuda:0", "cuda:0 - H100, 80 GiB").
    // With two or more GPUs the picker also offers data-parallel runs on k of them (docs/SCALE.md): "k GPUs
    // (data-parallel)" for 2 <= k < N and "All N GPUs (data-parallel)"; choosing one sets the document's
    // device to "cuda" and gpuCount() to k. dataParallelProblem (EngineDevices::dataParallelProblem(): the
    // engine has no NCCL) keeps those entries disabled, saying why; a data-parallel choice falls back then.
    void setDevices(const QList<QPair<QString, QString>>& devices, const QString& dataParallelProblem = {});
    // Settings' default device (a data-parallel one too); ignored while the picker cannot choose it.
    void setDefaultDevice(const QString& device);
    // How many GPUs the run trains on, one engine process each (`qatbench-cli run --gpus N`); 1 = one
    // process. Not part of the experiment (its hash and checkpoints do not depend on it): a saved or loaded
    // document says device "cuda", and setExperiment() goes back to 1.
    int gpuCount() const { return m_gpus; }
    static QString dataParallelValue(int gpus);        // the picker's value of "k GPUs (data-parallel)"
    static int dataParallelGpus(const QString& value); // k of dataParallelValue(k); 0 for any other value
    // The device picker's entries, here and in Settings' default device (one list, one place): "auto",
    // "CPU", the GPUs, and with two or more GPUs the data-parallel entries, disabled with the problem in
    // their text and tooltip when dataParallelProblem is set. Clears the combo first.
    static void fillDevicePicker(QComboBox* combo, const QList<QPair<QString, QString>>& gpus,
                                 const QString& dataParallelProblem);
    static bool canChoose(const QComboBox* combo, const QString& value); // listed and enabled

    // Validation, immediately (the form also validates by itself shortly after every edit).
    void validateNow();
    bool isValid() const { return m_issues.isEmpty(); }
    // field (JSON path) -> message, as core reported them.
    QList<QPair<QString, QString>> issues() const { return m_issues; }
    QString errorFor(const QString& field) const;   // the message shown under that field; empty when fine
    QWidget* editorFor(const QString& field) const; // the editor of a JSON path, e.g. "method.options.bits"
    void setFieldText(const QString& field, const QString& text); // as if typed (tests, programmatic edits)

    // Whether the Training section is shown: only for methods that train (RTN and GPTQ do not).
    bool trainingSectionShown() const;

protected:
    // The mouse wheel over a combo box without focus scrolls the form instead of changing the value.
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    void validityChanged(bool valid);
    void edited();

private:
    struct Field
    {
        QString path; // JSON path
        QWidget* editor = nullptr;
        QLabel* error = nullptr;
        int type = 0;      // qat::OptionType
        bool list = false; // a list of choices (one check box each)
        QString label;     // the translated label, for the summary's lines
    };
    void buildDeclaredSections(QVBoxLayout* layout);
    void rebuildMethodSection();
    QWidget* addField(QFormLayout* form, const QString& path, const OptionSpec& spec, bool list = false);
    void fitGroupSizeToModel();
    void populateEditors();
    void readEditor(const Field& f);
    void guardWheel(QWidget* editor);
    void scheduleValidation();
    void showIssues();
    void updateDeviceTip(); // the declared help, and what a data-parallel choice does

    nlohmann::json m_doc;
    std::optional<ModelConfig> m_modelConfig;
    QHash<QString, Field> m_fields;
    QStringList m_methodFieldPaths;
    QComboBox* m_method = nullptr;
    QLabel* m_methodSummary = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_modelLabel = nullptr;
    QWidget* m_methodBox = nullptr;
    QGroupBox* m_trainingBox = nullptr;
    QLabel* m_noTraining = nullptr;
    QScrollArea* m_scroll = nullptr;
    QVBoxLayout* m_methodLayout = nullptr;
    QTimer* m_validateTimer = nullptr;
    QList<QPair<QString, QString>> m_issues;
    bool m_populating = false;
    int64_t m_fittedGroupSize = -1; // the group size fitGroupSizeToModel() chose (still not the user's)
    bool m_lastValid = false;
    int m_gpus = 1;                // gpuCount()
    QString m_deviceTip;           // the device setting's declared help
    QString m_dataParallelProblem; // why the data-parallel entries are disabled; "" when they are not
};

} // namespace qat::ui

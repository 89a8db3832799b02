#pragma once
// The experiment form: every field of the experiment JSON (qatbench/experiment.h) and the chosen method's
// declared options (qatbench/method.h OptionSpec), generated from those declarations. Validation is core's
// validateExperiment (+ validateAgainstModel once a model is open), so the form shows exactly the CLI's
// messages, under the field they name. The JSON document is the source of truth: fields the form does not
// show survive a load/save round trip unchanged.

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

    // The open model: its directory goes into model.path, its config enables the model-dependent checks.
    void setModel(const QString& dir, const std::optional<ModelConfig>& config);
    // Devices offered besides "auto" and "cpu": (value, label), e.g. ("cuda:0", "cuda:0 - H100, 80 GiB").
    void setDevices(const QList<QPair<QString, QString>>& devices);
    void setDefaultDevice(const QString& device);

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
        int type = 0; // qat::OptionType
    };
    void buildStaticSections(QVBoxLayout* layout);
    void rebuildMethodSection();
    QWidget* addField(QFormLayout* form, const QString& path, const OptionSpec& spec);
    void populateEditors();
    void readEditor(const Field& f);
    void guardWheel(QWidget* editor);
    void scheduleValidation();
    void showIssues();

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
    bool m_lastValid = false;
};

} // namespace qat::ui

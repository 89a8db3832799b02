#include "workbench/experimentform.h"

#include "workbench/optiontext.h"

#include "qatbench/distributed.h"
#include "qatbench/error.h"
#include "qatbench/experiment.h"
#include "qatbench/method.h"

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace qat::ui {

namespace {

constexpr int kValidateDelayMs = 250;

nlohmann::json::json_pointer pointer(const QString& path)
{
    QString p = path;
    return nlohmann::json::json_pointer("/" + p.replace(QLatin1Char('.'), QLatin1Char('/')).toStdString());
}

QString jsonText(const nlohmann::json& v)
{
    if (v.is_null()) return {};
    if (v.is_string()) return QString::fromStdString(v.get<std::string>());
    if (v.is_number_float()) return QString::number(v.get<double>(), 'g', 10);
    return QString::fromStdString(v.dump());
}

// doc[section][key] as a string, or "" when the document has another shape (a loaded file can hold anything;
// validation names the problem, the form must not throw on it).
std::string textAt(const nlohmann::json& doc, const char* section, const char* key)
{
    if (!doc.is_object() || !doc.contains(section) || !doc[section].is_object()) return {};
    const auto it = doc[section].find(key);
    return it != doc[section].end() && it->is_string() ? it->get<std::string>() : std::string();
}

const QString kDeviceField = QStringLiteral("device");

QString rangeHint(const OptionSpec& o)
{
    if (o.min == 0 && o.max == 0) return {};
    return ExperimentForm::tr("Allowed: %1 to %2.").arg(o.min, 0, 'g', 10).arg(o.max, 0, 'g', 10);
}

} // namespace

ExperimentForm::ExperimentForm(QWidget* parent) : QWidget(parent), m_doc(defaultExperiment())
{
    m_validateTimer = new QTimer(this);
    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(kValidateDelayMs);
    connect(m_validateTimer, &QTimer::timeout, this, &ExperimentForm::validateNow);

    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    m_modelLabel = new QLabel(content);
    m_modelLabel->setWordWrap(true);
    m_summary = new QLabel(content);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    layout->addWidget(m_modelLabel);
    layout->addWidget(m_summary);
    buildDeclaredSections(layout);
    layout->addStretch(1);

    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // the form follows the panel's width
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_scroll);

    rebuildMethodSection();
    populateEditors();
    validateNow();
}

void ExperimentForm::buildDeclaredSections(QVBoxLayout* layout)
{
    auto section = [&](const QString& title) {
        auto* box = new QGroupBox(title);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setRowWrapPolicy(QFormLayout::WrapLongRows); // long translated labels go above their field
        layout->addWidget(box);
        return form;
    };

    QFormLayout* method = section(tr("Method"));
    m_method = new QComboBox;
    for (const MethodInfo& m : availableMethods())
        m_method->addItem(QString::fromStdString(m.title.empty() ? m.id : m.title),
                          QString::fromStdString(m.id));
    m_method->setToolTip(tr("The quantization method. Its options appear below."));
    guardWheel(m_method);
    method->addRow(tr("Method"), m_method);
    m_methodSummary = new QLabel;
    m_methodSummary->setWordWrap(true);
    method->addRow(m_methodSummary);
    m_methodBox = new QWidget;
    m_methodLayout = new QVBoxLayout(m_methodBox);
    m_methodLayout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_methodBox);
    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        if (m_populating) return;
        const std::string id = m_method->currentData().toString().toStdString();
        // The new method starts from its own declared defaults: a value kept from the previous method
        // (DL-QAT's init minmax under RTN) would silently make a different baseline than the method's
        // reference.
        nlohmann::json defaults = nlohmann::json::object();
        if (const MethodInfo* info = findMethod(id))
            for (const OptionSpec& o : info->options)
                if (!o.defaultValue.is_null()) defaults[o.name] = o.defaultValue;
        if (!m_doc["method"].is_object()) m_doc["method"] = nlohmann::json::object();
        m_doc["method"]["name"] = id;
        m_doc["method"]["options"] = defaults;
        m_fittedGroupSize = -1;
        fitGroupSizeToModel();
        rebuildMethodSection();
        populateEditors();
        scheduleValidation();
        Q_EMIT edited();
    });

    // The experiment's own settings: one box per declared form section, in declaration order.
    QList<QPair<QString, QFormLayout*>> boxes;
    for (const ExperimentSetting& s : experimentSettings()) {
        if (!s.inForm) continue;
        const QString group = QString::fromStdString(s.option.group);
        QFormLayout* form = nullptr;
        for (const auto& b : std::as_const(boxes))
            if (b.first == group) form = b.second;
        if (!form) {
            form = section(optionText(s.option.group));
            boxes.append({group, form});
            // The training settings are hidden for methods that do not train, with a note in their place.
            if (s.section == "training") m_trainingBox = qobject_cast<QGroupBox*>(form->parentWidget());
        }
        OptionSpec translated = s.option;
        translated.label = optionText(s.option.label).toStdString();
        translated.help = optionText(s.option.help).toStdString();
        addField(form, QString::fromStdString(s.path()), translated, s.list);
    }
    m_noTraining = new QLabel(tr("This method does not train: the training settings do not apply."));
    m_noTraining->setWordWrap(true);
    m_noTraining->hide();
    layout->insertWidget(m_trainingBox ? layout->indexOf(m_trainingBox) : layout->count(), m_noTraining);
}

void ExperimentForm::rebuildMethodSection()
{
    for (const QString& path : std::as_const(m_methodFieldPaths))
        m_fields.remove(path);
    m_methodFieldPaths.clear();
    while (QLayoutItem* item = m_methodLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const std::string id = textAt(m_doc, "method", "name");
    const MethodInfo* info = findMethod(id);
    m_methodSummary->setText(info ? optionText(info->summary)
                                  : tr("Unknown method '%1'.").arg(QString::fromStdString(id)));
    // What the method does not use is not shown (the document keeps it: a load/save round trip is exact).
    const bool trains = !info || info->trains;
    m_trainingBox->setVisible(trains);
    m_noTraining->setVisible(!trains);
    if (!info) return;
    // One box per declared group ("Quantization", "LoRA", ...), in order of first appearance.
    QList<QPair<QString, QFormLayout*>> groups;
    for (const OptionSpec& o : info->options) {
        const QString group = QString::fromStdString(o.group.empty() ? std::string("Options") : o.group);
        QFormLayout* form = nullptr;
        for (const auto& g : groups)
            if (g.first == group) form = g.second;
        if (!form) {
            auto* box = new QGroupBox(optionText(group.toStdString()), m_methodBox);
            form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            form->setRowWrapPolicy(QFormLayout::WrapLongRows); // long translated labels go above their field
            m_methodLayout->addWidget(box);
            groups.append({group, form});
        }
        const QString path = QStringLiteral("method.options.") + QString::fromStdString(o.name);
        OptionSpec translated = o;
        translated.label = optionText(o.label.empty() ? o.name : o.label).toStdString();
        translated.help = optionText(o.help).toStdString();
        addField(form, path, translated);
        m_methodFieldPaths << path;
    }
}

QWidget* ExperimentForm::addField(QFormLayout* form, const QString& path, const OptionSpec& o, bool list)
{
    Field f;
    f.path = path;
    f.type = int(o.type);
    f.list = list;
    f.label = QString::fromStdString(o.label);
    QString tip = QString::fromStdString(o.help);
    const QString range = rangeHint(o);
    if (!range.isEmpty()) tip += QLatin1Char(' ') + range;

    auto* cell = new QWidget;
    auto* column = new QVBoxLayout(cell);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    switch (list ? OptionType::String : o.type) {
    case OptionType::String:
        if (list) { // one check box per choice (evaluation.tasks, ...)
            auto* boxes = new QWidget(cell);
            auto* rows = new QVBoxLayout(boxes);
            rows->setContentsMargins(0, 0, 0, 0);
            rows->setSpacing(0);
            for (const std::string& c : o.choices) {
                auto* box = new QCheckBox(QString::fromStdString(c), boxes);
                box->setObjectName(QString::fromStdString(c));
                rows->addWidget(box);
                connect(box, &QCheckBox::toggled, this, [this, path] { readEditor(m_fields.value(path)); });
            }
            f.editor = boxes;
            break;
        }
        [[fallthrough]];
    default: {
        auto* edit = new QLineEdit(cell);
        if (o.type == OptionType::Int || o.type == OptionType::Float) edit->setAlignment(Qt::AlignRight);
        connect(edit, &QLineEdit::textEdited, this, [this, path] { readEditor(m_fields.value(path)); });
        f.editor = edit;
        if (o.type == OptionType::Path) {
            auto* row = new QWidget(cell);
            auto* h = new QHBoxLayout(row);
            h->setContentsMargins(0, 0, 0, 0);
            edit->setParent(row);
            h->addWidget(edit, 1);
            auto* browse = new QToolButton(row);
            browse->setText(QStringLiteral("..."));
            browse->setToolTip(tr("Choose a file"));
            h->addWidget(browse);
            connect(browse, &QToolButton::clicked, this, [this, path, edit] {
                const QString file = QFileDialog::getOpenFileName(
                    this, tr("Choose a text file"), edit->text(), tr("Text files (*.txt);;All files (*)"));
                if (!file.isEmpty()) setFieldText(path, file);
            });
            column->addWidget(row);
        }
        break;
    }
    case OptionType::Bool: {
        auto* box = new QCheckBox(cell);
        connect(box, &QCheckBox::toggled, this, [this, path] { readEditor(m_fields.value(path)); });
        f.editor = box;
        break;
    }
    case OptionType::Choice: {
        auto* combo = new QComboBox(cell);
        for (const std::string& c : o.choices)
            combo->addItem(QString::fromStdString(c), QString::fromStdString(c));
        connect(combo, &QComboBox::currentIndexChanged, this,
                [this, path] { readEditor(m_fields.value(path)); });
        f.editor = combo;
        break;
    }
    }
    f.editor->setObjectName(path);
    f.editor->setToolTip(tip);
    if (path == kDeviceField) m_deviceTip = tip;
    guardWheel(f.editor);
    if (o.type != OptionType::Path) column->addWidget(f.editor);
    f.error = new QLabel(cell);
    f.error->setWordWrap(true);
    f.error->setTextFormat(Qt::PlainText);
    f.error->setStyleSheet(QStringLiteral("color: #c0392b;"));
    f.error->hide();
    column->addWidget(f.error);
    auto* label = new QLabel(QString::fromStdString(o.label));
    label->setToolTip(tip);
    form->addRow(label, cell);
    m_fields.insert(path, f);
    return f.editor;
}

void ExperimentForm::guardWheel(QWidget* editor)
{
    if (!qobject_cast<QComboBox*>(editor) && !qobject_cast<QAbstractSpinBox*>(editor)) return;
    editor->setFocusPolicy(Qt::StrongFocus); // a click or Tab focuses it; the wheel alone does not
    editor->installEventFilter(this);
}

bool ExperimentForm::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Wheel) {
        auto* w = qobject_cast<QWidget*>(watched);
        if (w && !w->hasFocus()) {
            // Not focused: the wheel is meant for the form. Hand it to the scroll area, never to the value.
            QCoreApplication::sendEvent(m_scroll->verticalScrollBar(), event);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

bool ExperimentForm::trainingSectionShown() const
{
    return !m_trainingBox->isHidden();
}

void ExperimentForm::populateEditors()
{
    m_populating = true;
    const int methodIndex = m_method->findData(QString::fromStdString(textAt(m_doc, "method", "name")));
    m_method->setCurrentIndex(methodIndex);
    for (const Field& f : std::as_const(m_fields)) {
        const auto ptr = pointer(f.path);
        const nlohmann::json value = m_doc.contains(ptr) ? m_doc.at(ptr) : nlohmann::json();
        if (f.list) {
            for (auto* box : f.editor->findChildren<QCheckBox*>()) {
                bool on = false;
                for (const auto& v : value.is_array() ? value : nlohmann::json::array())
                    on = on ||
                         (v.is_string() && QString::fromStdString(v.get<std::string>()) == box->objectName());
                box->setChecked(on);
            }
        } else if (auto* box = qobject_cast<QCheckBox*>(f.editor)) {
            box->setChecked(value.is_boolean() && value.get<bool>());
        } else if (auto* combo = qobject_cast<QComboBox*>(f.editor)) {
            QString text = jsonText(value);
            if (f.path == kDeviceField && m_gpus > 1 && text == QLatin1String("cuda")) {
                if (canChoose(combo, dataParallelValue(m_gpus)))
                    text = dataParallelValue(m_gpus);
                else
                    m_gpus = 1; // the engine no longer lists that many GPUs: one process on "cuda"
            }
            int i = combo->findData(text);
            if (i < 0 && !text.isEmpty()) { // a loaded value the list lacks: show it, validation names it
                combo->addItem(text, text);
                i = combo->count() - 1;
            }
            combo->setCurrentIndex(i);
        } else if (auto* edit = qobject_cast<QLineEdit*>(f.editor)) {
            edit->setText(jsonText(value));
        }
    }
    m_populating = false;
    updateDeviceTip();
}

void ExperimentForm::updateDeviceTip()
{
    auto* combo = qobject_cast<QComboBox*>(editorFor(kDeviceField));
    if (!combo) return;
    QString more = m_gpus > 1 ? combo->currentData(Qt::ToolTipRole).toString() : QString();
    // Disabled data-parallel entries: the picker itself says why, not only each entry.
    if (more.isEmpty() && !m_dataParallelProblem.isEmpty() && combo->findData(dataParallelValue(2)) >= 0)
        more = m_dataParallelProblem;
    combo->setToolTip(more.isEmpty() ? m_deviceTip : m_deviceTip + QStringLiteral("\n\n") + more);
}

void ExperimentForm::readEditor(const Field& f)
{
    if (m_populating || !f.editor) return;
    nlohmann::json value;
    if (f.list) {
        value = nlohmann::json::array();
        for (auto* box : f.editor->findChildren<QCheckBox*>())
            if (box->isChecked()) value.push_back(box->objectName().toStdString());
    } else if (auto* box = qobject_cast<QCheckBox*>(f.editor)) {
        value = box->isChecked();
    } else if (auto* combo = qobject_cast<QComboBox*>(f.editor)) {
        const QString chosen = combo->currentData().toString();
        value = chosen.toStdString();
        if (f.path == kDeviceField) {
            // A data-parallel choice: every rank r trains on cuda:r; the count goes on the engine's command
            // line.
            m_gpus = std::max(1, dataParallelGpus(chosen));
            if (m_gpus > 1) value = "cuda";
            updateDeviceTip();
        }
    } else if (auto* edit = qobject_cast<QLineEdit*>(f.editor)) {
        const QString text = edit->text().trimmed();
        const auto type = OptionType(f.type);
        bool ok = false;
        if (type == OptionType::Int || type == OptionType::Float) {
            const qlonglong i = text.toLongLong(&ok);
            if (ok)
                value = i;
            else {
                const double d = text.toDouble(&ok);
                // Not a number: keep the text so that core says "must be a number", like the CLI would.
                value = ok ? nlohmann::json(d) : nlohmann::json(text.toStdString());
            }
            if (type == OptionType::Float && ok && value.is_number_integer())
                value = double(value.get<qlonglong>());
            if (text.isEmpty()) value = nlohmann::json(); // empty = the default, filled in by validation
        } else {
            value = text.toStdString();
        }
    }
    const auto ptr = pointer(f.path);
    nlohmann::json& parent = m_doc[ptr.parent_pointer()];
    if (!parent.is_object()) parent = nlohmann::json::object(); // a loaded file had a non-object section here
    if (value.is_null())
        parent.erase(ptr.back()); // removing the key lets validation put the default back
    else
        parent[ptr.back()] = value;
    scheduleValidation();
    Q_EMIT edited();
}

void ExperimentForm::setFieldText(const QString& field, const QString& text)
{
    const Field f = m_fields.value(field);
    if (f.list) {
        m_populating = true; // one edit, not one per box
        const QStringList chosen = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (auto* box : f.editor->findChildren<QCheckBox*>())
            box->setChecked(chosen.contains(box->objectName()));
        m_populating = false;
    } else if (auto* edit = qobject_cast<QLineEdit*>(f.editor))
        edit->setText(text);
    else if (auto* combo = qobject_cast<QComboBox*>(f.editor)) {
        int i = combo->findData(text);
        if (i < 0) {
            combo->addItem(text, text);
            i = combo->count() - 1;
        }
        combo->setCurrentIndex(i);
    } else if (auto* box = qobject_cast<QCheckBox*>(f.editor))
        box->setChecked(text == QLatin1String("true"));
    readEditor(f);
}

void ExperimentForm::scheduleValidation()
{
    m_validateTimer->start();
}

void ExperimentForm::validateNow()
{
    m_validateTimer->stop();
    m_issues.clear();
    nlohmann::json checked = m_doc;
    try {
        std::vector<ValidationIssue> issues = validateExperiment(checked);
        // The model's checks at once, not only when the rest is fine (a group size that does not fit was
        // flagged only once both texts were chosen). A setting of the wrong type is already named above.
        if (m_modelConfig) try {
                const auto more = validateAgainstModel(Experiment(checked), *m_modelConfig);
                issues.insert(issues.end(), more.begin(), more.end());
            } catch (const ConfigError&) {
            }
        for (const ValidationIssue& i : issues)
            m_issues.append({QString::fromStdString(i.field), QString::fromStdString(i.message)});
        // Data-parallel: every GPU takes an equal share of the step's batch (the engine refuses the run
        // otherwise; said here before it starts).
        const nlohmann::json batch = checked.contains("data") && checked["data"].is_object()
                                         ? checked["data"].value("batch_size", nlohmann::json())
                                         : nlohmann::json();
        if (batch.is_number_integer())
            if (const std::string why = dist::batchSplitProblem(batch.get<int64_t>(), m_gpus); !why.empty())
                m_issues.append({QStringLiteral("data.batch_size"), QString::fromStdString(why)});
        m_doc = checked; // defaults filled in
    } catch (const std::exception& e) {
        m_issues.append({QString(), QString::fromUtf8(e.what())});
    }
    showIssues();
    const bool valid = m_issues.isEmpty();
    if (valid != m_lastValid) {
        m_lastValid = valid;
        Q_EMIT validityChanged(valid);
    }
}

void ExperimentForm::showIssues()
{
    QHash<QString, QStringList> byField;
    QStringList lines; // one per issue, "label: message", as the user knows the field
    for (const auto& [field, message] : std::as_const(m_issues)) {
        QString label = field;
        if (m_fields.contains(field)) {
            byField[field] << message;
            label = m_fields.value(field).label;
        } else if (const ExperimentSetting* s = findExperimentSetting(field.toStdString())) {
            label = optionText(s->option.label);
        }
        lines << (label.isEmpty() ? message : label + QStringLiteral(": ") + message);
    }
    for (const Field& f : std::as_const(m_fields)) {
        const QStringList messages = byField.value(f.path);
        f.error->setText(messages.join(QLatin1Char('\n')));
        f.error->setVisible(!messages.isEmpty());
    }
    if (m_issues.isEmpty()) {
        m_summary->setText(tr("Ready to run."));
        m_summary->setStyleSheet(QStringLiteral("color: #1e8449;"));
    } else {
        QString text = tr("%n problem(s) to fix before a run can start.", nullptr, int(m_issues.size()));
        text += QLatin1Char('\n') + lines.join(QLatin1Char('\n'));
        m_summary->setText(text);
        m_summary->setStyleSheet(QStringLiteral("color: #c0392b;"));
    }
    const QString model = QString::fromStdString(textAt(m_doc, "model", "path"));
    m_modelLabel->setText(model.isEmpty() ? tr("<b>Model:</b> none yet. Open one in the model panel.")
                                          : tr("<b>Model:</b> %1").arg(model.toHtmlEscaped()));
}

QString ExperimentForm::errorFor(const QString& field) const
{
    QStringList messages;
    for (const auto& [f, message] : m_issues)
        if (f == field) messages << message;
    return messages.join(QLatin1Char('\n'));
}

QWidget* ExperimentForm::editorFor(const QString& field) const
{
    return m_fields.value(field).editor;
}

void ExperimentForm::setExperiment(const nlohmann::json& doc)
{
    m_doc = doc.is_object() ? doc : defaultExperiment();
    m_gpus = 1; // a document does not say how many GPUs (`--gpus N` is the launch's)
    // Missing sections first, so that the editors show defaults; the loaded values are kept as they are.
    nlohmann::json filled = m_doc;
    try {
        validateExperiment(filled, {false, false});
        m_doc = filled;
    } catch (const std::exception&) {
        // validateNow() reports it
    }
    rebuildMethodSection();
    populateEditors();
    validateNow();
}

bool ExperimentForm::loadFile(const QString& file, QString* error)
{
    try {
        setExperiment(loadExperimentFile(file.toStdString()));
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
}

bool ExperimentForm::saveFile(const QString& file, QString* error) const
{
    QSaveFile f(file);
    if (!f.open(QIODevice::WriteOnly)) {
        if (error) *error = f.errorString();
        return false;
    }
    const std::string text = m_doc.dump(2) + "\n";
    f.write(text.data(), qint64(text.size()));
    if (!f.commit()) {
        if (error) *error = f.errorString();
        return false;
    }
    return true;
}

void ExperimentForm::setModel(const QString& dir, const std::optional<ModelConfig>& config)
{
    if (!m_doc["model"].is_object()) m_doc["model"] = nlohmann::json::object();
    m_doc["model"]["path"] = dir.toStdString();
    m_modelConfig = config;
    fitGroupSizeToModel();
    populateEditors();
    validateNow();
    Q_EMIT edited();
}

void ExperimentForm::fitGroupSizeToModel()
{
    if (!m_modelConfig || !m_doc["method"].is_object()) return;
    const MethodInfo* info = findMethod(textAt(m_doc, "method", "name"));
    nlohmann::json& opts = m_doc["method"]["options"];
    if (!info || !opts.is_object()) return;
    const OptionSpec* group = nullptr;
    for (const OptionSpec& o : info->options)
        if (o.name == "group_size") group = &o;
    if (!group || !group->defaultValue.is_number_integer()) return;
    const int64_t declared = group->defaultValue.get<int64_t>();
    const nlohmann::json current = opts.value("group_size", nlohmann::json(declared));
    // Only a value the user has not chosen: the declared default, or the one fitted to a previous model.
    if (!current.is_number_integer() ||
        (current.get<int64_t>() != declared && current.get<int64_t>() != m_fittedGroupSize))
        return;
    std::vector<LinearKind> kinds;
    try {
        const nlohmann::json modules = opts.value("modules", nlohmann::json("all"));
        kinds = parseModuleList(modules.is_string() ? modules.get<std::string>() : std::string("all"));
    } catch (const ConfigError&) {
        return; // validation names the module list
    }
    const int64_t fitted = fittingGroupSize(*m_modelConfig, kinds, declared);
    opts["group_size"] = fitted;
    m_fittedGroupSize = fitted == declared ? -1 : fitted;
}

QString ExperimentForm::dataParallelValue(int gpus)
{
    return QStringLiteral("gpus:%1").arg(gpus);
}

int ExperimentForm::dataParallelGpus(const QString& value)
{
    if (!value.startsWith(QLatin1String("gpus:"))) return 0;
    const int n = value.mid(5).toInt();
    return n >= 2 ? n : 0;
}

bool ExperimentForm::canChoose(const QComboBox* combo, const QString& value)
{
    const int i = combo->findData(value);
    if (i < 0) return false;
    const auto* model = qobject_cast<const QStandardItemModel*>(combo->model());
    return !model || model->item(i)->isEnabled();
}

void ExperimentForm::fillDevicePicker(QComboBox* combo, const QList<QPair<QString, QString>>& gpus,
                                      const QString& dataParallelProblem)
{
    combo->clear();
    combo->addItem(tr("auto (first GPU, else CPU)"), QStringLiteral("auto"));
    combo->addItem(tr("CPU"), QStringLiteral("cpu"));
    int n = 0;
    for (const auto& [value, label] : gpus) {
        combo->addItem(label, value);
        if (value.startsWith(QLatin1String("cuda"))) ++n;
    }
    // Data-parallel on the first k GPUs (`--gpus k`, docs/SCALE.md): every k, All N last.
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    for (int k = 2; k <= n; ++k) {
        QString text =
            k == n ? tr("All %1 GPUs (data-parallel)").arg(k) : tr("%1 GPUs (data-parallel)").arg(k);
        QString tip =
            tr("One engine process per GPU (GPUs 0 to %1, NCCL). Each takes 1/%2 of every step's batch "
               "(data.batch_size must split evenly) and the gradients are averaged: the same run as on one "
               "GPU, with the step's work split %2 ways. Rank 0 writes the run, its checkpoints and exports. "
               "See docs/SCALE.md.")
                .arg(k - 1)
                .arg(k);
        if (!dataParallelProblem.isEmpty()) { // shown, so that the user learns what it would take
            text = tr("%1: needs NCCL").arg(text);
            tip = dataParallelProblem + QStringLiteral("\n\n") + tip;
        }
        combo->addItem(text, dataParallelValue(k));
        combo->setItemData(combo->count() - 1, tip, Qt::ToolTipRole);
        if (!dataParallelProblem.isEmpty() && model) model->item(combo->count() - 1)->setEnabled(false);
    }
}

void ExperimentForm::setDevices(const QList<QPair<QString, QString>>& devices,
                                const QString& dataParallelProblem)
{
    auto* combo = qobject_cast<QComboBox*>(editorFor(kDeviceField));
    if (!combo) return;
    m_populating = true;
    const QString current = combo->currentData().toString();
    m_dataParallelProblem = dataParallelProblem;
    fillDevicePicker(combo, devices, dataParallelProblem);
    int i = canChoose(combo, current) ? combo->findData(current) : -1;
    if (i < 0 && !current.isEmpty() && dataParallelGpus(current) == 0) {
        combo->addItem(current, current); // the document's device, not listed now: shown, not replaced
        i = combo->count() - 1;
    }
    combo->setCurrentIndex(i < 0 ? 0 : i);
    m_populating = false;
    if (i < 0 && dataParallelGpus(current) > 0)
        readEditor(m_fields.value(kDeviceField)); // those GPUs are gone or unusable: "auto", one process
    updateDeviceTip();
}

void ExperimentForm::setDefaultDevice(const QString& device)
{
    if (device.isEmpty()) return;
    // A data-parallel default that this engine cannot run (fewer GPUs, no NCCL) leaves the choice as it is.
    auto* combo = qobject_cast<QComboBox*>(editorFor(kDeviceField));
    if (dataParallelGpus(device) > 0 && (!combo || !canChoose(combo, device))) return;
    setFieldText(QStringLiteral("device"), device);
}

} // namespace qat::ui

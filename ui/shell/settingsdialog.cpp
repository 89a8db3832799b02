#include "shell/settingsdialog.h"

#include "common/enginesettings.h"
#include "common/runrepository.h"
#include "workbench/experimentform.h"

#include "qatbench/store.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>

namespace qat::ui {

SettingsDialog::SettingsDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    QSettings settings;
    m_database = new QLineEdit(databasePath(), this);
    m_database->setMinimumWidth(360);
    auto* browse = new QToolButton(this);
    browse->setText(QStringLiteral("..."));
    auto* reset = new QPushButton(tr("Default"), this);
    reset->setToolTip(tr("The CLI's default: $QATBENCH_DB, else ~/.local/share/QATBench/runs.db"));
    auto* dbRow = new QHBoxLayout;
    dbRow->addWidget(m_database, 1);
    dbRow->addWidget(browse);
    dbRow->addWidget(reset);

    m_engine = new QLineEdit(EngineSettings::instance().configuredEngine(), this);
    m_engine->setPlaceholderText(tr("Automatic: %1").arg(automaticEngine()));
    m_engine->setToolTip(
        tr("The qatbench-cli that runs experiments. Empty: $QATBENCH_CLI, else a CUDA build at %1 (README's "
           "GPU recipe), else the one next to QATBench.")
            .arg(cudaBuildCandidate()));
    auto* engineBrowse = new QToolButton(this);
    engineBrowse->setText(QStringLiteral("..."));
    auto* engineAuto = new QPushButton(tr("Automatic"), this);
    auto* engineCheck = new QPushButton(tr("Check"), this);
    engineCheck->setToolTip(tr("Ask this engine which devices it can use (qatbench-cli devices --json)."));
    auto* engineRow = new QHBoxLayout;
    engineRow->addWidget(m_engine, 1);
    engineRow->addWidget(engineBrowse);
    engineRow->addWidget(engineAuto);
    engineRow->addWidget(engineCheck);
    m_engineStatus = new QLabel(this);
    m_engineStatus->setWordWrap(true);
    m_engineStatus->setTextFormat(Qt::PlainText);
    m_engineStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_probe = new DeviceProbe(this);

    m_device = new QComboBox(this);
    setDevices({});
    m_language = new QComboBox(this);
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    m_language->setCurrentIndex(
        std::max(0, m_language->findData(settings.value(QStringLiteral("language")).toString())));

    auto* note = new QLabel(tr("A new language applies after QATBench restarts."), this);
    note->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("Run database"), dbRow);
    form->addRow(tr("Engine"), engineRow);
    form->addRow(QString(), m_engineStatus);
    form->addRow(tr("Default device"), m_device);
    form->addRow(tr("Language"), m_language);
    form->addRow(note);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(reset, &QPushButton::clicked, this, [this] { m_database->setText(defaultDatabasePath()); });
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Run database"), m_database->text(),
                                                          tr("QATBench database (*.db);;All files (*)"),
                                                          nullptr, QFileDialog::DontConfirmOverwrite);
        if (!file.isEmpty()) m_database->setText(file);
    });
    connect(engineBrowse, &QToolButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Engine (qatbench-cli)"), enginePath());
        if (file.isEmpty()) return;
        m_engine->setText(file);
        checkEngine();
    });
    connect(engineAuto, &QPushButton::clicked, this, [this] {
        m_engine->clear();
        checkEngine();
    });
    connect(m_device, &QComboBox::activated, this,
            [this] { m_wantedDevice = m_device->currentData().toString(); });
    connect(engineCheck, &QPushButton::clicked, this, &SettingsDialog::checkEngine);
    connect(m_engine, &QLineEdit::editingFinished, this, &SettingsDialog::checkEngine);
    connect(m_probe, &DeviceProbe::finished, this, [this](const EngineDevices& d) {
        m_engineStatus->setText(d.summary());
        m_engineStatus->setStyleSheet(d.error.isEmpty() ? QString() : QStringLiteral("color: #b00020;"));
        setDevices(d.gpuChoices(), d.dataParallelProblem());
    });
    checkEngine();
}

void SettingsDialog::checkEngine()
{
    const QString set = m_engine->text().trimmed();
    const QString program = set.isEmpty() ? automaticEngine() : set;
    m_engineStatus->setStyleSheet(QString());
    m_engineStatus->setText(tr("Asking %1 for its devices...").arg(program));
    m_probe->start(program);
}

QString SettingsDialog::engineStatus() const
{
    return m_engineStatus->text();
}

void SettingsDialog::setDevices(const QList<QPair<QString, QString>>& devices,
                                const QString& dataParallelProblem)
{
    // The saved choice survives a list that does not have it yet (the engine is asked after the dialog
    // opens).
    if (m_wantedDevice.isEmpty())
        m_wantedDevice =
            QSettings().value(QStringLiteral("defaultDevice"), QStringLiteral("auto")).toString();
    const QSignalBlocker block(m_device);
    ExperimentForm::fillDevicePicker(m_device, devices, dataParallelProblem);
    QString tip = tr("The device a new experiment starts with; with several GPUs also a data-parallel run "
                     "on k of them (one engine process per GPU, docs/SCALE.md).");
    if (!dataParallelProblem.isEmpty() && m_device->findData(ExperimentForm::dataParallelValue(2)) >= 0)
        tip += QStringLiteral("\n\n") + dataParallelProblem;
    m_device->setToolTip(tip);
    // A wanted choice this engine cannot run (fewer GPUs, no NCCL) is not shown as chosen, but stays saved.
    m_device->setCurrentIndex(
        ExperimentForm::canChoose(m_device, m_wantedDevice) ? m_device->findData(m_wantedDevice) : 0);
}

void SettingsDialog::accept()
{
    QSettings settings;
    const QString db = m_database->text().trimmed();
    // Storing the default as empty keeps following $QATBENCH_DB when it changes.
    settings.setValue(QStringLiteral("database"), db == defaultDatabasePath() ? QString() : db);
    // A GPU the engine does not list (yet) stays chosen: the engine checks the device when a run starts.
    settings.setValue(QStringLiteral("defaultDevice"), ExperimentForm::canChoose(m_device, m_wantedDevice)
                                                           ? m_device->currentData().toString()
                                                           : m_wantedDevice);
    EngineSettings::instance().setConfiguredEngine(m_engine->text().trimmed());
    settings.setValue(QStringLiteral("language"), m_language->currentData().toString());
    QDialog::accept();
}

} // namespace qat::ui

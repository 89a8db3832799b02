#include "settingsdialog.h"

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

QString defaultDatabasePath()
{
    return QString::fromStdString(qat::defaultDatabasePath());
}

QString databasePath()
{
    const QString set = QSettings().value(QStringLiteral("database")).toString();
    return set.isEmpty() ? defaultDatabasePath() : set;
}

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
}

void SettingsDialog::setDevices(const QList<QPair<QString, QString>>& devices)
{
    const QString current =
        m_device->count()
            ? m_device->currentData().toString()
            : QSettings().value(QStringLiteral("defaultDevice"), QStringLiteral("auto")).toString();
    m_device->clear();
    m_device->addItem(tr("auto (first GPU, else CPU)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    for (const auto& [id, label] : devices)
        m_device->addItem(label, id);
    m_device->setCurrentIndex(std::max(0, m_device->findData(current)));
}

void SettingsDialog::accept()
{
    QSettings settings;
    const QString db = m_database->text().trimmed();
    // Storing the default as empty keeps following $QATBENCH_DB when it changes.
    settings.setValue(QStringLiteral("database"), db == defaultDatabasePath() ? QString() : db);
    settings.setValue(QStringLiteral("defaultDevice"), m_device->currentData().toString());
    settings.setValue(QStringLiteral("language"), m_language->currentData().toString());
    QDialog::accept();
}

} // namespace qat::ui

#pragma once
// Settings (QSettings): the run database, the default device and the UI language. The database default is the
// CLI's ($QATBENCH_DB, else ~/.local/share/QATBench/runs.db), so both see the same runs.

#include <QDialog>

class QComboBox;
class QLineEdit;

namespace qat::ui {

QString databasePath();        // the setting, else core's default
QString defaultDatabasePath(); // core's default, for the "Default" button

class SettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    // Devices besides "auto" and "cpu", as (id, label).
    void setDevices(const QList<QPair<QString, QString>>& devices);
    void accept() override; // writes the settings

private:
    QLineEdit* m_database = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_language = nullptr;
};

} // namespace qat::ui

#pragma once
// Settings (QSettings): the run database, the engine (the qatbench-cli the GUI drives, enginesettings.h), the
// default device (from that engine's `devices --json`) and the UI language. The database default is the CLI's
// ($QATBENCH_DB, else ~/.local/share/QATBench/runs.db), so both see the same runs.

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;

namespace qat::ui {

class DeviceProbe;

class SettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    // Devices besides "auto" and "cpu", as (id, label): the experiment form's picker, data-parallel entries
    // included (ExperimentForm::fillDevicePicker), so the default can be "All N GPUs (data-parallel)".
    void setDevices(const QList<QPair<QString, QString>>& devices, const QString& dataParallelProblem = {});
    void accept() override; // writes the settings

    QLineEdit* engineEdit() const { return m_engine; } // "" = automatic
    QComboBox* deviceCombo() const { return m_device; }
    QString engineStatus() const; // what the engine reported, or why it could not
    void checkEngine();           // asks the engine in the field for its devices
    DeviceProbe* probe() const { return m_probe; }

private:
    QLineEdit* m_database = nullptr;
    QLineEdit* m_engine = nullptr;
    QLabel* m_engineStatus = nullptr;
    DeviceProbe* m_probe = nullptr;
    QComboBox* m_device = nullptr;
    QString m_wantedDevice; // the saved or chosen default device
    QComboBox* m_language = nullptr;
};

} // namespace qat::ui

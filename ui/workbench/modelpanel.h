#pragma once
// The model panel: open a Hugging Face LLaMA folder (dialog, drag and drop, or a recent one) and show what
// core's inspectModel() reports: architecture, parameter counts, the quantizable linears with their rows and
// the group sizes that fit them (qatbench/experiment.h), dtype and memory. Inspection runs on a
// worker thread; the panel waits for it in its destructor.

#include "qatbench/model.h"

#include <QFutureWatcher>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QPushButton;

namespace qat::ui {

class ModelPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit ModelPanel(QWidget* parent = nullptr);
    ~ModelPanel() override;

    void openModel(const QString& dir); // asynchronous: modelOpened() or modelFailed() follows
    void chooseModel();                 // the folder dialog
    QString modelDir() const { return m_dir; }
    const std::optional<ModelInfo>& info() const { return m_info; }
    bool isBusy() const { return m_watcher.isRunning(); }
    QStringList recentModels() const;

    static QString formatBytes(qint64 bytes);
    static QString formatCount(qint64 count); // 1.2M, 7.0B, ...

Q_SIGNALS:
    void modelOpened(const QString& dir);
    void modelFailed(const QString& dir, const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Result
    {
        std::optional<ModelInfo> info;
        QString error;
    };
    void onInspected();
    void showInfo();
    void rememberRecent(const QString& dir);
    void refreshRecent();

    QPushButton* m_open = nullptr;
    QComboBox* m_recent = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_details = nullptr;
    QFutureWatcher<Result> m_watcher;
    QString m_dir;
    QString m_pendingDir;
    std::optional<ModelInfo> m_info;
};

} // namespace qat::ui

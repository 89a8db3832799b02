#pragma once
// The model panel: open a Hugging Face LLaMA folder (dialog, drag and drop, or a recent one) and show what
// core's inspectModel() reports: architecture, parameter counts, the quantizable linears with their rows and
// the group sizes that fit them (qatbench/experiment.h), dtype and memory. Inspection runs off the GUI thread
// (common/backgroundtask.h); a newer folder supersedes one still being read.

#include "qatbench/model.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QPushButton;

namespace qat::ui {

class BackgroundTask;

class ModelPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit ModelPanel(QWidget* parent = nullptr);

    void openModel(const QString& dir); // asynchronous: modelOpened() or modelFailed() follows
    void chooseModel();                 // the folder dialog
    QString modelDir() const { return m_dir; }
    const std::optional<ModelInfo>& info() const { return m_info; }
    bool isBusy() const;
    QStringList recentModels() const;

    static QString formatCount(qint64 count); // 1.2M, 7.0B, ...

Q_SIGNALS:
    void modelOpened(const QString& dir);
    void modelFailed(const QString& dir, const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void onInspected(const QString& dir, ModelInfo info);
    void onInspectFailed(const QString& dir, const QString& message);
    void showInfo();
    void rememberRecent(const QString& dir);
    void refreshRecent();

    QPushButton* m_open = nullptr;
    QComboBox* m_recent = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_details = nullptr;
    BackgroundTask* m_inspect = nullptr;
    QString m_dir;
    std::optional<ModelInfo> m_info;
};

} // namespace qat::ui

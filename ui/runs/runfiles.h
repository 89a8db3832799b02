#pragma once
// A run's files (issue 18, 8): everything under its work directory (checkpoints, the quantized export, the
// dequantized HF folder, GGUF/GPTQ exports) with sizes, newest state on disk, and a button to open the
// folder.

#include <QDialog>
#include <QList>

class QLabel;
class QTreeWidget;

namespace qat::ui {

struct RunFile
{
    QString path; // relative to the work directory
    qint64 bytes = 0;
    QString kind; // "checkpoint", "export", "other"
};

// Every regular file under dir, sorted by path; empty when dir does not exist.
QList<RunFile> listRunFiles(const QString& dir);

class RunFilesDialog final : public QDialog
{
    Q_OBJECT
public:
    RunFilesDialog(const QString& title, const QString& workDir, QWidget* parent = nullptr);

    QTreeWidget* tree() const { return m_tree; }
    QString summary() const; // "7 files, 3.4 MiB" or why there are none

private:
    QTreeWidget* m_tree = nullptr;
    QLabel* m_summary = nullptr;
};

} // namespace qat::ui

#include "runs/runfiles.h"

#include "common/format.h"

#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace qat::ui {

namespace {

QString kindOf(const QString& rel)
{
    const QString name = QFileInfo(rel).fileName();
    if (name.contains(QLatin1String("checkpoint")) || name.endsWith(QLatin1String(".ckpt")))
        return QStringLiteral("checkpoint");
    if (rel.startsWith(QLatin1String("export/")) || name.endsWith(QLatin1String(".gguf")))
        return QStringLiteral("export");
    return QStringLiteral("other");
}

QString kindTitle(const QString& kind)
{
    if (kind == QLatin1String("checkpoint")) return RunFilesDialog::tr("checkpoint");
    if (kind == QLatin1String("export")) return RunFilesDialog::tr("export");
    return RunFilesDialog::tr("other");
}

} // namespace

QList<RunFile> listRunFiles(const QString& dir)
{
    QList<RunFile> out;
    const QDir root(dir);
    if (dir.isEmpty() || !root.exists()) return out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QString rel = root.relativeFilePath(it.filePath());
        out.append({rel, it.fileInfo().size(), kindOf(rel)});
    }
    std::sort(out.begin(), out.end(), [](const RunFile& a, const RunFile& b) { return a.path < b.path; });
    return out;
}

RunFilesDialog::RunFilesDialog(const QString& title, const QString& workDir, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Files of %1").arg(title));
    auto* where = new QLabel(workDir.isEmpty() ? tr("This run has no work directory.") : workDir, this);
    where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    where->setWordWrap(true);
    m_tree = new QTreeWidget(this);
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("File"), tr("Size"), tr("Kind")});
    m_tree->setRootIsDecorated(false);
    m_tree->setSortingEnabled(true);
    m_summary = new QLabel(this);
    const QList<RunFile> files = listRunFiles(workDir);
    qint64 total = 0;
    for (const RunFile& f : files) {
        auto* item = new QTreeWidgetItem(m_tree, {f.path, formatBytes(f.bytes), kindTitle(f.kind)});
        item->setData(1, Qt::UserRole, f.bytes);
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        total += f.bytes;
    }
    m_tree->sortByColumn(0, Qt::AscendingOrder);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_summary->setText(files.isEmpty()
                           ? (QDir(workDir).exists() || workDir.isEmpty()
                                  ? tr("No files yet.")
                                  : tr("The work directory is gone (moved or deleted)."))
                           : tr("%n file(s), %1", nullptr, int(files.size())).arg(formatBytes(total)));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* open = buttons->addButton(tr("Open folder"), QDialogButtonBox::ActionRole);
    open->setEnabled(QDir(workDir).exists() && !workDir.isEmpty());
    connect(open, &QPushButton::clicked, this,
            [workDir] { QDesktopServices::openUrl(QUrl::fromLocalFile(workDir)); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(where);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_summary);
    layout->addWidget(buttons);
    resize(640, 360);
}

QString RunFilesDialog::summary() const
{
    return m_summary->text();
}

} // namespace qat::ui

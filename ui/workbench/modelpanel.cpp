#include "workbench/modelpanel.h"

#include "common/backgroundtask.h"
#include "common/format.h"

#include "qatbench/experiment.h"

#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMap>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace qat::ui {

namespace {
const QString kRecentKey = QStringLiteral("recentModels");
constexpr int kMaxRecent = 8;
} // namespace

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent)
{
    setAcceptDrops(true);
    m_open = new QPushButton(tr("Open model..."), this);
    m_open->setToolTip(tr("Choose a Hugging Face LLaMA folder (config.json + safetensors). You can also drop "
                          "a folder here."));
    m_recent = new QComboBox(this);
    m_recent->setToolTip(tr("Recently opened models"));
    m_status = new QLabel(tr("No model open. Open a folder or drop one here."), this);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_details = new QLabel(this);
    m_details->setTextFormat(Qt::RichText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_open);
    layout->addWidget(m_recent);
    layout->addWidget(m_status);
    layout->addWidget(m_details, 1);

    connect(m_open, &QPushButton::clicked, this, &ModelPanel::chooseModel);
    connect(m_recent, &QComboBox::activated, this, [this](int index) {
        const QString dir = m_recent->itemData(index).toString();
        if (!dir.isEmpty()) openModel(dir);
    });
    m_inspect = new BackgroundTask(this); // inspectModel() reads only headers: short, and not interruptible
    refreshRecent();
}

bool ModelPanel::isBusy() const
{
    return m_inspect->isBusy();
}

void ModelPanel::chooseModel()
{
    const QString start = m_dir.isEmpty() ? QDir::homePath() : QFileInfo(m_dir).absolutePath();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a LLaMA model folder"), start);
    if (!dir.isEmpty()) openModel(dir);
}

void ModelPanel::openModel(const QString& dir)
{
    const QString clean = QDir::cleanPath(dir);
    m_status->setText(tr("Reading %1 ...").arg(clean));
    m_open->setEnabled(false);
    const std::string path = clean.toStdString();
    m_inspect->run([path] { return inspectModel(path); }, // the newest folder wins
                   [this, clean](ModelInfo info) { onInspected(clean, std::move(info)); },
                   [this, clean](const QString& message) { onInspectFailed(clean, message); });
}

void ModelPanel::onInspectFailed(const QString& dir, const QString& message)
{
    m_open->setEnabled(true);
    m_status->setText(tr("Could not open %1:\n%2").arg(dir, message));
    Q_EMIT modelFailed(dir, message);
}

void ModelPanel::onInspected(const QString& dir, ModelInfo info)
{
    m_open->setEnabled(true);
    m_dir = dir;
    m_info = std::move(info);
    rememberRecent(m_dir);
    m_status->setText(m_dir);
    showInfo();
    Q_EMIT modelOpened(m_dir);
}

QString ModelPanel::formatCount(qint64 count)
{
    if (count >= 1'000'000'000) return QString::number(double(count) / 1e9, 'f', 2) + QStringLiteral(" B");
    if (count >= 1'000'000) return QString::number(double(count) / 1e6, 'f', 2) + QStringLiteral(" M");
    if (count >= 10'000) return QString::number(double(count) / 1e3, 'f', 1) + QStringLiteral(" K");
    return QString::number(count);
}

void ModelPanel::showInfo()
{
    const ModelInfo& i = *m_info;
    const ModelConfig& c = i.config;
    auto row = [](const QString& key, const QString& value) {
        return QStringLiteral("<tr><td style='padding-right:10px'>%1</td><td><b>%2</b></td></tr>")
            .arg(key.toHtmlEscaped(), value.toHtmlEscaped());
    };
    QString html = QStringLiteral("<table>");
    html += row(tr("Layers"), QString::number(c.numLayers));
    html += row(tr("Hidden size"), QString::number(c.hiddenSize));
    html += row(tr("MLP size"), QString::number(c.intermediateSize));
    html += row(tr("Heads"), c.numKvHeads != c.numHeads
                                 ? tr("%1 (key/value: %2)").arg(c.numHeads).arg(c.numKvHeads)
                                 : QString::number(c.numHeads));
    html += row(tr("Head size"), QString::number(c.headDim));
    html += row(tr("Vocabulary"), QString::number(c.vocabSize));
    html += row(tr("Context"), QString::number(c.maxPositions));
    html += row(tr("RoPE"), QStringLiteral("θ = %1, %2")
                                .arg(c.ropeTheta, 0, 'g', 8)
                                .arg(QString::fromStdString(c.ropeScaling.type)));
    html += row(tr("Tied embeddings"), c.tieWordEmbeddings ? tr("yes") : tr("no"));
    html += QStringLiteral("<tr><td colspan=2><hr></td></tr>");
    html += row(tr("Parameters"), formatCount(i.params.total));
    html += row(tr("Quantizable"),
                tr("%1 (%2 %)")
                    .arg(formatCount(i.params.quantizable))
                    .arg(i.params.total ? 100.0 * double(i.params.quantizable) / double(i.params.total) : 0,
                         0, 'f', 1));
    // What quantization acts on: the block linears, their rows, and the group sizes that fit all of them.
    std::vector<LinearKind> all;
    QMap<int64_t, QStringList> byRow;
    for (int k = 0; k < kLinearKinds; ++k) {
        all.push_back(LinearKind(k));
        byRow[linearInputs(LinearKind(k), c)] << QString::fromLatin1(linearName(LinearKind(k)));
    }
    html += row(tr("Quantizable linears"), tr("%1 per layer × %2 layers").arg(kLinearKinds).arg(c.numLayers));
    QStringList rows;
    for (auto it = byRow.cbegin(); it != byRow.cend(); ++it)
        rows << it.value().join(QStringLiteral(", ")) + QStringLiteral(": ") + QString::number(it.key());
    html += row(tr("Input features"), rows.join(QStringLiteral("; ")));
    QStringList fits{tr("0 (per channel)")};
    for (const int64_t g : validGroupSizes(c, all))
        fits << QString::number(g);
    html += row(tr("Group sizes that fit"), fits.join(QStringLiteral(", ")));
    html += row(tr("Embedding"), formatCount(i.params.embedding));
    html += row(tr("Stored as"), QString::fromLatin1(dtypeName(i.storedDType)));
    html += row(tr("On disk"), formatBytes(i.bytesOnDisk));
    html += row(tr("In memory (float32)"), formatBytes(i.bytesFloat32));
    html += row(tr("In memory (bfloat16)"), formatBytes(i.bytesBFloat16));
    html += row(tr("Weight files"), QString::number(i.weightFiles.size()));
    html += row(tr("Tokenizer"), i.tokenizerFile.empty()
                                     ? tr("none found")
                                     : QFileInfo(QString::fromStdString(i.tokenizerFile)).fileName());
    html += QStringLiteral("</table>");
    m_details->setText(html);
}

QStringList ModelPanel::recentModels() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void ModelPanel::rememberRecent(const QString& dir)
{
    QStringList recent = recentModels();
    recent.removeAll(dir);
    recent.prepend(dir);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    refreshRecent();
}

void ModelPanel::refreshRecent()
{
    m_recent->clear();
    const QStringList recent = recentModels();
    m_recent->addItem(recent.isEmpty() ? tr("No recent models") : tr("Recent models..."));
    for (const QString& dir : recent)
        m_recent->addItem(QFileInfo(dir).fileName() + QStringLiteral("  —  ") + dir, dir);
    m_recent->setEnabled(!recent.isEmpty());
}

void ModelPanel::dragEnterEvent(QDragEnterEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.first().isLocalFile()) event->acceptProposedAction();
}

void ModelPanel::dropEvent(QDropEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty()) return;
    QFileInfo fi(urls.first().toLocalFile());
    // A dropped config.json or weight file means its folder.
    openModel(fi.isDir() ? fi.absoluteFilePath() : fi.absolutePath());
    event->acceptProposedAction();
}

} // namespace qat::ui

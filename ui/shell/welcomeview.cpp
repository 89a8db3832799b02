#include "shell/welcomeview.h"

#include "common/format.h"

#include <QDateTime>
#include <QDir>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace qat::ui {

namespace {

QListWidget* makeList(QWidget* parent, const QString& placeholder)
{
    auto* list = new QListWidget(parent);
    list->setMinimumWidth(420);
    list->setMaximumHeight(170);
    list->setToolTip(placeholder);
    list->setFrameShape(QFrame::StyledPanel);
    return list;
}

// An entry that says there is nothing yet; it cannot be chosen.
void addPlaceholder(QListWidget* list, const QString& text)
{
    auto* item = new QListWidgetItem(text, list);
    item->setFlags(Qt::NoItemFlags);
}

} // namespace

WelcomeView::WelcomeView(QWidget* parent) : QWidget(parent)
{
    auto* title = new QLabel(tr("<h1>QATBench</h1>"), this);
    auto* text =
        new QLabel(tr("Quantization-aware training for LLaMA-family models: open a checkpoint, choose "
                      "bits, group size and LoRA rank, then calibrate and train with DL-QAT and watch "
                      "loss, perplexity and per-group magnitudes live."),
                   this);
    text->setWordWrap(true);
    // A centred label gets no height for its width from the layout: with the recent lists below, it was
    // squeezed to two lines.
    text->setFixedWidth(560);
    text->setMinimumHeight(text->heightForWidth(560));

    m_open = new QPushButton(tr("Open model..."), this);
    m_demo = new QPushButton(tr("Run the demo"), this);
    m_demo->setToolTip(
        tr("Builds a small LLaMA on this computer, then quantizes it with RTN and DL-QAT at 3 and 2 bits "
           "as real runs: their curves are drawn live, and they stay in Runs, Compare and Histograms. "
           "No download needed."));
    for (auto* b : {m_open, m_demo})
        b->setMinimumSize(220, 44);
    connect(m_open, &QPushButton::clicked, this, &WelcomeView::openModelRequested);
    connect(m_demo, &QPushButton::clicked, this, &WelcomeView::runDemoRequested);

    m_models = makeList(this, tr("Click a model to open it."));
    m_runs = makeList(this, tr("Click a run to show its charts."));
    // One click opens (a list of shortcuts, not a selection).
    connect(m_models, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        if (!item->data(Qt::UserRole).toString().isEmpty())
            Q_EMIT recentModelRequested(item->data(Qt::UserRole).toString());
    });
    connect(m_runs, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        if (item->data(Qt::UserRole).toLongLong() > 0)
            Q_EMIT runRequested(item->data(Qt::UserRole).toLongLong());
    });
    setRecentModels({});
    setRecentRuns({});

    auto* recent = new QGridLayout;
    recent->addWidget(new QLabel(tr("<b>Recent models</b>"), this), 0, 0);
    recent->addWidget(new QLabel(tr("<b>Recent runs</b>"), this), 0, 1);
    recent->addWidget(m_models, 1, 0);
    recent->addWidget(m_runs, 1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addStretch(2);
    for (QWidget* w : {static_cast<QWidget*>(title), static_cast<QWidget*>(text),
                       static_cast<QWidget*>(m_open), static_cast<QWidget*>(m_demo)})
        layout->addWidget(w, 0, Qt::AlignHCenter);
    layout->addSpacing(24);
    layout->addLayout(recent);
    layout->setAlignment(recent, Qt::AlignHCenter);
    layout->addStretch(3);
}

void WelcomeView::setRecentModels(const QStringList& dirs)
{
    m_models->clear();
    for (const QString& dir : dirs) {
        auto* item = new QListWidgetItem(QDir(dir).dirName() + QStringLiteral("  —  ") + dir, m_models);
        item->setData(Qt::UserRole, dir);
        item->setToolTip(dir);
    }
    if (dirs.isEmpty()) addPlaceholder(m_models, tr("No model opened yet."));
}

void WelcomeView::setRecentRuns(const std::vector<RunRow>& rows)
{
    m_runs->clear();
    std::vector<const RunRow*> newest;
    for (const RunRow& r : rows)
        newest.push_back(&r);
    std::sort(newest.begin(), newest.end(), [](const RunRow* a, const RunRow* b) {
        return a->info.created != b->info.created ? a->info.created > b->info.created
                                                  : a->info.id > b->info.id;
    });
    if (newest.size() > size_t(kMaxRuns)) newest.resize(size_t(kMaxRuns));
    for (const RunRow* r : newest) {
        QString label =
            QStringLiteral("#%1 %2 — %3")
                .arg(r->info.id)
                .arg(QString::fromStdString(r->info.name.empty() ? r->info.experiment : r->info.name),
                     QString::fromLatin1(runStatusName(r->info.status)));
        if (std::isfinite(r->finalPerplexity))
            label += QStringLiteral(", ") + tr("perplexity %1").arg(formatDecimal(r->finalPerplexity, 2));
        auto* item = new QListWidgetItem(label, m_runs);
        item->setData(Qt::UserRole, qint64(r->info.id));
        item->setToolTip(QDateTime::fromSecsSinceEpoch(qint64(r->info.created)).toString());
    }
    if (newest.empty()) addPlaceholder(m_runs, tr("No run yet: open a model or run the demo."));
}

} // namespace qat::ui

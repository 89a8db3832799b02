#include "welcomeview.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace qat::ui {

WelcomeView::WelcomeView(QWidget* parent) : QWidget(parent)
{
    auto* title = new QLabel(tr("<h1>QATBench</h1>"), this);
    auto* text = new QLabel(tr("Quantization-aware training for LLaMA-family models: open a checkpoint, choose "
                               "bits, group size and LoRA rank, then calibrate and train with DL-QAT and watch "
                               "loss, perplexity and per-group magnitudes live."),
                            this);
    text->setWordWrap(true);
    text->setMaximumWidth(560);

    m_open = new QPushButton(tr("Open model..."), this);
    m_demo = new QPushButton(tr("Run the demo"), this);
    m_demo->setToolTip(tr("Builds a small LLaMA on this computer and compares full precision, RTN and DL-QAT. "
                          "No download needed."));
    for (auto* b : {m_open, m_demo}) b->setMinimumSize(220, 44);
    connect(m_open, &QPushButton::clicked, this, &WelcomeView::openModelRequested);
    connect(m_demo, &QPushButton::clicked, this, &WelcomeView::runDemoRequested);

    auto* layout = new QVBoxLayout(this);
    layout->addStretch(2);
    for (QWidget* w : {static_cast<QWidget*>(title), static_cast<QWidget*>(text), static_cast<QWidget*>(m_open),
                       static_cast<QWidget*>(m_demo)})
        layout->addWidget(w, 0, Qt::AlignHCenter);
    layout->addStretch(3);
}

} // namespace qat::ui

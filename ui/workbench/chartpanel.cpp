#include "workbench/chartpanel.h"

#include "common/metricchart.h"
#include "common/qcp.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QSplitter>
#include <QTextStream>
#include <QToolButton>

namespace qat::ui {

ChartPanel::ChartPanel(QWidget* parent) : QWidget(parent)
{
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);

    m_xAxis = new QComboBox(this);
    m_xAxis->addItem(tr("x: step"));
    m_xAxis->addItem(tr("x: wall time"));
    m_logScale = new QCheckBox(tr("Log scale"), this);
    m_logScale->setToolTip(tr("Logarithmic y axis for loss and perplexity."));
    m_smoothing = new QDoubleSpinBox(this);
    m_smoothing->setRange(0, 0.99);
    m_smoothing->setSingleStep(0.05);
    m_smoothing->setDecimals(2);
    m_smoothing->setValue(0.9);
    m_smoothing->setPrefix(tr("Smoothing "));
    m_smoothing->setToolTip(tr("Weight of the exponential moving average drawn over the raw training loss."));
    m_follow = new QToolButton(this);
    m_follow->setText(tr("Follow"));
    m_follow->setToolTip(tr("Show all data again and follow new points (or double-click a chart)."));
    m_export = new QToolButton(this);
    m_export->setText(tr("Export"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(m_export);
    exportMenu->addAction(tr("PNG image..."), this, [this] { exportTo(QStringLiteral("png")); });
    exportMenu->addAction(tr("PDF document..."), this, [this] { exportTo(QStringLiteral("pdf")); });
    exportMenu->addAction(tr("CSV data..."), this, [this] { exportTo(QStringLiteral("csv")); });
    m_export->setMenu(exportMenu);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_title, 1);
    for (QWidget* w : std::initializer_list<QWidget*>{m_xAxis, m_logScale, m_smoothing, m_follow, m_export})
        bar->addWidget(w);

    // Series are created as the run logs them (ChartPanel::addMetric): a chart without any says so.
    m_loss = new MetricChart(tr("Loss"), tr("Loss"), this);
    m_ppl = new MetricChart(tr("Evaluation perplexity"), tr("Perplexity"), this);
    m_lr = new MetricChart(tr("Learning rate"), tr("Learning rate"), this);
    m_loss->setPlaceholder(tr("No loss logged yet: start a run or open a past one."));
    m_ppl->setPlaceholder(
        tr("No evaluation yet: one every training.eval_every steps (when > 0) and one at the end."));
    m_lr->setPlaceholder(tr("No learning rate logged yet."));
    // evaluation.tasks_every: the task/<task>/<metric> series (docs/EVAL.md); shown once a run sends one.
    m_tasks = new MetricChart(tr("Task accuracy"), tr("Accuracy"), this);
    m_tasks->hide();

    auto* lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(m_ppl);
    lower->addWidget(m_lr);
    lower->addWidget(m_tasks);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_loss);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_xAxis, &QComboBox::currentIndexChanged, this, [this](int i) {
        for (MetricChart* c : charts())
            c->setXAxis(i == 0 ? XAxis::Step : XAxis::WallTime);
    });
    connect(m_logScale, &QCheckBox::toggled, this, [this](bool on) {
        m_loss->setLogScale(on);
        m_ppl->setLogScale(on);
    });
    connect(m_smoothing, &QDoubleSpinBox::valueChanged, m_loss, &MetricChart::setSmoothing);
    connect(m_follow, &QToolButton::clicked, this, [this] {
        for (MetricChart* c : charts())
            c->resetView();
    });
    m_loss->setSmoothing(m_smoothing->value());
}

void ChartPanel::setRunTitle(const QString& title)
{
    m_title->setText(title);
}

void ChartPanel::clear()
{
    for (MetricChart* c : charts())
        c->clear();
    m_tasks->hide();
}

void ChartPanel::setTimeOrigin(double wallTime)
{
    for (MetricChart* c : charts())
        c->setTimeOrigin(wallTime);
}

namespace {

// A series keeps its colour whatever order its points come in (live, or reopened from the store).
QColor seriesColor(const QString& key)
{
    static const QHash<QString, QColor> known = {
        {QStringLiteral("train/loss"), QColor(31, 119, 180)},
        {QStringLiteral("calib/loss"), QColor(255, 127, 14)},
        {QStringLiteral("train/lr{group=m}"), QColor(44, 160, 44)},
        {QStringLiteral("train/lr{group=lora}"), QColor(148, 103, 189)},
        {QStringLiteral("calib/lr{group=scale}"), QColor(255, 127, 14)},
        {QStringLiteral("calib/lr{group=zero}"), QColor(140, 86, 75)},
    };
    static const QColor others[] = {QColor(31, 119, 180), QColor(44, 160, 44),   QColor(148, 103, 189),
                                    QColor(255, 127, 14), QColor(227, 119, 194), QColor(23, 190, 207)};
    const auto it = known.constFind(key);
    return it != known.cend() ? *it : others[qHash(key) % std::size(others)];
}

} // namespace

bool ChartPanel::addMetric(const QString& key, qint64 step, double value, double wallTime)
{
    const qsizetype brace = key.indexOf(QLatin1Char('{'));
    if (brace < 0 || !key.endsWith(QLatin1Char('}'))) return addMetric(key, QString(), step, value, wallTime);
    return addMetric(key.left(brace), key.mid(brace + 1, key.size() - brace - 2), step, value, wallTime);
}

bool ChartPanel::addMetric(const QString& name, const QString& contextKey, qint64 step, double value,
                           double wallTime)
{
    const std::optional<SeriesContext> parsed = liveChartContext(contextKey.toStdString());
    if (!parsed) return false; // another split than training's (final, ...): not a live curve
    const QString context = QString::fromStdString(parsed->key());
    const QString key = liveSeriesKey(name, *parsed);
    const QString lower = name.toLower();
    const QString prefix = lower.section(QLatin1Char('/'), 0, 0);
    const QString leaf = lower.section(QLatin1Char('/'), -1);
    const bool isEval = lower.startsWith(QLatin1String("eval"));

    if (lower == QLatin1String("eval/ppl") && context.isEmpty()) {
        addEval(step, value, wallTime);
        return true;
    }
    if (leaf.contains(QLatin1String("loss")) && !isEval && context.isEmpty()) {
        if (!m_loss->hasSeries(key)) {
            // Calibration and training both count from step 1: separate series, so neither erases the other.
            const QString label = prefix == QLatin1String("calib")   ? tr("calibration loss")
                                  : prefix == QLatin1String("train") ? tr("training loss")
                                                                     : name;
            m_loss->addSeries(key, label, seriesColor(key), true);
        }
        m_loss->addPoint(key, double(step), wallTime, value);
        return true;
    }
    if (prefix == QLatin1String("task") && context.isEmpty()) {
        // "task/arc_easy/acc" -> "arc_easy acc": the scores the engine makes every evaluation.tasks_every
        // steps.
        if (!m_tasks->hasSeries(key)) {
            m_tasks->addSeries(key,
                               name.section(QLatin1Char('/'), 1).replace(QLatin1Char('/'), QLatin1Char(' ')),
                               seriesColor(key), false, true);
            m_tasks->show();
        }
        m_tasks->addPoint(key, double(step), wallTime, value);
        return true;
    }
    if (leaf == QLatin1String("lr") || leaf.startsWith(QLatin1String("lr_")) ||
        lower.startsWith(QLatin1String("lr/")) || lower.contains(QLatin1String("learning_rate"))) {
        // One line per phase and parameter group: DL-QAT uses different rates for m and LoRA, for s and z.
        if (!m_lr->hasSeries(key)) {
            const bool onlyGroup = SeriesContext{.group = parsed->group}.key() == parsed->key();
            const QString group = onlyGroup ? QString::fromStdString(parsed->group) : context;
            const QString phase = prefix == QLatin1String("calib")   ? tr("calibration")
                                  : prefix == QLatin1String("train") ? tr("training")
                                                                     : name;
            const QString label = group.isEmpty() ? phase : tr("%1: %2").arg(phase, group);
            m_lr->addSeries(key, label, seriesColor(key), false);
        }
        m_lr->addPoint(key, double(step), wallTime, value);
        return true;
    }
    return false;
}

void ChartPanel::addEval(qint64 step, double perplexity, double wallTime)
{
    const QString key = QStringLiteral("eval/ppl");
    if (!m_ppl->hasSeries(key)) m_ppl->addSeries(key, tr("perplexity"), QColor(214, 39, 40), false, true);
    m_ppl->addPoint(key, double(step), wallTime, perplexity);
}

bool ChartPanel::exportPng(const QString& file)
{
    for (MetricChart* c : charts())
        c->drawNow();
    return grab().save(file, "PNG");
}

bool ChartPanel::exportPdf(const QString& file)
{
    for (MetricChart* c : charts())
        c->refreshNow();
    QPdfWriter writer(file);
    writer.setTitle(m_title->text());
    writer.setPageOrientation(QPageLayout::Landscape);
    QCPPainter painter(&writer);
    if (!painter.isActive()) return false;
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    // Vector output: each chart draws itself into its own rectangle of the page.
    const QRect page = painter.viewport();
    const int h = page.height() / 2;
    m_loss->plot()->toPainter(&painter, page.width(), h);
    painter.translate(0, h);
    m_ppl->plot()->toPainter(&painter, page.width() / (m_tasks->isVisible() ? 3 : 2), h);
    painter.translate(page.width() / (m_tasks->isVisible() ? 3 : 2), 0);
    const int lowerCharts = m_tasks->isVisible() ? 3 : 2;
    m_lr->plot()->toPainter(&painter, page.width() / lowerCharts, h);
    if (m_tasks->isVisible()) {
        painter.translate(page.width() / lowerCharts, 0);
        m_tasks->plot()->toPainter(&painter, page.width() / lowerCharts, h);
    }
    return painter.end();
}

bool ChartPanel::exportCsv(const QString& file) const
{
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
    QTextStream out(&f);
    out << "series,step,wall_time,value,smoothed\n";
    for (MetricChart* c : charts())
        c->writeCsvRows(out);
    out.flush();
    return f.error() == QFileDevice::NoError;
}

void ChartPanel::exportTo(const QString& format)
{
    const QString filter = format == QLatin1String("png")   ? tr("PNG image (*.png)")
                           : format == QLatin1String("pdf") ? tr("PDF document (*.pdf)")
                                                            : tr("CSV data (*.csv)");
    QString file =
        QFileDialog::getSaveFileName(this, tr("Export charts"), QStringLiteral("charts.") + format, filter);
    if (file.isEmpty()) return;
    if (!file.endsWith(QLatin1Char('.') + format)) file += QLatin1Char('.') + format;
    const bool ok = format == QLatin1String("png")   ? exportPng(file)
                    : format == QLatin1String("pdf") ? exportPdf(file)
                                                     : exportCsv(file);
    if (!ok) QMessageBox::warning(this, tr("Export charts"), tr("Could not write %1.").arg(file));
}

} // namespace qat::ui

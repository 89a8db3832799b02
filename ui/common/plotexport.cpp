#include "common/plotexport.h"

#include "common/qcp.h"

#include <QFile>

#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPdfWriter>
#include <QTextStream>
#include <QToolButton>
#include <algorithm>

namespace qat::ui {

QString csvQuote(const QString& cell)
{
    if (!cell.contains(QLatin1Char(',')) && !cell.contains(QLatin1Char('"')) &&
        !cell.contains(QLatin1Char('\n')))
        return cell;
    QString q = cell;
    q.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QString toCsv(const CsvTable& table)
{
    QString out;
    auto line = [&out](const QStringList& cells) {
        QStringList quoted;
        for (const QString& c : cells)
            quoted << csvQuote(c);
        out += quoted.join(QLatin1Char(',')) + QLatin1Char('\n');
    };
    line(table.header);
    for (const QStringList& r : table.rows)
        line(r);
    return out;
}

bool writeText(const QString& file, const QString& text)
{
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
    QTextStream out(&f);
    out << text;
    out.flush();
    return f.error() == QFileDevice::NoError;
}

bool writeCsv(const QString& file, const CsvTable& table)
{
    return writeText(file, toCsv(table));
}

bool savePng(QWidget* widget, const QString& file)
{
    return widget->grab().save(file, "PNG");
}

bool savePdf(QWidget* widget, const QList<QCustomPlot*>& plots, const QString& file, const QString& title)
{
    QPdfWriter writer(file);
    writer.setTitle(title);
    writer.setResolution(300);
    writer.setPageOrientation(QPageLayout::Landscape);
    QCPPainter painter(&writer);
    if (!painter.isActive()) return false;
    const QRect page = painter.viewport();
    if (plots.isEmpty()) {
        const QPixmap pix = widget->grab();
        painter.drawPixmap(page, pix.scaled(page.size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
        return painter.end();
    }
    // Vector output, each plot stacked under the previous one. The plots are laid out at their on-screen size
    // and the painter's window maps that onto the page: laid out at the printer's resolution instead, margins
    // would shrink to nothing and a colour map would be rasterized at page resolution (seconds, megabytes).
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    int w = 0, h = 0;
    for (QCustomPlot* p : plots) {
        w = std::max(w, std::max(p->width(), 400));
        h += std::max(p->height(), 250);
    }
    const double scale = std::min(double(page.width()) / w, double(page.height()) / h);
    painter.setViewport(page.x(), page.y(), int(w * scale), int(h * scale));
    painter.setWindow(0, 0, w, h);
    for (QCustomPlot* p : plots) {
        const int ph = std::max(p->height(), 250);
        p->toPainter(&painter, w, ph);
        painter.translate(0, ph);
    }
    return painter.end();
}

QToolButton* makeExportButton(QWidget* parent, const QString& baseName, ExportHooks hooks)
{
    auto* button = new QToolButton(parent);
    button->setText(QToolButton::tr("Export"));
    button->setToolTip(QToolButton::tr("Save this view as a PNG image, a PDF document or CSV data."));
    button->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(button);
    auto add = [=](const QString& label, const QString& ext, const QString& filter,
                   std::function<bool(const QString&)> hook) {
        menu->addAction(label, button, [=] {
            QString file = QFileDialog::getSaveFileName(parent, QToolButton::tr("Export"),
                                                        baseName + QLatin1Char('.') + ext, filter);
            if (file.isEmpty()) return;
            if (!file.endsWith(QLatin1Char('.') + ext)) file += QLatin1Char('.') + ext;
            if (!hook || !hook(file))
                QMessageBox::warning(parent, QToolButton::tr("Export"),
                                     QToolButton::tr("Could not write %1.").arg(file));
        });
    };
    add(QToolButton::tr("PNG image..."), QStringLiteral("png"), QToolButton::tr("PNG image (*.png)"),
        hooks.png);
    add(QToolButton::tr("PDF document..."), QStringLiteral("pdf"), QToolButton::tr("PDF document (*.pdf)"),
        hooks.pdf);
    add(QToolButton::tr("CSV data..."), QStringLiteral("csv"), QToolButton::tr("CSV data (*.csv)"),
        hooks.csv);
    button->setMenu(menu);
    return button;
}

} // namespace qat::ui

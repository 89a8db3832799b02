#pragma once
// Export of a view to PNG (a grab of the widget), PDF (QCustomPlot charts as vectors, other widgets as
// pictures) and CSV (rows the view provides). One "Export" button with a menu for every view of issue 7.

#include <QString>
#include <QStringList>

#include <functional>

class QCustomPlot;
class QToolButton;
class QWidget;

namespace qat::ui {

// A CSV table: header + rows of already formatted cells (quoted as needed on write).
struct CsvTable
{
    QStringList header;
    QList<QStringList> rows;
};

QString csvQuote(const QString& cell);
QString toCsv(const CsvTable& table);
bool writeCsv(const QString& file, const CsvTable& table);
bool writeText(const QString& file, const QString& text);

// PNG of the widget as shown (offscreen too).
bool savePng(QWidget* widget, const QString& file);
// A landscape PDF page: the plots stacked from top to bottom as vectors; with no plot given, the widget as a
// picture.
bool savePdf(QWidget* widget, const QList<QCustomPlot*>& plots, const QString& file, const QString& title);

struct ExportHooks
{
    std::function<bool(const QString&)> png;
    std::function<bool(const QString&)> pdf;
    std::function<bool(const QString&)> csv;
};

// A tool button "Export" whose menu asks for a file name and calls the hook for PNG, PDF or CSV; a failed
// write is reported in a message box. baseName is the suggested file name without extension.
QToolButton* makeExportButton(QWidget* parent, const QString& baseName, ExportHooks hooks);

} // namespace qat::ui

#pragma once
// The per-step table of the histogram view: step, samples, min, max, mean, std (and, with an overlay, the
// same of the second run at its nearest step). Presents HistogramSeriesData; loads nothing itself.

#include "common/plotexport.h"
#include "histograms/histogramdata.h"

#include <QAbstractTableModel>

namespace qat::ui {

class HistogramStatsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Step,
        Count,
        Min,
        Max,
        Mean,
        Std,
        OtherMean, // overlay run: mean at its nearest step
        OtherStd,
        ColumnCount
    };

    explicit HistogramStatsModel(QObject* parent = nullptr);

    void setSeries(const HistogramSeriesData& data, const HistogramSeriesData* overlay = nullptr);
    void clear();
    void setRunLabels(const QString& main, const QString& overlay); // names the runs in the CSV
    int rowOfStep(qint64 step) const; // the row of the nearest step; -1 when empty
    CsvTable csv() const;             // every step with every bin: long format

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    HistogramSeriesData m_data;
    HistogramSeriesData m_overlay;
    bool m_hasOverlay = false;
    QString m_mainLabel = QStringLiteral("main");
    QString m_overlayLabel = QStringLiteral("overlay");
};

} // namespace qat::ui

#include "histograms/histogrammodel.h"

namespace qat::ui {

namespace {
QString num(double v)
{
    return QString::number(v, 'g', 6);
}
} // namespace

HistogramStatsModel::HistogramStatsModel(QObject* parent) : QAbstractTableModel(parent) {}

void HistogramStatsModel::setSeries(const HistogramSeriesData& data, const HistogramSeriesData* overlay)
{
    beginResetModel();
    m_data = data;
    m_hasOverlay = overlay != nullptr;
    m_overlay = overlay ? *overlay : HistogramSeriesData{};
    endResetModel();
}

void HistogramStatsModel::setRunLabels(const QString& main, const QString& overlay)
{
    m_mainLabel = main;
    m_overlayLabel = overlay;
}

void HistogramStatsModel::clear()
{
    setSeries({});
}

int HistogramStatsModel::rowOfStep(qint64 step) const
{
    const HistogramPoint* p = m_data.nearest(step);
    return p ? int(p - m_data.points.data()) : -1;
}

int HistogramStatsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_data.points.size());
}

int HistogramStatsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : (m_hasOverlay ? ColumnCount : OtherMean);
}

QVariant HistogramStatsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole) return {};
    const HistogramPoint& p = m_data.points[size_t(index.row())];
    const HistogramPoint* o = m_hasOverlay ? m_overlay.nearest(p.step) : nullptr;
    switch (index.column()) {
    case Step:
        return qlonglong(p.step);
    case Count:
        return qlonglong(p.count);
    case Min:
        return num(p.min);
    case Max:
        return num(p.max);
    case Mean:
        return num(p.mean());
    case Std:
        return num(p.stddev());
    case OtherMean:
        return o ? QVariant(num(o->mean())) : QVariant();
    case OtherStd:
        return o ? QVariant(num(o->stddev())) : QVariant();
    }
    return {};
}

QVariant HistogramStatsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Step:
        return tr("Step");
    case Count:
        return tr("Groups");
    case Min:
        return tr("Min");
    case Max:
        return tr("Max");
    case Mean:
        return tr("Mean");
    case Std:
        return tr("Std");
    case OtherMean:
        return tr("Mean (overlay)");
    case OtherStd:
        return tr("Std (overlay)");
    }
    return {};
}

CsvTable HistogramStatsModel::csv() const
{
    CsvTable t;
    t.header = {QStringLiteral("run"),   QStringLiteral("series"), QStringLiteral("context"),
                QStringLiteral("step"),  QStringLiteral("bin_lo"), QStringLiteral("bin_hi"),
                QStringLiteral("count"), QStringLiteral("min"),    QStringLiteral("max"),
                QStringLiteral("mean"),  QStringLiteral("std")};
    auto add = [&t](const QString& run, const HistogramSeriesData& d) {
        for (const HistogramPoint& p : d.points)
            for (size_t b = 0; b + 1 < p.edges.size() && b < p.counts.size(); ++b)
                t.rows.append({run, d.ref.name, d.ref.context, QString::number(p.step), num(p.edges[b]),
                               num(p.edges[b + 1]), QString::number(p.counts[b]), num(p.min), num(p.max),
                               num(p.mean()), num(p.stddev())});
    };
    add(m_mainLabel, m_data);
    if (m_hasOverlay) add(m_overlayLabel, m_overlay);
    return t;
}

} // namespace qat::ui

#include "common/runcolors.h"

#include <QSettings>

namespace qat::ui {

namespace {
const char* const kGroup = "runColors";
}

QColor RunColors::paletteColor(int i)
{
    // Okabe-Ito + Tableau: distinct for colour-blind readers first, then more hues.
    static const QColor palette[] = {
        QColor(0, 114, 178),   QColor(213, 94, 0),   QColor(0, 158, 115),  QColor(204, 121, 167),
        QColor(230, 159, 0),   QColor(86, 180, 233), QColor(120, 94, 240), QColor(140, 86, 75),
        QColor(127, 127, 127), QColor(188, 189, 34),
    };
    constexpr int n = int(sizeof(palette) / sizeof(palette[0]));
    return palette[((i % n) + n) % n];
}

RunColors& RunColors::instance()
{
    static RunColors colors;
    return colors;
}

RunColors::RunColors()
{
    QSettings settings;
    settings.beginGroup(QLatin1String(kGroup));
    for (const QString& key : settings.childKeys()) {
        const QColor c(settings.value(key).toString());
        if (c.isValid()) m_custom.insert(key.toLongLong(), c);
    }
}

QColor RunColors::color(qint64 runId) const
{
    auto it = m_custom.find(runId);
    return it != m_custom.end() ? *it : paletteColor(int(runId % 1000) - 1);
}

void RunColors::setColor(qint64 runId, const QColor& color)
{
    m_custom.insert(runId, color);
    if (!m_persistent) return;
    QSettings settings;
    settings.setValue(QLatin1String(kGroup) + QLatin1Char('/') + QString::number(runId), color.name());
}

void RunColors::resetColor(qint64 runId)
{
    m_custom.remove(runId);
    if (!m_persistent) return;
    QSettings settings;
    settings.remove(QLatin1String(kGroup) + QLatin1Char('/') + QString::number(runId));
}

} // namespace qat::ui

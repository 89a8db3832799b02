#pragma once
// A colour per run, the same in every view (Compare curves, histogram overlays): a default from a
// colour-blind-safe palette by run id, overridable by the user and remembered in QSettings.

#include <QColor>
#include <QMap>

namespace qat::ui {

class RunColors final
{
public:
    // The palette colour for index i (wraps around).
    static QColor paletteColor(int i);

    // The shared instance the views use.
    static RunColors& instance();

    QColor color(qint64 runId) const;
    void setColor(qint64 runId, const QColor& color); // remembered across sessions
    void resetColor(qint64 runId);
    bool isCustom(qint64 runId) const { return m_custom.contains(runId); }

    // Keeps choices in memory only (tests).
    void setPersistent(bool on) { m_persistent = on; }

private:
    RunColors();
    QMap<qint64, QColor> m_custom;
    bool m_persistent = true;
};

} // namespace qat::ui

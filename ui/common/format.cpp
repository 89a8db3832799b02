#include "common/format.h"

#include "qatbench/format.h"

#include <QCoreApplication>
#include <QLocale>

#include <cmath>

namespace qat::ui {

QString formatBytes(qint64 bytes)
{
    return QString::fromStdString(qat::formatBytes(bytes, QLocale().decimalPoint().toStdString()));
}

QString formatDecimal(double value, int decimals)
{
    QLocale locale;
    locale.setNumberOptions(QLocale::OmitGroupSeparator);
    return locale.toString(value, 'f', decimals);
}

QString formatNumber(double value, int significant)
{
    QLocale locale;
    locale.setNumberOptions(QLocale::OmitGroupSeparator);
    return locale.toString(value, 'g', significant);
}

QString formatPercent(double fraction, int decimals)
{
    QLocale locale;
    locale.setNumberOptions(QLocale::OmitGroupSeparator);
    return locale.toString(100.0 * fraction, 'f', decimals) + locale.percent();
}

QString formatDuration(double seconds)
{
    // In the run control's translation context (literal, so that lupdate finds the strings): the runs table
    // and the progress line say the same.
    if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("?");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QCoreApplication::translate("qat::ui::RunControl", "%1 h %2 min")
            .arg(s / 3600)
            .arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QCoreApplication::translate("qat::ui::RunControl", "%1 min %2 s")
            .arg(s / 60)
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("qat::ui::RunControl", "%1 s").arg(s);
}

} // namespace qat::ui

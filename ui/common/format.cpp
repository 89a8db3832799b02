#include "common/format.h"

#include "qatbench/format.h"

#include <QLocale>

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

} // namespace qat::ui

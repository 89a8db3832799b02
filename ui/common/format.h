#pragma once
// Numbers as the user's language writes them, shared by every view. Sizes are core's qat::formatBytes (what
// the CLI prints: KiB, MiB, GiB, one decimal) with the locale's decimal separator; decimals and percentages
// follow QLocale() (installTranslations sets it to the chosen language: "1,25" in German).

#include <QString>

namespace qat::ui {

QString formatBytes(qint64 bytes);                    // "261.5 MiB", German "261,5 MiB"
QString formatDecimal(double value, int decimals);    // fixed decimals, locale separators
QString formatNumber(double value, int significant);  // 'g' format with `significant` digits
QString formatPercent(double fraction, int decimals); // 0.0123 -> "1.23%" ("1,23%" in German)
QString formatDuration(double seconds);               // "1 h 02 min", "3 min 05 s", "12 s"; "?" when unknown

} // namespace qat::ui

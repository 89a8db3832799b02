#pragma once
// Chooses the UI language: the "language" setting if set ("de", "zh_CN", "en"), else the system locale.

#include <QString>

class QApplication;

namespace qat::ui {

// Installs the translators for the chosen language; returns the language code in use.
QString installTranslations(QApplication& app, const QString& overrideLanguage = {});

} // namespace qat::ui

#include "shell/language.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace qat::ui {

QString installTranslations(QApplication& app, const QString& overrideLanguage)
{
    QString language = overrideLanguage;
    if (language.isEmpty()) language = QSettings().value(QStringLiteral("language")).toString();
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    // Numbers follow the chosen language too (QLocale() in ui/format.h): "1,25" and "261,5 MiB" in German.
    QLocale::setDefault(locale);

    auto* ours = new QTranslator(&app);
    if (ours->load(locale, QStringLiteral("qatbench"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        app.installTranslator(ours);
        auto* qt = new QTranslator(&app);
        if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            app.installTranslator(qt);
        return locale.name();
    }
    delete ours;
    return QStringLiteral("en");
}

} // namespace qat::ui

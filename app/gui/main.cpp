// qatbench: the desktop workbench. Wires core, plugins and ui together; no logic lives here.

#include "language.h"
#include "mainwindow.h"

#include "qatbench/method.h"
#include "qatbench/version.h"
#include "qatbench_plugins/builtin.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("QATBench"));
    QApplication::setApplicationName(QStringLiteral("QATBench"));
    QApplication::setApplicationVersion(QString::fromStdString(qat::version()));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("QATBench: quantization-aware training workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption language(QStringLiteral("language"), QStringLiteral("UI language (en, de, zh_CN)."),
                                QStringLiteral("code"));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QStringLiteral("Save a PNG of the main window after start-up and quit."),
                                  QStringLiteral("file"));
    parser.addOptions({language, screenshot});
    parser.process(app);

    qat::ui::installTranslations(app, parser.value(language));
    qat::registerBuiltinMethods();

    qat::ui::MainWindow window;
    window.show();
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        QTimer::singleShot(800, &window, [&window, file] {
            window.grab().save(file);
            QApplication::quit();
        });
    }
    return app.exec();
}

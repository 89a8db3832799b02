// qatbench: the desktop workbench. Wires core, plugins and ui together; no logic lives here.

#include "shell/language.h"
#include "shell/mainwindow.h"

#include "qatbench/method.h"
#include "qatbench/version.h"
#include "qatbench_plugins/builtin.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <memory>

namespace {

void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("QATBench"));
    QCoreApplication::setApplicationName(QStringLiteral("QATBench"));
    QCoreApplication::setApplicationVersion(QString::fromStdString(qat::version()));
}

} // namespace

int main(int argc, char** argv)
{
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
    // The arguments are checked before any window system is touched: --help, --version and a wrong option
    // answer on a machine without a display (QApplication would abort there first).
    {
        auto plain = std::make_unique<QCoreApplication>(argc, argv);
        setIdentity();
        parser.process(*plain);
    }

    QApplication app(argc, argv);
    setIdentity();
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

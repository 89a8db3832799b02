// The main window opens on the welcome view and offers both ways to start.
#include "mainwindow.h"
#include "welcomeview.h"

#include <QDir>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opensOnWelcomeView()
    {
        qat::ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.welcomeView()->isVisible());
        const auto buttons = w.welcomeView()->findChildren<QPushButton*>();
        QStringList texts;
        for (auto* b : buttons) texts << b->text();
        QVERIFY2(texts.contains(QStringLiteral("Open model...")), qPrintable(texts.join(',')));
        QVERIFY2(texts.contains(QStringLiteral("Run the demo")), qPrintable(texts.join(',')));

        QSignalSpy demo(w.welcomeView(), &qat::ui::WelcomeView::runDemoRequested);
        for (auto* b : buttons)
            if (b->text() == QStringLiteral("Run the demo")) b->click();
        QCOMPARE(demo.count(), 1);

        const QString dir = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
        if (!dir.isEmpty()) {
            QDir().mkpath(dir);
            QVERIFY(w.grab().save(dir + QStringLiteral("/welcome.png")));
        }
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_mainwindow.moc"

// EngineClient against a scripted fake engine (fake_engine.h): this same executable started with
// --fake-engine SCRIPT.
#include "engineclient.h"
#include "fake_engine.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QtTest>

#include <signal.h>

using qat::ui::EngineClient;

class TestEngineClient : public QObject
{
    Q_OBJECT

    void useScript(EngineClient& c, const char* script)
    {
        c.setProgram(QCoreApplication::applicationFilePath(),
                     {QStringLiteral("--fake-engine"), QString::fromLatin1(script)});
    }

private Q_SLOTS:
    void completeRunDeliversEveryEvent()
    {
        EngineClient c;
        useScript(c, "complete");
        QSignalSpy started(&c, &EngineClient::started), progress(&c, &EngineClient::progress),
            metric(&c, &EngineClient::metric), evalSpy(&c, &EngineClient::evalResult),
            finished(&c, &EngineClient::finished), failed(&c, &EngineClient::failed),
            phase(&c, &EngineClient::phaseChanged);
        c.start({});
        QVERIFY(c.isActive());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QTRY_VERIFY(!c.isActive());
        QCOMPARE(failed.count(), 0);
        QCOMPARE(started.count(), 1);
        QCOMPARE(started.at(0).at(0).toLongLong(), 42);
        QCOMPARE(started.at(0).at(2).toLongLong(), 5);
        QCOMPARE(c.runId(), 42);
        QCOMPARE(phase.at(0).at(0).toString(), QStringLiteral("training"));
        QCOMPARE(progress.count(), 5);
        const auto p = progress.last().at(0).value<qat::ui::EngineProgress>();
        QCOMPARE(p.step, 5);
        QCOMPARE(p.memoryBytes, 1048576);
        QCOMPARE(metric.count(), 5);
        QCOMPARE(metric.at(1).at(0).toString(), QStringLiteral("train/loss"));
        QCOMPARE(metric.at(1).at(2).toDouble(), 1.5);
        QVERIFY(metric.at(1).at(3).toDouble() > 1e9); // wall time from "t"
        QCOMPARE(evalSpy.count(), 1);
        QCOMPARE(evalSpy.at(0).at(1).toDouble(), 12.5);
        QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("completed"));
    }

    void plainTextLinesBecomeMessages()
    {
        EngineClient c;
        useScript(c, "noise");
        QSignalSpy messages(&c, &EngineClient::message), finished(&c, &EngineClient::finished);
        c.start({});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        bool seen = false;
        for (const auto& m : messages)
            seen = seen || m.at(1).toString().contains(QLatin1String("plain text"));
        QVERIFY(seen);
    }

    void pauseResumeAndStop()
    {
        EngineClient c;
        useScript(c, "slow");
        QSignalSpy progress(&c, &EngineClient::progress), paused(&c, &EngineClient::paused),
            resumed(&c, &EngineClient::resumed), finished(&c, &EngineClient::finished),
            checkpoint(&c, &EngineClient::checkpoint);
        c.start({});
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 3, 20000);
        c.pause();
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, 10000);
        QCOMPARE(c.state(), EngineClient::State::Paused);
        const int atPause = progress.count();
        QTest::qWait(200);
        QVERIFY2(progress.count() <= atPause + 1, "the engine kept stepping while paused");
        c.resume();
        QTRY_COMPARE_WITH_TIMEOUT(resumed.count(), 1, 10000);
        QCOMPARE(c.state(), EngineClient::State::Running);
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > atPause + 2, 10000);
        c.stop();
        QCOMPARE(c.state(), EngineClient::State::Stopping);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("cancelled"));
        QCOMPARE(checkpoint.count(), 1);
        QVERIFY(progress.count() < 400);
        QTRY_VERIFY(!c.isActive());
    }

    void crashFailsTheRunAndKeepsTheClientUsable()
    {
        EngineClient c;
        useScript(c, "crash");
        QSignalSpy failed(&c, &EngineClient::failed), finished(&c, &EngineClient::finished),
            metric(&c, &EngineClient::metric);
        c.start({});
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QCOMPARE(finished.count(), 0);
        QCOMPARE(metric.count(), 3); // everything printed before the crash arrived
        QVERIFY(failed.at(0).at(0).toString().contains(QLatin1String("crashed")));
        QVERIFY(!c.isActive());

        useScript(c, "complete"); // a crash must not wedge the client
        c.start({});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    }

    void reportedFailureCarriesMessageAndHint()
    {
        EngineClient c;
        useScript(c, "fail");
        QSignalSpy failed(&c, &EngineClient::failed);
        c.start({});
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QTRY_VERIFY(!c.isActive());
        QCOMPARE(failed.count(), 1); // the non-zero exit after "failed" is not a second failure
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("data.train: file not found: /nope.txt"));
        QCOMPARE(failed.at(0).at(1).toString(), QStringLiteral("choose a file"));
    }

    void silentExitIsAFailureWithStderr()
    {
        EngineClient c;
        useScript(c, "exit3");
        QSignalSpy failed(&c, &EngineClient::failed);
        c.start({});
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QVERIFY(failed.at(0).at(0).toString().contains(QLatin1String("3")));
        QVERIFY(failed.at(0).at(1).toString().contains(QLatin1String("something went wrong")));
    }

    void textProgressOfTheDemoDrivesTheProgressBar()
    {
        EngineClient c;
        useScript(c, "textprogress");
        QSignalSpy progress(&c, &EngineClient::progress), messages(&c, &EngineClient::message),
            finished(&c, &EngineClient::finished);
        c.start({});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QCOMPARE(progress.count(), 2);
        const auto p = progress.at(0).at(0).value<qat::ui::EngineProgress>();
        QCOMPARE(p.phase, QStringLiteral("pretrain"));
        QCOMPARE(p.step, 350);
        QCOMPARE(p.total, 1000);
        QCOMPARE(p.etaSeconds, 65.0);
        QCOMPARE(progress.at(1).at(0).value<qat::ui::EngineProgress>().etaSeconds, -1.0);
        bool table = false;
        for (const auto& m : messages)
            table = table || m.at(1).toString().contains(QLatin1String("DL-QAT W3"));
        QVERIFY(table);
    }

    void missingProgramFailsPlainly()
    {
        EngineClient c;
        c.setProgram(QStringLiteral("/nonexistent/qatbench-cli"));
        QSignalSpy failed(&c, &EngineClient::failed);
        c.start({});
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY(failed.at(0).at(1).toString().contains(QLatin1String("/nonexistent/qatbench-cli")));
        QVERIFY(!c.isActive());
    }

    void destructorEndsALiveEngine()
    {
        qint64 pid = 0;
        {
            EngineClient c;
            useScript(c, "slow");
            QSignalSpy progress(&c, &EngineClient::progress);
            c.start({});
            QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 1, 20000);
            pid = c.findChild<QProcess*>()->processId();
            QVERIFY(pid > 0);
        }
        QVERIFY2(::kill(pid_t(pid), 0) != 0, "the engine outlived its client");
    }
};

int main(int argc, char** argv)
{
    int code = 0;
    if (qat::test::fakeEngineMain(argc, argv, code)) return code;
    QCoreApplication app(argc, argv);
    TestEngineClient t;
    return QTest::qExec(&t, argc, argv);
}

#include "test_engineclient.moc"

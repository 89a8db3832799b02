// EngineClient against a scripted fake engine (fake_engine.h): this same executable started with
// --fake-engine SCRIPT. The engine setting (issue 18, 7b): the real qatbench-cli's `devices --json` in the
// settings dialog, and a CUDA engine's answer filling the experiment form's device picker.
#include "common/engineclient.h"
#include "common/enginesettings.h"
#include "fake_engine.h"
#include "shell/settingsdialog.h"
#include "ui_test_support.h"
#include "workbench/experimentform.h"
#include "workbench/workbenchview.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

using namespace qat::ui;

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
        QSignalSpy messages(&c, &EngineClient::message), finished(&c, &EngineClient::finished),
            metric(&c, &EngineClient::metric);
        c.start({});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        bool seen = false, deep = false, nonString = false;
        for (const auto& m : messages) {
            seen = seen || m.at(1).toString().contains(QLatin1String("plain text"));
            deep = deep || m.at(1).toString().startsWith(QLatin1String("[[[["));
            nonString = nonString || m.at(1).toString() == QLatin1String("{\"event\": 7}");
        }
        QVERIFY(seen);
        // core's parser refuses a line nested 200 deep and an event name that is not a string: shown as text.
        QVERIFY(deep);
        QVERIFY(nonString);
        // A null value (NaN on the wire) stays NaN, and the context object arrives typed.
        QCOMPARE(metric.count(), 6);
        QVERIFY(qIsNaN(metric.at(0).at(2).toDouble()));
        const QJsonObject context = metric.at(0).at(4).toJsonObject();
        QCOMPARE(context.value(QStringLiteral("layer")).toInteger(), 3);
        QCOMPARE(context.value(QStringLiteral("module")).toString(), QStringLiteral("q_proj"));
        QCOMPARE(metric.at(0).at(5).toString(), QStringLiteral("layer=3,module=q_proj"));
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

    void settingsShowWhatTheRealEngineReports()
    {
        QSettings().clear();
        SettingsDialog dialog;
        dialog.engineEdit()->setText(QStringLiteral(QATBENCH_CLI_PATH));
        QSignalSpy answered(dialog.probe(), &DeviceProbe::finished);
        dialog.checkEngine();
        QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, 30000);
        const auto devices = answered.at(0).at(0).value<EngineDevices>();
        QVERIFY2(devices.error.isEmpty(), qPrintable(devices.error));
        // The CPU is always listed, with the machine's memory; Debian's LibTorch has no CUDA, and the dialog
        // says where a CUDA engine comes from instead of offering GPUs that this engine cannot use.
        QVERIFY(!devices.devices.isEmpty());
        QCOMPARE(devices.devices.first().id, QStringLiteral("cpu"));
        QVERIFY(devices.devices.first().memoryBytes > 0);
        if (!devices.cudaBuild) {
            QVERIFY(dialog.engineStatus().contains(QLatin1String("without CUDA")));
            QCOMPARE(dialog.deviceCombo()->count(), 2); // auto, CPU
        }
        dialog.resize(760, 260);
        dialog.show();
        qat::uitest::shoot(dialog, QStringLiteral("settings-engine.png"));
        dialog.accept();
        QCOMPARE(EngineSettings::instance().configuredEngine(), QStringLiteral(QATBENCH_CLI_PATH));
        QCOMPARE(enginePath(), QStringLiteral(QATBENCH_CLI_PATH));
        QCOMPARE(EngineClient::defaultProgram(), QStringLiteral(QATBENCH_CLI_PATH));
        EngineSettings::instance().setConfiguredEngine(QString());

        // A missing engine is named, not a silent empty list.
        dialog.engineEdit()->setText(QStringLiteral("/nonexistent/qatbench-cli"));
        dialog.checkEngine();
        QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 2, 10000);
        QVERIFY(dialog.engineStatus().contains(QLatin1String("/nonexistent/qatbench-cli")));
    }

    void aCudaEnginesGpusFillTheDevicePickers()
    {
        // What a CUDA build prints (the GPU machine's H200); an engine script stands in for it here.
        QTemporaryDir dir;
        const QString engine = dir.filePath(QStringLiteral("qatbench-cli"));
        QFile f(engine);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "#!/bin/sh\n[ \"$1 $2\" = \"devices --json\" ] || exit 2\n"
            "echo '{\"engine\":\"QATBench 0.1.0 (LibTorch 2.11.0, CUDA)\",\"cuda_build\":true,\"devices\":["
            "{\"id\":\"cpu\",\"kind\":\"cpu\",\"name\":\"CPU\",\"memory_bytes\":1,\"capability\":\"\"},"
            "{\"id\":\"cuda:0\",\"kind\":\"cuda\",\"name\":\"NVIDIA H200\","
            "\"memory_bytes\":150120071168,\"capability\":\"9.0\"}]}'\n");
        f.close();
        QVERIFY(f.setPermissions(f.permissions() | QFileDevice::ExeOwner));
        qputenv("QATBENCH_CLI", engine.toLocal8Bit());
        QSettings().clear();
        QCOMPARE(automaticEngine(), engine); // $QATBENCH_CLI first

        WorkbenchView bench;
        QTRY_VERIFY_WITH_TIMEOUT(!bench.engineDevices().devices.isEmpty(), 20000);
        QCOMPARE(bench.engine()->program(), engine);
        QVERIFY(bench.engineDevices().cudaBuild);
        const auto gpus = bench.engineDevices().gpuChoices();
        QCOMPARE(gpus.size(), 1);
        QCOMPARE(gpus.first().first, QStringLiteral("cuda:0"));
        QVERIFY(gpus.first().second.contains(QLatin1String("NVIDIA H200")));
        QVERIFY(gpus.first().second.contains(QLatin1String("sm 9.0")));
        bool inForm = false;
        for (QComboBox* c : bench.form()->findChildren<QComboBox*>())
            inForm = inForm || c->findData(QStringLiteral("cuda:0")) >= 0;
        QVERIFY2(inForm, "the form's device picker lacks the engine's GPU");

        SettingsDialog dialog;
        QSignalSpy answered(dialog.probe(), &DeviceProbe::finished);
        QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, 20000);
        QCOMPARE(dialog.deviceCombo()->count(), 3);
        QCOMPARE(dialog.deviceCombo()->itemData(2).toString(), QStringLiteral("cuda:0"));
        qunsetenv("QATBENCH_CLI");
    }

    void aBadDeviceListNamesTheField()
    {
        EngineDevices d = parseDevicesJson("{\"devices\":[{\"id\":\"cuda:0\",\"kind\":\"tpu\"}]}");
        QVERIFY(d.devices.isEmpty());
        QVERIFY2(d.error.contains(QLatin1String("devices[0].kind")), qPrintable(d.error));
        d = parseDevicesJson("not json");
        QVERIFY(d.error.contains(QLatin1String("devices --json")));
    }
};

int main(int argc, char** argv)
{
    int code = 0;
    if (qat::test::fakeEngineMain(argc, argv, code)) return code;
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("QATBenchTestEngine"));
    QCoreApplication::setApplicationName(QStringLiteral("QATBenchTestEngine"));
    TestEngineClient t;
    return QTest::qExec(&t, argc, argv);
}

#include "test_engineclient.moc"

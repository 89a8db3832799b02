// EngineClient against a scripted fake engine (fake_engine.h): this same executable started with
// --fake-engine SCRIPT. The engine setting (issue 18, 7b): the real qatbench-cli's `devices --json` in the
// settings dialog, and a CUDA engine's answer filling the experiment form's device picker; with two or more
// GPUs the data-parallel choices (issue 19) and the real engine started with `--gpus N`.
#include "common/engineclient.h"
#include "common/enginesettings.h"
#include "common/runrepository.h"
#include "fake_engine.h"
#include "shell/settingsdialog.h"
#include "ui_test_support.h"
#include "workbench/experimentform.h"
#include "workbench/workbenchview.h"

#include "qatbench/store.h"
#include "qatbench_plugins/builtin.h"
#include "workbench/runcontrol.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QPainter>
#include <QPlainTextEdit>
#include <QScopeGuard>
#include <QScrollArea>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolTip>
#include <QtTest>

#include <algorithm>

#include <signal.h>

using namespace qat::ui;

namespace {

// A small valid DL-QAT experiment on stories260K (the shared test data).
nlohmann::json stories260kExperiment()
{
    using qat::uitest::dataPath;
    return {{"name", "gpus"},
            {"device", "cpu"},
            {"model", {{"path", dataPath(QStringLiteral("models/stories260K")).toStdString()}}},
            {"data", qat::uitest::tinyStoriesData()},
            {"method", {{"name", "dlqat"}, {"options", {{"bits", 3}, {"group_size", 4}, {"rank", 4}}}}},
            {"training", {{"steps", 4}, {"eval_every", 0}, {"warmup_steps", 1}}}};
}

// The window with the combo box's list open over it (the list is a window of its own); with tipRow >= 0 also
// that entry's tooltip as a hover shows it.
void shootOpenPicker(QWidget& window, QComboBox* combo, const QString& name, int tipRow = -1)
{
    if (auto* scroll = window.findChild<QScrollArea*>()) scroll->ensureWidgetVisible(combo);
    combo->setFocus();
    combo->showPopup();
    QTest::qWait(150);
    QWidget* popup = combo->view()->window();
    QWidget* tip = nullptr;
    int tipY = 0;
    if (tipRow >= 0) {
        QAbstractItemView* view = combo->view();
        const QRect row = view->visualRect(view->model()->index(tipRow, 0));
        QToolTip::showText(view->viewport()->mapToGlobal(row.center()),
                           combo->itemData(tipRow, Qt::ToolTipRole).toString(), view->viewport());
        tipY = view->viewport()->mapTo(popup, row.center()).y();
        QTest::qWait(150);
        for (QWidget* w : QApplication::topLevelWidgets())
            if (w->inherits("QTipLabel") && w->isVisible()) tip = w;
    }
    QPixmap shot = window.grab();
    const QPoint at = popup->mapToGlobal(QPoint()) - window.mapToGlobal(QPoint());
    int right = at.x() + popup->width();
    {
        QPainter painter(&shot);
        painter.drawPixmap(at, popup->grab());
        if (tip) { // drawn beside the list, level with the entry (the offscreen screen is too small for it)
            const QPoint tipAt = at + QPoint(popup->width() + 4, tipY - tip->height() / 2);
            painter.drawPixmap(tipAt, tip->grab());
            right = std::max(right, tipAt.x() + tip->width());
        }
    }
    shot = shot.copy(0, 0, std::min(shot.width(), right + 24), shot.height()); // the form
    QToolTip::hideText();
    combo->hidePopup();
    const QString out = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
    if (out.isEmpty()) return;
    QDir().mkpath(out);
    QVERIFY(shot.save(out + QLatin1Char('/') + name));
}

// An engine that lists a CPU and `gpus` H200s (the device list a CUDA build prints), saying whether it has
// NCCL (nccl: "true", "false"), and is otherwise the real qatbench-cli: it notes its arguments in argsFile
// and hands them on, so the GUI meets the real engine's answer.
QString writeGpuEngine(const QTemporaryDir& dir, int gpus, const char* nccl, const QString& argsFile = {})
{
    const QString engine = dir.filePath(QStringLiteral("qatbench-cli"));
    QFile f(engine);
    if (!f.open(QIODevice::WriteOnly)) return {};
    QByteArray list =
        "{\"id\":\"cpu\",\"kind\":\"cpu\",\"name\":\"CPU\",\"memory_bytes\":1,\"capability\":\"\"}";
    for (int i = 0; i < gpus; ++i)
        list += ",{\"id\":\"cuda:" + QByteArray::number(i) +
                "\",\"kind\":\"cuda\",\"name\":\"NVIDIA H200\",\"memory_bytes\":150120071168,"
                "\"capability\":\"9.0\"}";
    f.write(
        "#!/bin/sh\nif [ \"$1 $2\" = \"devices --json\" ]; then\n"
        "echo '{\"engine\":\"QATBench (LibTorch 2.11.0, CUDA)\",\"cuda_build\":true,\"devices\":[" +
        list + "],\"data_parallel\":{\"gloo\":true,\"nccl\":" + nccl + "}}'\nexit 0\nfi\n" +
        (argsFile.isEmpty() ? QByteArray() : "printf '%s\\n' \"$@\" > '" + argsFile.toLocal8Bit() + "'\n") +
        "exec '" + QByteArray(QATBENCH_CLI_PATH) + "' \"$@\"\n");
    f.close();
    f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
    return engine;
}

// writeGpuEngine's engine as the workbench's for one test: $QATBENCH_CLI points at it (unset again at the
// end) and the settings start empty.
struct GpuEngineInUse
{
    QString path;
    GpuEngineInUse(const QTemporaryDir& dir, int gpus, const char* nccl, const QString& argsFile = {})
        : path(writeGpuEngine(dir, gpus, nccl, argsFile))
    {
        qputenv("QATBENCH_CLI", path.toLocal8Bit());
        QSettings().clear();
    }
    ~GpuEngineInUse() { qunsetenv("QATBENCH_CLI"); }
};

} // namespace

class TestEngineClient : public QObject
{
    Q_OBJECT

    void useScript(EngineClient& c, const char* script)
    {
        c.setProgram(QCoreApplication::applicationFilePath(),
                     {QStringLiteral("--fake-engine"), QString::fromLatin1(script)});
    }

private Q_SLOTS:
    void initTestCase() { qat::registerBuiltinMethods(); } // the form validates method options
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

    // libgomp reads its wait setting once, when it is loaded: the engine gets GOMP_SPINCOUNT=1000 in its
    // environment from the start (core's engineEnvironment), unless the user chose a wait policy. The engine
    // here notes the two variables and hands over to the real qatbench-cli, whose failure on a missing config
    // ends the run.
    void theEngineStartsWithOpenMpsShortSpin()
    {
        QTemporaryDir dir;
        const QString seen = dir.filePath(QStringLiteral("env.txt"));
        const QString engine = dir.filePath(QStringLiteral("qatbench-cli"));
        QFile f(engine);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\necho \"spin=$GOMP_SPINCOUNT policy=$OMP_WAIT_POLICY\" >> '" + seen.toLocal8Bit() +
                "'\nexec '" + QByteArray(QATBENCH_CLI_PATH) + "' \"$@\"\n");
        f.close();
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
        const QByteArray spin = qgetenv("GOMP_SPINCOUNT"), policy = qgetenv("OMP_WAIT_POLICY");
        const auto restore = qScopeGuard([&] {
            for (const auto& [name, value] : {std::pair{"GOMP_SPINCOUNT", spin}, {"OMP_WAIT_POLICY", policy}})
                if (value.isNull())
                    qunsetenv(name);
                else
                    qputenv(name, value);
        });
        qunsetenv("GOMP_SPINCOUNT");
        for (const char* userPolicy : {"", "passive"}) {
            if (*userPolicy)
                qputenv("OMP_WAIT_POLICY", userPolicy);
            else
                qunsetenv("OMP_WAIT_POLICY");
            EngineClient c;
            c.setProgram(engine);
            QSignalSpy failed(&c, &EngineClient::failed);
            c.startRun(dir.filePath(QStringLiteral("missing.json")), dir.filePath(QStringLiteral("runs.db")));
            QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
            QVERIFY(failed.at(0).at(1).toString().contains(QLatin1String("missing.json")));
        }
        QFile in(seen);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(in.readAll()),
                 QStringLiteral("spin=1000 policy=\nspin= policy=passive\n")); // the user's choice wins
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
        // The engine says what it can run data-parallel (core's answer); without CUDA never NCCL.
        QVERIFY(devices.dataParallelKnown);
        if (!devices.cudaBuild) {
            QVERIFY(!devices.nccl);
            QVERIFY(!devices.dataParallelProblem().isEmpty());
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

    void severalGpusOfferDataParallelRunsLaunchedWithGpusN()
    {
        if (qEnvironmentVariableIsEmpty("QATBENCH_TEST_DATA")) QSKIP("QATBENCH_TEST_DATA is not set");
        // An engine that lists two H200s and says it has NCCL, and is otherwise the real qatbench-cli (which
        // here has no NCCL: its own error must reach the user).
        QTemporaryDir dir;
        const QString argsFile = dir.filePath(QStringLiteral("args.txt"));
        const GpuEngineInUse gpuEngine(dir, 2, "true", argsFile);
        const QString& engine = gpuEngine.path;
        QVERIFY(!engine.isEmpty());

        WorkbenchView bench;
        bench.setDatabase(dir.filePath(QStringLiteral("runs.db")));
        QTRY_COMPARE_WITH_TIMEOUT(bench.engineDevices().gpuChoices().size(), 2, 20000);
        ExperimentForm* form = bench.form();
        const QString config = dir.filePath(QStringLiteral("exp.json"));
        QFile c(config);
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write(QByteArray::fromStdString(stories260kExperiment().dump()));
        c.close();
        QString error;
        QVERIFY2(form->loadFile(config, &error), qPrintable(error));
        auto* combo = qobject_cast<QComboBox*>(form->editorFor(QStringLiteral("device")));
        QVERIFY(combo);
        // After the single GPUs: the run on both of them, with a tooltip that says what it does.
        QStringList items;
        for (int i = 0; i < combo->count(); ++i)
            items << combo->itemData(i).toString();
        QCOMPARE(items, QStringList({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda:0"),
                                     QStringLiteral("cuda:1"), ExperimentForm::dataParallelValue(2)}));
        QCOMPARE(combo->itemText(4), QStringLiteral("All 2 GPUs (data-parallel)"));
        QVERIFY(combo->itemData(4, Qt::ToolTipRole).toString().contains(QLatin1String("One engine process")));
        QVERIFY(ExperimentForm::canChoose(combo, ExperimentForm::dataParallelValue(2))); // NCCL: enabled
        QCOMPARE(form->gpuCount(), 1);

        // Chosen as a user does: the document says cuda (the experiment does not depend on N), the form 2.
        combo->setCurrentIndex(4);
        QCOMPARE(form->gpuCount(), 2);
        QCOMPARE(form->experiment()["device"].get<std::string>(), std::string("cuda"));
        QVERIFY(combo->toolTip().contains(QLatin1String("batch")));
        // A batch that does not split over the GPUs is named under its field before any start.
        form->setFieldText(QStringLiteral("data.batch_size"), QStringLiteral("3"));
        form->validateNow();
        QVERIFY2(form->errorFor(QStringLiteral("data.batch_size")).contains(QLatin1String("does not split")),
                 qPrintable(form->errorFor(QStringLiteral("data.batch_size"))));
        form->setFieldText(QStringLiteral("data.batch_size"), QStringLiteral("2"));
        form->validateNow();
        QVERIFY2(form->isValid(), qPrintable(form->issues().value(0).second));

        bench.resize(1300, 860);
        bench.show();
        shootOpenPicker(bench, combo, QStringLiteral("device-picker-gpus.png"));

        QSignalSpy failed(bench.engine(), &EngineClient::failed),
            finished(bench.engine(), &EngineClient::finished);
        bench.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() + finished.count() == 1, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!bench.engine()->isActive(), 10000);
        QFile a(argsFile);
        QVERIFY(a.open(QIODevice::ReadOnly));
        const QStringList args =
            QString::fromLocal8Bit(a.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(args.join(QLatin1Char(' ')).contains(QLatin1String("--gpus 2")), qPrintable(args.join(' ')));
        QCOMPARE(args.first(), QStringLiteral("run"));
        QFile written(args.value(args.indexOf(QStringLiteral("--config")) + 1));
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(nlohmann::json::parse(written.readAll().toStdString())["device"].get<std::string>(),
                 std::string("cuda"));
        const QString log = bench.runControl()->logView()->toPlainText();
        QVERIFY2(log.contains(QLatin1String("Data-parallel on 2 GPUs")), qPrintable(log));
        if (finished.count() == 1) { // a machine with two GPUs and NCCL: the run's records say 2
            qat::RunStore store(bench.database().toStdString(), {.readOnly = true});
            QCOMPARE(store.runs().size(), size_t(1));
            QString world;
            for (const qat::RunParam& p : store.params(store.runs().front().id))
                if (p.key == "distributed.world_size") world = QString::fromStdString(p.text);
            QCOMPARE(world, QStringLiteral("2"));
        } else {
            // Here (no CUDA, no NCCL): the engine's own reason, in the run's status and in its log, not a
            // hang.
            const QString failure = bench.runControl()->failureText();
            QVERIFY2(failure.contains(QLatin1String("qatbench-cli run: error:")) &&
                         failure.contains(QLatin1String("nccl"), Qt::CaseInsensitive),
                     qPrintable(failure));
            QVERIFY2(log.contains(QLatin1String("nccl"), Qt::CaseInsensitive), qPrintable(log));
            std::printf("    the engine's answer: %s\n", qPrintable(failure.section(QLatin1Char('\n'), -1)));
        }

        // A run whose last session trained on 2 GPUs (as the engine records it) is resumed on 2 again.
        qint64 runId = 0;
        {
            qat::RunStore store(bench.database().toStdString());
            qat::NewRun nr;
            nr.experiment = "gpus";
            nr.method = "dlqat";
            nr.config = form->experiment().dump();
            nr.status = qat::RunStatus::Cancelled;
            runId = store.createRun(nr);
            store.setParam(runId, {"distributed.world_size", "2", 2.0});
            store.setParam(runId, {"distributed.backend", "\"nccl\"", {}});
        }
        int gpusOfRun = 0;
        for (const RunRow& row : RunRepository::readRows(bench.database().toStdString()))
            if (row.info.id == runId) gpusOfRun = row.gpus;
        QCOMPARE(gpusOfRun, 2);
        QFile::remove(argsFile);
        bench.resumeRun(runId, QString::fromStdString(form->experiment().dump()), gpusOfRun);
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() + finished.count() == 2, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!bench.engine()->isActive(), 10000);
        QFile b(argsFile);
        QVERIFY(b.open(QIODevice::ReadOnly));
        const QString resumed =
            QString::fromLocal8Bit(b.readAll()).replace(QLatin1Char('\n'), QLatin1Char(' '));
        QVERIFY2(resumed.startsWith(QStringLiteral("run --resume %1 ").arg(runId)) &&
                     resumed.contains(QLatin1String("--gpus 2")),
                 qPrintable(resumed));
        QVERIFY(!bench.runControl()->failureText().isEmpty()); // no checkpoint (or no NCCL): said, not hung
    }

    void withoutNcclTheDataParallelEntriesAreShownDisabledSayingWhatToDo()
    {
        // A CUDA engine that sees two GPUs but was built without NCCL (devices --json says nccl false): the
        // entries stay in the pickers, disabled, saying why and what to do, instead of a run that fails.
        QTemporaryDir dir;
        const GpuEngineInUse gpuEngine(dir, 2, "false");
        const QString& engine = gpuEngine.path;
        QVERIFY(!engine.isEmpty());
        QSettings().setValue(QStringLiteral("defaultDevice"), ExperimentForm::dataParallelValue(2));

        WorkbenchView bench;
        QTRY_COMPARE_WITH_TIMEOUT(bench.engineDevices().gpuChoices().size(), 2, 20000);
        QVERIFY(bench.engineDevices().dataParallelKnown);
        QVERIFY(!bench.engineDevices().nccl);
        const QString problem = bench.engineDevices().dataParallelProblem();
        QVERIFY2(problem.contains(QLatin1String("no NCCL")) &&
                     problem.contains(QLatin1String("docs/SCALE.md")),
                 qPrintable(problem));
        ExperimentForm* form = bench.form();
        auto* combo = qobject_cast<QComboBox*>(form->editorFor(QStringLiteral("device")));
        QVERIFY(combo);
        const int dp = combo->findData(ExperimentForm::dataParallelValue(2));
        QCOMPARE(dp, 4); // after auto, CPU and the two GPUs, as with NCCL
        QCOMPARE(combo->itemText(dp), QStringLiteral("All 2 GPUs (data-parallel): needs NCCL"));
        QVERIFY(!ExperimentForm::canChoose(combo, ExperimentForm::dataParallelValue(2)));
        QVERIFY(combo->itemData(dp, Qt::ToolTipRole).toString().startsWith(problem));
        QVERIFY2(combo->toolTip().contains(problem), qPrintable(combo->toolTip())); // the closed picker too
        // The saved data-parallel default is not applied: one process on what the picker shows.
        QCOMPARE(form->gpuCount(), 1);
        QVERIFY(combo->currentData().toString() != ExperimentForm::dataParallelValue(2));
        // A user's click on a disabled entry does nothing (Qt's popup ignores it); the engine asked again
        // after a data-parallel choice was made with an NCCL engine falls back to one process.
        form->setDevices(bench.engineDevices().gpuChoices(), QString());
        combo->setCurrentIndex(dp);
        QCOMPARE(form->gpuCount(), 2);
        form->setDevices(bench.engineDevices().gpuChoices(), problem);
        QCOMPARE(form->gpuCount(), 1);
        QCOMPARE(form->experiment()["device"].get<std::string>(), std::string("auto"));

        bench.resize(1300, 860);
        bench.show();
        shootOpenPicker(bench, combo, QStringLiteral("device-picker-no-nccl.png"), dp);

        // Settings' default device: the same entries, disabled the same way; the saved default stays saved.
        SettingsDialog dialog;
        QSignalSpy answered(dialog.probe(), &DeviceProbe::finished);
        QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, 20000);
        QCOMPARE(dialog.deviceCombo()->count(), 5);
        QCOMPARE(dialog.deviceCombo()->itemText(4), QStringLiteral("All 2 GPUs (data-parallel): needs NCCL"));
        QVERIFY(!ExperimentForm::canChoose(dialog.deviceCombo(), ExperimentForm::dataParallelValue(2)));
        QVERIFY(dialog.deviceCombo()->toolTip().contains(problem));
        QVERIFY2(dialog.engineStatus().contains(problem), qPrintable(dialog.engineStatus()));
        QCOMPARE(dialog.deviceCombo()->currentData().toString(), QStringLiteral("auto"));
        dialog.accept();
        QCOMPARE(QSettings().value(QStringLiteral("defaultDevice")).toString(),
                 ExperimentForm::dataParallelValue(2));
    }

    void theDefaultDeviceCanBeADataParallelRun()
    {
        // Settings offers the run form's choices, from the same code; the one chosen is what a new
        // experiment starts with (here: an engine with three GPUs and NCCL).
        QTemporaryDir dir;
        const GpuEngineInUse gpuEngine(dir, 3, "true");
        const QString& engine = gpuEngine.path;
        QVERIFY(!engine.isEmpty());

        SettingsDialog dialog;
        QSignalSpy answered(dialog.probe(), &DeviceProbe::finished);
        QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, 20000);
        QComboBox* picker = dialog.deviceCombo();
        QStringList settingsItems;
        for (int i = 0; i < picker->count(); ++i)
            settingsItems << picker->itemData(i).toString() + QLatin1Char('=') + picker->itemText(i);
        const int all = picker->findData(ExperimentForm::dataParallelValue(3));
        QCOMPARE(all, 6);
        QCOMPARE(picker->itemText(all), QStringLiteral("All 3 GPUs (data-parallel)"));
        QVERIFY(ExperimentForm::canChoose(picker, ExperimentForm::dataParallelValue(2)));
        QVERIFY(
            picker->itemData(all, Qt::ToolTipRole).toString().contains(QLatin1String("One engine process")));
        picker->setCurrentIndex(all);
        Q_EMIT picker->activated(all); // as a click does
        dialog.accept();
        QCOMPARE(QSettings().value(QStringLiteral("defaultDevice")).toString(),
                 ExperimentForm::dataParallelValue(3));

        // A new workbench (a new start): its form offers the very same entries and starts on all 3 GPUs.
        WorkbenchView bench;
        QTRY_COMPARE_WITH_TIMEOUT(bench.form()->gpuCount(), 3, 20000);
        auto* combo = qobject_cast<QComboBox*>(bench.form()->editorFor(QStringLiteral("device")));
        QStringList formItems;
        for (int i = 0; i < combo->count(); ++i)
            formItems << combo->itemData(i).toString() + QLatin1Char('=') + combo->itemText(i);
        QCOMPARE(formItems, settingsItems);
        QCOMPARE(combo->currentData().toString(), ExperimentForm::dataParallelValue(3));
        QCOMPARE(bench.form()->experiment()["device"].get<std::string>(), std::string("cuda"));

        // Reopened, the dialog shows the saved choice.
        SettingsDialog again;
        QSignalSpy answeredAgain(again.probe(), &DeviceProbe::finished);
        QTRY_COMPARE_WITH_TIMEOUT(answeredAgain.count(), 1, 20000);
        QCOMPARE(again.deviceCombo()->currentData().toString(), ExperimentForm::dataParallelValue(3));
    }

    void threeGpusOfferEveryCountAndAVanishedChoiceFallsBack()
    {
        ExperimentForm form;
        const QList<QPair<QString, QString>> three = {{QStringLiteral("cuda:0"), QStringLiteral("GPU 0")},
                                                      {QStringLiteral("cuda:1"), QStringLiteral("GPU 1")},
                                                      {QStringLiteral("cuda:2"), QStringLiteral("GPU 2")}};
        form.setDevices(three);
        auto* combo = qobject_cast<QComboBox*>(form.editorFor(QStringLiteral("device")));
        QCOMPARE(combo->count(), 7);
        QCOMPARE(combo->itemText(5), QStringLiteral("2 GPUs (data-parallel)"));
        QCOMPARE(combo->itemText(6), QStringLiteral("All 3 GPUs (data-parallel)"));
        combo->setCurrentIndex(6);
        QCOMPARE(form.gpuCount(), 3);
        form.setDevices(three); // the engine asked again: the choice stays
        QCOMPARE(form.gpuCount(), 3);
        QCOMPARE(combo->currentData().toString(), ExperimentForm::dataParallelValue(3));
        // Fewer GPUs now: one process again, and the document says what the picker shows.
        form.setDevices(three.mid(0, 1));
        QCOMPARE(combo->count(), 3); // auto, CPU, cuda:0: nothing data-parallel with one GPU
        QCOMPARE(form.gpuCount(), 1);
        QCOMPARE(form.experiment()["device"].get<std::string>(), std::string("auto"));
        // A loaded document is one process: the count belongs to the launch, not to the file.
        form.setDevices(three);
        combo->setCurrentIndex(5);
        QCOMPARE(form.gpuCount(), 2);
        form.setExperiment(form.experiment());
        QCOMPARE(form.gpuCount(), 1);
        QCOMPARE(combo->currentData().toString(), QStringLiteral("cuda"));
        // A device the engine does not list (a restored session's, a loaded file's) stays what the picker
        // shows when the engine answers: the document and the picker never disagree.
        form.setDevices(three);
        QCOMPARE(combo->currentData().toString(), QStringLiteral("cuda"));
        QCOMPARE(form.experiment()["device"].get<std::string>(), std::string("cuda"));
    }

    void aBadDeviceListNamesTheField()
    {
        EngineDevices d = parseDevicesJson("{\"devices\":[{\"id\":\"cuda:0\",\"kind\":\"tpu\"}]}");
        QVERIFY(d.devices.isEmpty());
        QVERIFY2(d.error.contains(QLatin1String("devices[0].kind")), qPrintable(d.error));
        d = parseDevicesJson("not json");
        QVERIFY(d.error.contains(QLatin1String("devices --json")));
        // data_parallel: optional (an older engine is not second-guessed), but true or false when given.
        d = parseDevicesJson("{\"devices\":[],\"data_parallel\":{\"gloo\":true,\"nccl\":\"no\"}}");
        QVERIFY2(d.error.contains(QLatin1String("data_parallel.nccl")), qPrintable(d.error));
        d = parseDevicesJson("{\"devices\":[]}");
        QVERIFY(d.error.isEmpty() && !d.dataParallelKnown && d.dataParallelProblem().isEmpty());
        d = parseDevicesJson("{\"devices\":[],\"data_parallel\":{\"gloo\":true,\"nccl\":true}}");
        QVERIFY(d.error.isEmpty() && d.nccl && d.gloo && d.dataParallelProblem().isEmpty());
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

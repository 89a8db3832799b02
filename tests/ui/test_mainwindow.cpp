// The main window end to end with a fake engine (fake_engine.h): welcome view, opening a model, a valid form,
// a live run with charts and progress, a failed run's message, the runs table, closing during a run. Each
// main view is saved as a screenshot into $QATBENCH_SCREENSHOT_DIR (set by CTest).
#include "common/engineclient.h"
#include "common/format.h"
#include "common/metricchart.h"
#include "common/runrepository.h"
#include "common/runsmodel.h"
#include "explorer/explorerview.h"
#include "fake_engine.h"
#include "runs/runsview.h"
#include "shell/mainwindow.h"
#include "shell/welcomeview.h"
#include "ui_test_support.h"
#include "workbench/chartpanel.h"
#include "workbench/experimentform.h"
#include "workbench/modelpanel.h"
#include "workbench/runcontrol.h"
#include "workbench/workbenchview.h"

#include "qatbench/format.h"
#include "qatbench/method.h"
#include "qatbench/store.h"
#include "qatbench_plugins/builtin.h"

#include <nlohmann/json.hpp>

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>

#include <cmath>

using namespace qat::ui;

namespace {

using qat::uitest::dataPath;

void screenshot(QWidget* w, const QString& name)
{
    const QString dir = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
    if (dir.isEmpty()) return;
    QDir().mkpath(dir);
    for (auto* chart : w->findChildren<MetricChart*>())
        chart->refreshNow();
    QApplication::processEvents();
    QVERIFY(w->grab().save(dir + QLatin1Char('/') + name));
}

void useFakeEngine(MainWindow& w, const char* script)
{
    w.workbenchView()->engine()->setProgram(QCoreApplication::applicationFilePath(),
                                            {QStringLiteral("--fake-engine"), QString::fromLatin1(script)});
}

// Opens stories260K and fills the data files: a form that can start. Returns false when the data is missing.
bool prepareValidExperiment(MainWindow& w)
{
    const QString model = dataPath(QStringLiteral("models/stories260K"));
    if (model.isEmpty()) return false;
    WorkbenchView* bench = w.workbenchView();
    QSignalSpy opened(bench->modelPanel(), &ModelPanel::modelOpened);
    bench->modelPanel()->openModel(model);
    if (!opened.wait(20000)) return false;
    ExperimentForm* form = bench->form();
    form->setFieldText(QStringLiteral("name"), QStringLiteral("stories260K W3 g4"));
    form->setFieldText(QStringLiteral("data.train"),
                       dataPath(QStringLiteral("data/tinystories/TinyStories-train-head.txt")));
    form->setFieldText(QStringLiteral("data.eval"),
                       dataPath(QStringLiteral("data/tinystories/TinyStories-validation-head.txt")));
    form->setFieldText(QStringLiteral("method.options.bits"), QStringLiteral("3"));
    form->setFieldText(QStringLiteral("method.options.group_size"), QStringLiteral("4"));
    form->setFieldText(QStringLiteral("method.options.rank"), QStringLiteral("4"));
    form->setFieldText(QStringLiteral("training.steps"), QStringLiteral("2000"));
    form->validateNow();
    return form->isValid();
}

void addStoredRun(qat::RunStore& store, const std::string& name, const std::string& method, int bits,
                  int group, int rank, qat::RunStatus status, double finalPpl)
{
    qat::NewRun n;
    n.experiment = "stories260K";
    n.name = name;
    n.method = method;
    n.config = nlohmann::json{{"method",
                               {{"name", method},
                                {"options", {{"bits", bits}, {"group_size", group}, {"rank", rank}}}}}}
                   .dump();
    n.totalSteps = 500;
    n.status = qat::RunStatus::Running;
    const int64_t id = store.createRun(n);
    qat::RunWriter writer(store, id);
    for (int s = 1; s <= 500; ++s)
        writer.scalar("train/loss", s, 2.0 + 2.0 * std::exp(-s / 80.0), "split=train", 1000.0 + s);
    if (std::isfinite(finalPpl)) {
        qat::EvalResult e;
        e.step = 500;
        e.metric = "ppl";
        e.value = finalPpl;
        e.tokens = 65536;
        writer.eval(e);
    }
    writer.flush();
    store.setStatus(id, status,
                    status == qat::RunStatus::Failed
                        ? "training loss became NaN at step 212: lower the learning rate"
                        : "");
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("QATBenchTest"));
        QCoreApplication::setApplicationName(QStringLiteral("QATBenchTest"));
        // Settings live in the temporary folder, never in the user's own (the window remembers its session).
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           m_tmp.filePath(QStringLiteral("settings")));
        qputenv("QATBENCH_DB", m_tmp.filePath(QStringLiteral("default.db")).toUtf8());
        qat::registerBuiltinMethods();
    }

    void init()
    {
        QSettings().clear(); // each test starts like a first start
        QLocale::setDefault(QLocale::c());
    }

    // Issue 18 item 13: geometry, splitters, the last view, the open model and the form come back.
    void sessionIsRememberedAcrossStarts()
    {
        const QString model = dataPath(QStringLiteral("models/stories260K"));
        if (model.isEmpty()) QSKIP("QATBENCH_TEST_DATA is not set");
        QList<int> sizes;
        QSize size;
        {
            MainWindow w;
            w.resize(1500, 900); // not the default 1280 x 800
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QSignalSpy opened(w.workbenchView()->modelPanel(), &ModelPanel::modelOpened);
            w.workbenchView()->modelPanel()->openModel(model);
            QVERIFY(opened.wait(20000));
            w.workbenchView()->form()->setFieldText(QStringLiteral("name"), QStringLiteral("remembered W3"));
            w.workbenchView()->form()->setFieldText(QStringLiteral("method.options.bits"),
                                                    QStringLiteral("2"));
            w.workbenchView()->form()->validateNow();
            auto* split = w.workbenchView()->findChild<QSplitter*>();
            QVERIFY(split);
            split->setSizes({300, 800});
            sizes = split->sizes();
            w.showView(w.explorerView());
            size = w.size(); // at least the views' minimum width
            QVERIFY(w.close());
        }
        MainWindow w;
        QSignalSpy opened(w.workbenchView()->modelPanel(), &ModelPanel::modelOpened);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.currentView(), w.explorerView());
        QVERIFY(size != QSize(1280, 800));
        QCOMPARE(w.size(), size);
        QCOMPARE(w.workbenchView()->findChild<QSplitter*>()->sizes(), sizes);
        QVERIFY(opened.count() > 0 || opened.wait(20000));
        QCOMPARE(opened.first().first().toString(), model);
        const auto doc = w.workbenchView()->form()->experiment();
        QCOMPARE(QString::fromStdString(doc.value("name", std::string())), QStringLiteral("remembered W3"));
        QCOMPARE(doc["method"]["options"].value("bits", 0), 2);
    }

    void noPanelCanBeCollapsedOutOfReach()
    {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const auto splitters = w.findChildren<QSplitter*>();
        QVERIFY(splitters.size() >= 4); // the workbench's, the explorer's, the compare and histogram views'
        for (QSplitter* split : splitters) {
            QVERIFY(!split->childrenCollapsible());
            QList<int> squeezed(split->count(), 0);
            squeezed.last() = 5000;
            split->setSizes(squeezed);
            if (split->isVisible())
                for (int i = 0; i < split->count(); ++i)
                    if (split->widget(i)->isVisible()) QVERIFY(split->sizes()[i] > 0);
        }
    }

    // Issue 18 item 13: the Run menu's actions follow the run, with their shortcuts; Ctrl+<n> picks a view.
    void runActionsApplyOnlyWhenTheyCan()
    {
        MainWindow w;
        useFakeEngine(w, "live"); // 2,000 steps of 10 ms: long enough to pause and resume by key
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(!w.startAction()->isEnabled()); // no model, no valid experiment
        QVERIFY(!w.pauseAction()->isEnabled() && !w.resumeAction()->isEnabled() &&
                !w.stopAction()->isEnabled());
        QVERIFY(w.demoAction()->isEnabled());
        QCOMPARE(w.startAction()->shortcut(), QKeySequence(Qt::Key_F5));
        QCOMPARE(w.stopAction()->shortcut(), QKeySequence(Qt::SHIFT | Qt::Key_F5));
        QCOMPARE(w.pauseAction()->shortcut(), QKeySequence(Qt::Key_F6));
        QCOMPARE(w.resumeAction()->shortcut(), QKeySequence(Qt::SHIFT | Qt::Key_F6));

        QTest::keyClick(&w, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(w.currentView(), w.runsView());
        QTest::keyClick(&w, Qt::Key_6, Qt::ControlModifier);
        QCOMPARE(w.currentView(), w.explorerView());

        if (!prepareValidExperiment(w)) QSKIP("QATBENCH_TEST_DATA is not set");
        QTRY_VERIFY_WITH_TIMEOUT(w.startAction()->isEnabled(), 5000);
        QTest::keyClick(&w, Qt::Key_F5);
        QCOMPARE(w.currentView(), w.workbenchView());
        EngineClient* engine = w.workbenchView()->engine();
        QTRY_COMPARE_WITH_TIMEOUT(engine->state(), EngineClient::State::Running, 10000);
        QVERIFY(!w.startAction()->isEnabled() && !w.demoAction()->isEnabled());
        QVERIFY(w.pauseAction()->isEnabled() && w.stopAction()->isEnabled() &&
                !w.resumeAction()->isEnabled());
        // The fake engine may finish its steps before a key arrives: the keys are checked on their actions,
        // the engine's answer while it still runs.
        QSignalSpy pauseKey(w.pauseAction(), &QAction::triggered);
        QTest::keyClick(&w, Qt::Key_F6);
        QCOMPARE(pauseKey.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(engine->state() != EngineClient::State::Running, 20000);
        if (engine->state() == EngineClient::State::Paused) {
            QVERIFY(!w.pauseAction()->isEnabled() && w.resumeAction()->isEnabled() &&
                    w.stopAction()->isEnabled());
            QSignalSpy resumeKey(w.resumeAction(), &QAction::triggered);
            QTest::keyClick(&w, Qt::Key_F6, Qt::ShiftModifier);
            QCOMPARE(resumeKey.count(), 1);
            QTRY_VERIFY_WITH_TIMEOUT(engine->state() != EngineClient::State::Paused, 10000);
        }
        if (engine->isActive()) {
            QSignalSpy stopKey(w.stopAction(), &QAction::triggered);
            QTest::keyClick(&w, Qt::Key_F5, Qt::ShiftModifier);
            QCOMPARE(stopKey.count(), 1);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!engine->isActive(), 20000);
        QVERIFY(w.startAction()->isEnabled());
        QVERIFY(!w.pauseAction()->isEnabled() && !w.resumeAction()->isEnabled() &&
                !w.stopAction()->isEnabled());
    }

    void welcomeListsRecentModelsAndRuns()
    {
        const QString db = m_tmp.filePath(QStringLiteral("welcome.db"));
        {
            qat::RunStore store(db.toStdString());
            addStoredRun(store, "RTN W3 g32", "rtn", 3, 32, 0, qat::RunStatus::Completed, 9.87);
            addStoredRun(store, "DL-QAT W3 g32 r16", "dlqat", 3, 32, 16, qat::RunStatus::Completed, 5.02);
        }
        MainWindow w;
        w.setDatabase(db);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QListWidget* runs = w.welcomeView()->recentRunsList();
        QTRY_COMPARE_WITH_TIMEOUT(runs->count(), 2, 20000);
        QVERIFY2(runs->item(0)->text().contains(QStringLiteral("DL-QAT W3 g32 r16")),
                 qPrintable(runs->item(0)->text()));
        QVERIFY2(runs->item(0)->text().contains(QStringLiteral("5.02")), qPrintable(runs->item(0)->text()));
        QListWidget* models = w.welcomeView()->recentModelsList();
        QCOMPARE(models->count(), 1);
        QVERIFY(!(models->item(0)->flags() & Qt::ItemIsEnabled)); // "No model opened yet."

        const QString model = dataPath(QStringLiteral("models/stories260K"));
        if (!model.isEmpty()) {
            QSignalSpy opened(w.workbenchView()->modelPanel(), &ModelPanel::modelOpened);
            w.workbenchView()->modelPanel()->openModel(model);
            QVERIFY(opened.wait(20000));
            QTRY_VERIFY_WITH_TIMEOUT(models->count() >= 1 && (models->item(0)->flags() & Qt::ItemIsEnabled),
                                     5000);
            QCOMPARE(models->item(0)->data(Qt::UserRole).toString(), model);
            w.showView(w.welcomeView());
            screenshot(&w, QStringLiteral("welcome-recent.png"));
            opened.clear();
            QTest::mouseClick(models->viewport(), Qt::LeftButton, {},
                              models->visualItemRect(models->item(0)).center());
            QCOMPARE(w.currentView(), w.workbenchView());
            QVERIFY(opened.wait(20000));
            w.showView(w.welcomeView());
        }
        QSignalSpy charts(w.repository(), &RunRepository::chartsLoaded);
        QTest::mouseClick(runs->viewport(), Qt::LeftButton, {}, runs->visualItemRect(runs->item(0)).center());
        QTRY_COMPARE_WITH_TIMEOUT(charts.count(), 1, 20000);
        QCOMPARE(w.currentView(), w.workbenchView());
        QCOMPARE(w.workbenchView()->charts()->lossChart()->pointCount(QStringLiteral("train/loss")), 500);
    }

    // Issue 18 item 14: sizes as the CLI prints them, decimals as the language writes them.
    void sizesAndDecimalsFollowTheCliAndTheLanguage()
    {
        for (qint64 bytes : {qint64(512), qint64(1536), qint64(274'137'088), qint64(14'173'392'076)})
            QCOMPARE(formatBytes(bytes),
                     QString::fromStdString(qat::formatBytes(bytes))); // the CLI's function
        QCOMPARE(formatBytes(1536), QStringLiteral("1.5 KiB"));
        QCOMPARE(formatBytes(274'137'088), QStringLiteral("261.4 MiB"));
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QCOMPARE(formatBytes(274'137'088), QStringLiteral("261,4 MiB"));
        QCOMPARE(formatDecimal(5.0234, 2), QStringLiteral("5,02"));
        QCOMPARE(formatDecimal(12345.5, 1), QStringLiteral("12345,5"));
        QCOMPARE(formatPercent(0.0971, 2), QStringLiteral("9,71%"));
        WelcomeView welcome;
        RunRow row;
        row.info.id = 7;
        row.info.name = "DL-QAT W3";
        row.info.status = qat::RunStatus::Completed;
        row.finalPerplexity = 5.0234;
        welcome.setRecentRuns({row});
        QVERIFY2(welcome.recentRunsList()->item(0)->text().contains(QStringLiteral("5,02")),
                 qPrintable(welcome.recentRunsList()->item(0)->text()));
        QLocale::setDefault(QLocale::c());
    }

    // Issue 18 item 14: `qatbench --help` answers on a machine without a display.
    void helpWorksWithoutADisplay()
    {
        const QString gui =
            QFileInfo(QStringLiteral(QATBENCH_CLI_PATH)).dir().filePath(QStringLiteral("qatbench"));
        if (!QFileInfo::exists(gui)) QSKIP("the qatbench executable is not built");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* k : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            env.remove(QLatin1String(k));
        for (const QString& arg : {QStringLiteral("--help"), QStringLiteral("--version")}) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(gui, {arg});
            QVERIFY(p.waitForFinished(20000));
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            QCOMPARE(p.exitCode(), 0);
            const QString out = QString::fromUtf8(p.readAllStandardOutput());
            QVERIFY2(out.contains(arg == QStringLiteral("--help") ? QStringLiteral("--screenshot")
                                                                  : QStringLiteral("QATBench")),
                     qPrintable(out + QString::fromUtf8(p.readAllStandardError())));
        }
        QProcess bad;
        bad.setProcessEnvironment(env);
        bad.start(gui, {QStringLiteral("--no-such-option")});
        QVERIFY(bad.waitForFinished(20000));
        QCOMPARE(bad.exitCode(), 1);
        QVERIFY(QString::fromUtf8(bad.readAllStandardError()).contains(QStringLiteral("no-such-option")));
    }

    void opensOnWelcomeView()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.welcomeView()->isVisible());
        const auto buttons = w.welcomeView()->findChildren<QPushButton*>();
        QStringList texts;
        for (auto* b : buttons)
            texts << b->text();
        QVERIFY2(texts.contains(QStringLiteral("Open model...")), qPrintable(texts.join(',')));
        QVERIFY2(texts.contains(QStringLiteral("Run the demo")), qPrintable(texts.join(',')));
        QCOMPARE(w.workbenchView()->database(),
                 m_tmp.filePath(QStringLiteral("default.db"))); // the CLI's default
        screenshot(&w, QStringLiteral("welcome.png"));
    }

    void demoButtonRunsTheDemoThroughTheEngine()
    {
        MainWindow w;
        useFakeEngine(w, "complete");
        w.show();
        QSignalSpy finished(w.workbenchView()->engine(), &EngineClient::finished);
        for (auto* b : w.welcomeView()->findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Run the demo")) b->click();
        QCOMPARE(w.currentView(), w.workbenchView());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QVERIFY(w.workbenchView()->runControl()->statusText().contains(QLatin1String("completed")));
    }

    void modelAndFormScreenshot()
    {
        MainWindow w;
        w.show();
        w.showView(w.workbenchView());
        if (!prepareValidExperiment(w)) QSKIP("QATBENCH_TEST_DATA is not set");
        QCOMPARE(w.workbenchView()->modelPanel()->info()->config.hiddenSize, 64);
        QVERIFY(w.workbenchView()->modelPanel()->recentModels().contains(
            dataPath(QStringLiteral("models/stories260K"))));
        QTest::qWait(100);
        screenshot(&w, QStringLiteral("workbench-model.png"));
    }

    void liveRunUpdatesChartsAndProgressAndCloseAsksFirst()
    {
        auto* w = new MainWindow;
        w->setAttribute(Qt::WA_DeleteOnClose, false);
        w->setDatabase(m_tmp.filePath(QStringLiteral("live.db")));
        useFakeEngine(*w, "live");
        w->show();
        w->showView(w->workbenchView());
        if (!prepareValidExperiment(*w)) {
            delete w;
            QSKIP("QATBENCH_TEST_DATA is not set");
        }
        WorkbenchView* bench = w->workbenchView();
        EngineClient* engine = bench->engine();
        QSignalSpy progress(engine, &EngineClient::progress);
        bench->startRun();
        QVERIFY(engine->isActive());
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 700, 30000);
        engine->pause();
        QTRY_COMPARE_WITH_TIMEOUT(engine->state(), EngineClient::State::Paused, 10000);
        QVERIFY(bench->charts()->lossChart()->pointCount(QStringLiteral("train/loss")) >= 700);
        QVERIFY(bench->charts()->perplexityChart()->pointCount(QStringLiteral("eval/ppl")) >= 7);
        QVERIFY(bench->runControl()->progressBar()->value() >= 700);
        QVERIFY(!bench->form()->isEnabled()); // the experiment of a running run is not edited under it
        screenshot(w, QStringLiteral("live-run-fake-engine.png")); // docs use the real run (test_livecharts)

        // Closing during a run asks; "stop" stops the engine and the window closes once it has ended.
        int asked = 0;
        w->setCloseChoiceProvider([&asked] {
            ++asked;
            return MainWindow::CloseChoice::StopRun;
        });
        QVERIFY(!w->close());
        QCOMPARE(asked, 1);
        QVERIFY(w->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!engine->isActive(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->isVisible(), 5000);
        delete w;
    }

    void cancelledCloseKeepsTheRunGoing()
    {
        MainWindow w;
        useFakeEngine(w, "slow");
        w.show();
        w.workbenchView()->runDemo(); // any engine command will do
        QVERIFY(w.workbenchView()->isRunActive());
        w.setCloseChoiceProvider([] { return MainWindow::CloseChoice::Cancel; });
        QVERIFY(!w.close());
        QVERIFY(w.isVisible());
        QVERIFY(w.workbenchView()->isRunActive());
        w.workbenchView()->engine()->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!w.workbenchView()->isRunActive(), 20000);
    }

    void failedRunShowsItsMessagePlainly()
    {
        MainWindow w;
        useFakeEngine(w, "fail");
        w.show();
        w.showView(w.workbenchView());
        if (!prepareValidExperiment(w)) QSKIP("QATBENCH_TEST_DATA is not set");
        QSignalSpy failed(w.workbenchView()->engine(), &EngineClient::failed);
        w.workbenchView()->startRun();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        const QString text = w.workbenchView()->runControl()->failureText();
        QVERIFY2(text.contains(QLatin1String("data.train: file not found: /nope.txt")), qPrintable(text));
        QVERIFY(text.contains(QLatin1String("choose a file")));
        screenshot(&w, QStringLiteral("run-failed.png"));
    }

    void runsTableScreenshotAndOpenPastRun()
    {
        const QString db = m_tmp.filePath(QStringLiteral("runs.db"));
        {
            qat::RunStore store(db.toStdString());
            addStoredRun(store, "fp16 baseline", "rtn", 8, 0, 0, qat::RunStatus::Completed, 4.31);
            addStoredRun(store, "RTN W3 g32", "rtn", 3, 32, 0, qat::RunStatus::Completed, 9.87);
            addStoredRun(store, "DL-QAT W3 g32 r16", "dlqat", 3, 32, 16, qat::RunStatus::Completed, 5.02);
            addStoredRun(store, "DL-QAT W2 g32 r16", "dlqat", 2, 32, 16, qat::RunStatus::Completed, 7.45);
            addStoredRun(store, "DL-QAT W2 lr 1e-1", "dlqat", 2, 32, 16, qat::RunStatus::Failed, qQNaN());
        }
        MainWindow w;
        QSignalSpy loaded(w.repository(), &RunRepository::rowsLoaded);
        w.setDatabase(db);
        w.show();
        w.showView(w.runsView());
        QTRY_VERIFY_WITH_TIMEOUT(w.runsView()->model()->rowCount() == 5, 20000);
        w.runsView()->table()->selectRow(0);
        screenshot(&w, QStringLiteral("runs.png"));

        QSignalSpy charts(w.repository(), &RunRepository::chartsLoaded);
        w.runsView()->openSelected();
        QTRY_COMPARE_WITH_TIMEOUT(charts.count(), 1, 20000);
        QCOMPARE(w.currentView(), w.workbenchView());
        QCOMPARE(w.workbenchView()->charts()->lossChart()->pointCount(QStringLiteral("train/loss")), 500);
    }

    void translationsAreCompleteAndLoad()
    {
        for (const char* lang : {"de", "zh_CN"}) {
            QFile ts(
                QStringLiteral(QATBENCH_SOURCE_DIR "/translations/qatbench_%1.ts").arg(QLatin1String(lang)));
            QVERIFY(ts.open(QIODevice::ReadOnly));
            const QByteArray text = ts.readAll();
            QVERIFY(text.count("<message") > 200);
            QVERIFY2(!text.contains("type=\"unfinished\""), lang);
        }
        // The .qm files are compiled into the qatbench executable; the test loads the build's copy.
        auto* translator = new QTranslator(qApp);
        const QString qm = QStringLiteral(QT_TESTCASE_BUILDDIR "/../app/gui/qatbench_de.qm");
        if (!translator->load(qm)) QSKIP("qatbench_de.qm not built (build the qatbench target)");
        QCoreApplication::installTranslator(translator);
        {
            WelcomeView welcome;
            QStringList texts;
            for (auto* b : welcome.findChildren<QPushButton*>())
                texts << b->text();
            QVERIFY2(texts.contains(QStringLiteral("Modell öffnen...")), qPrintable(texts.join(',')));
            MainWindow w;
            w.show();
            w.showView(w.workbenchView());
            screenshot(&w, QStringLiteral("workbench-de.png"));
        }
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
};

int main(int argc, char** argv)
{
    int code = 0;
    if (qat::test::fakeEngineMain(argc, argv, code)) return code;
    QApplication app(argc, argv);
    TestMainWindow t;
    return QTest::qExec(&t, argc, argv);
}

#include "test_mainwindow.moc"

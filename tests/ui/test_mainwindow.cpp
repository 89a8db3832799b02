// The main window end to end with a fake engine (fake_engine.h): welcome view, opening a model, a valid form,
// a live run with charts and progress, a failed run's message, the runs table, closing during a run. Each
// main view is saved as a screenshot into $QATBENCH_SCREENSHOT_DIR (set by CTest).
#include "chartpanel.h"
#include "engineclient.h"
#include "experimentform.h"
#include "fake_engine.h"
#include "mainwindow.h"
#include "metricchart.h"
#include "modelpanel.h"
#include "runcontrol.h"
#include "runrepository.h"
#include "runsmodel.h"
#include "runsview.h"
#include "ui_test_support.h"
#include "welcomeview.h"
#include "workbenchview.h"

#include "qatbench/method.h"
#include "qatbench/store.h"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
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
        qputenv("QATBENCH_DB", m_tmp.filePath(QStringLiteral("default.db")).toUtf8());
        qat::registerBuiltinMethods();
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
#include "qatbench_plugins/builtin.h"

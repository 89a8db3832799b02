// The whole life of a run in the GUI (issue 18, 8 and 10), against the REAL qatbench-cli on stories260K: a
// DL-QAT run started from the form shows its whole-run progress and ETA, freezes them while paused, is
// stopped, resumed from the runs table to completion, and then its files (checkpoint, exports) are listed
// with sizes, its model is evaluated with the run's own protocol (the same perplexity as the run's final
// evaluation), generates a preview, gets its full-precision baseline, and is cloned into the form.
// Screenshots for docs/GUI.md when QATBENCH_SCREENSHOT_DIR is set.
#include "common/engineclient.h"
#include "common/metricchart.h"
#include "common/runrepository.h"
#include "common/runsmodel.h"
#include "compare/compareview.h"
#include "histograms/histogramview.h"
#include "runs/evaldialog.h"
#include "runs/runfiles.h"
#include "runs/runsview.h"
#include "shell/mainwindow.h"
#include "ui_test_support.h"
#include "workbench/chartpanel.h"
#include "workbench/experimentform.h"
#include "workbench/modelpanel.h"
#include "workbench/runcontrol.h"
#include "workbench/runprogress.h"
#include "workbench/workbenchview.h"

#include "qatbench/method.h"
#include "qatbench/store.h"
#include "qatbench_plugins/builtin.h"

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QFile>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace qat::ui;
using qat::uitest::dataPath;

class TestRunLifecycle : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

    static EngineProgress at(const char* phase, qint64 step, qint64 total, double t)
    {
        EngineProgress p;
        p.phase = QString::fromLatin1(phase);
        p.step = step;
        p.total = total;
        p.time = t;
        return p;
    }

    static void selectRun(RunsView* runs, qint64 id)
    {
        const int row = runs->model()->rowOfRun(id);
        QVERIFY(row >= 0);
        runs->table()->selectRow(runs->proxy()->mapFromSource(runs->model()->index(row, 0)).row());
        QCOMPARE(runs->selectedRunId(), id);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("QATBenchTest"));
        QCoreApplication::setApplicationName(QStringLiteral("QATBenchLifecycle"));
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           m_tmp.filePath(QStringLiteral("settings")));
        QSettings().clear();
        qat::registerBuiltinMethods();
        // The engine every dialog starts (enginePath()): the tests' executables are not next to it.
        qputenv("QATBENCH_CLI", QATBENCH_CLI_PATH);
    }

    void wholeRunEtaCountsEveryPhaseAndStopsWhilePaused()
    {
        // Calibration 4 steps of 1 s, training 6 steps of 2 s, an evaluation every 3 steps (1 s) and a final
        // one.
        RunProgress run;
        run.start(RunPlan{6, 3, true}, 0);
        run.phase(QStringLiteral("calibration"), 1);
        run.progress(at("calibration", 0, 4, 1));
        run.progress(at("calibration", 2, 4, 3));
        run.phase(QStringLiteral("training"), 5); // the last two calibration steps ended with the phase
        run.progress(at("training", 1, 6, 7));
        run.trainingMetric(3, 11);
        run.evaluation(3, 12, false);
        RunProgress::View v = run.view(12);
        QCOMPARE(v.calibrationDone, 4);
        QCOMPARE(v.trainingDone, 3);
        QCOMPARE(v.evalsDone, 1);
        QCOMPARE(v.evalsTotal, 3);
        QCOMPARE(v.etaSeconds, 8.0); // 3 training steps x 2 s + the step-6 and the final evaluation x 1 s
        QCOMPARE(v.fraction, 0.6);   // 12 s of 20
        QVERIFY(!v.etaPartial);
        QCOMPARE(run.view(13).etaSeconds, 7.0); // counts down between reports

        run.pause(12);
        v = run.view(100);
        QVERIFY(v.paused);
        QCOMPARE(v.etaSeconds, 8.0); // frozen: a paused run is not getting closer to its end
        QCOMPARE(v.elapsedSeconds, 12.0);
        run.resume(200);
        v = run.view(201);
        QCOMPARE(v.elapsedSeconds, 13.0);
        QCOMPARE(v.etaSeconds, 7.0);
        // The pause is no step's work: the next step is timed from the resume.
        run.trainingMetric(4, 202);
        QCOMPARE(run.view(202).etaSeconds, 6.0);

        // Never back, never 100 % before the end. A step that takes longer than the ones before raises the
        // ETA: the fraction holds instead of going back.
        run.trainingMetric(5, 230);
        v = run.view(230);
        QVERIFY2(v.fraction >= 0.6, qPrintable(QString::number(v.fraction)));
        // The countdown passes the estimate (the engine is slower than its ETA): work is left, below 100 %.
        v = run.view(400);
        QCOMPARE(v.etaSeconds, 0.0);
        QVERIFY2(v.fraction < 1.0 && v.fraction >= 0.6, qPrintable(QString::number(v.fraction)));
        run.finish(401);
        QCOMPARE(run.view(401).fraction, 1.0);

        // Nothing timed yet: no number is made up.
        RunProgress fresh;
        fresh.start(RunPlan{6, 3, true}, 0);
        fresh.phase(QStringLiteral("loading"), 0.5);
        QCOMPARE(fresh.view(1).etaSeconds, -1.0);
        QCOMPARE(fresh.view(1).fraction, -1.0);
        // A method without training (RTN): the plan has no training steps and no evaluations during it.
        const RunPlan rtn = planFromExperiment(
            {{"data", {{"eval", "x.txt"}}}, {"training", {{"steps", 500}, {"eval_every", 100}}}}, false);
        QCOMPARE(rtn.trainingSteps, 0);
        QCOMPARE(rtn.evalEvery, 0);
        QVERIFY(rtn.finalEvaluation);
    }

    // Issue 18 (ETA): at training step 3 of 8 the whole-run bar showed 79 % and once 100 % with an ETA of 0.
    // Two causes. The evaluations (during training and the final one) were not timed yet and were left out of
    // the ETA, while the fraction was still elapsed / (elapsed + ETA): only five short training steps seemed
    // left. And every event was timed on arrival: events the GUI read in a burst looked like steps of no
    // time. Here the event stream of the real stories260K run of realRunPausedStoppedResumedThenInspected
    // (engine times, relative): loading 0.5 s, four calibration steps, eight training steps of 15 ms, an
    // evaluation every 4 steps (two windows of 64 tokens), the final one.
    void wholeRunProgressFollowsTheTrueFractionOfTime()
    {
        const RunPlan plan = planFromExperiment({{"method", {{"name", "dlqat"}}},
                                                 {"data",
                                                  {{"eval", "eval.txt"},
                                                   {"seq_len", 32},
                                                   {"batch_size", 2},
                                                   {"eval_seq_len", 64},
                                                   {"eval_max_windows", 2}}},
                                                 {"training", {{"steps", 8}, {"eval_every", 4}}}});
        QCOMPARE(plan.trainingSteps, 8);
        QCOMPARE(plan.stepTokens, 64.0);
        QCOMPARE(plan.evalTokens, 128.0);
        struct Event
        {
            double t;
            const char* kind; // phase, calib, train, eval, final
            qint64 step;
        };
        const Event events[] = {
            {0.002, "phase:loading", 0}, {0.500, "phase:calibration", 0},
            {0.500, "calib", 0},         {0.521, "calib", 1},
            {0.538, "calib", 2},         {0.657, "calib", 3},
            {0.743, "calib", 4},         {0.744, "phase:training", 0},
            {0.758, "train", 1},         {0.772, "train", 2},
            {0.798, "train", 3},         {0.813, "train", 4},
            {0.820, "eval", 4},          {0.843, "train", 5},
            {0.858, "train", 6},         {0.881, "train", 7},
            {0.896, "train", 8},         {0.998, "eval", 8},
            {1.031, "phase:eval", 0},    {1.034, "final", 0},
        };
        const double end = 1.035;
        RunProgress run;
        run.start(plan, 0);
        double last = -1;
        for (const Event& e : events) {
            const QString kind = QString::fromLatin1(e.kind);
            if (kind.startsWith(QLatin1String("phase:")))
                run.phase(kind.mid(6), e.t);
            else if (kind == QLatin1String("calib"))
                run.progress(at("calibration", e.step, 4, e.t));
            else if (kind == QLatin1String("train"))
                run.trainingMetric(e.step, e.t);
            else
                run.evaluation(e.step, e.t, kind == QLatin1String("final"));
            const RunProgress::View v = run.view(e.t);
            if (v.fraction < 0) continue; // nothing timed yet
            QVERIFY2(
                v.fraction >= last,
                qPrintable(QStringLiteral("back from %1 to %2 at %3 s").arg(last).arg(v.fraction).arg(e.t)));
            last = v.fraction;
            if (kind == QLatin1String("final")) break;
            QVERIFY2(v.fraction < 1.0, qPrintable(QString::number(e.t)));
            // Close to the fraction of the run's time that has passed. Not closer: loading is half of this
            // run, calibration steps 3 and 4 took five times as long as steps 1 and 2, and the export after
            // step 8 (0.13 s) is work no event announces; the bar holds rather than going back.
            const double truth = e.t / end;
            QVERIFY2(
                std::abs(v.fraction - truth) <= 0.2,
                qPrintable(QStringLiteral("%1 s: shown %2, true %3").arg(e.t).arg(v.fraction).arg(truth)));
            if (kind == QLatin1String("train") && e.step == 3)
                QVERIFY2(v.etaSeconds > 0.1 && !v.etaPartial, qPrintable(QString::number(v.etaSeconds)));
        }
        run.finish(end);
        QCOMPARE(run.view(end).fraction, 1.0);
    }

    // Issue 18, item 14: the log follows new lines unless the user scrolled up to read; back at the bottom it
    // follows again.
    void logFollowsNewLinesUnlessScrolledUp()
    {
        EngineClient client;
        RunControl control(&client);
        control.resize(600, 300);
        control.show();
        QVERIFY(QTest::qWaitForWindowExposed(&control));
        QScrollBar* bar = control.logView()->verticalScrollBar();
        for (int i = 0; i < 200; ++i)
            control.appendLog(QStringLiteral("info"), QStringLiteral("line %1").arg(i));
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), bar->maximum());
        QVERIFY(control.followsLog());

        bar->setValue(bar->maximum() / 2); // the user reads an earlier line
        QVERIFY(!control.followsLog());
        const int reading = bar->value();
        for (int i = 0; i < 50; ++i)
            control.appendLog(QStringLiteral("info"), QStringLiteral("more %1").arg(i));
        QCOMPARE(bar->value(), reading);
        QVERIFY(bar->value() < bar->maximum());

        bar->setValue(bar->maximum()); // back at the bottom: following again
        QVERIFY(control.followsLog());
        control.appendLog(QStringLiteral("info"), QStringLiteral("newest"));
        QCOMPARE(bar->value(), bar->maximum());

        // Lines that arrive while the log is hidden (another view is shown) are at the bottom when it
        // returns.
        control.hide();
        for (int i = 0; i < 100; ++i)
            control.appendLog(QStringLiteral("info"), QStringLiteral("hidden %1").arg(i));
        control.show();
        QVERIFY(QTest::qWaitForWindowExposed(&control));
        QTRY_COMPARE(bar->value(), bar->maximum());
        QVERIFY(control.logView()->toPlainText().endsWith(QLatin1String("hidden 99")));
    }

    // Issue 18, item 9: the demo's methods are real runs in the window's store, drawn live under the engine's
    // metric names (calibration and training loss apart), paused and resumed with the run control's button
    // (read back from the store while paused), and afterwards in Runs, Histograms and Compare. The real
    // qatbench-cli demo, made short (--quick: small texts, 3 pretraining steps; 12 training steps);
    // $QATBENCH_DEMO_ARGS replaces those arguments (a longer demo for the docs' screenshots, e.g.
    // "--pretrain-steps 300 --qat-steps 90" with QATBENCH_DEMO_PAUSE_AT=60).
    void demoRunsAreRealRunsDrawnLivePausableAndKept()
    {
        const QString db = m_tmp.filePath(QStringLiteral("demo.db"));
        const QString wrapper = m_tmp.filePath(QStringLiteral("demo-cli.sh"));
        {
            const QString args = qEnvironmentVariableIsSet("QATBENCH_DEMO_ARGS")
                                     ? qEnvironmentVariable("QATBENCH_DEMO_ARGS")
                                     : QStringLiteral("--quick --qat-steps 12");
            QFile f(wrapper);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QStringLiteral("#!/bin/sh\nexec '%1' \"$@\" %2\n")
                        .arg(QStringLiteral(QATBENCH_CLI_PATH), args)
                        .toUtf8());
            f.close();
            QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        }
        MainWindow w;
        w.resize(1400, 900);
        w.setDatabase(db);
        w.show();
        WorkbenchView* bench = w.workbenchView();
        RunControl* control = bench->runControl();
        EngineClient* engine = bench->engine();
        engine->setProgram(wrapper);
        QSignalSpy started(engine, &EngineClient::started), finished(engine, &EngineClient::finished),
            paused(engine, &EngineClient::paused), failed(engine, &EngineClient::failed);
        std::vector<int64_t> ids;
        qint64 dlqat = -1;
        connect(engine, &EngineClient::started, this, [&](qint64 id, const QString& method) {
            ids.push_back(id);
            if (method == QLatin1String("dlqat") && dlqat < 0) dlqat = id;
        });
        bool pauseClicked = false;
        // Paused at training step 3 ($QATBENCH_DEMO_PAUSE_AT: later, for a screenshot with longer curves).
        const qint64 pauseAt = qEnvironmentVariableIntValue("QATBENCH_DEMO_PAUSE_AT") > 0
                                   ? qEnvironmentVariableIntValue("QATBENCH_DEMO_PAUSE_AT")
                                   : 3;
        connect(engine, &EngineClient::metric, this, [&](const QString& name, qint64 step) {
            if (pauseClicked || engine->runId() != dlqat || name != QLatin1String("train/loss") ||
                step < pauseAt)
                return;
            pauseClicked = true;
            control->pauseButton()->click();
        });
        w.showView(bench);
        bench->runDemo();
        QVERIFY(control->pauseButton()->isEnabled() && control->stopButton()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, 180000);
        QCOMPARE(control->pauseButton()->text(), QStringLiteral("Resume"));
        MetricChart* loss = bench->charts()->lossChart();
        QVERIFY2(loss->pointCount(QStringLiteral("train/loss")) >= 3,
                 qPrintable(QString::number(loss->pointCount(QStringLiteral("train/loss")))));
        QVERIFY(loss->pointCount(QStringLiteral("calib/loss")) >= 1); // its own series, not training's
        {
            const qat::RunStore reader(db.toStdString(), {.readOnly = true});
            QVERIFY(reader.run(dlqat)->status == qat::RunStatus::Paused);
            bool storedLoss = false; // what the chart drew is in the store: paused runs flush first
            for (const auto& series : reader.series(dlqat))
                storedLoss = storedLoss || (series.name == "train/loss" && series.lastStep >= 3);
            QVERIFY(storedLoss);
        }
        QVERIFY2(control->runProgressText().contains(QLatin1String("paused")),
                 qPrintable(control->runProgressText()));
        QTest::qWait(400); // the charts redraw on a timer
        qat::uitest::shoot(*control->parentWidget(), QStringLiteral("demo-live.png")); // charts + control
        control->pauseButton()->click();                                               // resume
        QTRY_VERIFY_WITH_TIMEOUT(!engine->isActive(), 180000);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(started.count(), 4); // RTN and DL-QAT at 3 and 2 bits
        QCOMPARE(finished.count(), 4);
        for (const auto& f : finished)
            QCOMPARE(f.at(0).toString(), QStringLiteral("completed"));
        QVERIFY(control->logView()->toPlainText().contains(QLatin1String("full precision")));

        // Runs: the four runs, completed, with their perplexity.
        RunsView* runs = w.runsView();
        QSignalSpy rows(w.repository(), &RunRepository::rowsLoaded);
        w.repository()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(rows.count() >= 1 && runs->model()->rowCount() == 4, 20000);
        for (const int64_t id : ids) {
            const RunRow* row = runs->model()->rowAt(runs->model()->rowOfRun(id));
            QVERIFY(row && row->info.status == qat::RunStatus::Completed);
            QVERIFY(std::isfinite(row->finalPerplexity) && row->finalPerplexity > 1);
            QVERIFY(QString::fromStdString(row->info.name).startsWith(QLatin1String("demo-")));
        }
        w.showView(runs);
        w.resize(1200, 420);
        QTest::qWait(50);
        qat::uitest::shoot(w, QStringLiteral("demo-runs.png"));
        w.resize(1400, 900);

        // Histograms: the DL-QAT run's magnitudes.
        HistogramView* histograms = w.histogramView();
        QSignalSpy listed(histograms, &HistogramView::runsListed),
            series(histograms, &HistogramView::seriesListed);
        histograms->reload();
        QTRY_VERIFY_WITH_TIMEOUT(listed.count() >= 1, 20000);
        histograms->setRun(dlqat);
        QTRY_VERIFY_WITH_TIMEOUT(!histograms->series().empty(), 20000);

        // Compare: the four runs load.
        CompareView* compare = w.compareView();
        QSignalSpy compared(compare, &CompareView::dataLoaded);
        compare->reload();
        compare->setSelectedRuns(ids);
        QTRY_VERIFY_WITH_TIMEOUT(compare->loadedRuns().size() == 4, 30000);
        w.showView(compare);
        QTest::qWait(100);
        qat::uitest::shoot(w, QStringLiteral("demo-compare.png"));
    }

    void realRunPausedStoppedResumedThenInspected()
    {
        if (qEnvironmentVariableIsEmpty("QATBENCH_TEST_DATA")) QSKIP("QATBENCH_TEST_DATA is not set");
        const QString model = dataPath(QStringLiteral("models/stories260K"));
        const nlohmann::json exp = {
            {"name", "lifecycle"},
            {"device", "cpu"},
            {"model", {{"path", model.toStdString()}}},
            {"data", qat::uitest::tinyStoriesData()},
            {"method",
             {{"name", "dlqat"},
              {"options", {{"bits", 3}, {"group_size", 4}, {"calib_steps", 4}, {"rank", 4}}}}},
            {"training",
             {{"steps", 8},
              {"eval_every", 4},
              {"log_every", 1},
              {"warmup_steps", 1},
              {"checkpoint_every", 2}}}};
        const QString config = m_tmp.filePath(QStringLiteral("lifecycle.json"));
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(exp.dump()));
        f.close();

        MainWindow w;
        w.resize(1400, 900);
        w.setDatabase(m_tmp.filePath(QStringLiteral("runs.db")));
        w.show();
        WorkbenchView* bench = w.workbenchView();
        RunControl* control = bench->runControl();
        EngineClient* engine = bench->engine();
        engine->setProgram(QStringLiteral(QATBENCH_CLI_PATH));
        QSignalSpy opened(bench->modelPanel(), &ModelPanel::modelOpened);
        bench->modelPanel()->openModel(model);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        QString error;
        QVERIFY2(bench->form()->loadFile(config, &error), qPrintable(error));
        bench->form()->validateNow();
        QVERIFY(bench->form()->isValid());

        // Pause in training: the whole run's bar and ETA stand still while paused.
        QSignalSpy finished(engine, &EngineClient::finished);
        QSignalSpy paused(engine, &EngineClient::paused);
        bool pauseSent = false;
        int runBarInTraining = -1;
        connect(engine, &EngineClient::metric, this, [&](const QString& name, qint64 step) {
            if (name != QLatin1String("train/loss") || step != 3 || pauseSent) return;
            pauseSent = true;
            runBarInTraining = control->runProgressBar()->value();
            engine->pause();
        });
        // The whole-run bar after every event (RunControl has handled it), with the time it was read.
        struct Sample
        {
            double t;
            int bar;
        };
        std::vector<Sample> samples;
        double runStart = 0;
        const auto clock = [] { return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0; };
        const auto sample = [&] { samples.push_back({clock(), control->runProgressBar()->value()}); };
        connect(engine, &EngineClient::progress, this, sample);
        connect(engine, &EngineClient::metric, this, sample);
        connect(engine, &EngineClient::started, this, [&] {
            samples.clear();
            runStart = clock();
        });
        const auto monotone = [&samples] {
            for (size_t i = 1; i < samples.size(); ++i)
                if (samples[i].bar < samples[i - 1].bar) return false;
            return true;
        };
        w.showView(bench);
        bench->startRun();
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, 90000);
        // The whole-run bar moves during training, never back, and is not full with five of eight training
        // steps, two evaluations and the final one to go (it showed 100 % here before the fix).
        QVERIFY2(runBarInTraining > 0 && runBarInTraining <= 990,
                 qPrintable(QString::number(runBarInTraining)));
        QVERIFY(monotone());
        const QString frozen = control->runProgressText();
        QVERIFY2(frozen.contains(QLatin1String("paused")) &&
                     frozen.contains(QLatin1String("calibration 4/4")),
                 qPrintable(frozen));
        const int barWhenPaused = control->runProgressBar()->value();
        QTest::qWait(2200); // the ETA ticks every second while running
        QCOMPARE(control->runProgressText(), frozen);
        QCOMPARE(control->runProgressBar()->value(), barWhenPaused);
        qat::uitest::shoot(*control, QStringLiteral("run-progress-paused.png"));

        engine->stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("cancelled"));
        QTRY_VERIFY_WITH_TIMEOUT(!engine->isActive(), 30000); // "finished" comes before the process exits
        const qint64 runId = engine->runId();

        // Resume from the runs table: the same run continues live in the Experiment view and completes.
        RunsView* runs = w.runsView();
        QSignalSpy rows(w.repository(), &RunRepository::rowsLoaded);
        w.repository()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(rows.count() >= 1 && runs->model()->rowOfRun(runId) >= 0, 20000);
        w.showView(runs);
        selectRun(runs, runId);
        QSignalSpy started(engine, &EngineClient::started);
        runs->resumeSelected();
        QCOMPARE(w.currentView(), bench);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
        QCOMPARE(started.at(0).at(0).toLongLong(), runId);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 90000);
        QCOMPARE(finished.at(1).at(0).toString(), QStringLiteral("completed"));
        // The resumed run's bar: never back and below 100 % until it ended. How near it is to the fraction of
        // the run's time depends on the machine's load (the export at the end is announced by no event): that
        // is checked on the recorded event stream (wholeRunProgressFollowsTheTrueFractionOfTime); here it is
        // only shown.
        const double runEnd = clock();
        QVERIFY(!samples.empty());
        QVERIFY(monotone());
        QString trace;
        for (const Sample& sm : samples) {
            const double truth = (sm.t - runStart) / (runEnd - runStart);
            trace += QStringLiteral(" %1/%2").arg(sm.bar / 10.0, 0, 'f', 0).arg(truth * 100, 0, 'f', 0);
            QVERIFY2(sm.bar < 1000, qPrintable(trace));
        }
        qInfo("whole-run bar / true %% of the resumed run's time:%s", qPrintable(trace));
        QCOMPARE(control->runProgressBar()->value(), 1000);
        QVERIFY2(control->runProgressText().contains(QLatin1String("training 8/8")),
                 qPrintable(control->runProgressText()));

        rows.clear();
        w.repository()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(rows.count() >= 1, 20000);
        selectRun(runs, runId);
        const RunRow* row = runs->model()->rowAt(runs->model()->rowOfRun(runId));
        QVERIFY(row && row->info.status == qat::RunStatus::Completed);
        const double runPpl = row->finalPerplexity;
        QVERIFY(std::isfinite(runPpl));

        // Its files, with sizes.
        RunFilesDialog* files = runs->showFilesSelected();
        QVERIFY(files);
        QStringList names;
        for (int i = 0; i < files->tree()->topLevelItemCount(); ++i) {
            const QTreeWidgetItem* item = files->tree()->topLevelItem(i);
            names << item->text(0);
            QVERIFY(item->data(1, Qt::UserRole).toLongLong() > 0 ||
                    item->text(0).endsWith(QLatin1String(".json")));
        }
        QVERIFY2(names.contains(QStringLiteral("checkpoint.pt")), qPrintable(names.join(QLatin1Char(','))));
        QVERIFY(names.contains(QStringLiteral("export/quantized.safetensors")));
        QVERIFY(names.contains(QStringLiteral("export/hf/model.safetensors")));
        QVERIFY2(files->summary().startsWith(QStringLiteral("%1 file(s), ").arg(names.size())),
                 qPrintable(files->summary()));
        qat::uitest::shoot(*files, QStringLiteral("run-files.png"));
        files->close();

        // Its model on its own text and protocol gives its own final perplexity; then a generation preview.
        EvalDialog* eval = runs->evaluateSelected();
        QVERIFY(eval);
        eval->setProgram(QStringLiteral(QATBENCH_CLI_PATH));
        QSignalSpy evaluated(eval, &EvalDialog::evaluated);
        eval->evaluate();
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.count(), 1, 60000);
        QVERIFY2(std::abs(eval->lastPerplexity() - runPpl) < 1e-3 * runPpl, qPrintable(eval->resultText()));
        QVERIFY(eval->command().contains(QLatin1String("export/hf")));
        QSignalSpy generated(eval, &EvalDialog::generated);
        eval->generate();
        QTRY_COMPARE_WITH_TIMEOUT(generated.count(), 1, 60000);
        QVERIFY2(eval->generatedText().startsWith(QLatin1String("Once upon a time")),
                 qPrintable(eval->generatedText()));
        QVERIFY(eval->generatedText().size() > QStringLiteral("Once upon a time").size() + 10);
        qat::uitest::shoot(*eval, QStringLiteral("run-evaluate.png"));
        eval->close();

        // The full-precision baseline: the original model, same text and protocol, next to the run's number.
        EvalDialog* baseline = runs->baselineSelected();
        QVERIFY(baseline);
        QSignalSpy baselineDone(baseline, &EvalDialog::evaluated);
        QTRY_COMPARE_WITH_TIMEOUT(baselineDone.count(), 1, 60000);
        QVERIFY(std::isfinite(baseline->lastPerplexity()));
        QVERIFY(baseline->command().contains(model));
        QVERIFY(baseline->command().contains(QLatin1String("--max-windows 2")));
        QVERIFY2(baseline->resultText().contains(QLatin1String("quantized")),
                 qPrintable(baseline->resultText()));
        baseline->close();

        // Clone: the run's experiment in the form, as a new experiment.
        runs->cloneSelected();
        QCOMPARE(w.currentView(), bench);
        const nlohmann::json cloned = bench->form()->experiment();
        QCOMPARE(cloned.value("name", std::string()), std::string("lifecycle (clone)"));
        QCOMPARE(cloned["method"]["options"]["bits"].get<int>(), 3);
        QCOMPARE(cloned["training"]["steps"].get<int>(), 8);
    }
};

QTEST_MAIN(TestRunLifecycle)
#include "test_runlifecycle.moc"

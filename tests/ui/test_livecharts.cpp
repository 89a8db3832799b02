// The live charts against the REAL engine (issue 18): a short DL-QAT run of stories260K (4 calibration steps,
// 6 training steps, an evaluation every 3 steps, log_every 1) started through the workbench's own
// EngineClient. The charts must hold calibration and training loss as two complete series, one learning-rate
// series per parameter group and phase, and the evaluations made during training before the run ends; the
// same run reopened from the store must show the same series; the CSV export keeps both phases. Screenshots
// for docs/GUI.md when QATBENCH_SCREENSHOT_DIR is set.
#include "common/engineclient.h"
#include "common/metricchart.h"
#include "common/qcp.h"
#include "common/runcolors.h"
#include "common/runrepository.h"
#include "ui_test_support.h"
#include "workbench/chartpanel.h"
#include "workbench/experimentform.h"
#include "workbench/modelpanel.h"
#include "workbench/workbenchview.h"

#include "qatbench/method.h"
#include "qatbench_plugins/builtin.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace qat::ui;

namespace {

using qat::uitest::dataPath;

void screenshot(QWidget& w, const QString& name)
{
    const QString dir = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
    if (dir.isEmpty() || !QDir().mkpath(dir)) return;
    QVERIFY(w.grab().save(dir + QLatin1Char('/') + name));
}

struct Snapshot
{
    QStringList loss, lr;
    QMap<QString, qsizetype> counts;
};

Snapshot snapshot(ChartPanel* p)
{
    Snapshot s;
    s.loss = p->lossChart()->seriesNames();
    s.lr = p->learningRateChart()->seriesNames();
    for (const QString& n : s.loss)
        s.counts[n] = p->lossChart()->pointCount(n);
    for (const QString& n : s.lr)
        s.counts[n] = p->learningRateChart()->pointCount(n);
    s.counts[QStringLiteral("eval/ppl")] = p->perplexityChart()->pointCount(QStringLiteral("eval/ppl"));
    return s;
}

} // namespace

class TestLiveCharts : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        qat::registerBuiltinMethods();
        RunColors::instance().setPersistent(false);
        QVERIFY(m_dir.isValid());
    }

    void realDlqatRunShowsEveryPhaseGroupAndEvaluation()
    {
        if (qEnvironmentVariableIsEmpty("QATBENCH_TEST_DATA")) QSKIP("QATBENCH_TEST_DATA is not set");
        const nlohmann::json exp = {
            {"name", "live-charts"},
            {"device", "cpu"},
            {"model", {{"path", dataPath(QStringLiteral("models/stories260K")).toStdString()}}},
            {"data", qat::uitest::tinyStoriesData()},
            {"method",
             {{"name", "dlqat"},
              {"options", {{"bits", 3}, {"group_size", 4}, {"calib_steps", 4}, {"rank", 4}}}}},
            {"training", {{"steps", 6}, {"eval_every", 3}, {"log_every", 1}, {"warmup_steps", 1}}}};
        const QString config = m_dir.filePath(QStringLiteral("live.json"));
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(exp.dump()));
        f.close();
        const QString db = m_dir.filePath(QStringLiteral("runs.db"));

        WorkbenchView bench;
        bench.resize(1400, 850);
        bench.show();
        ChartPanel* charts = bench.charts();
        EngineClient* engine = bench.engine();
        // The form shows the experiment the engine runs (for the screenshots).
        QSignalSpy opened(bench.modelPanel(), &ModelPanel::modelOpened);
        bench.modelPanel()->openModel(dataPath(QStringLiteral("models/stories260K")));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        QString error;
        QVERIFY2(bench.form()->loadFile(config, &error), qPrintable(error));
        engine->setProgram(QStringLiteral(QATBENCH_CLI_PATH));
        // Before the final evaluation starts, the evaluations made during training are already on the chart.
        qsizetype pplBeforeEnd = -1, calibWhenTraining = -1;
        connect(engine, &EngineClient::phaseChanged, this, [&](const QString& phase) {
            if (phase == QLatin1String("eval"))
                pplBeforeEnd = charts->perplexityChart()->pointCount(QStringLiteral("eval/ppl"));
            if (phase == QLatin1String("training"))
                calibWhenTraining = charts->lossChart()->pointCount(QStringLiteral("calib/loss"));
        });
        // A screenshot in the middle of training: the first evaluation is on the chart already.
        bool shotDuring = false;
        connect(engine, &EngineClient::metric, this, [&](const QString& name, qint64 step) {
            if (shotDuring || name != QLatin1String("train/loss") || step != 5) return;
            shotDuring = true;
            for (MetricChart* c :
                 {charts->lossChart(), charts->perplexityChart(), charts->learningRateChart()})
                c->drawNow();
            QCOMPARE(charts->perplexityChart()->pointCount(QStringLiteral("eval/ppl")), 1);
            screenshot(*charts, QStringLiteral("live-charts-dlqat-during.png"));
        });
        QSignalSpy finished(engine, &EngineClient::finished);
        QSignalSpy started(engine, &EngineClient::started);
        engine->startRun(config, db);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QCOMPARE(finished.first().first().toString(), QStringLiteral("completed"));

        QVERIFY(shotDuring);
        QCOMPARE(calibWhenTraining, 4);
        QCOMPARE(pplBeforeEnd, 2); // steps 3 and 6, as they happened
        const Snapshot live = snapshot(charts);
        QCOMPARE(live.loss, (QStringList{QStringLiteral("calib/loss"), QStringLiteral("train/loss")}));
        QCOMPARE(live.counts.value(QStringLiteral("calib/loss")), 4);
        QCOMPARE(live.counts.value(QStringLiteral("train/loss")), 6);
        QCOMPARE(live.lr,
                 (QStringList{QStringLiteral("calib/lr{group=scale}"), QStringLiteral("calib/lr{group=zero}"),
                              QStringLiteral("train/lr{group=m}"), QStringLiteral("train/lr{group=lora}")}));
        QCOMPARE(live.counts.value(QStringLiteral("calib/lr{group=scale}")), 4);
        QCOMPARE(live.counts.value(QStringLiteral("train/lr{group=lora}")), 6);
        // DL-QAT's rates differ by group: m twice LoRA's here; the lines are distinct.
        const MetricSeries* m = charts->learningRateChart()->series(QStringLiteral("train/lr{group=m}"));
        const MetricSeries* lora =
            charts->learningRateChart()->series(QStringLiteral("train/lr{group=lora}"));
        QVERIFY(m->values().first() > 1.5 * lora->values().first());
        // The final evaluation is the last point; the steps are the evaluation steps.
        const MetricSeries* ppl = charts->perplexityChart()->series(QStringLiteral("eval/ppl"));
        QCOMPARE(ppl->steps(), (QVector<double>{3, 6}));
        QVERIFY(ppl->values().first() > 1 && ppl->values().first() < 1000);
        // The points are inside the frame.
        for (MetricChart* c : {charts->lossChart(), charts->perplexityChart(), charts->learningRateChart()})
            c->drawNow();
        const QCPRange x = charts->perplexityChart()->plot()->xAxis->range();
        QVERIFY(x.lower < 3 && x.upper > 6);
        screenshot(bench, QStringLiteral("live-run-dlqat.png"));
        screenshot(*charts, QStringLiteral("live-charts-dlqat.png"));

        // CSV export: both phases.
        const QString csv = m_dir.filePath(QStringLiteral("charts.csv"));
        QVERIFY(charts->exportCsv(csv));
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString text = QString::fromUtf8(c.readAll());
        QCOMPARE(text.count(QLatin1String("\ncalib/loss,")), 4);
        QCOMPARE(text.count(QLatin1String("\ntrain/loss,")), 6);
        QCOMPARE(text.count(QLatin1String("\ntrain/lr{group=m},")), 6);
        QCOMPARE(text.count(QLatin1String("\neval/ppl,")), 2);

        // Reopened from the store: the same series with the same points.
        QTRY_VERIFY_WITH_TIMEOUT(!engine->isActive(), 30000);
        const RunChartData data =
            RunRepository::readCharts(db.toStdString(), started.first().first().toLongLong());
        bench.showPastRun(data);
        const Snapshot reopened = snapshot(charts);
        QStringList liveAll = live.loss + live.lr, reopenedAll = reopened.loss + reopened.lr;
        liveAll.sort();
        reopenedAll.sort();
        QCOMPARE(reopenedAll, liveAll);
        QCOMPARE(reopened.counts, live.counts);
    }
};

QTEST_MAIN(TestLiveCharts)
#include "test_livecharts.moc"

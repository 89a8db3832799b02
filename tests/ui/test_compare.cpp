// The Compare view: metric at a chosen step (nearest point at or before), final and best, the config diff,
// grouping over seeds with mean and min-max / std / SEM band, labels of the differing parameters, smoothing
// (the live charts' EMA), the values under the crosshair, the scatter of a final metric against a parameter,
// the runs table's filter, the three x axes, the view on a store with known runs, and (issue 18 item 12) the
// view on real qatbench-cli runs of stories260K: two DL-QAT seeds, RTN W3 and W2 as reference lines, one run
// followed live while the engine writes it.
#include "common/metricseries.h"
#include "common/plotexport.h"
#include "common/qcp.h"
#include "common/runcolors.h"
#include "compare/comparechart.h"
#include "compare/comparedata.h"
#include "compare/comparemodels.h"
#include "compare/compareview.h"
#include "ui_test_support.h"

#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace qat;
using namespace qat::ui;

namespace {

using qat::uitest::shoot;

ScalarPoint pt(qint64 step, double value, double wall = 0)
{
    ScalarPoint p;
    p.step = step;
    p.value = p.min = p.max = value;
    p.wallTime = wall;
    return p;
}

CompareRun makeRun(qint64 id, int bits, int seed, double offset)
{
    CompareRun r;
    r.info.id = id;
    r.info.name = "r" + std::to_string(id);
    r.info.started = 1000.0 * double(id);
    r.params = {{"method.options.bits", std::to_string(bits), double(bits)},
                {"seed", std::to_string(seed), double(seed)},
                {"training.lr", "0.001", 0.001}};
    for (int s = 0; s <= 100; s += 10)
        r.series["train/loss"].append(pt(s, 5.0 - s / 50.0 + offset, r.info.started + s));
    return r;
}

// Four runs: two seeds at 3 bits, two seeds at 4 bits.
std::string writeStore(const QString& dir)
{
    const std::string db = (dir + QStringLiteral("/runs.db")).toStdString();
    RunStore store(db);
    for (int i = 0; i < 4; ++i) {
        const int bits = i < 2 ? 3 : 4;
        NewRun nr;
        nr.experiment = "compare-test";
        nr.name = "w" + std::to_string(bits) + " seed " + std::to_string(i % 2);
        nr.method = "dlqat";
        nr.config = R"({"method":{"id":"dlqat","options":{"bits":)" + std::to_string(bits) +
                    R"(,"group_size":32}},"seed":)" + std::to_string(i % 2) + "}";
        const int64_t id = store.createRun(nr);
        store.setStatus(id, RunStatus::Running);
        {
            RunWriter w(store, id);
            for (int s = 0; s <= 200; s += 20)
                w.scalar("train/loss", s, 4.0 - 0.005 * s + 0.5 * (bits == 3) + 0.1 * (i % 2), {},
                         1.7e9 + 10.0 * s + i);
            EvalResult e;
            e.step = 200;
            e.metric = "ppl";
            e.dataset = "valid.txt";
            e.value = 20.0 + 5 * (bits == 3) + i % 2;
            e.wallTime = 1.7e9 + 2001;
            w.eval(e);
        }
        store.setStatus(id, RunStatus::Completed);
    }
    return db;
}

// A short stories260K experiment for qatbench-cli (issue 18: tests drive the real engine).
QString writeExperiment(const QString& dir, const QString& name, const QString& method, int bits, int seed,
                        int steps)
{
    using qat::uitest::dataPath;
    const QString model = dataPath(QStringLiteral("models/stories260K"));
    const QString train = dataPath(QStringLiteral("data/tinystories/TinyStories-train-head.txt"));
    const QString eval = dataPath(QStringLiteral("data/tinystories/TinyStories-validation-head.txt"));
    QString options = QStringLiteral(R"("bits":%1,"group_size":4)").arg(bits);
    if (method == QLatin1String("dlqat")) options += QStringLiteral(R"(,"calib_steps":3,"rank":4)");
    const QString json =
        QStringLiteral(R"({"name":"%1","device":"cpu","seed":%2,"model":{"path":"%3"},)"
                       R"("data":{"train":"%4","eval":"%5","seq_len":32,"batch_size":2,"eval_seq_len":64,)"
                       R"("eval_max_windows":2},"method":{"name":"%6","options":{%7}},)"
                       R"("training":{"steps":%8,"eval_every":4,"log_every":1,"warmup_steps":1,)"
                       R"("histogram_every":1000,"checkpoint_every":1000}})")
            .arg(name)
            .arg(seed)
            .arg(model, train, eval, method, options)
            .arg(steps);
    const QString file = dir + QLatin1Char('/') + name + QStringLiteral(".json");
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly)) return {};
    f.write(json.toUtf8());
    return file;
}

QStringList runArgs(const QString& config, const QString& db)
{
    return {QStringLiteral("run"), QStringLiteral("--config"), config, QStringLiteral("--db"), db};
}

bool runCli(const QString& config, const QString& db)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(QATBENCH_CLI_PATH), runArgs(config, db));
    if (!p.waitForFinished(120000) || p.exitCode() != 0) {
        qWarning().noquote() << p.readAll();
        return false;
    }
    return true;
}

const CompareRun* loadedRun(const CompareView& view, int64_t id)
{
    for (const CompareRun& r : view.loadedRuns())
        if (r.info.id == id) return &r;
    return nullptr;
}

} // namespace

class TestCompare : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { RunColors::instance().setPersistent(false); }

    void valueAtStepIsTheNearestPointAtOrBefore()
    {
        const QVector<ScalarPoint> pts{pt(0, 5), pt(10, 4), pt(20, 3)};
        QVERIFY(!valueAtStep({}, 5));
        QVERIFY(!valueAtStep(QVector<ScalarPoint>{pt(3, 1)}, 2));
        QCOMPARE(valueAtStep(pts, 0)->value, 5.0);
        QCOMPARE(valueAtStep(pts, 9)->step, 0);
        QCOMPARE(valueAtStep(pts, 10)->value, 4.0);
        QCOMPARE(valueAtStep(pts, 19)->value, 4.0);
        QCOMPARE(valueAtStep(pts, 1000)->value, 3.0);
    }

    void summaryHasFinalAndBest()
    {
        const QVector<ScalarPoint> pts{pt(0, 5), pt(10, 2), pt(20, qQNaN()), pt(30, 3)};
        const MetricSummary lower = summarize(pts, 15, MetricGoal::Lower);
        QCOMPARE(lower.atStep->step, 10);
        QCOMPARE(lower.last->step, 30);
        QCOMPARE(lower.best->value, 2.0); // the NaN is never best
        const MetricSummary higher = summarize(pts, 15, MetricGoal::Higher);
        QCOMPARE(higher.best->value, 5.0);
        QVERIFY(!summarize(pts, 15, MetricGoal::None).best); // lr, grad_norm: no best
        // The GUI asks core (the CLI's rule, pinned in tests/core/test_cli_runs.cpp).
        QCOMPARE(goalOf(QStringLiteral("eval/ppl")), MetricGoal::Lower);
        QCOMPARE(goalOf(QStringLiteral("eval/accuracy")), MetricGoal::Higher);
        QCOMPARE(goalOf(QStringLiteral("train/lr[group=m]")), MetricGoal::None);
    }

    void configDiffFlagsDifferingParameters()
    {
        std::vector<CompareRun> runs{makeRun(1, 3, 1, 0), makeRun(2, 4, 1, 0)};
        runs[1].params.push_back({"training.extra", "1", 1.0});
        const auto rows = configDiff(runs);
        QCOMPARE(rows.size(), size_t(4));
        QMap<QString, bool> differs;
        for (const DiffRow& r : rows)
            differs[r.key] = r.differs;
        QVERIFY(differs["method.options.bits"]);
        QVERIFY(!differs["seed"]);
        QVERIFY(!differs["training.lr"]);
        QVERIFY(differs["training.extra"]); // present in one run only
        ConfigDiffModel model;
        model.setRuns(runs);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), 3);
        model.setOnlyDifferences(true);
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(model.index(0, 0).data(ConfigDiffModel::DiffersRole).toBool());
        QVERIFY(model.index(0, 0).data(Qt::BackgroundRole).isValid());
    }

    void groupingIgnoresTheSeed()
    {
        const std::vector<CompareRun> runs{makeRun(1, 3, 1, 0.0), makeRun(2, 4, 1, 0.0),
                                           makeRun(3, 3, 2, 0.2), makeRun(4, 3, 3, 0.4)};
        const auto groups = groupRuns(runs);
        QCOMPARE(groups.size(), size_t(2));
        QCOMPARE(groups[0].members, (std::vector<int>{0, 2, 3}));
        QCOMPARE(groups[1].members, (std::vector<int>{1}));
        QVERIFY2(groups[0].label.startsWith(QStringLiteral("bits=3")), qPrintable(groups[0].label));
        QVERIFY(!groups[0].label.contains(QStringLiteral("seed")));

        const BandCurve band = groupBand(runs, groups[0], QStringLiteral("train/loss"), CompareAxis::Step);
        QCOMPARE(band.x.size(), 11);
        QCOMPARE(band.x[5], 50.0);
        QCOMPARE(band.mean[5], 4.0 + 0.2);
        QCOMPARE(band.min[5], 4.0);
        QCOMPARE(band.max[5], 4.0 + 0.4);
        QCOMPARE(band.n[5], 3);
    }

    void groupBandStopsWhereAShortRunEnds()
    {
        std::vector<CompareRun> runs{makeRun(1, 3, 1, 0.0), makeRun(2, 3, 2, 1.0)};
        runs[1].series["train/loss"].resize(3); // steps 0, 10, 20
        const auto groups = groupRuns(runs);
        const BandCurve band = groupBand(runs, groups[0], QStringLiteral("train/loss"), CompareAxis::Step);
        QCOMPARE(band.n[2], 2);
        QCOMPARE(band.n[3], 1);
        QCOMPARE(band.mean[3], 5.0 - 30 / 50.0);
    }

    void smoothingIsTheLiveChartsEma()
    {
        QVector<ScalarPoint> pts;
        MetricSeries live;
        live.setSmoothing(0.6);
        for (int s = 0; s < 20; ++s) {
            const double v = (s % 2 ? 3.0 : 1.0) + 0.1 * s;
            pts.append(pt(s, v));
            live.append(s, 0, v);
        }
        const QVector<ScalarPoint> sm = smoothed(pts, 0.6);
        QCOMPARE(sm.size(), pts.size());
        for (int i = 0; i < 20; ++i)
            QCOMPARE(sm[i].value, live.smoothedValues()[i]);
        QCOMPARE(sm[0].value, 1.0); // debiased: the first point is itself, not 0.4 of it
        QCOMPARE(smoothed(pts, 0)[5].value, pts[5].value);
    }

    void bandIsMinMaxStdOrSem()
    {
        std::vector<CompareRun> runs{makeRun(1, 3, 1, 0.0), makeRun(2, 3, 2, 0.2), makeRun(3, 3, 3, 0.4)};
        const auto groups = groupRuns(runs);
        QCOMPARE(groups.size(), size_t(1));
        const BandCurve b = groupBand(runs, groups[0], QStringLiteral("train/loss"), CompareAxis::Step);
        const double mean = 5.0 + 0.2, sd = std::sqrt((0.04 + 0 + 0.04) / 3.0);
        QCOMPARE(b.mean[0], mean);
        QVERIFY(std::fabs(b.std[0] - sd) < 1e-9);
        QCOMPARE(bandLow(b, BandKind::MinMax, 0), 5.0);
        QCOMPARE(bandHigh(b, BandKind::MinMax, 0), 5.4);
        QVERIFY(std::fabs(bandHigh(b, BandKind::StdDev, 0) - (mean + sd)) < 1e-9);
        QVERIFY(std::fabs(bandLow(b, BandKind::StdErr, 0) - (mean - sd / std::sqrt(3.0))) < 1e-9);
    }

    void groupLabelsShowOnlyTheDifferingParametersShort()
    {
        std::vector<CompareRun> runs{makeRun(1, 3, 1, 0), makeRun(2, 3, 2, 0), makeRun(3, 2, 1, 0)};
        for (CompareRun& r : runs) // long paths and equal options must not reach the label
            r.params.push_back({"data.train", "\"/very/long/path/to/TinyStories-train-head.txt\"", {}});
        runs[2].params.push_back({"method.options.group_size", "32", 32.0});
        const auto groups = groupRuns(runs);
        QCOMPARE(groups.size(), size_t(2));
        QCOMPARE(groups[0].label, QStringLiteral("bits=3 (n=2)"));
        QCOMPARE(groups[1].label, QStringLiteral("bits=2, g=32 (n=1)"));
        QVERIFY2(groups[1].tooltip.contains(QStringLiteral("method.options.group_size = 32")),
                 qPrintable(groups[1].tooltip));
        QVERIFY(groups[0].tooltip.contains(QStringLiteral("r1, r2")));
    }

    void crosshairValuesAreEachCurvesPointAtOrBefore()
    {
        DrawnCurve a{QStringLiteral("a"), {}, Qt::red, {0, 10, 20}, {5, 4, 3}, {0, 10, 20}, false};
        DrawnCurve late{QStringLiteral("late"), {}, Qt::blue, {15, 25}, {9, 8}, {15, 25}, false};
        DrawnCurve ref{QStringLiteral("rtn"), {}, Qt::gray, {0}, {7}, {0}, true};
        auto v = valuesAt({a, late, ref}, 12);
        QCOMPARE(v.size(), size_t(2)); // "late" has not started at 12
        QCOMPARE(v[0].value, 4.0);
        QCOMPARE(v[0].step, 10);
        QCOMPARE(v[1].value, 7.0); // a reference line has its value everywhere
        v = valuesAt({a, late, ref}, 100);
        QCOMPARE(v[1].value, 8.0);
    }

    void scatterHasOnePointPerRunAndCategoriesForText()
    {
        std::vector<CompareRun> runs{makeRun(1, 3, 1, 0.0), makeRun(2, 4, 1, 1.0), makeRun(3, 2, 1, 2.0)};
        QStringList categories;
        auto pts = scatterPoints(runs, QStringLiteral("train/loss"), QStringLiteral("method.options.bits"),
                                 &categories);
        QCOMPARE(pts.size(), size_t(3));
        QVERIFY(categories.isEmpty());
        QCOMPARE(pts[1].x, 4.0);
        QCOMPARE(pts[1].y, 3.0 + 1.0); // the last value
        runs[0].params.push_back({"method.name", "\"dlqat\"", {}});
        runs[1].params.push_back({"method.name", "\"rtn\"", {}});
        pts = scatterPoints(runs, QStringLiteral("train/loss"), QStringLiteral("method.name"), &categories);
        QCOMPARE(pts.size(), size_t(2)); // run 3 lacks the parameter
        QCOMPARE(categories, (QStringList{QStringLiteral("dlqat"), QStringLiteral("rtn")}));
        QCOMPARE(pts[1].x, 1.0);
        QVERIFY(scatterParams(runs).contains(QStringLiteral("method.options.bits")));
        QVERIFY(!scatterParams(runs).contains(QStringLiteral("seed")));
    }

    void runsFilterMatchesParametersByShortOrFullKey()
    {
        RunSummary s;
        s.run.name = "w2 seed 1";
        s.run.method = "dlqat";
        s.run.status = RunStatus::Completed;
        s.params = {{"method.name", "\"dlqat\"", {}},
                    {"method.options.bits", "2", 2.0},
                    {"method.options.group_size", "32", 32.0},
                    {"method.options.lr_m", "0.001", 0.001}};
        QVERIFY(CompareRunsFilter::accepts(s, QStringLiteral("bits=2")));
        QVERIFY(!CompareRunsFilter::accepts(s, QStringLiteral("bits=3")));
        QVERIFY(CompareRunsFilter::accepts(s, QStringLiteral("bits=2 g=32 method=dlqat")));
        QVERIFY(!CompareRunsFilter::accepts(s, QStringLiteral("bits=2 method=rtn")));
        QVERIFY(CompareRunsFilter::accepts(s, QStringLiteral("method.options.bits=2")));
        QVERIFY(CompareRunsFilter::accepts(s, QStringLiteral("lr_m=1e-3"))); // numbers by value
        QVERIFY(CompareRunsFilter::accepts(s, QStringLiteral("g!=64")));
        QVERIFY(!CompareRunsFilter::accepts(s, QStringLiteral("rank=4"))); // a missing parameter
        QVERIFY(CompareRunsFilter::accepts(s, QStringLiteral("seed completed")));
        QVERIFY(!CompareRunsFilter::accepts(s, QStringLiteral("seed running")));
    }

    void axesGiveStepWallOrRelativeTime()
    {
        const ScalarPoint p = pt(40, 1.0, 1040.0);
        QCOMPARE(xOf(p, CompareAxis::Step, 1000.0), 40.0);
        QCOMPARE(xOf(p, CompareAxis::WallTime, 1000.0), 1040.0);
        QCOMPARE(xOf(p, CompareAxis::RelativeTime, 1000.0), 40.0);
    }

    void metricsModelShowsValueAtStepFinalAndBest()
    {
        const std::vector<CompareRun> runs{makeRun(1, 3, 1, 0.0), makeRun(2, 4, 1, 1.0)};
        CompareMetricsModel model;
        model.setRuns(runs, QStringLiteral("train/loss"), 35);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, CompareMetricsModel::AtStepStep).data().toLongLong(), 30);
        QCOMPARE(model.index(0, CompareMetricsModel::AtStep).data().toString(), QStringLiteral("4.4"));
        QCOMPARE(model.index(1, CompareMetricsModel::Final).data().toString(), QStringLiteral("4"));
        QCOMPARE(model.index(1, CompareMetricsModel::Best).data().toString(), QStringLiteral("4"));
        QCOMPARE(model.index(1, CompareMetricsModel::BestStep).data().toLongLong(), 100);
        const CsvTable csv = model.csv();
        QCOMPARE(csv.rows.size(), 2);
        QCOMPARE(csv.rows[0][4], QStringLiteral("30"));
    }

    // Regression: a store that cannot be opened made the view's destructor rethrow the worker's exception.
    void aMissingStoreIsReportedAndTheViewClosesCleanly()
    {
        QTemporaryDir tmp;
        auto* view = new CompareView;
        QSignalSpy failed(view, &CompareView::errorOccurred);
        view->setDatabase(tmp.filePath(QStringLiteral("no/such/dir/runs.db")));
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        view->setSelectedRuns({1});
        delete view; // waits for its workers; must not throw
    }

    void viewComparesRunsFromAStore()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const std::string db = writeStore(tmp.path());
        const auto loaded = loadCompareRuns(db, {1, 2, 3, 4});
        QCOMPARE(loaded.size(), size_t(4));
        QCOMPARE(loaded[0].series.value(QStringLiteral("train/loss")).size(), 11);
        QCOMPARE(loaded[0].series.value(QStringLiteral("eval/ppl")).size(), 1); // from the eval results

        CompareView view;
        view.resize(1100, 720);
        QSignalSpy listed(&view, &CompareView::runsListed);
        view.setDatabase(QString::fromStdString(db));
        QVERIFY(listed.wait(10000));
        QCOMPARE(view.runsModel()->rowCount(), 4);
        QSignalSpy loadedSpy(&view, &CompareView::dataLoaded);
        view.setSelectedRuns({1, 2, 3, 4});
        QVERIFY(loadedSpy.wait(10000));
        QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 10000);
        QCOMPARE(view.loadedRuns().size(), size_t(4));
        view.setMetric(QStringLiteral("train/loss"));
        view.setStep(90);
        QCOMPARE(view.metricsModel()->rowCount(), 4);
        QCOMPARE(view.metricsModel()->index(0, CompareMetricsModel::AtStepStep).data().toLongLong(), 80);
        QCOMPARE(view.plot()->graphCount(), 4);
        QCOMPARE(view.diffModel()->rowCount() > 0, true);
        view.setOnlyDifferences(true);
        QStringList differing;
        for (const DiffRow& r : view.diffModel()->visibleRows())
            differing << r.key;
        QCOMPARE(differing, (QStringList{QStringLiteral("method.options.bits"), QStringLiteral("seed")}));

        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.drawNow();
        shoot(view, QStringLiteral("compare.png"));
        view.setOnlyDifferences(false);
        view.showConfigDiff(true);
        view.drawNow();
        shoot(view, QStringLiteral("compare-diff.png"));
        view.showConfigDiff(false);

        view.setGrouped(true);
        QCOMPARE(view.groups().size(), size_t(2));
        QCOMPARE(view.metricsModel()->rowCount(), 2);
        QCOMPARE(view.plot()->graphCount(), 6); // per group: band low, band high, mean
        view.setAxis(CompareAxis::RelativeTime);
        view.drawNow();
        shoot(view, QStringLiteral("compare-grouped.png"));

        const QString png = tmp.filePath(QStringLiteral("c.png")),
                      pdf = tmp.filePath(QStringLiteral("c.pdf")),
                      csv = tmp.filePath(QStringLiteral("c.csv"));
        QVERIFY(view.exportPng(png));
        QVERIFY(view.exportPdf(pdf));
        QVERIFY(view.exportCsv(csv));
        QVERIFY(QFileInfo(png).size() > 1000);
        QVERIFY(QFileInfo(pdf).size() > 1000);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 2 * 11);
    }

    // Issue 18 item 12 on real runs: stories260K, DL-QAT W3 with two seeds (the second followed live while
    // the engine writes it), RTN W3 and W2 (no training: reference lines).
    void realRunsLiveGroupedWithReferenceLines()
    {
        if (qEnvironmentVariableIsEmpty("QATBENCH_TEST_DATA")) QSKIP("QATBENCH_TEST_DATA is not set");
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString db = tmp.filePath(QStringLiteral("runs.db"));
        const QString d = tmp.path();
        // 120 steps: the live run below must last long enough (a few seconds) for the view's 250 ms refresh
        // to load it several times on a fast, idle machine; both seeds alike, so that they form one group.
        constexpr int kLiveSteps = 120;
        QVERIFY(runCli(
            writeExperiment(d, QStringLiteral("dlqat-w3-s0"), QStringLiteral("dlqat"), 3, 0, kLiveSteps),
            db));
        QVERIFY(runCli(writeExperiment(d, QStringLiteral("rtn-w3"), QStringLiteral("rtn"), 3, 0, 0), db));
        QVERIFY(runCli(writeExperiment(d, QStringLiteral("rtn-w2"), QStringLiteral("rtn"), 2, 0, 0), db));

        CompareView view;
        view.resize(1500, 900);
        view.setLiveRefresh(true, 250);
        QSignalSpy listed(&view, &CompareView::runsListed);
        view.setDatabase(db);
        QVERIFY(listed.wait(10000));
        QCOMPARE(view.runsModel()->rowCount(), 3);

        // The second seed runs while the view watches: its points arrive without a reload.
        QProcess engine;
        engine.start(QStringLiteral(QATBENCH_CLI_PATH),
                     runArgs(writeExperiment(d, QStringLiteral("dlqat-w3-s1"), QStringLiteral("dlqat"), 3, 1,
                                             kLiveSteps),
                             db));
        QTRY_COMPARE_WITH_TIMEOUT(view.runsModel()->rowCount(), 4, 30000);
        view.setSelectedRuns({1, 2, 3, 4});
        QTRY_VERIFY_WITH_TIMEOUT(loadedRun(view, 4) != nullptr, 10000);
        view.setMetric(QStringLiteral("train/loss"));
        QList<int>
            seen; // train/loss points of the live run, each time the view loaded it while it was active
        connect(&view, &CompareView::dataLoaded, this, [&] {
            if (const CompareRun* r = loadedRun(view, 4); r && isActive(r->info.status))
                seen << int(r->series.value(QStringLiteral("train/loss")).size());
        });
        // Waiting with the event loop running: the view's timer keeps reading the store meanwhile.
        QTRY_COMPARE_WITH_TIMEOUT(engine.state(), QProcess::NotRunning, 120000);
        QCOMPARE(engine.exitCode(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            loadedRun(view, 4) && loadedRun(view, 4)->info.status == RunStatus::Completed, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(loadedRun(view, 4)->series.value(QStringLiteral("train/loss")).size(),
                                  kLiveSteps, 10000);
        QVERIFY2(seen.size() >= 2 && seen.last() > seen.first(),
                 qPrintable(QStringLiteral("live loads: %1").arg(seen.size())));
        view.setLiveRefresh(false);
        QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 10000);

        // RTN runs are reference lines, not curves; the loss panel has only the two DL-QAT runs.
        QVERIFY(loadedRun(view, 2)->isReference() && loadedRun(view, 3)->isReference());
        QVERIFY(!loadedRun(view, 1)->isReference());
        view.setMetric(QStringLiteral("eval/ppl"));
        CompareChart* ppl = view.charts().first();
        int references = 0;
        for (const DrawnCurve& c : ppl->content().curves)
            references += c.reference;
        QCOMPARE(references, 2);
        QCOMPARE(ppl->plot()->graphCount(), 4); // two DL-QAT curves + two legend entries of the lines
        // Each reference line sits at its RTN run's perplexity, as stored (W2 well above W3).
        for (const DrawnCurve& c : ppl->content().curves) {
            if (!c.reference) continue;
            const int64_t id = c.label.startsWith(QLatin1String("rtn-w3")) ? 2 : 3;
            QCOMPARE(c.y.first(), loadedRun(view, id)->series.value(QStringLiteral("eval/ppl")).last().value);
        }
        QVERIFY(loadedRun(view, 3)->series.value(QStringLiteral("eval/ppl")).last().value >
                loadedRun(view, 2)->series.value(QStringLiteral("eval/ppl")).last().value);

        // Several panels: loss, perplexity, learning rate of m.
        view.setMetric(QStringLiteral("train/loss"));
        view.setPanelMetrics({QStringLiteral("eval/ppl"), QStringLiteral("train/lr[group=m]")});
        QCOMPARE(view.charts().size(), 3);
        QCOMPARE(view.charts()[2]->content().metric, QStringLiteral("train/lr[group=m]"));

        // Hover: every run's value at the step under the mouse; a click chooses the step.
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        CompareChart* loss = view.charts().first();
        loss->plot()->replot(QCustomPlot::rpImmediateRefresh);
        loss->showCrosshair(8.0);
        const std::vector<HoverValue> hover = loss->valuesUnderCrosshair();
        QCOMPARE(hover.size(), size_t(2));
        for (const HoverValue& h : hover) {
            QCOMPARE(h.step, 8);
            const int64_t id = h.label.contains(QLatin1String("s0")) ? 1 : 4;
            QCOMPARE(h.value,
                     valueAtStep(loadedRun(view, id)->series.value(QStringLiteral("train/loss")), 8)->value);
        }
        QVERIFY(loss->crosshairText().contains(QStringLiteral("step 8")));
        const QPoint at(int(loss->plot()->xAxis->coordToPixel(5.0)), loss->plot()->axisRect()->center().y());
        QTest::mouseClick(loss->plot(), Qt::LeftButton, {}, at);
        QCOMPARE(view.step(), 5);
        QCOMPARE(view.metricsModel()->index(0, CompareMetricsModel::AtStepStep).data().toLongLong(), 5);

        // Smoothing draws the live charts' EMA; the tables keep the raw values.
        view.setSmoothing(0.6);
        const QVector<ScalarPoint> raw = loadedRun(view, 1)->series.value(QStringLiteral("train/loss"));
        const auto curveOf = [&](const QString& label) -> const DrawnCurve* {
            for (const DrawnCurve& c : loss->content().curves)
                if (c.label == label) return &c;
            return nullptr;
        };
        const DrawnCurve* first = curveOf(loadedRun(view, 1)->label());
        QVERIFY(first != nullptr);
        QCOMPARE(first->y.last(), smoothed(raw, 0.6).last().value);
        QVERIFY(first->y.last() != raw.last().value);
        for (const auto& row : view.metricsModel()->rows())
            if (row.label == loadedRun(view, 1)->label()) QCOMPARE(row.summary.last->value, raw.last().value);
        view.setLogScale(true);
        QCOMPARE(loss->plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(loss->plot()->yAxis->range().lower > 0);

        // Grouped over seeds: one DL-QAT group (n=2) labelled by what differs from the RTN runs.
        view.setGrouped(true);
        view.setBandKind(BandKind::StdDev);
        QCOMPARE(view.groups().size(), size_t(3));
        QVERIFY2(view.groups()[0].label.startsWith(QStringLiteral("method=dlqat")),
                 qPrintable(view.groups()[0].label));
        QVERIFY(view.groups()[0].label.endsWith(QStringLiteral("(n=2)")));
        QVERIFY(view.groups()[0].label.size() < 60);
        QVERIFY(view.groups()[0].tooltip.contains(QStringLiteral("method.name = dlqat")));
        QCOMPARE(loss->content().bands.size(), size_t(1));
        QCOMPARE(view.charts()[1]->content().curves.size(), size_t(3)); // ppl: the group + two RTN lines

        // The runs table: the metric's columns, sorted by final perplexity, filtered by parameter.
        view.setMetric(QStringLiteral("eval/ppl"));
        CompareRunsFilter* table = view.runsFilter();
        view.runsTable()->sortByColumn(CompareRunsModel::Final, Qt::AscendingOrder);
        double previous = -1;
        for (int row = 0; row < table->rowCount(); ++row) {
            const double v =
                table->index(row, CompareRunsModel::Final).data(CompareRunsModel::SortRole).toDouble();
            QVERIFY(v >= previous);
            previous = v;
        }
        QCOMPARE(view.runsModel()->headerData(CompareRunsModel::Best, Qt::Horizontal).toString(),
                 QStringLiteral("Best ↓"));
        view.setFilterText(QStringLiteral("bits=2"));
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->index(0, CompareRunsModel::Name).data().toString(), QStringLiteral("rtn-w2 #3"));
        view.setFilterText(QStringLiteral("method=dlqat"));
        QCOMPARE(table->rowCount(), 2);
        view.setFilterText(QString());

        // Scatter: final perplexity against bits, one point per run.
        view.setScatterParam(QStringLiteral("method.options.bits"));
        QCOMPARE(view.scatterPlot()->graphCount(), 4);
        view.setLogScale(false);
        view.setSmoothing(0.3);
        view.setStep(12);
        view.setMetric(QStringLiteral("train/loss"));
        for (CompareChart* c : view.charts())
            c->hideCrosshair();
        view.charts()[1]->showCrosshair(12.0); // what the mouse shows on a panel
        view.drawNow();
        shoot(view, QStringLiteral("compare-real.png"));
        view.setMetric(QStringLiteral("eval/ppl"));
        view.setPanelMetrics({});
        for (CompareChart* c : view.charts())
            c->hideCrosshair();
        view.showScatter();
        view.drawNow();
        shoot(view, QStringLiteral("compare-scatter.png"));
    }
};

QTEST_MAIN(TestCompare)
#include "test_compare.moc"

// The Compare view: metric at a chosen step (nearest point at or before), final and best, the config diff,
// grouping over seeds with mean and min-max band, the three x axes, and the view on a store with known runs.
#include "comparedata.h"
#include "comparemodels.h"
#include "compareview.h"
#include "plotexport.h"
#include "qcp.h"
#include "runcolors.h"
#include "ui_test_support.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
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
        const MetricSummary lower = summarize(pts, 15, true);
        QCOMPARE(lower.atStep->step, 10);
        QCOMPARE(lower.last->step, 30);
        QCOMPARE(lower.best->value, 2.0); // the NaN is never best
        const MetricSummary higher = summarize(pts, 15, false);
        QCOMPARE(higher.best->value, 5.0);
        QVERIFY(lowerIsBetter(QStringLiteral("eval/ppl")));
        QVERIFY(!lowerIsBetter(QStringLiteral("eval/accuracy")));
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
        shoot(view, QStringLiteral("compare.png"));
        view.setOnlyDifferences(false);
        view.showConfigDiff(true);
        shoot(view, QStringLiteral("compare-diff.png"));
        view.showConfigDiff(false);

        view.setGrouped(true);
        QCOMPARE(view.groups().size(), size_t(2));
        QCOMPARE(view.metricsModel()->rowCount(), 2);
        QCOMPARE(view.plot()->graphCount(), 6); // per group: band low, band high, mean
        view.setAxis(CompareAxis::RelativeTime);
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
};

QTEST_MAIN(TestCompare)
#include "test_compare.moc"

// The magnitude-histogram view on a store with known data: the series a run logged, every step with its
// min/max/mean/std, the heat-map grid (every step's shares sum to one), the per-step table, the overlay of a
// second run, and export.
#include "common/qcp.h"
#include "common/runcolors.h"
#include "histograms/histogramdata.h"
#include "histograms/histogrammodel.h"
#include "histograms/histogramview.h"
#include "ui_test_support.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <numeric>
#include <random>

using namespace qat;
using namespace qat::ui;

namespace {

using qat::uitest::shoot;

// The magnitudes of 256 groups at a step: all 1 at step 0 (m starts at 1), then spreading out (normally) with
// a drift of the mean, as training does.
std::vector<double> magnitudes(int64_t step, double drift)
{
    std::mt19937 rng(7);
    std::normal_distribution<double> normal;
    std::vector<double> v(256);
    for (double& x : v)
        x = 1.0 + drift * double(step) / 1000.0 + 0.0001 * double(step) * normal(rng);
    return v;
}

double meanOf(const std::vector<double>& v)
{
    return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

double stdOf(const std::vector<double>& v)
{
    const double m = meanOf(v);
    double s = 0;
    for (double x : v)
        s += (x - m) * (x - m);
    return std::sqrt(s / double(v.size()));
}

std::string writeStore(const QString& dir)
{
    const std::string db = (dir + QStringLiteral("/runs.db")).toStdString();
    RunStore store(db);
    for (int run = 0; run < 2; ++run) {
        NewRun nr;
        nr.experiment = "histograms";
        nr.name = run == 0 ? "w3 g32" : "w2 g32";
        nr.method = "dlqat";
        nr.config = "{}";
        const int64_t id = store.createRun(nr);
        RunWriter w(store, id);
        for (int64_t step = 0; step <= 400; step += 100) {
            w.histogram("dlqat/m", step, makeHistogram(magnitudes(step, run == 0 ? 0.05 : -0.05)),
                        "layer=0,module=q_proj");
            if (run == 0) {
                w.histogram("dlqat/m", step, makeHistogram(magnitudes(step, 0.1)), "layer=1,module=v_proj");
                w.histogram("dlqat/s", step, makeHistogram(std::vector<double>{0.01, 0.02, 0.03, 0.04}),
                            "layer=0,module=q_proj");
            }
            w.scalar("train/loss", step, 3.0);
        }
        w.flush();
        store.setStatus(id, RunStatus::Completed);
    }
    return db;
}

} // namespace

class TestHistograms : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        RunColors::instance().setPersistent(false);
        QVERIFY(m_tmp.isValid());
        m_db = writeStore(m_tmp.path());
    }

    void listsWhateverHistogramsARunHas()
    {
        const auto series = listHistogramSeries(m_db, 1);
        QCOMPARE(series.size(), size_t(3));
        QCOMPARE(seriesNames(series), (QStringList{QStringLiteral("dlqat/m"), QStringLiteral("dlqat/s")}));
        QCOMPARE(seriesLayers(series, QStringLiteral("dlqat/m")), (QList<int>{0, 1}));
        QCOMPARE(seriesModules(series, QStringLiteral("dlqat/m"), 1), QStringList{QStringLiteral("v_proj")});
        QVERIFY(findSeries(series, QStringLiteral("dlqat/s"), 0, QStringLiteral("q_proj")));
        QVERIFY(!findSeries(series, QStringLiteral("dlqat/s"), 1, QStringLiteral("q_proj")));
        const auto other = listHistogramSeries(m_db, 2);
        QCOMPARE(other.size(), size_t(1));
        QVERIFY(
            findMatchingSeries(other, QStringLiteral("dlqat/m"), QStringLiteral("layer=0,module=q_proj")));
        QVERIFY(
            !findMatchingSeries(other, QStringLiteral("dlqat/m"), QStringLiteral("layer=1,module=v_proj")));
    }

    void loadsEveryStepWithItsStatistics()
    {
        const auto series = listHistogramSeries(m_db, 1);
        const auto* ref = findSeries(series, QStringLiteral("dlqat/m"), 0, QStringLiteral("q_proj"));
        const HistogramSeriesData d = loadHistogramSeries(m_db, *ref);
        QCOMPARE(d.steps(), (QVector<qint64>{0, 100, 200, 300, 400}));
        for (const HistogramPoint& p : d.points) {
            const auto v = magnitudes(p.step, 0.05);
            QCOMPARE(p.count, int64_t(256));
            QVERIFY(std::fabs(p.min - *std::min_element(v.begin(), v.end())) < 1e-12);
            QVERIFY(std::fabs(p.max - *std::max_element(v.begin(), v.end())) < 1e-12);
            QVERIFY(std::fabs(p.mean() - meanOf(v)) < 1e-9);
            QVERIFY(std::fabs(p.stddev() - stdOf(v)) < 1e-6);
        }
        QCOMPARE(d.nearest(149)->step, 100);
        QCOMPARE(d.nearest(1000)->step, 400);
    }

    void gridKeepsEveryValue()
    {
        const auto series = listHistogramSeries(m_db, 1);
        const HistogramSeriesData d = loadHistogramSeries(
            m_db, *findSeries(series, QStringLiteral("dlqat/m"), 0, QStringLiteral("q_proj")));
        const HistogramGrid g = histogramGrid(d.points, d.steps(), 32);
        QCOMPARE(g.density.size(), size_t(5));
        QVERIFY(std::fabs(g.lo - d.points.back().min) < 1e-12);
        QVERIFY(std::fabs(g.hi - d.points.back().max) < 1e-12);
        for (const auto& row : g.density)
            QVERIFY(std::fabs(std::accumulate(row.begin(), row.end(), 0.0) - 1.0) < 1e-9);
        // Step 0: every m is 1, so one grid bin holds everything.
        QCOMPARE(*std::max_element(g.density[0].begin(), g.density[0].end()), 1.0);
    }

    void statsModelShowsEachStep()
    {
        const auto series = listHistogramSeries(m_db, 1);
        const HistogramSeriesData d = loadHistogramSeries(
            m_db, *findSeries(series, QStringLiteral("dlqat/m"), 0, QStringLiteral("q_proj")));
        HistogramStatsModel model;
        model.setSeries(d);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.columnCount(), int(HistogramStatsModel::OtherMean));
        QCOMPARE(model.index(2, HistogramStatsModel::Step).data().toLongLong(), 200);
        QCOMPARE(model.index(2, HistogramStatsModel::Mean).data().toString(),
                 QString::number(meanOf(magnitudes(200, 0.05)), 'g', 6));
        QCOMPARE(model.rowOfStep(260), 3);
        QCOMPARE(model.csv().rows.size(), 5 * 64);
    }

    void viewShowsRunLayerModuleAndOverlay()
    {
        HistogramView view;
        view.resize(1200, 760);
        QSignalSpy listed(&view, &HistogramView::seriesListed);
        QSignalSpy loaded(&view, &HistogramView::dataLoaded);
        view.setRun(1);
        view.setDatabase(QString::fromStdString(m_db));
        QVERIFY(listed.wait(10000));
        QCOMPARE(view.runId(), 1);
        QVERIFY(view.setSeries(QStringLiteral("dlqat/m"), 0, QStringLiteral("q_proj")));
        QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 10000);
        QCOMPARE(view.data().points.size(), size_t(5));
        QCOMPARE(view.step(), 400); // opens on the latest step
        view.setStep(210);
        QCOMPARE(view.step(), 200);
        QVERIFY2(view.statsText().contains(QStringLiteral("256 values")), qPrintable(view.statsText()));
        QCOMPARE(view.histogramPlot()->plottableCount(), 1);

        listed.clear();
        view.setOverlayRun(2);
        QVERIFY(listed.wait(10000));
        QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 10000);
        QVERIFY(view.overlayData());
        QCOMPARE(view.overlayData()->points.size(), size_t(5));
        view.setStep(300);
        QCOMPARE(view.histogramPlot()->plottableCount(), 2);
        QCOMPARE(view.statsModel()->columnCount(), int(HistogramStatsModel::ColumnCount));

        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        shoot(view, QStringLiteral("histograms.png"));

        QTemporaryDir out;
        QVERIFY(view.exportPng(out.filePath(QStringLiteral("h.png"))));
        QVERIFY(view.exportPdf(out.filePath(QStringLiteral("h.pdf"))));
        QVERIFY(view.exportCsv(out.filePath(QStringLiteral("h.csv"))));
        QFile f(out.filePath(QStringLiteral("h.csv")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(f.readAll()).count(QLatin1Char('\n')), 1 + 2 * 5 * 64);
    }

    void aRunWithoutHistogramsSaysSo()
    {
        QTemporaryDir tmp;
        const std::string db = (tmp.path() + QStringLiteral("/empty.db")).toStdString();
        {
            RunStore store(db);
            NewRun nr;
            nr.experiment = "e";
            nr.config = "{}";
            store.createRun(nr);
        }
        HistogramView view;
        QSignalSpy listed(&view, &HistogramView::seriesListed);
        view.setDatabase(QString::fromStdString(db));
        QVERIFY(listed.wait(10000));
        QVERIFY(view.series().empty());
        QCOMPARE(view.data().points.size(), size_t(0));
        QVERIFY(view.statsText().contains(QStringLiteral("No histogram")));
    }

private:
    QTemporaryDir m_tmp;
    std::string m_db;
};

QTEST_MAIN(TestHistograms)
#include "test_histograms.moc"

// Live charts: display downsampling keeps spikes and the last point, smoothing is TensorBoard's EMA, 100,000
// points stay fast, metric routing, and export to PNG, PDF and CSV.
#include "common/metricchart.h"
#include "common/metricseries.h"
#include "common/qcp.h"
#include "workbench/chartpanel.h"

#include "ui_test_support.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace qat::ui;

class TestCharts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void downsamplingKeepsSpikesAndEnds()
    {
        MetricSeries s;
        for (int i = 0; i < 100000; ++i)
            s.append(i, 1000.0 + i * 0.01, i == 54321 ? 50.0 : 1.0 + 1e-6 * i);
        const XYData d = s.downsampled(XAxis::Step, 0, 99999, 500, false);
        QVERIFY2(d.x.size() <= 4 * 500 + 2, qPrintable(QString::number(d.x.size())));
        QVERIFY(d.x.size() >= 500);
        QCOMPARE(d.x.first(), 0.0);
        QCOMPARE(d.x.last(), 99999.0);
        QVERIFY(std::is_sorted(d.x.cbegin(), d.x.cend()));
        QVERIFY2(d.y.contains(50.0), "the spike was dropped");
        // Zoomed in: the detail is back at full resolution.
        const XYData zoom = s.downsampled(XAxis::Step, 54300, 54340, 500, false);
        QVERIFY(zoom.x.size() >= 41);
        QVERIFY(zoom.x.contains(54321.0));
        // Wall time axis counts from the first point.
        const XYData wall = s.downsampled(XAxis::WallTime, 0, 2000, 100, false);
        QCOMPARE(wall.x.first(), 0.0);
    }

    void smoothingIsTheDebiasedEma()
    {
        MetricSeries s;
        s.setSmoothing(0.5);
        s.append(1, 0, 2.0);
        s.append(2, 0, 4.0);
        QCOMPARE(s.smoothedValues()[0], 2.0); // debiased: the first point is itself
        QCOMPARE(s.smoothedValues()[1], (0.5 * 0.5 * 2.0 + 0.5 * 4.0) / 0.75);
        s.append(3, 0, qQNaN()); // a non-finite value leaves the average alone
        QCOMPARE(s.smoothedValues()[2], s.smoothedValues()[1]);
        s.setSmoothing(0);
        QCOMPARE(s.smoothedValues()[1], 4.0);
    }

    void resumedRunReplacesRepeatedSteps()
    {
        MetricSeries s;
        for (int i = 1; i <= 10; ++i)
            s.append(i, i, 10.0 - i);
        s.append(6, 20, 100.0); // resumed from a checkpoint at step 5
        QCOMPARE(s.size(), 6);
        QCOMPARE(s.values().last(), 100.0);
    }

    void hundredThousandPointsAreDownsampledForDrawing()
    {
        // How fast ingest, downsampling and drawing are is bench/bench_charts's question.
        ChartPanel panel;
        panel.resize(1200, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        for (int i = 1; i <= 100000; ++i)
            panel.addMetric(QStringLiteral("train/loss"), i,
                            3.0 * std::exp(-i / 30000.0) + 0.1 * std::sin(i * 0.1), 1000.0 + i * 0.05);
        MetricChart* loss = panel.lossChart();
        QCOMPARE(loss->pointCount(QStringLiteral("train/loss")), 100000);
        loss->refreshNow();
        loss->plot()->replot(QCustomPlot::rpImmediateRefresh);
        QVERIFY2(loss->drawnPointCount() < 20000, "display downsampling did not happen");
        QVERIFY(loss->drawnPointCount() > 100);
    }

    void metricsAreRoutedByName()
    {
        ChartPanel panel;
        QVERIFY(panel.addMetric(QStringLiteral("train/loss"), 1, 2.0, 0));
        QVERIFY(panel.addMetric(QStringLiteral("lr/m"), 1, 1e-3, 0));
        QVERIFY(panel.addMetric(QStringLiteral("lr/lora"), 1, 2e-3, 0));
        QVERIFY(!panel.addMetric(QStringLiteral("perf/tokens_per_s"), 1, 100, 0));
        panel.addEval(1, 12.5, 0);
        QCOMPARE(panel.lossChart()->pointCount(QStringLiteral("train/loss")), 1);
        QCOMPARE(panel.learningRateChart()->seriesNames().size(), 2);
        QCOMPARE(panel.perplexityChart()->pointCount(QStringLiteral("eval/ppl")), 1);
        // Task scores during training (evaluation.tasks_every; the names core's engine sends, test_tasks):
        // their own chart, hidden until the first one, hidden again for the next run.
        QVERIFY(panel.taskChart()->isHidden());
        QVERIFY(panel.addMetric(QStringLiteral("task/arc_easy/acc"), 2, 0.25, 0));
        QVERIFY(panel.addMetric(QStringLiteral("task/arc_easy/acc_norm"), 2, 0.30, 0));
        QVERIFY(panel.addMetric(QStringLiteral("task/arc_easy/acc"), 4, 0.50, 0));
        QVERIFY(!panel.taskChart()->isHidden());
        QCOMPARE(panel.taskChart()->seriesNames().size(), 2);
        QCOMPARE(panel.taskChart()->pointCount(QStringLiteral("task/arc_easy/acc")), 2);
        QCOMPARE(panel.lossChart()->seriesNames().size(), 1); // "acc" is no loss, no lr
        panel.resize(1100, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        for (MetricChart* c :
             {panel.lossChart(), panel.perplexityChart(), panel.learningRateChart(), panel.taskChart()})
            c->drawNow();
        qat::uitest::shoot(panel, QStringLiteral("live-task-chart.png"));
        panel.clear();
        QVERIFY(panel.taskChart()->isHidden());
    }

    void phasesAndParameterGroupsAreSeparateSeries()
    {
        // What the real engine sends (EVENTS.md): calibration and training both count from step 1, and each
        // parameter group has its own learning rate under the same name.
        ChartPanel panel;
        for (int i = 1; i <= 4; ++i) {
            QVERIFY(panel.addMetric(QStringLiteral("calib/loss"), QString(), i, 5.0 - i, i));
            QVERIFY(panel.addMetric(QStringLiteral("calib/lr"), QStringLiteral("group=scale"), i, 1e-3, i));
            QVERIFY(panel.addMetric(QStringLiteral("calib/lr"), QStringLiteral("group=zero"), i, 1e-2, i));
        }
        for (int i = 1; i <= 6; ++i) {
            QVERIFY(
                panel.addMetric(QStringLiteral("train/loss"), QStringLiteral("split=train"), i, 2.0, 10 + i));
            QVERIFY(panel.addMetric(QStringLiteral("train/lr"), QStringLiteral("group=m"), i, 2e-3, 10 + i));
            QVERIFY(
                panel.addMetric(QStringLiteral("train/lr"), QStringLiteral("group=lora"), i, 1e-3, 10 + i));
        }
        QVERIFY(panel.addMetric(QStringLiteral("eval/ppl"), QString(), 3, 6.0, 13));
        QVERIFY(!panel.addMetric(QStringLiteral("eval/ppl"), QStringLiteral("split=final"), 6, 5.0, 17));
        QVERIFY(!panel.addMetric(QStringLiteral("dlqat/code_usage"), QStringLiteral("code=0"), 6, 0.2, 17));
        MetricChart* loss = panel.lossChart();
        QCOMPARE(loss->seriesNames(),
                 (QStringList{QStringLiteral("calib/loss"), QStringLiteral("train/loss")}));
        QCOMPARE(loss->pointCount(QStringLiteral("calib/loss")), 4);
        QCOMPARE(loss->pointCount(QStringLiteral("train/loss")), 6);
        QCOMPARE(loss->series(QStringLiteral("calib/loss"))->values().first(), 4.0); // not erased by training
        const QStringList lr = panel.learningRateChart()->seriesNames();
        QCOMPARE(lr,
                 (QStringList{QStringLiteral("calib/lr{group=scale}"), QStringLiteral("calib/lr{group=zero}"),
                              QStringLiteral("train/lr{group=m}"), QStringLiteral("train/lr{group=lora}")}));
        for (const QString& name : lr)
            QCOMPARE(panel.learningRateChart()->pointCount(name),
                     name.startsWith(QLatin1String("calib")) ? 4 : 6);
        QCOMPARE(panel.learningRateChart()->seriesLabel(QStringLiteral("train/lr{group=lora}")),
                 QStringLiteral("training: lora"));
        // The store's key for the same series ("name{context}") lands on the same series.
        QVERIFY(panel.addMetric(QStringLiteral("train/lr{group=m}"), 7, 1e-4, 18));
        QCOMPARE(panel.learningRateChart()->pointCount(QStringLiteral("train/lr{group=m}")), 7);
        QCOMPARE(panel.perplexityChart()->pointCount(QStringLiteral("eval/ppl")), 1);
        panel.addEval(6, 5.5, 17); // the final evaluation joins the ones made during training
        QCOMPARE(panel.perplexityChart()->pointCount(QStringLiteral("eval/ppl")), 2);
    }

    void rangesFollowTheDataWithAMargin()
    {
        ChartPanel panel;
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        MetricChart* ppl = panel.perplexityChart();
        ppl->refreshNow();
        QVERIFY(ppl->placeholderShown()); // nothing logged yet: it says so, no bare axes
        QVERIFY(!ppl->plot()->xAxis->tickLabels());
        // A single evaluation is drawn inside the frame, not on its edge.
        panel.addEval(3, 6.0, 0);
        ppl->refreshNow();
        QVERIFY(!ppl->placeholderShown());
        QCPRange x = ppl->plot()->xAxis->range(), y = ppl->plot()->yAxis->range();
        QVERIFY(x.lower < 3 && x.upper > 3);
        QVERIFY(y.lower < 6 && y.upper > 6);
        panel.addEval(6, 0.5, 1);
        panel.addEval(9, 40.0, 2);
        ppl->refreshNow();
        x = ppl->plot()->xAxis->range();
        y = ppl->plot()->yAxis->range();
        QVERIFY(x.lower < 3 && x.upper > 9);
        QVERIFY(y.lower < 0.5 && y.upper > 40);
        // Log scale refits: every point inside, and a lower bound above 0.
        ppl->setLogScale(true);
        y = ppl->plot()->yAxis->range();
        QVERIFY2(y.lower > 0 && y.lower < 0.5 && y.upper > 40,
                 qPrintable(QStringLiteral("%1..%2").arg(y.lower).arg(y.upper)));
        QVERIFY(y.lower > 0.3); // fitted, not the linear range's lower bound
        ppl->setLogScale(false);
        // Wall time instead of steps: the x range follows the new unit.
        panel.setTimeOrigin(0);
        ppl->setXAxis(XAxis::WallTime);
        x = ppl->plot()->xAxis->range();
        QVERIFY(x.lower < 0 && x.upper > 2 && x.upper < 3);
        ppl->setXAxis(XAxis::Step);
        // Nothing carries over to the next run: series, legend, range.
        panel.addMetric(QStringLiteral("train/lr"), QStringLiteral("group=m"), 1, 1e-3, 0);
        panel.addMetric(QStringLiteral("train/lr"), QStringLiteral("group=lora"), 1, 1e-3, 0);
        QVERIFY(panel.learningRateChart()->plot()->legend->visible());
        panel.clear();
        for (MetricChart* c : {panel.lossChart(), panel.perplexityChart(), panel.learningRateChart()}) {
            QVERIFY(c->seriesNames().isEmpty());
            QVERIFY(!c->plot()->legend->visible());
            QVERIFY(c->placeholderShown());
        }
        panel.addEval(1000, 3.0, 0);
        ppl->refreshNow();
        x = ppl->plot()->xAxis->range();
        QVERIFY(x.lower > 900 && x.upper < 1100);
    }

    void exportsPngPdfCsv()
    {
        QTemporaryDir dir;
        ChartPanel panel;
        panel.resize(1000, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        for (int i = 1; i <= 200; ++i) {
            panel.addMetric(QStringLiteral("train/loss"), i, 3.0 / std::sqrt(i), 100 + i);
            panel.addMetric(QStringLiteral("lr"), i, 1e-3, 100 + i);
            if (i % 50 == 0) panel.addEval(i, 20.0 / std::sqrt(i), 100 + i);
        }
        panel.lossChart()->setLogScale(true);
        const QString png = dir.filePath(QStringLiteral("c.png")),
                      pdf = dir.filePath(QStringLiteral("c.pdf")),
                      csv = dir.filePath(QStringLiteral("c.csv"));
        QVERIFY(panel.exportPng(png));
        QVERIFY(panel.exportPdf(pdf));
        QVERIFY(panel.exportCsv(csv));
        QVERIFY(QImage(png).width() >= 900);
        QFile p(pdf);
        QVERIFY(p.open(QIODevice::ReadOnly));
        QVERIFY(p.read(5) == "%PDF-");
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(c.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QStringLiteral("series,step,wall_time,value,smoothed"));
        QCOMPARE(lines.size(), 1 + 200 + 4 + 200);
        QVERIFY(lines.at(1).startsWith(QLatin1String("train/loss,1,101.000,3,")));

        const QString dirShots = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
        if (!dirShots.isEmpty() && QDir().mkpath(dirShots))
            QVERIFY(panel.lossChart()->savePng(dirShots + QStringLiteral("/chart-loss.png")));
    }
};

QTEST_MAIN(TestCharts)
#include "test_charts.moc"

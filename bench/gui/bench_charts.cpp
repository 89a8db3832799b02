// Live charts with 100,000 points: ingest, display downsampling and a full redraw, against the frame budget of
// a smooth UI (16.7 ms per frame at 60 Hz). Run offscreen: QT_QPA_PLATFORM=offscreen build/bench/bench_charts
#include "common/metricchart.h"
#include "common/qcp.h"
#include "workbench/chartpanel.h"

#include <QApplication>
#include <QElapsedTimer>

#include <cmath>
#include <cstdio>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    qat::ui::ChartPanel panel;
    panel.resize(1200, 800);
    panel.show();
    QElapsedTimer timer;
    timer.start();
    constexpr int kPoints = 100000;
    for (int i = 1; i <= kPoints; ++i)
        panel.addMetric(QStringLiteral("train/loss"), i, 3.0 * std::exp(-i / 30000.0) + 0.1 * std::sin(i * 0.1),
                        1000.0 + i * 0.05);
    const double ingestMs = double(timer.nsecsElapsed()) / 1e6;
    qat::ui::MetricChart* loss = panel.lossChart();
    constexpr int kRedraws = 20;
    timer.restart();
    for (int r = 0; r < kRedraws; ++r)
        loss->refreshNow();
    const double downsampleMs = double(timer.nsecsElapsed()) / 1e6 / kRedraws;
    timer.restart();
    for (int r = 0; r < kRedraws; ++r) {
        loss->refreshNow();
        loss->plot()->replot(QCustomPlot::rpImmediateRefresh);
    }
    const double redrawMs = double(timer.nsecsElapsed()) / 1e6 / kRedraws;
    std::printf("%d points: ingest %.0f ms (%.2f us/point), downsample %.2f ms, downsample + draw %.2f ms "
                "(%lld points drawn)\n",
                kPoints, ingestMs, ingestMs * 1000 / kPoints, downsampleMs, redrawMs,
                (long long)loss->drawnPointCount());
    std::printf("redraw = %.2fx a 60 Hz frame (16.7 ms)\n", redrawMs / 16.7);
    return 0;
}

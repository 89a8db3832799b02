// The quantization explorer view on stories260K: it shows core's numbers (qatbench/explorer.h, itself tested
// against core's quantizer in tests/core/test_explorer.cpp), updates within a second when bits or group size
// change, drops stale requests, explains the ideas, and exports.
#include "explorerview.h"
#include "qcp.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace qat;
using namespace qat::ui;

namespace {

QString modelDir()
{
    const QString data = qEnvironmentVariable("QATBENCH_TEST_DATA");
    return data.isEmpty() ? QString() : data + QStringLiteral("/models/stories260K");
}

ExplorerQuery query(int layer, LinearKind kind, int64_t row, int64_t group, int bits, int64_t gs)
{
    ExplorerQuery q;
    q.layer = layer;
    q.module = kind;
    q.row = row;
    q.group = group;
    q.spec.bits = bits;
    q.spec.groupSize = gs;
    return q;
}

bool sameQuery(const ExplorerQuery& a, const ExplorerQuery& b)
{
    return a.layer == b.layer && a.module == b.module && a.row == b.row && a.group == b.group &&
           a.spec.bits == b.spec.bits && a.spec.groupSize == b.spec.groupSize && a.spec.init == b.spec.init;
}

// Waits until the view has shown the result of its latest request.
bool settle(ExplorerView& view, int timeoutMs)
{
    QSignalSpy ready(&view, &ExplorerView::resultReady);
    QElapsedTimer t;
    t.start();
    while (view.isComputing() && t.elapsed() < timeoutMs)
        ready.wait(50);
    return !view.isComputing();
}

} // namespace

class TestExplorer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (modelDir().isEmpty()) QSKIP("QATBENCH_TEST_DATA is not set");
        m_core = std::make_shared<const QuantExplorer>(modelDir().toStdString());
    }

    void loadsAModelAndShowsCoreNumbers()
    {
        ExplorerView view;
        QSignalSpy loaded(&view, &ExplorerView::modelLoaded);
        QSignalSpy ready(&view, &ExplorerView::resultReady);
        view.setModelDir(modelDir());
        QVERIFY(loaded.wait(60000));
        QVERIFY(ready.wait(30000));
        QVERIFY(view.result());

        const ExplorerQuery q = query(2, LinearKind::Q, 5, 1, 3, 32);
        view.setQuery(q);
        QVERIFY(settle(view, 10000));
        QVERIFY(sameQuery(view.result()->query, q));
        const ExplorerResult expected = m_core->compute(q);
        const ExplorerResult& got = *view.result();
        QCOMPARE(got.group.weights, expected.group.weights);
        QCOMPARE(got.group.quantized, expected.group.quantized);
        QCOMPARE(got.group.codes, expected.group.codes);
        QCOMPARE(got.group.levels, expected.group.levels);
        QCOMPARE(got.layer.codeUsage, expected.layer.codeUsage);
        QCOMPARE(got.layer.outputRelError, expected.layer.outputRelError);
        QVERIFY(view.numbersText().contains(QStringLiteral("output error")));
        QCOMPARE(view.groupPlot()->graphCount(), 3); // weights, quantized, clipped
        QCOMPARE(view.usagePlot()->plottableCount(), 1);
    }

    void changingBitsUpdatesWithinASecond()
    {
        ExplorerView view;
        view.setExplorer(m_core);
        QVERIFY(settle(view, 10000));
        view.setQuery(query(1, LinearKind::Gate, 0, 0, 2, 32));
        QVERIFY(settle(view, 10000));
        const double coarse = view.result()->layer.outputRelError;
        QCOMPARE(view.result()->layer.codeUsage.size(), size_t(4));

        QElapsedTimer timer;
        timer.start();
        view.setQuery(query(1, LinearKind::Gate, 0, 0, 6, 32));
        QVERIFY(settle(view, 10000)); // the time is reported, not asserted: timings belong in bench/
        qInfo("explorer update after a bits change: %lld ms", qint64(timer.elapsed()));
        QCOMPARE(view.result()->layer.codeUsage.size(), size_t(64));
        QVERIFY(view.result()->layer.outputRelError < coarse);

        view.setQuery(query(1, LinearKind::Gate, 0, 0, 6, 16));
        QVERIFY(settle(view, 10000));
        QCOMPARE(view.result()->layer.groupSize, int64_t(16));
        QCOMPARE(view.result()->group.weights.size(), size_t(16));
    }

    void staleRequestsNeverWin()
    {
        ExplorerView view;
        view.setExplorer(m_core);
        QVERIFY(settle(view, 10000));
        ExplorerQuery last;
        for (int bits = 2; bits <= 8; ++bits) {
            last = query(bits % 5, LinearKind::Up, bits, 0, bits, 32);
            view.setQuery(last);
            QTest::qWait(bits % 2 ? 80 : 1); // some requests start and are overtaken, some never start
        }
        QVERIFY(settle(view, 10000));
        QVERIFY(sameQuery(view.result()->query, last));
    }

    void explainsTheIdeasAndExports()
    {
        ExplorerView view;
        view.resize(1400, 820);
        view.setExplorer(m_core);
        view.setQuery(query(0, LinearKind::Q, 3, 0, 3, 16));
        QVERIFY(settle(view, 10000));
        const QString text = view.explanationText();
        for (const char* topic : {"Scale s", "Zero-point z", "Groups", "Clipping",
                                  "Straight-through rounding", "LoRA inside the grid", "The magnitude m"})
            QVERIFY2(text.contains(QLatin1String(topic)), topic);

        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QString dir = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
        if (!dir.isEmpty()) {
            QDir().mkpath(dir);
            QVERIFY(view.grab().save(dir + QStringLiteral("/explorer.png")));
            ExplorerQuery q = query(0, LinearKind::Q, 3, 0, 2, 64);
            q.spec.init = RangeInit::Search;
            view.setQuery(q);
            QVERIFY(settle(view, 10000));
            QVERIFY(view.result()->layer.clippedFraction > 0);
            QVERIFY(view.grab().save(dir + QStringLiteral("/explorer-clipping.png")));
        }

        QTemporaryDir out;
        QVERIFY(view.exportPng(out.filePath(QStringLiteral("e.png"))));
        QVERIFY(view.exportPdf(out.filePath(QStringLiteral("e.pdf"))));
        QVERIFY(view.exportCsv(out.filePath(QStringLiteral("e.csv"))));
        QFile f(out.filePath(QStringLiteral("e.csv")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString csv = QString::fromUtf8(f.readAll());
        QVERIFY(csv.contains(QStringLiteral("column,weight,code,quantized,error,clipped")));
        QVERIFY(csv.contains(QStringLiteral("code,weights_in_layer")));
    }

    void anOfferedModelLoadsWhenTheViewIsShown()
    {
        ExplorerView view;
        QSignalSpy loaded(&view, &ExplorerView::modelLoaded);
        view.offerModelDir(modelDir());
        QVERIFY(!loaded.wait(300)); // hidden: the weights stay on disk
        view.show();
        QVERIFY(loaded.wait(60000));
        view.offerModelDir(modelDir()); // the same model again: nothing to do
        QVERIFY(!loaded.wait(300));
    }

    void aBadModelDirIsReported()
    {
        ExplorerView view;
        QSignalSpy failed(&view, &ExplorerView::errorOccurred);
        view.setModelDir(QStringLiteral("/nonexistent/model"));
        QVERIFY(failed.wait(10000));
        QVERIFY(!failed.first().first().toString().isEmpty());
    }

private:
    std::shared_ptr<const QuantExplorer> m_core;
};

QTEST_MAIN(TestExplorer)
#include "test_explorer.moc"

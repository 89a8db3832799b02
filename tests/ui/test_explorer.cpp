// The quantization explorer view on stories260K: it shows core's numbers (qatbench/explorer.h, itself tested
// against core's quantizer in tests/core/test_explorer.cpp), updates within a second when bits or group size
// change, drops stale requests, explains the ideas, and exports.
#include "common/qcp.h"
#include "explorer/explorerview.h"
#include "ui_test_support.h"

#include "qatbench/safetensors.h"
#include "qatbench/store.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>

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

// A real DL-QAT run of stories260K (W3 g32, 4 calibration + 6 training steps, a checkpoint at step 3) by
// qatbench-cli into `db`; returns its run id, or 0 when the CLI failed.
qint64 trainStories260K(const QString& db, const QString& dir)
{
    QFile base(QStringLiteral(QATBENCH_SOURCE_DIR "/resources/experiments/stories260k-dlqat-w3.json"));
    if (!base.open(QIODevice::ReadOnly)) return 0;
    QJsonObject exp = QJsonDocument::fromJson(base.readAll()).object();
    QJsonObject model = exp[QStringLiteral("model")].toObject();
    model[QStringLiteral("path")] = modelDir();
    exp[QStringLiteral("model")] = model;
    QJsonObject data = exp[QStringLiteral("data")].toObject();
    data[QStringLiteral("train")] =
        qat::uitest::dataPath(QStringLiteral("data/tinystories/TinyStories-train-head.txt"));
    data[QStringLiteral("eval")] =
        qat::uitest::dataPath(QStringLiteral("data/tinystories/TinyStories-validation-head.txt"));
    data[QStringLiteral("eval_max_windows")] = 1;
    exp[QStringLiteral("data")] = data;
    QJsonObject method = exp[QStringLiteral("method")].toObject();
    QJsonObject options = method[QStringLiteral("options")].toObject();
    options[QStringLiteral("calib_steps")] = 4;
    options[QStringLiteral("lr_m")] = 2e-2; // a few steps that visibly move m and LoRA
    options[QStringLiteral("lr_lora")] = 2e-2;
    method[QStringLiteral("options")] = options;
    exp[QStringLiteral("method")] = method;
    QJsonObject training = exp[QStringLiteral("training")].toObject();
    for (const char* k : {"warmup_steps", "eval_every", "histogram_every"})
        training[QLatin1String(k)] = 0;
    training[QStringLiteral("steps")] = 6;
    training[QStringLiteral("checkpoint_every")] = 3;
    training[QStringLiteral("log_every")] = 1;
    exp[QStringLiteral("training")] = training;
    const QString config = dir + QStringLiteral("/exp.json");
    QFile out(config);
    if (!out.open(QIODevice::WriteOnly)) return 0;
    out.write(QJsonDocument(exp).toJson());
    out.close();
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(QStringLiteral(QATBENCH_CLI_PATH),
              {QStringLiteral("run"), QStringLiteral("--config"), config, QStringLiteral("--db"), db});
    if (!cli.waitForFinished(120000) || cli.exitCode() != 0) {
        qWarning("%s", cli.readAll().constData());
        return 0;
    }
    qat::RunStore store(db.toStdString());
    const auto runs = store.runs();
    return runs.empty() ? 0 : runs.front().id;
}

// Row `row`, columns [first, first + n) of a float32 tensor in a safetensors file.
std::vector<float> rowSlice(const QString& file, const std::string& name, int64_t row, int64_t first,
                            size_t n)
{
    qat::SafetensorsFile f(file.toStdString());
    const qat::StTensorInfo* t = f.find(name);
    if (!t || t->shape.size() != 2) return {};
    std::vector<float> out(n);
    std::memcpy(out.data(), f.data(*t) + (row * t->shape[1] + first) * 4, n * 4);
    return out;
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

    // Issue 18 item 11: a trained run's s, z, m and LoRA per layer and group, and two settings side by side.
    void showsATrainedRunAndComparesTwoSettings()
    {
        QTemporaryDir tmp;
        const QString db = tmp.filePath(QStringLiteral("runs.db"));
        const qint64 id = trainStories260K(db, tmp.path());
        QVERIFY(id > 0);

        ExplorerView view;
        view.resize(1500, 950);
        view.setDatabase(db);
        QSignalSpy listed(&view, &ExplorerView::runsListed);
        QSignalSpy loaded(&view, &ExplorerView::modelLoaded);
        view.setExplorer(m_core);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(listed.count() > 0 || listed.wait(10000));
        QCOMPARE(view.runLabels().size(), 1);
        QVERIFY2(view.runLabels().first().contains(QStringLiteral("dlqat")),
                 qPrintable(view.runLabels().first()));

        QSignalSpy runLoaded(&view, &ExplorerView::runLoaded);
        QVERIFY(view.showRun(id));
        QVERIFY(runLoaded.wait(20000));
        QVERIFY(view.run()->hasCheckpoint());
        ExplorerQuery q = query(1, LinearKind::Q, 5, 1, 3, 32);
        q.run = view.run();
        view.setQuery(q);
        QVERIFY(settle(view, 20000));
        const ExplorerResult& r = *view.result();
        QCOMPARE(r.query.spec.bits, 3);
        QVERIFY(r.group.trained && r.layer.trained);
        const ExplorerTrainedGroup& g = *r.group.trained;
        // The final weights are the run's own: equal to its dequantized export, m * s * (q - z).
        const QString hf = QFileInfo(QString::fromStdString(view.run()->workDir())).filePath() +
                           QStringLiteral("/export/hf/model.safetensors");
        const auto exported = rowSlice(hf, "model.layers.1.self_attn.q_proj.weight", 5, r.group.firstColumn,
                                       r.group.quantized.size());
        QCOMPARE(exported.size(), r.group.quantized.size());
        for (size_t i = 0; i < exported.size(); ++i)
            QVERIFY2(std::abs(exported[i] - r.group.quantized[i]) <= 1e-6f * (1 + std::abs(exported[i])),
                     qPrintable(QStringLiteral("column %1").arg(i)));
        QVERIFY(std::isfinite(g.magnitude) && g.magnitude > 0);
        QCOMPARE(g.effectiveScale, r.group.scale); // the final levels are m * s apart
        QCOMPARE(g.codesBefore.size(), r.group.codes.size());
        QCOMPARE(g.loraDelta.size(), r.group.weights.size());
        const ExplorerTrainedLayer& L = *r.layer.trained;
        QVERIFY(L.magnitudeMax > L.magnitudeMin);       // m was learned, group by group
        QVERIFY(std::abs(L.meanScaleRatio - 1) > 1e-6); // calibration moved s
        QVERIFY(L.loraRelNorm > 0);
        QVERIFY(std::isfinite(L.rtnOutputRelError) && std::isfinite(L.calibOutputRelError));
        QVERIFY(view.numbersText().contains(QStringLiteral("learned magnitude m")));
        QVERIFY(view.numbersText().contains(QStringLiteral("after calibration")));
        // The overview: every linear of the run with its three stages.
        QCOMPARE(view.overview().size(), size_t(35));
        for (const ExplorerLinearError& e : view.overview())
            QVERIFY(e.rtnOutputRelError > 0 && e.calibOutputRelError > 0 && e.outputRelError > 0);
        QCOMPARE(view.overviewPlot()->plottableCount(), 3);
        QCOMPARE(view.groupPlot()->graphCount(), 4); // weights, final values, clipped, codes LoRA moved
        view.errorPlot()->replot();
        qat::uitest::shoot(view, QStringLiteral("explorer-trained.png"));

        // Two settings side by side: 3 bits in groups of 32 against 2 bits per row.
        view.showLoadedWeights();
        QVERIFY(settle(view, 20000));
        QVERIFY(!view.run());
        view.setQuery(query(1, LinearKind::Q, 5, 1, 3, 32));
        view.setCompare(true, 2, 0);
        QVERIFY(settle(view, 20000));
        QVERIFY(view.compareResult());
        QCOMPARE(view.compareResult()->query.spec.bits, 2);
        QCOMPARE(view.compareOverview().size(), view.overview().size());
        for (size_t i = 0; i < view.overview().size(); ++i)
            QVERIFY(view.compareOverview()[i].outputRelError > view.overview()[i].outputRelError);
        QVERIFY(view.compareResult()->layer.outputRelError > view.result()->layer.outputRelError);
        QCOMPARE(view.overviewPlot()->plottableCount(), 2);
        QCOMPARE(view.groupPlot()->graphCount(), 4); // weights, Q(w), clipped, Q(w) of the compared setting
        QVERIFY(view.numbersText().contains(QStringLiteral("2 bits, per row")));
        qat::uitest::shoot(view, QStringLiteral("explorer-compare.png"));
        view.setCompare(false);
        QVERIFY(settle(view, 20000));
        QVERIFY(!view.compareResult());
        QCOMPARE(view.groupPlot()->graphCount(), 3);
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

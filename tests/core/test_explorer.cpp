// The quantization explorer shows what core's quantizer computes: the same codes, the same Q(w), levels that
// the codes land on, clipping where the grid ends, and an output error that falls as bits grow.
#include "qat_test.h"
#include "torch_test.h"

#include "qatbench/error.h"
#include "qatbench/explorer.h"
#include "qatbench_sdk/quantizer.h"
#include "qatbench_sdk/tensor_io.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <numeric>

namespace {

qat::QuantExplorer& explorer()
{
    static std::unique_ptr<qat::QuantExplorer> ex;
    if (!ex) ex = std::make_unique<qat::QuantExplorer>(qat::test::dataPath("models/stories260K"));
    return *ex;
}

torch::Tensor storedWeight(const std::string& name)
{
    qat::SafetensorsFile f(qat::test::dataPath("models/stories260K/model.safetensors"));
    return qat::readTensor(f, name).to(torch::kFloat);
}

qat::ExplorerQuery query(int layer, qat::LinearKind kind, int64_t row, int64_t group, int bits, int64_t gs,
                         qat::RangeInit init = qat::RangeInit::MinMaxZero)
{
    qat::ExplorerQuery q;
    q.layer = layer;
    q.module = kind;
    q.row = row;
    q.group = group;
    q.spec.bits = bits;
    q.spec.groupSize = gs;
    q.spec.init = init;
    return q;
}

} // namespace

QAT_TEST(groupNumbersEqualCoreQuantizer)
{
    const auto q = query(2, qat::LinearKind::Q, 5, 1, 3, 32);
    const qat::ExplorerResult r = explorer().compute(q);
    const torch::Tensor w = storedWeight("model.layers.2.self_attn.q_proj.weight");
    const qat::QuantParams p = qat::initQuantParams(w, q.spec);
    const torch::Tensor wq = qat::fakeQuant(w, p.scale, p.zero, q.spec);
    const torch::Tensor codes = qat::quantCodes(w, p, q.spec).to(torch::kInt);

    const auto& g = r.group;
    QAT_CHECK_EQ(g.firstColumn, int64_t(32));
    QAT_CHECK_EQ(g.weights.size(), size_t(32));
    QAT_CHECK_NEAR(g.scale, p.scale[5][1].item<double>(), 0);
    QAT_CHECK_NEAR(g.zero, p.zero[5][1].item<double>(), 0);
    QAT_CHECK_EQ(g.levels.size(), size_t(8));
    for (size_t i = 0; i < g.weights.size(); ++i) {
        const int64_t c = 32 + int64_t(i);
        QAT_CHECK_NEAR(g.weights[i], w[5][c].item<double>(), 0);
        QAT_CHECK_NEAR(g.quantized[i], wq[5][c].item<double>(), 0);
        QAT_CHECK_EQ(g.codes[i], codes[5][c].item<int>());
        // The dequantized value is one of the group's levels: the one its code names.
        QAT_CHECK_NEAR(g.quantized[i], g.levels[size_t(g.codes[i])], 1e-6);
        QAT_CHECK_NEAR(g.error[i], g.quantized[i] - g.weights[i], 1e-7);
        // Inside the grid, rounding moves a weight by at most half a step.
        if (!g.clipped[i]) QAT_CHECK(std::fabs(g.error[i]) <= 0.5 * g.scale * (1 + 1e-5));
    }
}

QAT_TEST(layerNumbersEqualCoreQuantizer)
{
    const auto q = query(1, qat::LinearKind::Up, 0, 0, 4, 16);
    const qat::ExplorerResult r = explorer().compute(q);
    const torch::Tensor w = storedWeight("model.layers.1.mlp.up_proj.weight");
    const qat::QuantParams p = qat::initQuantParams(w, q.spec);
    const torch::Tensor wq = qat::fakeQuant(w, p.scale, p.zero, q.spec);
    const torch::Tensor codes = qat::quantCodes(w, p, q.spec).to(torch::kLong).flatten();

    QAT_CHECK_EQ(r.layer.rows, w.size(0));
    QAT_CHECK_EQ(r.layer.cols, w.size(1));
    QAT_CHECK_EQ(r.layer.groupsPerRow, w.size(1) / 16);
    QAT_CHECK_EQ(r.layer.codeUsage.size(), size_t(16));
    QAT_CHECK_EQ(std::accumulate(r.layer.codeUsage.begin(), r.layer.codeUsage.end(), int64_t(0)), w.numel());
    for (int k = 0; k < 16; ++k)
        QAT_CHECK_EQ(r.layer.codeUsage[size_t(k)], (codes == k).sum().item<int64_t>());
    QAT_CHECK_NEAR(r.layer.weightRelError, ((wq - w).norm() / w.norm()).item<double>(), 1e-6);
    // stories260K has a tokenizer: the activations come from the built-in sample text.
    QAT_CHECK_MSG(explorer().sampleSource().rfind("text (", 0) == 0, explorer().sampleSource());
    QAT_CHECK_MSG(r.layer.sampleTokens > 50 && r.layer.sampleTokens <= 512, explorer().sampleSource());
    QAT_CHECK(r.layer.outputRelError > 0 && r.layer.outputRelError < 1);
    QAT_CHECK_NEAR(r.layer.bitsPerWeight, 4 + 20.0 / 16, 1e-12);
}

QAT_TEST(moreBitsMeanLessError)
{
    double last = 1e9;
    for (int bits : {2, 3, 4, 6, 8}) {
        const auto r = explorer().compute(query(3, qat::LinearKind::Gate, 0, 0, bits, 32));
        QAT_CHECK_MSG(r.layer.outputRelError < last, "bits " + std::to_string(bits));
        last = r.layer.outputRelError;
    }
    QAT_CHECK(last < 0.02);
}

QAT_TEST(clippingOnlyWhereTheRangeIsShrunk)
{
    const auto plain = explorer().compute(query(0, qat::LinearKind::K, 3, 0, 2, 64));
    QAT_CHECK_NEAR(plain.layer.clippedFraction, 0.0, 0);
    const auto searched =
        explorer().compute(query(0, qat::LinearKind::K, 3, 0, 2, 64, qat::RangeInit::Search));
    QAT_CHECK(searched.layer.clippedFraction > 0);
    // A clipped weight sits on the first or last level.
    const auto& g = searched.group;
    for (size_t i = 0; i < g.codes.size(); ++i)
        if (g.clipped[i]) QAT_CHECK(g.codes[i] == 0 || g.codes[i] == 3);
}

QAT_TEST(badPicksNameTheField)
{
    QAT_CHECK_THROWS_WITH(explorer().compute(query(9, qat::LinearKind::Q, 0, 0, 4, 32)), "explorer.layer");
    QAT_CHECK_THROWS_WITH(explorer().compute(query(0, qat::LinearKind::Q, 64, 0, 4, 32)), "explorer.row");
    QAT_CHECK_THROWS_WITH(explorer().compute(query(0, qat::LinearKind::Q, 0, 2, 4, 32)), "explorer.group");
    QAT_CHECK_THROWS_WITH(explorer().compute(query(0, qat::LinearKind::Q, 0, 0, 9, 32)),
                          "method.options.bits");
    QAT_CHECK_THROWS_WITH(explorer().compute(query(0, qat::LinearKind::Q, 0, 0, 4, 48)),
                          "method.options.group_size");
}

QAT_TEST(randomTokensWithoutSampleText)
{
    qat::ExplorerOptions o;
    o.sampleText.clear();
    qat::QuantExplorer ex(qat::test::dataPath("models/stories260K"), o);
    QAT_CHECK_EQ(ex.sampleSource(), std::string("random tokens (128)"));
    const auto r = ex.compute(query(0, qat::LinearKind::O, 0, 0, 4, 32));
    QAT_CHECK_EQ(r.layer.sampleTokens, qat::kDefaultSampleTokens);
    o.sampleTokens = {1, 5, 600};
    QAT_CHECK_THROWS_WITH(qat::QuantExplorer(qat::test::dataPath("models/stories260K"), o),
                          "explorer.sample_tokens", "600");
}

// The largest trained model of the test data (22M parameters; down_proj is 384 x 1024) answers every bits /
// group-size change with a full result. How fast is bench/bench_explorer's question (target: under a second).
QAT_TEST(largerModelAnswersEveryGridChange)
{
    qat::ExplorerOptions o;
    o.threads = 1;
    qat::QuantExplorer ex(qat::test::dataPath("models/gutenberg-llama-22M"), o);
    for (int bits : {2, 4, 8})
        for (int64_t gs : {32, 128, 0}) {
            const auto r = ex.compute(query(5, qat::LinearKind::Down, 7, 0, bits, gs));
            QAT_CHECK_EQ(r.layer.codeUsage.size(), size_t(1) << bits);
            QAT_CHECK_EQ(r.layer.groupSize, gs == 0 ? int64_t(1024) : gs);
            QAT_CHECK(r.layer.outputRelError > 0 && r.layer.outputRelError < 1);
        }
}

QAT_TEST(progressFalseCancels)
{
    bool threw = false;
    try {
        explorer().compute(query(0, qat::LinearKind::Q, 0, 0, 4, 32),
                           [](const qat::Progress&) { return false; });
    } catch (const qat::Cancelled&) {
        threw = true;
    }
    QAT_CHECK(threw);
}

QAT_TEST(csvHasOneRowPerWeight)
{
    const auto r = explorer().compute(query(0, qat::LinearKind::V, 1, 1, 4, 16));
    const std::string csv = qat::explorerCsv(r);
    QAT_CHECK(csv.find("column,weight,code,quantized,error,clipped\n") != std::string::npos);
    QAT_CHECK_EQ(std::count(csv.begin(), csv.end(), '\n'), 4 + 16);
}

QAT_TEST_MAIN()

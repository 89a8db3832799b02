// LlamaModel against transformers: logits on every parity fixture (float32 <= 1e-4, bfloat16 measured), the
// KV cache against the full forward, gradient checkpointing against plain backward, and damaged weights
// refused on every device.

#include "qat_test.h"
#include "torch_test.h"

#include "qatbench_sdk/llama.h"
#include "qatbench_sdk/tensor_io.h"

#include <cmath>
#include <filesystem>
#include <iostream>

using namespace qat;

static const char* const kFixtures[] = {"llama2-mha-untied", "llama3-gqa-tied-rope-scaled",
                                        "llama3-gqa-tied-rope-scaled-legacy-config", "llama-gqa-bf16"};

static void checkFixture(const std::string& name, at::ScalarType dtype, double tol)
{
    const std::string dir = test::dataPath("models/parity/" + name);
    auto ref = readSafetensors(dir + "/reference.safetensors");
    for (const auto& device : test::devices()) {
        LlamaModel model = LlamaModel::load(dir, {device, dtype});
        at::NoGradGuard noGrad;
        at::Tensor logits = model.forward(ref.at("input_ids").to(device));
        const double diff = test::maxAbsDiff(logits, ref.at("logits"));
        std::cout << "  " << name << " " << c10::toString(dtype) << " on " << device
                  << ": max |diff| = " << diff << "\n";
        QAT_CHECK_MSG(diff <= tol, name + " max diff " + std::to_string(diff));
        // nll per row, as the reference computes it
        at::Tensor lp = at::log_softmax(logits.slice(1, 0, -1).to(at::kCPU, at::kDouble), -1);
        at::Tensor tgt = ref.at("input_ids").slice(1, 1).unsqueeze(-1);
        at::Tensor nll = -lp.gather(-1, tgt).squeeze(-1).mean(1);
        QAT_CHECK(test::maxAbsDiff(nll, ref.at("nll")) <= (dtype == at::kFloat ? 1e-5 : 5e-2));
    }
}

QAT_TEST(parityFloat32)
{
    for (const char* f : kFixtures)
        checkFixture(f, at::kFloat, 1e-4);
}

QAT_TEST(parityBFloat16)
{
    // bf16 compute (weights, activations, attention inputs) against the float32 reference: the logits of
    // these random wide models reach |x| ~ 10, so 8 mantissa bits give differences of a few 0.01 - 0.1.
    for (const char* f : kFixtures)
        checkFixture(f, at::kBFloat16, 0.25);
}

QAT_TEST(kvCacheMatchesFullForward)
{
    const std::string dir = test::dataPath("models/parity/llama3-gqa-tied-rope-scaled");
    LlamaModel model = LlamaModel::load(dir);
    at::NoGradGuard noGrad;
    at::Tensor ids = readSafetensors(dir + "/reference.safetensors").at("input_ids");
    at::Tensor full = model.forward(ids);
    KvCache cache;
    at::Tensor a = model.forwardCached(ids.slice(1, 0, 37), cache);
    std::vector<at::Tensor> parts{a};
    for (int64_t t = 37; t < ids.size(1); ++t)
        parts.push_back(model.forwardCached(ids.slice(1, t, t + 1), cache));
    QAT_CHECK_EQ(cache.length, ids.size(1));
    QAT_CHECK(test::maxAbsDiff(at::cat(parts, 1), full) <= 1e-4);
}

namespace {
// A LoRA-like hook: y = x W^T + x A^T B^T, with A and B trainable leaves.
class LoraHook : public LinearHook
{
public:
    LoraHook(const ModelConfig& c, int rank)
    {
        torch::manual_seed(7);
        for (int l = 0; l < int(c.numLayers); ++l) {
            const int64_t in = c.hiddenSize;
            const int64_t out = c.numHeads * c.headDim;
            a.push_back((at::randn({rank, in}) * 0.1).requires_grad_(true));
            b.push_back((at::randn({out, rank}) * 0.1).requires_grad_(true));
        }
    }
    at::Tensor linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& w) override
    {
        ++calls;
        at::Tensor y = linearOp(x, w);
        if (kind != LinearKind::Q) return y;
        return y + at::linear(at::linear(x, a[size_t(layer)]), b[size_t(layer)]);
    }
    std::vector<at::Tensor> a, b;
    int calls = 0;
};

ModelConfig tinyConfig()
{
    ModelConfig c;
    c.hiddenSize = 32;
    c.intermediateSize = 48;
    c.numLayers = 3;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = 8;
    c.vocabSize = 50;
    c.maxPositions = 64;
    c.rmsNormEps = 1e-5;
    c.tieWordEmbeddings = true;
    return c;
}

LlamaWeights randomWeights(const ModelConfig& c)
{
    torch::manual_seed(3);
    LlamaWeights w;
    w.embed = at::randn({c.vocabSize, c.hiddenSize}) * 0.1;
    const int64_t q = c.numHeads * c.headDim, kv = c.numKvHeads * c.headDim, h = c.hiddenSize,
                  f = c.intermediateSize;
    for (int l = 0; l < int(c.numLayers); ++l) {
        LlamaLayerWeights lw;
        lw.inputNorm = at::ones({h}) + 0.1 * at::randn({h});
        lw.postNorm = at::ones({h}) + 0.1 * at::randn({h});
        const std::vector<std::vector<int64_t>> shapes{{q, h}, {kv, h}, {kv, h}, {h, q},
                                                       {f, h}, {f, h},  {h, f}};
        for (int k = 0; k < kLinearKinds; ++k)
            lw.linear[k] = at::randn(shapes[size_t(k)]) * 0.2;
        w.layers.push_back(lw);
    }
    w.norm = at::ones({h});
    return w;
}
} // namespace

QAT_TEST(checkpointGradientsEqualPlain)
{
    const ModelConfig c = tinyConfig();
    for (const auto& device : test::devices()) {
        LlamaModel model(c, randomWeights(c), {device, at::kFloat});
        at::Tensor ids = at::randint(0, c.vocabSize, {2, 12}, at::TensorOptions().dtype(at::kLong));
        std::vector<std::vector<at::Tensor>> grads;
        std::vector<int> calls;
        for (bool checkpoint : {false, true}) {
            LoraHook hook(c, 4);
            for (auto& t : hook.a)
                t = t.detach().to(device).requires_grad_(true);
            for (auto& t : hook.b)
                t = t.detach().to(device).requires_grad_(true);
            ForwardOptions opt;
            opt.hook = &hook;
            opt.checkpointBlocks = checkpoint;
            at::Tensor logits = model.forward(ids, opt);
            at::Tensor loss =
                at::cross_entropy_loss(logits.view({-1, c.vocabSize}), ids.view({-1}).to(device));
            loss.backward();
            std::vector<at::Tensor> g;
            for (size_t i = 0; i < hook.a.size(); ++i) {
                QAT_CHECK(hook.a[i].grad().defined() && hook.b[i].grad().defined());
                g.push_back(hook.a[i].grad().clone());
                g.push_back(hook.b[i].grad().clone());
            }
            grads.push_back(g);
            calls.push_back(hook.calls);
        }
        for (size_t i = 0; i < grads[0].size(); ++i) {
            QAT_CHECK(grads[0][i].abs().max().item<double>() > 0);
            QAT_CHECK(test::maxAbsDiff(grads[0][i], grads[1][i]) <= 1e-6);
        }
        QAT_CHECK_EQ(calls[1], 2 * calls[0]); // recompute calls the hook again
    }
}

namespace {
// Trains every layer's down_proj weight (a leaf copy) and a LoRA pair on it; notes whether the recomputed
// down_proj product was skipped (linearOp's output is then all zeros) and adds to it in place.
class DownHook : public LinearHook
{
public:
    DownHook(const LlamaWeights& weights, const at::Device& device)
    {
        torch::manual_seed(11);
        for (const auto& l : weights.layers) {
            const at::Tensor& w = l[LinearKind::Down];
            down.push_back(w.detach().clone().to(device).requires_grad_(true));
            a.push_back((at::randn({3, w.size(1)}) * 0.1).to(device).requires_grad_(true));
            b.push_back((at::randn({w.size(0), 3}) * 0.1).to(device).requires_grad_(true));
        }
    }
    at::Tensor linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& w) override
    {
        if (kind != LinearKind::Down) return linearOp(x, w);
        const size_t l = size_t(layer);
        at::Tensor y = linearOp(x, down[l]);
        if (at::GradMode::is_enabled()) ++(y.abs().max().item<double>() == 0 ? skipped : computed);
        return y.add_(at::linear(at::linear(x, a[l]), b[l]));
    }
    std::vector<at::Tensor> down, a, b;
    int skipped = 0, computed = 0;
};
} // namespace

QAT_TEST(recomputeSkipsTheDownProjectionsProduct)
{
    // The checkpointed backward without down_proj's recomputed GEMM gives the gradients of plain backward
    // (through the projection's input, its weight and a LoRA pair beside it); with the skip off, the same.
    const ModelConfig c = tinyConfig();
    for (const auto& device : test::devices()) {
        LlamaModel model(c, randomWeights(c), {device, at::kFloat});
        at::Tensor ids = at::randint(0, c.vocabSize, {2, 12}, at::TensorOptions().dtype(at::kLong));
        std::vector<std::vector<at::Tensor>> grads;
        for (int mode : {0, 1, 2}) { // plain, checkpointed with the skip, checkpointed without
            setSkipDownRecompute(mode != 2);
            DownHook hook(model.weights(), device);
            ForwardOptions opt;
            opt.hook = &hook;
            opt.checkpointBlocks = mode != 0;
            at::Tensor logits = model.forward(ids, opt);
            at::cross_entropy_loss(logits.view({-1, c.vocabSize}), ids.view({-1}).to(device)).backward();
            QAT_CHECK_EQ(hook.skipped, mode == 1 ? int(c.numLayers) : 0);
            QAT_CHECK_EQ(hook.computed, mode == 1 ? 0 : int(c.numLayers));
            std::vector<at::Tensor> g;
            for (const auto* v : {&hook.down, &hook.a, &hook.b})
                for (const auto& t : *v) {
                    QAT_CHECK(t.grad().defined() && t.grad().abs().max().item<double>() > 0);
                    g.push_back(t.grad().clone());
                }
            grads.push_back(g);
        }
        setSkipDownRecompute(true);
        for (size_t i = 0; i < grads[0].size(); ++i) {
            QAT_CHECK(test::maxAbsDiff(grads[0][i], grads[1][i]) <= 1e-6);
            QAT_CHECK(test::maxAbsDiff(grads[2][i], grads[1][i]) <= 1e-6);
        }
    }
}

QAT_TEST(nonFiniteWeightsAreRefusedOnEveryDevice)
{
    // On the CPU the loader scans the stored bits before copying; on a GPU it checks there after the copy, in
    // the stored dtype (an inf in a float32 file also for a bfloat16 model): both name the file and the
    // tensor.
    const std::string dir = test::tempDir() + "/model";
    std::filesystem::copy(test::dataPath("models/stories260K"), dir,
                          std::filesystem::copy_options::recursive);
    auto t = readSafetensors(dir + "/model.safetensors");
    t["model.layers.3.self_attn.o_proj.weight"][0][5] = -INFINITY;
    writeSafetensors(dir + "/model.safetensors", {t.begin(), t.end()}, {});
    for (const auto& device : test::devices())
        for (const auto dtype : {at::kFloat, at::kBFloat16})
            QAT_CHECK_THROWS_WITH(LlamaModel::load(dir, {device, dtype}), "model.safetensors",
                                  "model.layers.3.self_attn.o_proj.weight", "NaN or infinite");
}

QAT_TEST(constructorChecksShapes)
{
    ModelConfig c = tinyConfig();
    LlamaWeights w = randomWeights(c);
    w.layers[1][LinearKind::K] = at::zeros({3, 3});
    QAT_CHECK_THROWS_WITH(LlamaModel(c, w, {}), "model.layers.1.self_attn.k_proj.weight");
}

QAT_TEST_MAIN()

// The fused CUDA quantizer (core/quant/cuda/) against the ATen path, its reference, on random inputs for
// every supported bit width (2..8) and group layout (groups of 16..128 columns, a group spanning warps,
// per-channel, a shorter last group), LoRA ranks with and without a compile-time kernel, bf16 and float32
// weights; each through both kernel designs (the tile kernels, whose LoRA product runs on tensor cores, where
// they apply, and the row kernels forced).
//
// Stated tolerances (relative L2 norm, ||fused - aten|| / ||aten||):
//   codes: identical; with a LoRA update, except where (W0 + c B A)/s lies within 5e-4 of a rounding boundary
//          in float64 (the kernels sum B A in their own order and precision, float32 FMAs or split-bf16
//          tensor-core products good to ~2^-16, cuBLAS in another: a few ulp apart there)
//   W_hat: equal to bf16 rounding (|diff| <= 2^-8 |W_hat|) wherever the codes are equal
//   dm, ds, dz, dW0: 1e-4 (float32 sums in another order)
//   dA, dB: 1e-2 (the LoRA products take bf16 operands, as PEFT's bf16 training does); summed in the tile
//           kernel's pass against the same operands through cuBLAS: 1e-4
// On a machine without CUDA (or without the kernels) the CUDA tests report SKIP.
#include "qat_test.h"
#include "torch_test.h"

#include "qatbench_sdk/fused_quant.h"
#include "qatbench_sdk/llama.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/quantizer.h"
#include "qatbench_sdk/trainer.h"

#include <torch/optim.h>

#include <cmath>
#include <sstream>
#include <string>
#include <utility>

namespace {

struct Case
{
    int64_t rows, cols;
    int bits;
    int64_t group; // 0 = per-channel
    bool partial;
    int64_t rank; // 0 = no LoRA
    qat::RangeInit init;
};

std::string describe(const Case& c)
{
    std::ostringstream o;
    o << "W" << c.bits << " g" << c.group << (c.partial ? " (partial)" : "") << " " << c.rows << "x" << c.cols
      << " r" << c.rank;
    return o.str();
}

// Every bit width against every group layout of two shapes (row counts that leave short row tails): 384
// columns (96 threads, groups inside a warp) and 400 (100 threads: an idle tail of lanes; g100 spans warps;
// g80 on 384 is a shorter last group).
std::vector<Case> allCases()
{
    struct Layout
    {
        int64_t cols, group;
        bool partial;
    };
    const Layout layouts[] = {{384, 32, false}, {384, 64, false}, {384, 128, false}, {384, 0, false},
                              {384, 80, true},  {400, 16, false}, {400, 100, false}, {400, 0, false}};
    const int64_t ranks[] = {16, 8, 12};
    std::vector<Case> out;
    int i = 0;
    for (int bits = 2; bits <= 8; ++bits)
        for (const auto& l : layouts) {
            const auto init = i % 2 ? qat::RangeInit::MinMax : qat::RangeInit::MinMaxZero;
            out.push_back({l.cols == 384 ? 70 : 43, l.cols, bits, l.group, l.partial, ranks[i % 3], init});
            ++i;
        }
    return out;
}

void requireKernels()
{
    if (!torch::cuda::is_available()) QAT_SKIP("no CUDA device: the fused quantizer's checks run on the GPU");
    if (!qat::fusedQuantBuilt())
        QAT_SKIP("built without the CUDA kernels (no CUDA compiler at configure time)");
}

// A module on w0 with the grid initialized from it (spec.init), no m and no LoRA.
qat::QuantLinear gridModule(const at::Tensor& w0, int bits, int64_t group)
{
    qat::QuantLinear q;
    q.spec.bits = bits;
    q.spec.groupSize = group;
    q.w0 = w0;
    q.lay = qat::groupLayout(w0.size(0), w0.size(1), q.spec);
    const qat::QuantParams p = qat::initQuantParams(q.w0, q.spec);
    q.setScale(p.scale);
    q.zero = p.zero;
    return q;
}

// A module with random bf16 (or float32) W0, s shrunk so that some weights clip, m around 1 and a LoRA update
// of about a third of a step.
qat::QuantLinear makeModule(const Case& c, at::ScalarType wtype, bool loraZero)
{
    const auto dev = torch::Device(torch::kCUDA, 0);
    qat::QuantLinear q;
    q.spec.bits = c.bits;
    q.spec.groupSize = c.group;
    q.spec.allowPartialGroup = c.partial;
    q.spec.init = c.init;
    q.w0 = (torch::randn({c.rows, c.cols}, torch::TensorOptions().device(dev)) * 0.02).to(wtype);
    q.lay = qat::groupLayout(c.rows, c.cols, q.spec);
    const qat::QuantParams p = qat::initQuantParams(q.w0, q.spec);
    q.setScale(p.scale * 0.85);
    q.zero = p.zero;
    q.enableMagnitude();
    q.m = 1 + 0.1 * torch::randn_like(q.m);
    if (c.rank > 0) {
        q.enableLora(c.rank, double(c.rank), "kaiming");
        if (!loraZero) q.B = torch::randn_like(q.B) * 0.02;
    }
    return q;
}

// Runs f once per kernel design (tiles where they apply, then the row kernels forced) with its name; checks
// that the tile kernels take the shapes they are meant to (rank 1..16, columns and group multiples of 8:
// every layout here but g100).
template <typename F> void forEachDesign(F&& f)
{
    for (bool tiles : {true, false}) {
        qat::setFusedQuantTiles(tiles);
        f(std::string(tiles ? " [tiles]" : " [rows]"));
    }
    qat::setFusedQuantTiles(true);
}

void checkDesign(const qat::QuantLinear& q, const Case& c, const std::string& what)
{
    const int64_t group = c.group > 0 ? c.group : c.cols;
    const bool tiles =
        qat::fusedQuantTiles() && c.rank >= 1 && c.rank <= 16 && c.cols % 8 == 0 && group % 8 == 0;
    QAT_CHECK_MSG(qat::fusedQuantUsesTiles(q) == tiles, what + ": not the kernel design expected");
}

double relErr(const at::Tensor& a, const at::Tensor& b)
{
    QAT_CHECK(a.defined() && b.defined());
    const auto x = a.to(torch::kCPU, torch::kDouble), y = b.to(torch::kCPU, torch::kDouble);
    QAT_CHECK(x.isfinite().all().item<bool>());
    return (x - y).norm().item<double>() / std::max(y.norm().item<double>(), 1e-30);
}

// Positions where (W0 + c B A) / s, in float64, is within 5e-4 of a .5 rounding boundary.
at::Tensor nearBoundary(const qat::QuantLinear& q)
{
    at::NoGradGuard noGrad;
    at::Tensor lat = q.w0.to(torch::kCPU, torch::kDouble);
    if (q.A.defined())
        lat = lat + at::matmul(q.B.to(torch::kCPU, torch::kDouble), q.A.to(torch::kCPU, torch::kDouble)) *
                        q.loraScale;
    at::Tensor s = qat::expandGroups(q.scale().to(torch::kCPU, torch::kDouble), q.lay);
    at::Tensor u = lat / s;
    return ((u - u.floor()) - 0.5).abs() < 5e-4;
}

struct Both
{
    at::Tensor fused, aten;
};

template <typename F> Both both(F&& f)
{
    qat::setFusedQuantEnabled(true);
    at::Tensor a = f();
    qat::setFusedQuantEnabled(false);
    at::Tensor b = f();
    qat::setFusedQuantEnabled(true);
    return {a, b};
}

std::vector<at::Tensor> grads(const qat::QuantLinear& q, at::ScalarType dtype, const at::Tensor& r,
                              const std::vector<at::Tensor>& wrt)
{
    at::Tensor loss = (q.weight(dtype).to(torch::kFloat) * r).sum();
    return torch::autograd::grad({loss}, wrt);
}

// A 2-layer LLaMA with random weights (hidden 64, GQA 4/2 heads, vocab 97) in dtype.
qat::LlamaModel tinyModel(const torch::Device& dev, at::ScalarType dtype)
{
    qat::ModelConfig c;
    c.hiddenSize = 64;
    c.intermediateSize = 128;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = 16;
    c.vocabSize = 97;
    c.maxPositions = 64;
    c.tieWordEmbeddings = true;
    const auto opts = torch::TensorOptions().device(dev);
    auto r = [&](int64_t o, int64_t i) { return (torch::randn({o, i}, opts) * 0.1).to(dtype); };
    qat::LlamaWeights w;
    w.embed = r(c.vocabSize, c.hiddenSize);
    for (int64_t l = 0; l < c.numLayers; ++l) {
        qat::LlamaLayerWeights L;
        L.inputNorm = torch::ones({c.hiddenSize}, opts.dtype(dtype));
        L.postNorm = torch::ones({c.hiddenSize}, opts.dtype(dtype));
        L[qat::LinearKind::Q] = r(64, 64);
        L[qat::LinearKind::K] = r(32, 64);
        L[qat::LinearKind::V] = r(32, 64);
        L[qat::LinearKind::O] = r(64, 64);
        L[qat::LinearKind::Gate] = r(128, 64);
        L[qat::LinearKind::Up] = r(128, 64);
        L[qat::LinearKind::Down] = r(64, 128);
        w.layers.push_back(std::move(L));
    }
    w.norm = torch::ones({c.hiddenSize}, opts.dtype(dtype));
    w.lmHead = w.embed;
    qat::LoadOptions lo;
    lo.device = dev;
    lo.dtype = dtype;
    return qat::LlamaModel(c, std::move(w), lo);
}

// Two DL-QAT training steps (m + LoRA, W3 g32, AdamW) from a fixed start; the losses of both steps.
std::pair<double, double> twoSteps(const torch::Device& dev, at::ScalarType dtype, bool checkpoint)
{
    torch::manual_seed(21);
    qat::LlamaModel model = tinyModel(dev, dtype);
    qat::QuantSpec spec;
    spec.bits = 3;
    spec.groupSize = 32;
    std::vector<qat::LinearKind> kinds;
    for (int k = 0; k < qat::kLinearKinds; ++k)
        kinds.push_back(qat::LinearKind(k));
    auto mods = qat::makeQuantLinears(model, kinds, spec);
    std::vector<at::Tensor> params;
    for (auto& q : mods) {
        q.enableMagnitude();
        q.enableLora(4, 4.0, "kaiming");
        params.push_back(q.m.requires_grad_(true));
        params.push_back(q.A.requires_grad_(true));
        params.push_back(q.B.requires_grad_(true));
    }
    qat::QuantHook hook(mods);
    qat::ForwardOptions fo;
    fo.hook = &hook;
    fo.checkpointBlocks = checkpoint;
    torch::optim::AdamW opt(params, torch::optim::AdamWOptions(0.05).weight_decay(0.0));
    const at::Tensor ids =
        torch::randint(0, 97, {2, 33}, torch::TensorOptions().dtype(torch::kLong).device(dev));
    double losses[2];
    for (int step = 0; step < 2; ++step) {
        opt.zero_grad();
        at::Tensor loss = qat::nextTokenLoss(model, ids, fo);
        losses[step] = loss.item<double>();
        loss.backward();
        opt.step();
    }
    return {losses[0], losses[1]};
}

} // namespace

QAT_TEST(fusedCodesAndWeightsMatchAtenOnEveryLayout)
{
    requireKernels();
    torch::manual_seed(7);
    forEachDesign([](const std::string& design) {
        for (const Case& c : allCases())
            for (bool loraZero : {true, false}) {
                const std::string what = describe(c) + (loraZero ? " B=0" : " B random") + design;
                qat::QuantLinear q = makeModule(c, at::kBFloat16, loraZero);
                QAT_CHECK_MSG(qat::fusedQuantApplies(q, at::kBFloat16), what);
                checkDesign(q, c, what);
                at::NoGradGuard noGrad;
                const Both codes = both([&] { return q.codes(); });
                const Both w = both([&] { return q.weight(at::kBFloat16); });
                QAT_CHECK_MSG(w.fused.scalar_type() == at::kBFloat16, what);
                at::Tensor differ = (codes.fused != codes.aten).cpu();
                if (loraZero) {
                    QAT_CHECK_MSG(differ.sum().item<int64_t>() == 0, what + ": codes differ");
                } else {
                    const at::Tensor near = nearBoundary(q);
                    QAT_CHECK_MSG((differ & ~near).sum().item<int64_t>() == 0,
                                  what + ": codes differ off a boundary");
                    QAT_CHECK_MSG(near.to(torch::kDouble).mean().item<double>() < 0.01, what);
                }
                const at::Tensor wf = w.fused.to(torch::kCPU, torch::kDouble),
                                 wa = w.aten.to(torch::kCPU, torch::kDouble);
                const at::Tensor bad = ((wf - wa).abs() > wa.abs() * (1.0 / 256)) & ~differ;
                QAT_CHECK_MSG(bad.sum().item<int64_t>() == 0, what + ": W_hat differs beyond bf16 rounding");
            }
    });
}

QAT_TEST(fusedTrainingGradientsMatchAten)
{
    requireKernels();
    torch::manual_seed(8);
    forEachDesign([](const std::string& design) {
        for (const Case& c : allCases()) {
            const std::string what = describe(c) + design;
            qat::QuantLinear q = makeModule(c, at::kBFloat16, false);
            checkDesign(q, c, what);
            q.m.requires_grad_(true);
            q.A.requires_grad_(true);
            q.B.requires_grad_(true);
            const at::Tensor r = torch::randn(q.w0.sizes(), q.w0.options()).to(torch::kFloat);
            std::vector<at::Tensor> gf, ga;
            qat::setFusedQuantEnabled(true);
            gf = grads(q, at::kBFloat16, r, {q.m, q.A, q.B});
            qat::setFusedQuantEnabled(false);
            ga = grads(q, at::kBFloat16, r, {q.m, q.A, q.B});
            qat::setFusedQuantEnabled(true);
            QAT_CHECK_MSG(relErr(gf[0], ga[0]) < 1e-3, what + ": dm " + std::to_string(relErr(gf[0], ga[0])));
            QAT_CHECK_MSG(relErr(gf[1], ga[1]) < 1e-2, what + ": dA " + std::to_string(relErr(gf[1], ga[1])));
            QAT_CHECK_MSG(relErr(gf[2], ga[2]) < 1e-2, what + ": dB " + std::to_string(relErr(gf[2], ga[2])));
        }
    });
}

QAT_TEST(loraGradientsInTheKernelPassMatchCublas)
{
    // dA and dB summed on tensor cores in the tile backward's pass against the same bf16 operands through d
    // latent and cuBLAS: only the float32 sums' order differs. Every layout the tile kernels take, plus
    // shapes with several tiles and rows of blocks per matrix and a part-empty block of strips.
    requireKernels();
    torch::manual_seed(12);
    std::vector<Case> cases;
    for (const Case& c : allCases())
        if (c.group % 8 == 0 && c.cols % 8 == 0) cases.push_back(c);
    cases.push_back({1000, 1088, 3, 64, false, 16, qat::RangeInit::MinMax});
    cases.push_back({4096, 1024, 4, 128, false, 16, qat::RangeInit::MinMax});
    cases.push_back({517, 2056, 2, 8, false, 5, qat::RangeInit::MinMaxZero});
    for (const auto wtype : {at::kBFloat16, at::kFloat})
        for (const Case& c : cases) {
            const std::string what = describe(c) + (wtype == at::kFloat ? " float32 W0" : " bf16 W0");
            qat::QuantLinear q = makeModule(c, wtype, false);
            QAT_CHECK_MSG(qat::fusedQuantUsesTiles(q), what);
            q.m.requires_grad_(true);
            q.A.requires_grad_(true);
            q.B.requires_grad_(true);
            const at::Tensor r = torch::randn(q.w0.sizes(), q.w0.options()).to(torch::kFloat);
            std::vector<at::Tensor> g[2];
            for (bool inPass : {true, false}) {
                qat::setFusedLoraPartsEnabled(inPass);
                g[inPass ? 0 : 1] = grads(q, wtype, r, {q.m, q.A, q.B});
            }
            qat::setFusedLoraPartsEnabled(true);
            QAT_CHECK_MSG(relErr(g[0][0], g[1][0]) < 1e-6, what + ": dm");
            QAT_CHECK_MSG(relErr(g[0][1], g[1][1]) < 1e-4,
                          what + ": dA " + std::to_string(relErr(g[0][1], g[1][1])));
            QAT_CHECK_MSG(relErr(g[0][2], g[1][2]) < 1e-4,
                          what + ": dB " + std::to_string(relErr(g[0][2], g[1][2])));
        }
}

QAT_TEST(fusedCalibrationGradientsMatchAten)
{
    requireKernels();
    torch::manual_seed(9);
    forEachDesign([](const std::string& design) {
        for (const Case& c : allCases()) {
            const std::string what = describe(c) + design;
            qat::QuantLinear q = makeModule(c, at::kBFloat16, true); // calibration: B = 0
            q.logScale.requires_grad_(true);
            q.zero.requires_grad_(true);
            const at::Tensor r = torch::randn(q.w0.sizes(), q.w0.options()).to(torch::kFloat);
            qat::setFusedQuantEnabled(true);
            auto gf = grads(q, at::kBFloat16, r, {q.logScale, q.zero});
            qat::setFusedQuantEnabled(false);
            auto ga = grads(q, at::kBFloat16, r, {q.logScale, q.zero});
            qat::setFusedQuantEnabled(true);
            QAT_CHECK_MSG(relErr(gf[0], ga[0]) < 1e-4, what + ": ds " + std::to_string(relErr(gf[0], ga[0])));
            QAT_CHECK_MSG(relErr(gf[1], ga[1]) < 1e-4, what + ": dz " + std::to_string(relErr(gf[1], ga[1])));
        }
    });
}

// float32 weights and W_hat (fp32 models), W0 itself trained (LLM-QAT): d W0 is d latent.
QAT_TEST(fusedFloat32AndW0GradientMatchAten)
{
    requireKernels();
    torch::manual_seed(10);
    forEachDesign([](const std::string& design) {
        for (const Case& c : allCases()) {
            const std::string what = describe(c) + design;
            qat::QuantLinear q = makeModule(c, at::kFloat, true);
            q.w0 = q.w0.clone().requires_grad_(true);
            q.m.requires_grad_(true);
            q.A.requires_grad_(true);
            q.B.requires_grad_(true);
            QAT_CHECK_MSG(qat::fusedQuantApplies(q, at::kFloat), what);
            {
                at::NoGradGuard noGrad;
                const Both w = both([&] { return q.weight(at::kFloat); });
                QAT_CHECK_MSG(torch::equal(w.fused, w.aten), what + ": float32 W_hat differs");
            }
            const at::Tensor r = torch::randn(q.w0.sizes(), q.w0.options());
            qat::setFusedQuantEnabled(true);
            auto gf = grads(q, at::kFloat, r, {q.w0, q.m, q.A, q.B});
            qat::setFusedQuantEnabled(false);
            auto ga = grads(q, at::kFloat, r, {q.w0, q.m, q.A, q.B});
            qat::setFusedQuantEnabled(true);
            QAT_CHECK_MSG(relErr(gf[0], ga[0]) < 1e-4,
                          what + ": dW0 " + std::to_string(relErr(gf[0], ga[0])));
            QAT_CHECK_MSG(relErr(gf[1], ga[1]) < 1e-4, what + ": dm " + std::to_string(relErr(gf[1], ga[1])));
            QAT_CHECK_MSG(relErr(gf[2], ga[2]) < 1e-4, what + ": dA " + std::to_string(relErr(gf[2], ga[2])));
            QAT_CHECK_MSG(relErr(gf[3], ga[3]) < 1e-4, what + ": dB " + std::to_string(relErr(gf[3], ga[3])));
        }
    });
}

// Forms the kernels do not cover fall back to the ATen path, so weight(dtype) is the reference there too.
QAT_TEST(fusedPathDeclinesWhatItDoesNotCover)
{
    torch::manual_seed(11);
    qat::QuantLinear q = gridModule(torch::randn({8, 36}) * 0.02, 3, 6);
    QAT_CHECK(!qat::fusedQuantApplies(q, at::kBFloat16)); // on the CPU
    QAT_CHECK(torch::equal(q.weight(at::kBFloat16), q.weight().to(at::kBFloat16)));
    if (!torch::cuda::is_available()) return;
    q.w0 = q.w0.cuda();
    q.logScale = q.logScale.cuda();
    q.zero = q.zero.cuda();
    QAT_CHECK(!qat::fusedQuantApplies(q, at::kBFloat16)); // group of 6: not a multiple of 4
    QAT_CHECK(torch::equal(q.weight(at::kBFloat16), q.weight().to(at::kBFloat16)));
}

// Regression: QuantHook cached W_hat whenever grad mode was off, and a checkpointed block's forward runs with
// grad mode off, so every training step's forward used the first step's weights. The cache now follows the
// tensors' version counters.
QAT_TEST(hookCacheFollowsInPlaceUpdates)
{
    torch::manual_seed(12);
    for (auto dev : qat::test::devices()) {
        qat::QuantLinear q =
            gridModule(torch::randn({16, 64}, torch::TensorOptions().device(dev)) * 0.02, 4, 32);
        q.enableMagnitude();
        std::vector<qat::QuantLinear> mods{q};
        qat::QuantHook hook(mods);
        const at::Tensor x = torch::randn({3, 64}, q.w0.options());
        at::NoGradGuard noGrad;
        const at::Tensor y1 = hook.linear(x, 0, qat::LinearKind::Q, q.w0);
        mods[0].m.mul_(2); // what an optimizer step does
        const at::Tensor y2 = hook.linear(x, 0, qat::LinearKind::Q, q.w0);
        QAT_CHECK_MSG(qat::test::maxAbsDiff(y2, y1 * 2) < 1e-6, dev.str());
        QAT_CHECK(qat::test::maxAbsDiff(y1, y2) > 1e-4);
    }
}

// The same regression through the model: with gradient checkpointing the second step's loss is the one
// without (before the fix it was computed with the first step's W_hat).
QAT_TEST(checkpointedTrainingSeesEachStepsWeights)
{
    const auto plain = twoSteps(torch::kCPU, torch::kFloat, false);
    const auto ckpt = twoSteps(torch::kCPU, torch::kFloat, true);
    QAT_CHECK(std::fabs(plain.second - plain.first) > 1e-3); // the step moved the loss
    QAT_CHECK_NEAR(ckpt.first, plain.first, 1e-5);
    QAT_CHECK_NEAR(ckpt.second, plain.second, 1e-5);
}

// The fused path through a whole training step (bf16 model, checkpointing): the same losses as the ATen path.
// Step 1 has B = 0 (bit-identical W_hat); step 2 follows gradients whose LoRA part went through bf16
// products.
QAT_TEST(fusedTrainingStepsMatchAten)
{
    requireKernels();
    const torch::Device dev(torch::kCUDA, 0);
    qat::setFusedQuantEnabled(false);
    const auto aten = twoSteps(dev, torch::kBFloat16, true);
    qat::setFusedQuantEnabled(true);
    const auto fused = twoSteps(dev, torch::kBFloat16, true);
    QAT_CHECK_NEAR(fused.first, aten.first, 1e-4 * std::fabs(aten.first));
    QAT_CHECK_NEAR(fused.second, aten.second, 2e-2 * std::fabs(aten.second));
}

// DL-QAT's training stage freezes the grid (float32 s and uint8 z, made once; log s and z off the GPU):
// W_hat, the codes and the gradients of m, A and B are those of the unfrozen module, on the CPU (ATen path)
// and on CUDA (the fused kernels read the uint8 z), and thawGrid gives log s and z back unchanged, on their
// device.
QAT_TEST(frozenGridIsTheSameGrid)
{
    torch::manual_seed(13);
    for (auto dev : qat::test::devices())
        for (int bits : {2, 3, 4, 8})
            for (int64_t group : {32, 64}) {
                const std::string what =
                    dev.str() + " W" + std::to_string(bits) + " g" + std::to_string(group);
                const auto opts = torch::TensorOptions().device(dev);
                qat::QuantLinear q =
                    gridModule((torch::randn({48, 128}, opts) * 0.02).to(torch::kBFloat16), bits, group);
                q.setScale(q.scale() * 0.85);
                q.enableMagnitude();
                q.m = (1 + 0.1 * torch::randn_like(q.m)).requires_grad_(true);
                q.enableLora(16, 16.0, "kaiming");
                q.B = (torch::randn_like(q.B) * 0.02).requires_grad_(true);
                q.A.requires_grad_(true);
                const at::Tensor logScale = q.logScale.clone(), zero = q.zero.clone();
                const at::Tensor r = torch::randn(q.w0.sizes(), q.w0.options()).to(torch::kFloat);
                at::Tensor w, codes;
                {
                    at::NoGradGuard noGrad;
                    w = q.weight(at::kBFloat16);
                    codes = q.codes();
                }
                const auto g = grads(q, at::kBFloat16, r, {q.m, q.A, q.B});

                q.freezeGrid();
                QAT_CHECK_MSG(q.gridScale.defined() && q.gridZero.scalar_type() == torch::kUInt8, what);
                QAT_CHECK_MSG(q.gridZero.device() == dev && q.gridScale.device() == dev, what);
                if (dev.is_cuda()) {
                    QAT_CHECK_MSG(q.logScale.is_cpu() && q.zero.is_cpu(),
                                  what + ": log s and z left on the GPU");
                    if (qat::fusedQuantBuilt()) QAT_CHECK_MSG(qat::fusedQuantApplies(q, at::kBFloat16), what);
                }
                {
                    at::NoGradGuard noGrad;
                    QAT_CHECK_MSG(torch::equal(q.weight(at::kBFloat16), w), what + ": W_hat differs");
                    QAT_CHECK_MSG(torch::equal(q.codes(), codes), what + ": codes differ");
                }
                const auto gf = grads(q, at::kBFloat16, r, {q.m, q.A, q.B});
                QAT_CHECK_MSG(relErr(gf[0], g[0]) < 1e-6,
                              what + ": dm " + std::to_string(relErr(gf[0], g[0])));
                QAT_CHECK_MSG(relErr(gf[1], g[1]) < 1e-6,
                              what + ": dA " + std::to_string(relErr(gf[1], g[1])));
                QAT_CHECK_MSG(relErr(gf[2], g[2]) < 1e-6,
                              what + ": dB " + std::to_string(relErr(gf[2], g[2])));

                q.thawGrid();
                QAT_CHECK_MSG(!q.gridScale.defined() && !q.gridZero.defined(), what);
                QAT_CHECK_MSG(q.logScale.device() == dev && q.zero.device() == dev, what);
                QAT_CHECK_MSG(torch::equal(q.logScale, logScale) && torch::equal(q.zero, zero), what);
            }
    // A zero-point outside the code range cannot be a uint8 code: the grid stays as it is.
    qat::QuantLinear q = gridModule(torch::randn({4, 64}) * 0.02, 3, 32);
    q.zero[0][0] = 9.0;
    q.freezeGrid();
    QAT_CHECK(!q.gridScale.defined());
}

QAT_TEST_MAIN()

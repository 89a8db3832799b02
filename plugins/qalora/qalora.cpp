// QA-LoRA (Xu et al., 2023) as a QuantMethod: a frozen quantized base and a LoRA whose input is the
// group-pooled activation, so its update is constant inside every quantization group and merges into the
// zero-points after training (README.md has the formula).
#include "gptq.h"
#include "kit_options.h"
#include "method_kit.h"

#include "qatbench/error.h"
#include "qatbench/quantizer.h"
#include "qatbench_sdk/quant_method.h"

#include "qatbench_sdk/torch.h"

#include <cmath>
#include <map>

namespace qat::plugins {

namespace {

using nlohmann::json;

struct PooledLora
{
    at::Tensor A;    // float32 [r, groups]
    at::Tensor B;    // float32 [out, r]
    at::Tensor base; // the frozen W_hat = s (q - z), compute dtype
    at::Tensor lens; // float32 [groups]: input features per group (the last one may be shorter)
};

// y = x W_hat^T + (alpha/r) pool(x) A^T B^T, pool = the mean of each group of input features.
class QaLoraHook final : public LinearHook
{
public:
    QaLoraHook(std::vector<QuantLinear>& mods, std::vector<PooledLora>& lora, double scale)
        : m_mods(mods), m_lora(lora), m_scale(scale)
    {
        for (size_t i = 0; i < mods.size(); ++i)
            m_index[{mods[i].layer, int(mods[i].kind)}] = i;
    }
    at::Tensor linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& weight) override
    {
        auto it = m_index.find({layer, int(kind)});
        if (it == m_index.end()) return linearOp(x, weight);
        const QuantLinear& q = m_mods[it->second];
        const PooledLora& l = m_lora[it->second];
        std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
        shape.back() = q.lay.groups;
        shape.push_back(q.lay.group);
        at::Tensor padded = q.lay.partial() ? at::constant_pad_nd(x, {0, q.lay.padded() - q.lay.cols}) : x;
        at::Tensor pooled = padded.reshape(shape).to(at::kFloat).sum(-1) / l.lens;
        at::Tensor upd = at::linear(at::linear(pooled, l.A), l.B) * m_scale;
        return linearOp(x, l.base) + upd.to(x.scalar_type());
    }

private:
    std::vector<QuantLinear>& m_mods;
    std::vector<PooledLora>& m_lora;
    double m_scale;
    std::map<std::pair<int, int>, size_t> m_index;
};

class QaLoraMethod final : public QuantMethod
{
public:
    RunOutcome run(RunContext& ctx) override;
};

RunOutcome QaLoraMethod::run(RunContext& ctx)
{
    const json& opts = methodOptions(ctx);
    const uint64_t seed = runSeed(ctx);
    std::vector<QuantLinear> mods = makeModules(ctx);
    initGrid(ctx, mods, opts);
    torch::manual_seed(seed);
    const int64_t rank = opts.value("rank", int64_t(16));
    const double scale = opts.value("alpha", 16.0) / double(rank);
    const bool gaussian = opts.value("lora_init", std::string("kaiming")) == "gaussian";
    std::vector<PooledLora> lora(mods.size());
    std::vector<at::Tensor> params;
    int64_t trainable = 0;
    for (size_t i = 0; i < mods.size(); ++i) {
        const QuantLinear& q = mods[i];
        at::NoGradGuard noGrad;
        const auto fo = at::TensorOptions().dtype(at::kFloat).device(q.w0.device());
        PooledLora& l = lora[i];
        const double bound = 1.0 / std::sqrt(double(q.lay.groups)); // PEFT's init on the pooled fan-in
        l.A = gaussian ? at::randn({rank, q.lay.groups}, fo) / std::sqrt(double(rank))
                       : at::rand({rank, q.lay.groups}, fo) * (2 * bound) - bound;
        l.B = at::zeros({q.w0.size(0), rank}, fo);
        l.base = q.weight().to(ctx.model.options().dtype);
        l.lens = at::full({q.lay.groups}, double(q.lay.group), fo);
        if (q.lay.partial()) l.lens[q.lay.groups - 1] = double(q.lay.cols - (q.lay.groups - 1) * q.lay.group);
        params.push_back(l.A.requires_grad_(true));
        params.push_back(l.B.requires_grad_(true));
        trainable += l.A.numel() + l.B.numel();
    }
    reportTrainable(ctx, "QA-LoRA", trainable, mods.size());
    QaLoraHook hook(mods, lora, scale);
    const ForwardOptions fwd = trainingForward(ctx, &hook);
    const double wd = weightDecay(ctx);
    TrainLoop loop(loopSettingsFrom(ctx.experiment), {{"lora", params, opts.value("lr_lora", 1e-3), wd}});
    auto fields = [&](QuantLinear& q) {
        PooledLora& l = lora[size_t(&q - mods.data())];
        return std::vector<std::pair<std::string, at::Tensor*>>{{"A", &l.A}, {"B", &l.B}};
    };
    if (trainModules(ctx, loop, mods, fields, fwd, seed) == RunOutcome::Stopped) return RunOutcome::Stopped;

    // Merge: the update of column j is (alpha/r) (B A)[:, g(j)] / |g(j)|, one value d per (row, group):
    // s (q - z) + d = s (q - (z - d / s)).
    at::NoGradGuard noGrad;
    for (size_t i = 0; i < mods.size(); ++i) {
        QuantLinear& q = mods[i];
        at::Tensor d = at::matmul(lora[i].B, lora[i].A) * scale / lora[i].lens.unsqueeze(0);
        q.zeroShift = -(d / q.scale());
    }
    finishMethod(ctx, mods);
    return RunOutcome::Completed;
}

MethodInfo qaloraMethodInfo()
{
    MethodInfo m;
    m.id = "qalora";
    m.title = "QA-LoRA";
    m.summary =
        "Quantization-aware LoRA: the base weights are quantized once and frozen; a LoRA A (r x groups), "
        "B (out x r) acts on the group-averaged input, so its update is one value per (row, group) and "
        "is merged into the zero-points after training: the result stays an integer model.";
    m.citation = "Xu et al., 2023, QA-LoRA: Quantization-Aware Low-Rank Adaptation of Large Language Models";
    m.trains = true;
    m.options = quantizerOptions(4, 128, RangeInit::MinMax);
    appendOptions(m.options, loraOptions());
    m.options.push_back(loraRateOption());
    appendOptions(m.options, initFromOptions());
    return m;
}

} // namespace

void registerQaLora()
{
    registerMethod(qaloraMethodInfo(), [] { return std::make_unique<QaLoraMethod>(); });
}

} // namespace qat::plugins

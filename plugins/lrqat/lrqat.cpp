// LR-QAT (Bondarenko et al., 2024) as a QuantMethod: the low-rank update lives inside the integer grid,
//     W_hat = s (clamp(round(phi(W0 / s0) + (alpha/r) A B) + z, 0, 2^N - 1) - z),
// with W0/s0 computed once from the starting scale s0 and stored down-cast (phi: float32, bfloat16 or 8-bit
// fixed point) in place of W0, A B the low-rank update and s trained (README.md has the details).
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

// phi(W0 / s0) in one of three storages. int8: v = (W0/s0 + z - 2^(N-1)) * 2^(8-N), rounded; the integer
// part of the grid position needs N bits, the remaining 8 - N bits keep its fraction.
struct GridLatent
{
    at::Tensor stored;
    std::string storage;
    int fracBits = 0;
    double offset = 0; // 2^(N-1)

    static GridLatent make(const QuantLinear& q, const std::string& storage)
    {
        at::NoGradGuard noGrad;
        GridLatent g;
        g.storage = storage;
        at::Tensor u = q.w0.to(at::kFloat) / expandGroups(q.scale(), q.lay);
        if (storage == "bf16") {
            g.stored = u.to(at::kBFloat16);
        } else if (storage == "int8") {
            g.fracBits = 8 - q.spec.bits;
            g.offset = double(int64_t(1) << (q.spec.bits - 1));
            at::Tensor v = (u + expandGroups(at::round(q.zero), q.lay) - g.offset) * double(1 << g.fracBits);
            g.stored = at::round(v).clamp(-128, 127).to(at::kChar);
        } else {
            g.stored = u;
        }
        return g;
    }
    at::Tensor units(const QuantLinear& q) const
    {
        if (storage != "int8") return stored.to(at::kFloat);
        return stored.to(at::kFloat) / double(1 << fracBits) + offsetMinusZero(q);
    }
    at::Tensor offsetMinusZero(const QuantLinear& q) const
    {
        return offset - expandGroups(at::round(q.zero.detach()), q.lay);
    }
};

// y = x W_hat^T with W_hat from the stored grid positions (fixed during training). In no-grad mode W_hat is
// cached while the module's tensors are unchanged: a checkpointed block's forward runs in no-grad mode too
// and must see this step's LoRA, not the first step's.
class LrQatHook final : public LinearHook
{
public:
    LrQatHook(std::vector<QuantLinear>& mods, std::vector<GridLatent>& latents) : m_mods(mods), m_lat(latents)
    {
        for (size_t i = 0; i < mods.size(); ++i)
            m_index[{mods[i].layer, int(mods[i].kind)}] = i;
    }
    at::Tensor weight(size_t i) const
    {
        const QuantLinear& q = m_mods[i];
        at::Tensor u = m_lat[i].units(q) + at::matmul(q.B, q.A) * q.loraScale;
        return fakeQuantUnits(u, q.scale(), at::round(q.zero), q.spec);
    }
    at::Tensor linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& w) override
    {
        auto it = m_index.find({layer, int(kind)});
        if (it == m_index.end()) return linearOp(x, w);
        if (at::GradMode::is_enabled()) return linearOp(x, weight(it->second).to(x.scalar_type()));
        std::vector<int64_t> state = m_mods[it->second].versionState();
        state.push_back(int64_t(x.scalar_type()));
        auto c = m_cache.find(it->second);
        if (c == m_cache.end() || c->second.first != state)
            c = m_cache
                    .insert_or_assign(
                        it->second, std::make_pair(std::move(state), weight(it->second).to(x.scalar_type())))
                    .first;
        return linearOp(x, c->second.second);
    }
    void invalidate() { m_cache.clear(); }

private:
    std::vector<QuantLinear>& m_mods;
    std::vector<GridLatent>& m_lat;
    std::map<std::pair<int, int>, size_t> m_index;
    std::map<size_t, std::pair<std::vector<int64_t>, at::Tensor>> m_cache; // version state, W_hat
};

class LrQatMethod final : public QuantMethod
{
public:
    RunOutcome run(RunContext& ctx) override;
};

RunOutcome LrQatMethod::run(RunContext& ctx)
{
    const json& opts = methodOptions(ctx);
    const uint64_t seed = runSeed(ctx);
    std::vector<QuantLinear> mods = makeModules(ctx);
    initGrid(ctx, mods, opts);
    torch::manual_seed(seed);
    const std::string storage = opts.value("latent_storage", std::string("int8"));
    const bool freeWeights = opts.value("free_fp_weights", true);
    std::vector<GridLatent> latents;
    std::vector<at::Tensor> lora, scales;
    int64_t trainable = 0;
    for (auto& q : mods) {
        latents.push_back(GridLatent::make(q, storage));
        q.enableLora(opts.value("rank", int64_t(16)), opts.value("alpha", 16.0),
                     opts.value("lora_init", std::string("kaiming")));
        q.loraInGrid = true;
        lora.push_back(q.A.requires_grad_(true));
        lora.push_back(q.B.requires_grad_(true));
        scales.push_back(q.logScale.requires_grad_(true));
        trainable += q.A.numel() + q.B.numel() + q.logScale.numel();
        // The stored grid positions replace W0: drop the full-precision copy while training.
        q.w0 = at::Tensor();
        if (freeWeights) {
            at::Tensor& w = ctx.model.weights().layers[size_t(q.layer)][q.kind];
            w = at::empty({0}, w.options());
        }
    }
    reportTrainable(ctx, "LR-QAT", trainable, mods.size());
    LrQatHook hook(mods, latents);
    const ForwardOptions fwd = trainingForward(ctx, &hook);
    const double wd = weightDecay(ctx);
    TrainLoop loop(loopSettingsFrom(ctx.experiment), {{"lora", lora, opts.value("lr_lora", 1e-3), wd},
                                                      {"scale", scales, opts.value("lr_scale", 1e-3)}});
    auto fields = [](QuantLinear& q) {
        return std::vector<std::pair<std::string, at::Tensor*>>{
            {"A", &q.A}, {"B", &q.B}, {"log_scale", &q.logScale}};
    };
    if (trainModules(ctx, loop, mods, fields, fwd, seed, [&] { hook.invalidate(); }) == RunOutcome::Stopped)
        return RunOutcome::Stopped;
    // The result as a plain grid: w0 = s (q - z) of the final codes.
    at::NoGradGuard noGrad;
    for (size_t i = 0; i < mods.size(); ++i) {
        QuantLinear& q = mods[i];
        q.w0 = hook.weight(i);
        q.logScale = q.logScale.detach();
        q.zero = at::round(q.zero);
        q.A = at::Tensor();
        q.B = at::Tensor();
        q.loraInGrid = false;
    }
    finishMethod(ctx, mods);
    return RunOutcome::Completed;
}

MethodInfo lrqatMethodInfo()
{
    MethodInfo m;
    m.id = "lrqat";
    m.title = "LR-QAT";
    m.summary =
        "Low-rank QAT: the low-rank update is added inside the integer grid, W_hat = s (clamp(round(phi(W0 "
        "/ s0) + (alpha/r) A B) + z) - z), where the grid positions W0/s0 are computed once and stored "
        "down-cast (8-bit fixed point or bfloat16) instead of W0; A, B and s are trained.";
    m.citation = "Bondarenko, Del Chiaro and Nagel, 2024, Low-Rank Quantization-Aware Training for LLMs";
    m.trains = true;
    m.options = quantizerOptions(4, 128, RangeInit::MinMax);
    appendOptions(m.options, loraOptions());
    appendOptions(
        m.options,
        {loraRateOption(), logScaleRateOption(),
         OptionSpec::choice("latent_storage", "int8", {"int8", "bf16", "fp32"})
             .withLabel("W0/s0 storage")
             .withHelp("How the fixed grid positions W0/s0 are kept: int8 = 8-bit fixed point "
                       "(N integer bits, 8 - N fraction bits), bf16, or fp32 (no down-cast).")
             .inGroup("Memory"),
         OptionSpec::boolean("free_fp_weights", true)
             .withLabel("Free W0")
             .withHelp(
                 "Release the model's full-precision copies of the quantized weights while training (the "
                 "stored grid positions replace them); they are rewritten from the result at the end.")
             .inGroup("Memory")});
    appendOptions(m.options, initFromOptions());
    return m;
}

} // namespace

void registerLrQat()
{
    registerMethod(lrqatMethodInfo(), [] { return std::make_unique<LrQatMethod>(); });
}

} // namespace qat::plugins

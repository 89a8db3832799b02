// L4Q (Jeon et al., 2024) as a QuantMethod: the LoRA update is added before the quantizer and the quantizer's
// scale and offset are trained together with it, in one stage: W_hat = Q(W0 + (alpha/r) B A; s, z)
// (README.md has the formula). Everything is core's QuantLinear; only the trainable set differs from DL-QAT.
#include "gptq.h"
#include "kit_options.h"
#include "method_kit.h"

#include "qatbench/quantizer.h"
#include "qatbench_sdk/quant_method.h"

#include "qatbench_sdk/torch.h"

namespace qat::plugins {

namespace {

using nlohmann::json;

class L4qMethod final : public QuantMethod
{
public:
    RunOutcome run(RunContext& ctx) override
    {
        const json& opts = methodOptions(ctx);
        const uint64_t seed = runSeed(ctx);
        std::vector<QuantLinear> mods = makeModules(ctx);
        initGrid(ctx, mods, opts);
        torch::manual_seed(seed);
        std::vector<at::Tensor> lora, scales, zeros;
        int64_t trainable = 0;
        for (auto& q : mods) {
            q.enableLora(opts.value("rank", int64_t(16)), opts.value("alpha", 16.0),
                         opts.value("lora_init", std::string("kaiming")));
            lora.push_back(q.A.requires_grad_(true));
            lora.push_back(q.B.requires_grad_(true));
            scales.push_back(q.logScale.requires_grad_(true));
            zeros.push_back(q.zero.requires_grad_(true));
            trainable += q.trainableCount(true);
        }
        reportTrainable(ctx, "L4Q", trainable, mods.size());
        QuantHook hook(mods);
        const ForwardOptions fwd = trainingForward(ctx, &hook);
        const double wd = weightDecay(ctx);
        TrainLoop loop(loopSettingsFrom(ctx.experiment), {{"lora", lora, opts.value("lr_lora", 1e-3), wd},
                                                          {"scale", scales, opts.value("lr_scale", 1e-3)},
                                                          {"zero", zeros, opts.value("lr_zero", 1e-3)}});
        auto fields = [](QuantLinear& q) {
            return std::vector<std::pair<std::string, at::Tensor*>>{
                {"A", &q.A}, {"B", &q.B}, {"log_scale", &q.logScale}, {"zero", &q.zero}};
        };
        // z is learned: projected back into the code range before every step (QuantLinear::clampZero).
        const auto projectZeros = [&] {
            for (auto& q : mods)
                q.clampZero();
        };
        if (trainModules(
                ctx, loop, mods, fields, fwd, seed, [&] { hook.invalidate(); }, projectZeros) ==
            RunOutcome::Stopped)
            return RunOutcome::Stopped;
        for (auto& q : mods)
            materialize(q); // the codes of W0 + (alpha/r) B A on the learned grid
        finishMethod(ctx, mods);
        return RunOutcome::Completed;
    }
};

MethodInfo l4qMethodInfo()
{
    MethodInfo m;
    m.id = "l4q";
    m.title = "L4Q";
    m.summary =
        "LoRA inside the quantizer with a learnable grid: W_hat = s (clamp(round((W0 + (alpha/r) B A) / s) "
        "+ z) - z), with A, B, the scale s and the zero-point z trained together in one stage. The "
        "result is an ordinary group-wise quantized weight.";
    m.citation =
        "Jeon et al., 2024, L4Q: Parameter Efficient Quantization-Aware Fine-Tuning on Large Language "
        "Models";
    m.trains = true;
    m.options = quantizerOptions(4, 128, RangeInit::MinMax);
    appendOptions(m.options, loraOptions());
    appendOptions(m.options,
                  {loraRateOption(), logScaleRateOption(),
                   OptionSpec::rate("lr_zero", 1e-3)
                       .withLabel("LR zero-point z")
                       .withHelp("AdamW learning rate of z in code units (rounded straight-through).")
                       .inGroup("Training")});
    appendOptions(m.options, initFromOptions());
    return m;
}

} // namespace

void registerL4q()
{
    registerMethod(l4qMethodInfo(), [] { return std::make_unique<L4qMethod>(); });
}

} // namespace qat::plugins

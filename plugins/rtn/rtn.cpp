// RTN: post-training round-to-nearest, the baseline every other method is measured against.
#include "method_kit.h"

#include "qatbench/experiment.h"
#include "qatbench/quantizer.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/quant_method.h"

namespace qat::plugins {

namespace {

class RtnMethod final : public QuantMethod
{
public:
    RunOutcome run(RunContext& ctx) override
    {
        const QuantSpec spec = quantSpecFromOptions(methodOptions(ctx));
        ctx.sink.phase("quantize");
        std::vector<QuantLinear> mods = makeModules(ctx);
        ctx.sink.message("info", "RTN: " + std::to_string(mods.size()) + " linears, W" +
                                     std::to_string(spec.bits) + " g" + std::to_string(spec.groupSize) +
                                     ", init " + rangeInitName(spec.init));
        finishMethod(ctx, mods);
        ctx.sink.progress(Progress{"quantize", 1, 1, 0, 0, "steps"});
        return RunOutcome::Completed;
    }
};

} // namespace

MethodInfo rtnMethodInfo()
{
    MethodInfo m;
    m.id = "rtn";
    m.title = "RTN";
    m.summary = "Post-training round-to-nearest: every group's scale and zero-point from its min and max (0 "
                "included by default, the reference protocol), weights rounded once. No training.";
    m.citation = "the standard baseline (e.g. Frantar et al., 2022, GPTQ, Table 1)";
    m.trains = false;
    m.options = quantizerOptions(4, 128, RangeInit::MinMaxZero);
    m.demoOptions = nlohmann::json::object(); // the baseline: declared defaults
    return m;
}

void registerRtn()
{
    registerMethod(rtnMethodInfo(), [] { return std::make_unique<RtnMethod>(); });
}

} // namespace qat::plugins

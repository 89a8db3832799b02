// The method kit (see method_kit.h).
#include "method_kit.h"

#include "qatbench/error.h"
#include "qatbench/quantizer.h"
#include "qatbench_sdk/export.h"

#include "qatbench_sdk/torch.h"

#include <map>

namespace qat::plugins {

const nlohmann::json& methodOptions(const RunContext& ctx)
{
    return ctx.experiment.method.options;
}

uint64_t runSeed(const RunContext& ctx)
{
    return ctx.experiment.seed;
}

std::vector<QuantLinear> makeModules(RunContext& ctx)
{
    const nlohmann::json& opts = methodOptions(ctx);
    return makeQuantLinears(ctx.model, parseModuleList(opts.value("modules", std::string("all"))),
                            quantSpecFromOptions(opts));
}

ForwardOptions trainingForward(const RunContext& ctx, LinearHook* hook)
{
    ForwardOptions fwd;
    fwd.hook = hook;
    fwd.checkpointBlocks = ctx.experiment.training.gradientCheckpointing;
    return fwd;
}

double weightDecay(const RunContext& ctx)
{
    return ctx.experiment.training.weightDecay;
}

void reportEval(RunContext& ctx, LinearHook* hook, int64_t step, const std::function<void()>& refresh)
{
    const int64_t evalEvery = ctx.experiment.training.evalEvery;
    const int64_t tasksEvery = ctx.experiment.evaluation ? ctx.experiment.evaluation->tasksEvery : 0;
    if (!ctx.data.eval.empty() && evalEvery > 0 && step % evalEvery == 0) {
        const DataSettings& d = ctx.experiment.data;
        if (refresh) refresh();
        const NllResult r = evaluateNll(ctx.model, ctx.data.eval, d.evalSeqLen, d.evalMaxWindows, hook);
        if (refresh) refresh();
        ctx.sink.scalar("eval/ppl", step, r.ppl());
        ctx.sink.scalar("eval/nll", step, r.meanNll);
    }
    if (ctx.scoreTasks && tasksEvery > 0 && step % tasksEvery == 0 && step != ctx.experiment.training.steps) {
        if (refresh) refresh();
        ctx.scoreTasks(step, hook);
        if (refresh) refresh();
    }
}

void reportTrainable(RunContext& ctx, const std::string& title, int64_t trainable, size_t modules)
{
    const double fraction = double(trainable) / double(modelParamCount(ctx.model));
    ctx.sink.scalar("train/trainable_params", 0, double(trainable));
    ctx.sink.scalar("train/trainable_fraction", 0, fraction);
    ctx.sink.message("info", title + ": " + std::to_string(modules) + " quantized linears, " +
                                 std::to_string(trainable) + " trainable parameters (" +
                                 std::to_string(fraction * 100) + " % of the model)");
}

void materialize(QuantLinear& q)
{
    at::NoGradGuard noGrad;
    q.clampZero(); // a learned z (L4Q) after its last step: the codes and the export need it in the code
                   // range
    at::Tensor codes = q.codes();
    q.logScale = q.logScale.detach().clone();
    q.zero = at::round(q.zero.detach());
    q.w0 = dequantCodes(codes, q.scale(), q.zero, q.spec);
    q.A = at::Tensor();
    q.B = at::Tensor();
    q.loraInGrid = false;
}

void finishMethod(RunContext& ctx, std::vector<QuantLinear>& modules)
{
    exportRunResult(ctx, modules);
    applyToModel(ctx.model, modules, /*consume=*/true); // the modules are not used after finishing
    // w0 may be a float32 grid (GPTQ, materialize) while the model computes in bfloat16.
    const at::ScalarType dtype = ctx.model.options().dtype;
    for (const auto& q : modules) {
        at::Tensor& w = ctx.model.weights().layers[size_t(q.layer)][q.kind];
        if (w.scalar_type() != dtype) w = w.to(dtype);
    }
    ctx.finalHook = nullptr;
    // Their tensors (log s, z, m, LoRA, grids, W0 where it is not the model's memory) are freed here, before
    // the engine's final evaluation, not with the method: ~0.9 GiB at LLaMA-2-7B W3 g128, which put the
    // evaluation above a training step's peak.
    modules.clear();
    modules.shrink_to_fit();
}

void saveModuleTensors(CheckpointState& state, std::vector<QuantLinear>& modules, const ModuleFields& fields)
{
    for (size_t i = 0; i < modules.size(); ++i)
        for (auto& [name, t] : fields(modules[i]))
            if (t->defined()) state.tensors.emplace_back(std::to_string(i) + "." + name, *t);
}

void loadModuleTensors(const CheckpointState& state, std::vector<QuantLinear>& modules,
                       const ModuleFields& fields)
{
    at::NoGradGuard noGrad;
    std::map<std::string, at::Tensor> byName(state.tensors.begin(), state.tensors.end());
    for (size_t i = 0; i < modules.size(); ++i)
        for (auto& [name, t] : fields(modules[i])) {
            const std::string key = std::to_string(i) + "." + name;
            auto it = byName.find(key);
            if (it == byName.end()) continue;
            if (!t->defined() || t->sizes() != it->second.sizes())
                throw Error("the checkpoint does not match this model/config (tensor " + key + ")");
            t->copy_(it->second);
        }
}

std::optional<CheckpointState> resumeLoop(RunContext& ctx, TrainLoop& loop, WindowSampler& sampler)
{
    if (!ctx.resume || ctx.workDir.empty() || !hasCheckpoint(ctx.workDir)) return std::nullopt;
    CheckpointState s = loop.readCheckpoint(ctx.workDir);
    sampler.seek(s.samplerPosition);
    return s;
}

RunOutcome trainModules(RunContext& ctx, TrainLoop& loop, std::vector<QuantLinear>& modules,
                        const ModuleFields& fields, const ForwardOptions& fwd, uint64_t seed,
                        const std::function<void()>& refresh, const std::function<void()>& beforeStep)
{
    WindowSampler sampler = trainingSampler(ctx, ctx.data.train, seed * 2 + 2);
    loop.saveState = [&](CheckpointState& s) {
        s.phase = "training";
        s.samplerPosition = sampler.position();
        saveModuleTensors(s, modules, fields);
    };
    loop.onEval = [&](int64_t step) { reportEval(ctx, fwd.hook, step, refresh); };
    if (auto s = resumeLoop(ctx, loop, sampler)) loadModuleTensors(*s, modules, fields);
    if (!fwd.checkpointBlocks) { // the batch split over the CPU's threads
        loop.beforeBatch = beforeStep;
        loop.partLoss = [&](const at::Tensor& w) { return nextTokenLoss(ctx.model, w, fwd); };
    }
    ctx.sink.phase("training");
    return loop.run(
        sampler,
        [&](const at::Tensor& w) {
            if (beforeStep) beforeStep();
            return nextTokenLoss(ctx.model, w, fwd);
        },
        ctx, ctx.model.options().device);
}

} // namespace qat::plugins

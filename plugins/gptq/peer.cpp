// The peer methods' shared pieces (see peer.h).
#include "peer.h"

#include "gptq.h"

#include "qatbench/error.h"
#include "qatbench_sdk/export.h"

#include <torch/torch.h>

#include <map>

namespace qat::plugins {

OptionSpec lrOption(const char* name, double def, const char* label, const char* help, const char* group)
{
    return {name, OptionType::Float, def, 1e-8, 1.0, true, {}, label, help, group};
}

OptionSpec intOption(const char* name, int64_t def, int64_t lo, int64_t hi, const char* label,
                     const char* help, const char* group)
{
    return {name, OptionType::Int, def, double(lo), double(hi), false, {}, label, help, group};
}

OptionSpec choiceOption(const char* name, const char* def, std::vector<std::string> choices,
                        const char* label, const char* help, const char* group)
{
    OptionSpec o{name, OptionType::Choice, def};
    o.choices = std::move(choices);
    o.label = label;
    o.help = help;
    o.group = group;
    return o;
}

std::vector<OptionSpec> loraOptions()
{
    std::vector<OptionSpec> o;
    o.push_back(intOption("rank", 16, 1, 4096, "LoRA rank r", "Rank of the low-rank update.", "LoRA"));
    o.push_back({"alpha",
                 OptionType::Float,
                 16.0,
                 1e-6,
                 1e6,
                 false,
                 {},
                 "LoRA alpha",
                 "The low-rank update is scaled by alpha / r.",
                 "LoRA"});
    o.push_back(
        choiceOption("lora_init", "kaiming", {"kaiming", "gaussian"}, "LoRA A init",
                     "Init of the r x in factor: kaiming = uniform(+-1/sqrt(in)) as in PEFT, gaussian "
                     "= N(0, 1/r). The other factor starts at zero, so training starts from the grid.",
                     "LoRA"));
    return o;
}

std::vector<OptionSpec> initFromOptions()
{
    std::vector<OptionSpec> o;
    o.push_back(choiceOption("init_from", "rtn", {"rtn", "gptq"}, "Starting grid",
                             "rtn = s, z from each group's range (the init option); gptq = GPTQ's s, z and "
                             "codes (its weight s (q - z) replaces W0 as the starting point).",
                             "Initialization"));
    for (auto& g : gptqOptions("gptq_", "Initialization"))
        o.push_back(std::move(g));
    return o;
}

void initGrid(RunContext& ctx, std::vector<QuantLinear>& modules, const nlohmann::json& options)
{
    if (options.value("init_from", std::string("rtn")) != "gptq") return; // makeQuantLinears did RTN
    runGptq(ctx, modules, gptqSettingsFrom(ctx.experiment, options, "gptq_"));
}

void reportEval(RunContext& ctx, LinearHook* hook, int64_t step)
{
    if (ctx.data.eval.empty()) return;
    const auto& d = ctx.experiment["data"];
    NllResult r = evaluateNll(ctx.model, ctx.data.eval, d.value("eval_seq_len", int64_t(512)),
                              d.value("eval_max_windows", int64_t(0)), hook);
    ctx.sink.scalar("eval/ppl", step, r.ppl());
    ctx.sink.scalar("eval/nll", step, r.meanNll);
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
    at::Tensor codes = q.codes();
    q.logScale = q.logScale.detach().clone();
    q.zero = at::round(q.zero.detach());
    q.w0 = dequantCodes(codes, q.scale(), q.zero, q.spec);
    q.A = at::Tensor();
    q.B = at::Tensor();
    q.loraInGrid = false;
}

void finishPeer(RunContext& ctx, std::vector<QuantLinear>& modules)
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
                        const std::function<void()>& refresh)
{
    WindowSampler sampler = trainingSampler(ctx, ctx.data.train, seed * 2 + 2);
    loop.saveState = [&](CheckpointState& s) {
        s.phase = "training";
        s.samplerPosition = sampler.position();
        saveModuleTensors(s, modules, fields);
    };
    loop.onEval = [&](int64_t step) {
        if (refresh) refresh();
        reportEval(ctx, fwd.hook, step);
        if (refresh) refresh();
    };
    if (auto s = resumeLoop(ctx, loop, sampler)) loadModuleTensors(*s, modules, fields);
    ctx.sink.phase("training");
    return loop.run(
        sampler, [&](const at::Tensor& w) { return nextTokenLoss(ctx.model, w, fwd); }, ctx,
        ctx.model.options().device);
}

} // namespace qat::plugins

// DL-QAT (Ke et al., 2025) as a QuantMethod: calibration of s, z with W0 fixed, then m and LoRA trained.
#include "dlqat.h"

#include "method_kit.h"

#include "qatbench/quantizer.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/trainer.h"

#include "qatbench_sdk/torch.h"

namespace qat::plugins {

namespace {

using nlohmann::json;

class DlqatMethod final : public QuantMethod
{
public:
    RunOutcome run(RunContext& ctx) override;

private:
    at::Tensor objectiveLoss(RunContext& ctx, const at::Tensor& windows, const std::string& objective);
    void reportHistograms(RunContext& ctx, int64_t step);
    void reportEval(RunContext& ctx, int64_t step);

    json m_opts;
    std::vector<QuantLinear> m_mods;
    std::unique_ptr<QuantHook> m_hook;
    ForwardOptions m_fwd;
};

// The loss of a calibration or training step: calib_objective / train_objective.
at::Tensor DlqatMethod::objectiveLoss(RunContext& ctx, const at::Tensor& windows,
                                      const std::string& objective)
{
    if (objective == "next_token") return nextTokenLoss(ctx.model, windows, m_fwd);
    if (objective == "block_mse") {
        at::Tensor ids = windows.narrow(1, 0, windows.size(1) - 1);
        m_hook->setCollectMse(true);
        ForwardOptions plain = m_fwd;
        plain.checkpointBlocks = false; // the loss is collected inside the blocks
        (void)ctx.model.hidden(ids, plain);
        m_hook->setCollectMse(false);
        return m_hook->takeAuxLoss();
    }
    return distillLoss(ctx.model, windows, m_fwd); // KL to the unquantized model (the same model, no hook)
}

void DlqatMethod::reportHistograms(RunContext& ctx, int64_t step)
{
    at::NoGradGuard noGrad;
    at::Tensor codeCount;
    for (const auto& q : m_mods) {
        const std::string c = q.context();
        if (q.m.defined()) ctx.sink.histogram("dlqat/m", step, q.m, c);
        ctx.sink.histogram("dlqat/scale", step, q.scale(), c);
        if (q.A.defined()) {
            // Size of the LoRA update per group, in quantization steps: rms((alpha/r) B A) / s.
            at::Tensor upd = toGroups(at::matmul(q.B, q.A) * q.loraScale, q.lay).pow(2).mean(-1).sqrt();
            ctx.sink.histogram("dlqat/lora_update", step, upd / q.scale(), c);
        }
        at::Tensor counts = at::bincount(q.codes().reshape({-1}).to(at::kLong), {}, q.spec.levels() + 1);
        codeCount = codeCount.defined() ? codeCount + counts : counts;
    }
    if (codeCount.defined()) {
        // Code usage as samples would be huge on a 7B model: report it as one value per code level, weighted
        // by how often it is used (the histogram's bins are the levels).
        at::Tensor levels = at::arange(codeCount.size(0), codeCount.options()).to(at::kFloat);
        at::Tensor frac = codeCount.to(at::kDouble) / codeCount.sum().to(at::kDouble);
        at::Tensor samples = levels.repeat_interleave((frac * 1000).round().to(at::kLong));
        ctx.sink.histogram("dlqat/codes", step, samples);
        for (int64_t i = 0; i < codeCount.size(0); ++i)
            ctx.sink.scalar("dlqat/code_usage", step, frac[i].item<double>(), "code=" + std::to_string(i));
    }
}

void DlqatMethod::reportEval(RunContext& ctx, int64_t step)
{
    plugins::reportEval(ctx, m_hook.get(), step, [&] { m_hook->invalidate(); });
}

// What a checkpoint holds of every module: the grid, and the trained m and LoRA once they exist.
std::vector<std::pair<std::string, at::Tensor*>> checkpointFields(QuantLinear& q)
{
    return {{"log_scale", &q.logScale}, {"zero", &q.zero}, {"m", &q.m}, {"A", &q.A}, {"B", &q.B}};
}

// What calibration restores: the grid (m and LoRA do not exist yet; checkpoints of earlier versions also hold
// their initial values, which enableLora draws again the same way).
std::vector<std::pair<std::string, at::Tensor*>> calibrationFields(QuantLinear& q)
{
    return {{"log_scale", &q.logScale}, {"zero", &q.zero}};
}

RunOutcome DlqatMethod::run(RunContext& ctx)
{
    m_opts = methodOptions(ctx);
    const at::Device dev = ctx.model.options().device;
    const uint64_t seed = runSeed(ctx);
    torch::manual_seed(seed);
    m_mods = makeModules(ctx);
    m_hook = std::make_unique<QuantHook>(m_mods);
    m_fwd = trainingForward(ctx, m_hook.get());
    const std::string calibObjective = m_opts.value("calib_objective", std::string("next_token"));
    const std::string trainObjective = m_opts.value("train_objective", std::string("next_token"));
    const bool trainM = m_opts.value("train_m", true), trainLora = m_opts.value("train_lora", true);
    const int64_t rank = m_opts.value("rank", 16);
    const bool resuming = ctx.resume && hasCheckpoint(ctx.workDir);
    const std::string resumePhase = resuming ? peekCheckpoint(ctx.workDir).phase : "";
    const LoopSettings base = loopSettingsFrom(ctx.experiment);

    // m and LoRA come into being when calibration ends (below); what they will train is counted now.
    int64_t trainable = 0;
    for (const auto& q : m_mods)
        trainable +=
            (trainM ? q.lay.rows * q.lay.groups : 0) + (trainLora ? rank * (q.lay.rows + q.lay.cols) : 0);
    reportTrainable(ctx, "DL-QAT", trainable, m_mods.size());

    // Stage 1: calibration of s and z, W0 fixed, W_hat = Q(W0) (m and LoRA do not exist yet).
    const int64_t calibSteps = m_opts.value("calib_steps", int64_t(1000));
    if (calibSteps > 0 && resumePhase != "training") {
        ctx.sink.phase("calibration");
        LoopSettings cs = base;
        cs.steps = calibSteps;
        // calib_warmup_steps -1: the rule of earlier versions, min(training.warmup_steps, calib_steps / 10).
        const int64_t calibWarmup = m_opts.value("calib_warmup_steps", int64_t(-1));
        cs.warmup =
            calibWarmup >= 0 ? std::min(calibWarmup, calibSteps) : std::min(base.warmup, calibSteps / 10);
        cs.phase = "calibration";
        cs.seriesPrefix = "calib";
        cs.evalEvery = 0;
        cs.histogramEvery = 0;
        // scale_param "log": the trained tensor is log s itself (lr_scale is a relative step). "linear": s is
        // trained directly (lr_scale in units of s), and log s is recomputed from it before every step.
        const bool linearScale = m_opts.value("scale_param", std::string("log")) == "linear";
        std::vector<at::Tensor> scales, zeros, floors;
        for (auto& q : m_mods) {
            scales.push_back(linearScale ? q.scale().detach().clone().requires_grad_(true)
                                         : q.logScale.requires_grad_(true));
            // linear: a step of lr_scale can take a small s below 0 (and log s to NaN); s stays >= 1e-3 x its
            // initial value instead.
            if (linearScale) floors.push_back(scales.back().detach() * 1e-3);
            zeros.push_back(q.zero.requires_grad_(true));
        }
        auto syncScales = [&](bool differentiable) {
            if (!linearScale) return;
            for (size_t i = 0; i < m_mods.size(); ++i) {
                {
                    at::NoGradGuard noGrad;
                    at::Tensor s = scales[i].detach();
                    s.copy_(at::maximum(s, floors[i]));
                }
                if (differentiable)
                    m_mods[i].logScale = scales[i].to(at::kDouble).log();
                else
                    m_mods[i].setScale(scales[i].detach());
            }
        };
        TrainLoop loop(cs, {{"scale", scales, m_opts.value("lr_scale", 1e-2)},
                            {"zero", zeros, m_opts.value("lr_zero", 1e-2)}});
        // On the CPU the batch is split over the threads (TrainLoop::partLoss): z projected once per batch,
        // then the parts. Not for the linear s (each batch makes log s from it, a graph the parts would
        // share), block-output MSE (its sum lives in the hook) or checkpointed blocks.
        if (!linearScale && calibObjective != "block_mse" && !m_fwd.checkpointBlocks) {
            loop.beforeBatch = [&] {
                for (auto& q : m_mods)
                    q.clampZero();
            };
            loop.partLoss = [&](const at::Tensor& w) { return objectiveLoss(ctx, w, calibObjective); };
        }
        const auto& text = ctx.data.calib.empty() ? ctx.data.train : ctx.data.calib;
        WindowSampler sampler = trainingSampler(ctx, text, seed * 2 + 1);
        loop.saveState = [&](CheckpointState& s) {
            s.phase = "calibration";
            s.samplerPosition = sampler.position();
            syncScales(false);
            saveModuleTensors(s, m_mods, checkpointFields);
        };
        if (auto s = resumeLoop(ctx, loop, sampler)) {
            loadModuleTensors(*s, m_mods, calibrationFields);
            if (linearScale) {
                at::NoGradGuard noGrad;
                for (size_t i = 0; i < m_mods.size(); ++i)
                    scales[i].copy_(m_mods[i].scale());
            }
        }
        if (loop.run(
                sampler,
                [&](const at::Tensor& w) {
                    for (auto& q : m_mods) // z after the last step, projected back into the code range
                        q.clampZero();
                    syncScales(true);
                    return objectiveLoss(ctx, w, calibObjective);
                },
                ctx, dev) == RunOutcome::Stopped)
            return RunOutcome::Stopped;
        syncScales(false);
    }
    // Freeze the quantization space.
    for (auto& q : m_mods) {
        q.logScale = q.logScale.detach();
        q.zero = at::round(q.zero.detach());
        q.clampZero();
    }
    // m = 1 and LoRA (B = 0) only now: during calibration they would leave W_hat = Q(W0) exactly, yet cost
    // their memory (with a 7B model's calibration state on top: 0.34 GiB) and a LoRA product in every
    // forward. The global generator draws A here as it did before calibration: calibration draws nothing from
    // it.
    for (auto& q : m_mods) {
        if (trainM) q.enableMagnitude();
        if (trainLora)
            q.enableLora(rank, m_opts.value("alpha", 16.0),
                         m_opts.value("lora_init", std::string("kaiming")));
        q.loraInGrid = m_opts.value("lora_in_grid", false);
    }

    // Stage 2: m and LoRA.
    ctx.sink.phase("training");
    std::vector<at::Tensor> mParams, loraParams;
    for (auto& q : m_mods) {
        if (q.m.defined()) mParams.push_back(q.m.requires_grad_(true));
        if (q.A.defined()) {
            loraParams.push_back(q.A.requires_grad_(true));
            loraParams.push_back(q.B.requires_grad_(true));
        }
    }
    if (mParams.empty() && loraParams.empty()) {
        // The "calibration only" ablation: no training steps to run (each would cost a forward for nothing).
        ctx.sink.message("info", "DL-QAT: train_m and train_lora are off: the result is the calibrated grid");
        finishMethod(ctx, m_mods);
        return RunOutcome::Completed;
    }
    const double wd = weightDecay(ctx);
    TrainLoop loop(base, {{"m", mParams, m_opts.value("lr_m", 1e-2)},
                          {"lora", loraParams, m_opts.value("lr_lora", 1e-3), wd}});
    WindowSampler sampler = trainingSampler(ctx, ctx.data.train, seed * 2 + 2);
    loop.saveState = [&](CheckpointState& s) {
        s.phase = "training";
        s.samplerPosition = sampler.position();
        saveModuleTensors(s, m_mods, checkpointFields);
    };
    loop.onHistogram = [&](int64_t step) { reportHistograms(ctx, step); };
    loop.onEval = [&](int64_t step) { reportEval(ctx, step); };
    if (trainObjective != "block_mse" && !m_fwd.checkpointBlocks) // the batch split over the CPU's threads
        loop.partLoss = [&](const at::Tensor& w) { return objectiveLoss(ctx, w, trainObjective); };
    if (resumePhase == "training")
        if (auto s = resumeLoop(ctx, loop, sampler)) loadModuleTensors(*s, m_mods, checkpointFields);
    // s and z are fixed from here: the forward reads them as float32 s and uint8 z, and log s and z leave the
    // GPU while the loop runs (checkpoints still save them); they come back for the result's export.
    for (auto& q : m_mods)
        q.freezeGrid();
    const RunOutcome outcome = loop.run(
        sampler, [&](const at::Tensor& w) { return objectiveLoss(ctx, w, trainObjective); }, ctx, dev);
    for (auto& q : m_mods)
        q.thawGrid();
    if (outcome == RunOutcome::Stopped) return RunOutcome::Stopped;
    if (base.histogramEvery > 0) reportHistograms(ctx, loop.step());
    finishMethod(ctx, m_mods);
    return RunOutcome::Completed;
}

} // namespace

void registerDlqat()
{
    registerMethod(dlqatMethodInfo(), [] { return std::make_unique<DlqatMethod>(); });
}

} // namespace qat::plugins

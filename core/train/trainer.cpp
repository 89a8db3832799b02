#include "qatbench_sdk/trainer.h"

#include "qatbench/error.h"

#include "optimizer_impl.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>

namespace qat {

namespace {

uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace

WindowSampler::WindowSampler(const std::vector<int64_t>& tokens, int64_t seqLen, uint64_t seed, int64_t bos)
    : m_tokens(tokens), m_seqLen(seqLen), m_seed(seed), m_bos(bos)
{
    if (int64_t(tokens.size()) < seqLen + 1)
        throw ConfigError("data.seq_len", "the text holds " + std::to_string(tokens.size()) +
                                              " tokens, fewer than one window of seq_len + 1 = " +
                                              std::to_string(seqLen + 1));
}

at::Tensor WindowSampler::next(int64_t batch, const at::Device& device)
{
    const uint64_t starts = uint64_t(m_tokens.size()) - uint64_t(m_seqLen);
    at::Tensor out = at::empty({batch, m_seqLen + 1}, at::kLong);
    int64_t* p = out.data_ptr<int64_t>();
    for (int64_t b = 0; b < batch; ++b) {
        const uint64_t start = splitmix64(m_seed * 0x100000001b3ull + uint64_t(m_position++)) % starts;
        int64_t* row = p + b * (m_seqLen + 1);
        if (m_bos >= 0) {
            row[0] = m_bos;
            std::copy_n(m_tokens.data() + start, m_seqLen, row + 1);
        } else {
            std::copy_n(m_tokens.data() + start, m_seqLen + 1, row);
        }
    }
    return out.to(device);
}

at::Tensor distillLoss(const LlamaModel& model, const at::Tensor& windows, const ForwardOptions& student)
{
    at::Tensor ids = windows.narrow(1, 0, windows.size(1) - 1);
    at::Tensor teacher;
    {
        at::NoGradGuard noGrad;
        teacher = at::log_softmax(model.forward(ids), -1);
    }
    at::Tensor s = at::log_softmax(model.forward(ids, student), -1);
    return (teacher.exp() * (teacher - s)).sum(-1).mean();
}

WindowSampler trainingSampler(const RunContext& ctx, const std::vector<int64_t>& tokens, uint64_t seed)
{
    return WindowSampler(tokens, ctx.experiment["data"].value("seq_len", int64_t(256)), seed, ctx.data.bos);
}

Schedule parseSchedule(const std::string& s)
{
    if (s == "cosine") return Schedule::Cosine;
    if (s == "constant") return Schedule::Constant;
    if (s == "linear") return Schedule::Linear;
    throw ConfigError("training.schedule", "is '" + s + "'; must be one of: cosine, constant, linear");
}

double lrFactor(int64_t step, int64_t warmup, int64_t totalSteps, Schedule schedule)
{
    if (warmup > 0 && step < warmup) return double(step + 1) / double(warmup);
    if (schedule == Schedule::Constant || totalSteps <= warmup) return 1.0;
    const double t = std::clamp(double(step - warmup) / double(totalSteps - warmup), 0.0, 1.0);
    if (schedule == Schedule::Linear) return 1.0 - t;
    return 0.5 * (1.0 + std::cos(M_PI * t));
}

double NllResult::ppl() const
{
    return std::exp(meanNll);
}

NllResult evaluateNll(const LlamaModel& model, const std::vector<int64_t>& tokens, int64_t seqLen,
                      int64_t maxWindows, LinearHook* hook, int64_t batch, const ProgressFn& progress)
{
    at::NoGradGuard noGrad;
    NllResult r;
    int64_t windows = windowCount(int64_t(tokens.size()), seqLen);
    if (maxWindows > 0) windows = std::min(windows, maxWindows);
    if (windows < 1)
        throw ConfigError("data.eval", "fewer tokens than one window of " + std::to_string(seqLen));
    const at::Device dev = model.options().device;
    double sum = 0;
    for (int64_t w0 = 0; w0 < windows; w0 += batch) {
        const int64_t nb = std::min(batch, windows - w0);
        at::Tensor ids =
            at::from_blob(const_cast<int64_t*>(tokens.data()) + w0 * seqLen, {nb, seqLen}, at::kLong)
                .clone()
                .to(dev);
        ForwardOptions fo;
        fo.hook = hook;
        at::Tensor logits = model.forward(ids.narrow(1, 0, seqLen - 1), fo);
        at::Tensor nll =
            at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}),
                                   ids.narrow(1, 1, seqLen - 1).reshape({-1}), {}, at::Reduction::Sum);
        sum += nll.item<double>();
        if (progress && !progress(Progress{"eval", w0 + nb, windows, 0, -1, "windows"})) throw Cancelled();
    }
    r.windows = windows;
    r.tokens = windows * (seqLen - 1);
    r.meanNll = sum / double(r.tokens);
    return r;
}

at::Tensor nextTokenLoss(const LlamaModel& model, const at::Tensor& windows, const ForwardOptions& options)
{
    const int64_t t = windows.size(1) - 1;
    at::Tensor logits = model.forward(windows.narrow(1, 0, t), options);
    return at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}),
                                  windows.narrow(1, 1, t).reshape({-1}));
}

LoopSettings loopSettingsFrom(const nlohmann::json& e)
{
    LoopSettings s;
    const auto& t = e.at("training");
    const auto& d = e.at("data");
    s.steps = t.value("steps", int64_t(1000));
    s.warmup = t.value("warmup_steps", int64_t(50));
    s.schedule = parseSchedule(t.value("schedule", std::string("cosine")));
    s.gradClip = t.value("grad_clip", 1.0);
    s.logEvery = t.value("log_every", int64_t(10));
    s.evalEvery = t.value("eval_every", int64_t(0));
    s.checkpointEvery = t.value("checkpoint_every", int64_t(0));
    s.histogramEvery = t.value("histogram_every", int64_t(0));
    s.batch = d.value("batch_size", int64_t(8));
    s.gradAccum = d.value("grad_accum", int64_t(1));
    return s;
}

TrainLoop::TrainLoop(LoopSettings settings, std::vector<ParamGroup> groups)
    : m_settings(std::move(settings)), m_groups(std::move(groups)),
      m_opt(std::make_unique<TrainLoopOptimizer>())
{
    std::vector<torch::optim::OptimizerParamGroup> pg;
    for (const auto& g : m_groups) {
        if (g.params.empty()) continue;
        auto opts = std::make_unique<torch::optim::AdamWOptions>(g.lr);
        opts->weight_decay(g.weightDecay);
        pg.emplace_back(g.params, std::move(opts));
    }
    // Drop empty groups so the optimizer's groups line up with m_groups.
    std::erase_if(m_groups, [](const ParamGroup& g) { return g.params.empty(); });
    if (!pg.empty())
        m_opt->adam = std::make_unique<torch::optim::AdamW>(pg, torch::optim::AdamWOptions(1e-3));
}

TrainLoop::~TrainLoop() = default;

double TrainLoop::clipGradients()
{
    std::vector<at::Tensor> all;
    for (const auto& g : m_groups)
        for (const auto& p : g.params)
            if (p.grad().defined()) all.push_back(p);
    if (all.empty()) return 0;
    const double maxNorm =
        m_settings.gradClip > 0 ? m_settings.gradClip : std::numeric_limits<double>::infinity();
    return torch::nn::utils::clip_grad_norm_(all, maxNorm);
}

RunOutcome TrainLoop::run(WindowSampler& sampler, const LossFn& lossFn, RunContext& ctx,
                          const at::Device& device)
{
    const auto& s = m_settings;
    const double t0 = now();
    const int64_t first = m_step;
    // Announced to the sink after the file is in place: the store flushes every point up to here first.
    auto checkpoint = [&] {
        writeCheckpoint(ctx.workDir, {});
        ctx.sink.artifact("checkpoint", checkpointPath(ctx.workDir));
    };
    while (m_step < s.steps) {
        if (!ctx.sink.progress(Progress{
                s.phase, m_step, s.steps, now() - t0,
                m_step > first ? (now() - t0) / double(m_step - first) * double(s.steps - m_step) : -1.0,
                "steps"})) {
            if (!ctx.workDir.empty()) checkpoint();
            return RunOutcome::Stopped;
        }
        const double factor = lrFactor(m_step, s.warmup, s.steps, s.schedule);
        if (m_opt->adam)
            for (size_t i = 0; i < m_groups.size(); ++i)
                static_cast<torch::optim::AdamWOptions&>(m_opt->adam->param_groups()[i].options())
                    .lr(m_groups[i].lr * factor);
        if (m_opt->adam) m_opt->adam->zero_grad();
        double lossSum = 0;
        for (int64_t a = 0; a < s.gradAccum; ++a) {
            at::Tensor loss = lossFn(sampler.next(s.batch, device));
            lossSum += loss.item<double>();
            if (loss.requires_grad()) (loss / double(s.gradAccum)).backward();
        }
        m_lastLoss = lossSum / double(s.gradAccum);
        if (!std::isfinite(m_lastLoss))
            throw Error(s.phase + " diverged: the loss is " + std::to_string(m_lastLoss) + " at step " +
                        std::to_string(m_step + 1) + "; lower the learning rates");
        const double gradNorm = clipGradients();
        if (m_opt->adam) m_opt->adam->step();
        ++m_step;
        if (m_step % s.logEvery == 0 || m_step == s.steps || m_step == first + 1) {
            ctx.sink.scalar(s.seriesPrefix + "/loss", m_step, m_lastLoss);
            ctx.sink.scalar(s.seriesPrefix + "/grad_norm", m_step, gradNorm);
            for (const auto& g : m_groups)
                ctx.sink.scalar(s.seriesPrefix + "/lr", m_step, g.lr * factor, "group=" + g.name);
        }
        if (onHistogram && s.histogramEvery > 0 && m_step % s.histogramEvery == 0) onHistogram(m_step);
        if (onEval && s.evalEvery > 0 && m_step % s.evalEvery == 0) onEval(m_step);
        if (s.checkpointEvery > 0 && m_step % s.checkpointEvery == 0 && m_step != s.steps &&
            !ctx.workDir.empty())
            checkpoint();
    }
    return RunOutcome::Completed;
}

} // namespace qat

#include "qatbench_sdk/trainer.h"

#include "qatbench/error.h"
#include "qatbench_sdk/distributed.h"

#include "optimizer_impl.h"
#include "util/switches.h"
#include "util/threads.h"

#include "qatbench_sdk/torch.h"
#include <torch/optim.h>
#include <torch/version.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <sstream>
#include <type_traits>

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
    // In page-locked memory for a GPU, so the copy is queued behind the running step instead of waiting for
    // it.
    at::Tensor out =
        at::empty({batch, m_seqLen + 1}, at::TensorOptions(at::kLong).pinned_memory(device.is_cuda()));
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
    return out.to(device, /*non_blocking=*/device.is_cuda());
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
    return WindowSampler(tokens, ctx.experiment.data.seqLen, seed, ctx.data.bos);
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

at::Tensor nextTokenLoss(const LlamaModel& model, const at::Tensor& windows, const ForwardOptions& options)
{
    const int64_t t = windows.size(1) - 1;
    const at::Tensor targets = windows.narrow(1, 1, t);
    if (windows.size(0) * t * model.config().vocabSize > kCrossEntropyChunkElements)
        return chunkedCrossEntropy(model.hidden(windows.narrow(1, 0, t), options), model.weights().lmHead,
                                   targets, true);
    at::Tensor logits = model.forward(windows.narrow(1, 0, t), options);
    return at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}));
}

LoopSettings loopSettingsFrom(const Experiment& e)
{
    LoopSettings s;
    const TrainingSettings& t = e.training;
    s.steps = t.steps;
    s.warmup = t.warmupSteps;
    s.schedule = parseSchedule(t.schedule);
    s.gradClip = t.gradClip;
    s.logEvery = t.logEvery;
    s.evalEvery = t.evalEvery;
    s.tasksEvery = e.evaluation && !e.evaluation->tasks.empty() ? e.evaluation->tasksEvery : 0;
    s.checkpointEvery = t.checkpointEvery;
    s.histogramEvery = t.histogramEvery;
    s.batch = e.data.batchSize;
    s.gradAccum = e.data.gradAccum;
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

at::Tensor TrainLoop::clipGradients()
{
    std::vector<at::Tensor> grads;
    for (const auto& g : m_groups)
        for (const auto& p : g.params)
            if (p.grad().defined()) grads.push_back(p.grad());
    if (grads.empty()) return {};
    // The total 2-norm and the clip stay on the device (torch::nn::utils::clip_grad_norm_ reads the norm back
    // to the host, which stalls the GPU every step): one norm kernel per dtype and one scale per tensor.
    std::vector<at::Tensor> norms;
    std::map<at::ScalarType, std::vector<at::Tensor>> byDtype;
    for (const auto& g : grads)
        byDtype[g.scalar_type()].push_back(g);
    for (const auto& [dtype, list] : byDtype)
        for (const auto& n : at::_foreach_norm(list, 2))
            norms.push_back(n.to(at::kFloat));
    at::Tensor total = at::stack(norms).norm(2);
    if (m_settings.gradClip > 0) {
        at::Tensor coef = at::clamp_max(double(m_settings.gradClip) / (total + 1e-6), 1.0);
        for (auto& [dtype, list] : byDtype) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
            at::_foreach_mul_(list, coef.to(dtype));
#else // LibTorch 1.13 (Debian 12) has no list-times-tensor overload
            for (auto& g : list)
                g.mul_(coef.to(dtype));
#endif
        }
    }
    return total;
}

namespace {

// The key of a parameter in torch::optim's state map: the TensorImpl pointer, as a pointer (newer LibTorch)
// or printed as text (older LibTorch, e.g. Debian 12's).
template <class Map> typename Map::key_type stateKey(const Map&, const at::Tensor& p)
{
    if constexpr (std::is_same_v<typename Map::key_type, std::string>) {
        std::ostringstream out;
        out << p.unsafeGetTensorImpl();
        return out.str();
    } else {
        return static_cast<typename Map::key_type>(p.unsafeGetTensorImpl());
    }
}

} // namespace

void TrainLoop::optimizerStep()
{
    auto& adam = *m_opt->adam;
    bool onCuda = true;
    for (const auto& g : adam.param_groups())
        for (const auto& p : g.params())
            onCuda = onCuda && p.is_cuda();
    if (!onCuda) {
        adam.step();
        return;
    }
    // On CUDA one multi-tensor kernel per group and dtype (the kernel of PyTorch's Adam(fused=True)) instead
    // of about ten kernels per tensor. AdamW's decoupled weight decay is the p *= 1 - lr * wd that
    // torch::optim::AdamW applies first. The moments and the step count live in the AdamW's own state, so
    // checkpoints (TrainLoop::writeCheckpoint) are the same with either path.
    for (auto& group : adam.param_groups()) {
        const auto& o = static_cast<const torch::optim::AdamWOptions&>(group.options());
        struct Lists
        {
            std::vector<at::Tensor> params, grads, avg, avgSq;
            int64_t step = -1;
            bool sameStep = true;
        };
        std::map<at::ScalarType, Lists> byDtype;
        for (auto& p : group.params()) {
            if (!p.grad().defined()) continue;
            auto& slot = adam.state()[stateKey(adam.state(), p)];
            if (!slot) {
                auto st = std::make_unique<torch::optim::AdamWParamState>();
                st->step(0);
                st->exp_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
                st->exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
                slot = std::move(st);
            }
            auto& st = static_cast<torch::optim::AdamWParamState&>(*slot);
            st.step(st.step() + 1);
            Lists& l = byDtype[p.scalar_type()];
            if (l.step >= 0 && l.step != st.step()) l.sameStep = false;
            l.step = st.step();
            l.params.push_back(p);
            l.grads.push_back(p.grad());
            l.avg.push_back(st.exp_avg());
            l.avgSq.push_back(st.exp_avg_sq());
        }
        for (auto& [dtype, l] : byDtype) {
            at::NoGradGuard noGrad;
            if (o.weight_decay() != 0) at::_foreach_mul_(l.params, 1.0 - o.lr() * o.weight_decay());
            std::vector<at::Tensor> steps;
            if (l.sameStep) {
                steps.assign(l.params.size(),
                             at::full({}, double(l.step), l.params[0].options().dtype(at::kFloat)));
            } else {
                for (const auto& p : l.params) {
                    const auto& st = static_cast<const torch::optim::AdamWParamState&>(
                        *adam.state().at(stateKey(adam.state(), p)));
                    steps.push_back(at::full({}, double(st.step()), p.options().dtype(at::kFloat)));
                }
            }
            at::_fused_adam_(l.params, l.grads, l.avg, l.avgSq, {}, steps, o.lr(), std::get<0>(o.betas()),
                             std::get<1>(o.betas()), 0.0, o.eps(), o.amsgrad(), false);
        }
    }
}

namespace {

std::atomic<bool>& splitFlag()
{
    static std::atomic<bool> flag(detail::onUnlessZero("QATBENCH_CPU_SPLIT"));
    return flag;
}

} // namespace

void setCpuBatchSplitEnabled(bool on)
{
    splitFlag() = on;
}

bool cpuBatchSplitEnabled()
{
    return splitFlag();
}

bool batchSplitApplies(const at::Device& device, int64_t batch)
{
    return cpuBatchSplitEnabled() && device.is_cpu() && at::get_num_threads() > 1 && batch > 1;
}

at::Tensor backwardOverThreads(const at::Tensor& windows,
                               const std::function<at::Tensor(const at::Tensor&)>& partLoss,
                               const std::vector<at::Tensor>& params, double scale)
{
    const int64_t n = windows.size(0);
    const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), n));
    std::vector<at::Tensor> losses(static_cast<size_t>(parts));
    std::vector<std::vector<at::Tensor>> grads(static_cast<size_t>(parts));
    detail::parallelRanges(parts, true, [&](int64_t first, int64_t last) {
        at::AutoGradMode gradMode(true); // the region's threads do not inherit it
        for (int64_t p = first; p < last; ++p) {
            const int64_t b = n * p / parts, e = n * (p + 1) / parts;
            // A part's mean loss weighted by its share of the windows (all of one length): the parts sum to
            // the batch's mean.
            const at::Tensor loss = partLoss(windows.slice(0, b, e)) * (double(e - b) / double(n));
            losses[size_t(p)] = loss.detach();
            if (loss.requires_grad() && !params.empty())
                grads[size_t(p)] = torch::autograd::grad({loss * scale}, params, {}, false, false, true);
        }
    });
    at::Tensor total;
    for (size_t p = 0; p < losses.size(); ++p) {
        total = p == 0 ? losses[p] : total + losses[p];
        for (size_t i = 0; i < grads[p].size(); ++i) {
            const at::Tensor& g = grads[p][i];
            if (!g.defined()) continue;
            at::Tensor& grad = params[i].mutable_grad();
            if (grad.defined())
                grad.add_(g);
            else
                grad = g.clone();
        }
    }
    return total;
}

std::vector<at::Tensor> TrainLoop::trainableParams() const
{
    std::vector<at::Tensor> params;
    for (const auto& g : m_groups)
        for (const auto& p : g.params)
            if (p.requires_grad()) params.push_back(p);
    return params;
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
    // Data-parallel (docs/SCALE.md): rank 0's progress decides for every rank, each rank takes its share of
    // the windows, gradients and loss are averaged before the step; only rank 0 writes checkpoints.
    const bool parallel = dist::active();
    const bool writes = !ctx.workDir.empty() && !dist::isFollower();
    // A lost rank: rank 0 saves the last completed step (the sampler back where that step left it) and ends
    // the run as interrupted (engine: dist::RankLost).
    auto lost = [&](int64_t position) {
        sampler.seek(position);
        if (writes) checkpoint();
        throw;
    };
    if (parallel) dist::checkBatch(s.batch);
    const bool split = partLoss && !parallel && batchSplitApplies(device, s.batch);
    while (m_step < s.steps) {
        bool go = ctx.sink.progress(
            Progress{s.phase, m_step, s.steps, now() - t0,
                     m_step > first ? (now() - t0) / double(m_step - first) * double(s.steps - m_step) : -1.0,
                     "steps"});
        if (parallel) {
            try {
                go = dist::agree(go);
            } catch (const dist::RankLost&) {
                lost(sampler.position());
            }
        }
        if (!go) {
            if (writes) checkpoint();
            return RunOutcome::Stopped;
        }
        const double factor = lrFactor(m_step, s.warmup, s.steps, s.schedule);
        if (m_opt->adam)
            for (size_t i = 0; i < m_groups.size(); ++i)
                static_cast<torch::optim::AdamWOptions&>(m_opt->adam->param_groups()[i].options())
                    .lr(m_groups[i].lr * factor);
        if (m_opt->adam) m_opt->adam->zero_grad();
        at::Tensor lossSum;
        const int64_t position = sampler.position();
        for (int64_t a = 0; a < s.gradAccum; ++a) {
            if (split) {
                if (beforeBatch) beforeBatch();
                const at::Tensor loss = backwardOverThreads(sampler.next(s.batch, device), partLoss,
                                                            trainableParams(), 1.0 / double(s.gradAccum));
                lossSum = a == 0 ? loss : lossSum + loss;
                continue;
            }
            at::Tensor loss =
                lossFn(parallel ? dist::nextShard(sampler, s.batch, device) : sampler.next(s.batch, device));
            lossSum = a == 0 ? loss.detach() : lossSum + loss.detach();
            if (loss.requires_grad()) (loss / double(s.gradAccum)).backward();
        }
        if (parallel) {
            std::vector<at::Tensor> params;
            for (const auto& g : m_groups)
                params.insert(params.end(), g.params.begin(), g.params.end());
            try {
                dist::averageGradients(params, lossSum);
            } catch (const dist::RankLost&) {
                lost(position);
            }
        }
        const at::Tensor gradNorm = clipGradients();
        if (m_opt->adam) optimizerStep();
        ++m_step;
        const bool log = m_step % s.logEvery == 0 || m_step == s.steps || m_step == first + 1;
        const bool evalNow =
            onEval && ((s.evalEvery > 0 && m_step % s.evalEvery == 0) ||
                       (s.tasksEvery > 0 && m_step % s.tasksEvery == 0 && m_step != s.steps));
        const bool checkpointNow =
            s.checkpointEvery > 0 && m_step % s.checkpointEvery == 0 && m_step != s.steps && writes;
        // Reading the loss back waits for the GPU, so on CUDA it is read only where it is used (logging,
        // checkpoints, evaluations, the end) and the host queues the next steps meanwhile; on the CPU every
        // step.
        if (log || checkpointNow || device.is_cpu() || evalNow) {
            m_lastLoss = lossSum.item<double>() / double(s.gradAccum);
            if (!std::isfinite(m_lastLoss))
                throw Error(s.phase + " diverged: the loss is " + std::to_string(m_lastLoss) + " at step " +
                            std::to_string(m_step) + "; lower the learning rates");
        }
        if (log) {
            ctx.sink.scalar(s.seriesPrefix + "/loss", m_step, m_lastLoss);
            ctx.sink.scalar(s.seriesPrefix + "/grad_norm", m_step,
                            gradNorm.defined() ? gradNorm.item<double>() : 0.0);
            for (const auto& g : m_groups)
                ctx.sink.scalar(s.seriesPrefix + "/lr", m_step, g.lr * factor, "group=" + g.name);
        }
        if (onHistogram && s.histogramEvery > 0 && m_step % s.histogramEvery == 0) onHistogram(m_step);
        if (evalNow) onEval(m_step);
        if (checkpointNow) checkpoint();
    }
    return RunOutcome::Completed;
}

} // namespace qat

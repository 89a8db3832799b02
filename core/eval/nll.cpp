// The one negative log-likelihood evaluator (qatbench_sdk/eval.h): the engine's evaluation during and after
// training, the methods' eval reports (evaluateNll) and `qatbench-cli eval` (perplexity()) all run windowNll.
// NLL is summed in float64 on the host per batch (or per part of a batch), so the mean does not drift over
// hundreds of thousands of tokens.
#include "qatbench/error.h"
#include "qatbench/experiment.h"
#include "qatbench_sdk/eval.h"
#include "qatbench_sdk/trainer.h"
#include "util/threads.h"

#include "qatbench_sdk/torch.h"

#include <chrono>
#include <cmath>
#include <vector>

namespace qat {

namespace {

struct PartNll
{
    double sum = 0;     // float64, summed on the host
    int64_t scored = 0; // targets counted in it
};

// NllHead::Full: all seqLen positions' logits in the compute dtype, each target's loss upcast to float32.
PartNll fullHeadNll(const LlamaModel& model, const at::Tensor& windows, const at::Tensor& mask,
                    const ForwardOptions& opts, const at::Device& device)
{
    at::Tensor ids = windows.to(device);
    at::Tensor logits = model.forward(ids, opts).slice(1, 0, -1);
    at::Tensor targets = ids.slice(1, 1);
    at::Tensor nll = at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}).to(at::kFloat),
                                            targets.reshape({-1}), {}, at::Reduction::None)
                         .view(targets.sizes());
    if (!mask.defined()) return {nll.to(at::kDouble).sum().item<double>(), targets.numel()};
    at::Tensor m = mask.to(device);
    return {nll.masked_select(m).to(at::kDouble).sum().item<double>(), m.sum().item<int64_t>()};
}

// NllHead::Chunked: the hidden states of the first seqLen - 1 positions, the head a chunk of positions at a
// time (chunkedCrossEntropy), the batch's sum in float32.
PartNll chunkedHeadNll(const LlamaModel& model, const at::Tensor& windows, const at::Tensor& mask,
                       const ForwardOptions& opts, const at::Device& device)
{
    const int64_t seqLen = windows.size(1);
    at::Tensor ids = windows.to(device);
    at::Tensor hidden = model.hidden(ids.narrow(1, 0, seqLen - 1), opts);
    at::Tensor targets = ids.narrow(1, 1, seqLen - 1);
    if (!mask.defined())
        return {chunkedCrossEntropy(hidden, model.weights().lmHead, targets, false).item<double>(),
                targets.numel()};
    at::Tensor m = mask.to(device);
    return {chunkedCrossEntropy(hidden.index({m}), model.weights().lmHead, targets.masked_select(m), false)
                .item<double>(),
            m.sum().item<int64_t>()};
}

} // namespace

double NllSum::meanNll() const
{
    return sum / double(scored);
}

NllSum windowNll(const LlamaModel& model, const at::Tensor& windows, const NllOptions& o)
{
    if (o.batch < 1) throw ConfigError("batch", "must be >= 1");
    if (windows.dim() != 2 || windows.size(1) < 2)
        throw ConfigError("windows", "must be [N, seq_len] token ids");
    const int64_t n = windows.size(0);
    at::NoGradGuard noGrad;
    const at::Device device = model.weights().embed.device();
    const bool full = o.head == NllHead::Full;
    // Full head on the CPU: a batch's windows are split over the threads, each part run single-threaded (see
    // parallelRanges). Not with a hook: a hook may keep state between calls.
    const int64_t threads = full && device.is_cpu() && !o.forward.hook ? at::get_num_threads() : 1;
    ProgressClock clock;
    const auto start = std::chrono::steady_clock::now();
    NllSum r;
    r.windows = n;
    std::vector<PartNll> parts;
    for (int64_t b = 0; b < n; b += o.batch) {
        const int64_t e = std::min(n, b + o.batch);
        parts.assign(size_t(std::min(threads, e - b)), {});
        const int64_t count = int64_t(parts.size());
        auto part = [&](int64_t p) {
            const int64_t pb = b + (e - b) * p / count, pe = b + (e - b) * (p + 1) / count;
            const at::Tensor w = windows.slice(0, pb, pe);
            const at::Tensor m = o.scored.defined() ? o.scored.slice(0, pb, pe) : at::Tensor();
            parts[size_t(p)] = full ? fullHeadNll(model, w, m, o.forward, device)
                                    : chunkedHeadNll(model, w, m, o.forward, device);
        };
        if (count == 1) {
            part(0);
        } else {
            detail::parallelRanges(count, true, [&](int64_t first, int64_t last) {
                at::NoGradGuard partNoGrad; // the region's threads start with grad mode on
                for (int64_t p = first; p < last; ++p)
                    part(p);
            });
        }
        for (const PartNll& p : parts) { // in window order, whatever the thread count
            r.sum += p.sum;
            r.scored += p.scored;
        }
        if (o.progress && !o.progress(clock.make("eval", e, n, "windows"))) throw Cancelled();
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

double NllResult::ppl() const
{
    return std::exp(meanNll);
}

NllResult evaluateNll(const LlamaModel& model, const std::vector<int64_t>& tokens, int64_t seqLen,
                      int64_t maxWindows, LinearHook* hook, int64_t batch, const ProgressFn& progress)
{
    int64_t windows = windowCount(int64_t(tokens.size()), seqLen);
    if (maxWindows > 0) windows = std::min(windows, maxWindows);
    if (windows < 1)
        throw ConfigError("data.eval", "fewer tokens than one window of " + std::to_string(seqLen));
    // The token stream already holds the windows one after the other (BOS-started ones included).
    const at::Tensor view = at::from_blob(const_cast<int64_t*>(tokens.data()), {windows, seqLen}, at::kLong);
    NllOptions o;
    o.forward.hook = hook;
    o.batch = batch;
    o.head = NllHead::Chunked;
    o.progress = progress;
    const NllSum s = windowNll(model, view, o);
    NllResult r;
    r.windows = s.windows;
    r.tokens = s.scored;
    r.meanNll = s.meanNll();
    return r;
}

} // namespace qat

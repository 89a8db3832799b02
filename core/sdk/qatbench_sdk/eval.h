#pragma once
// Negative log-likelihood, perplexity and generation on a loaded LlamaModel (torch-facing). The engine
// evaluates a fake-quantized model by passing its LinearHook in ForwardOptions.
//
// Intended usage:
//   1. at::Tensor w = makeWindows(tok.encode(text), tok.bosId(), protocol);   // int64 [N, seqLen]
//   2. PerplexityResult r = perplexity(model, w, protocol, {.hook = &myHook}, 8, progress);
//   or, on a run's tokenized eval stream: NllResult r = evaluateNll(model, ctx.data.eval, seqLen, 0, hook);
// Both are windowNll, the one NLL evaluator.

#include "qatbench/eval.h"
#include "qatbench_sdk/llama.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace qat {

// How the head's loss is formed. Full: every position's logits in the compute dtype, each target's loss
// upcast to float32 (`qatbench-cli eval`, the documented protocol). Chunked: the head a chunk of positions at
// a time (chunkedCrossEntropy, bounded memory at any vocabulary), each batch's sum in float32 (the engine's
// evaluations). The two agree to float32 rounding; each caller keeps its own so that no recorded number
// moves.
enum class NllHead
{
    Full,
    Chunked,
};

struct NllOptions
{
    ForwardOptions forward; // the hook of a fake-quantized model, dtype of the logits
    int64_t batch = 8;      // windows per forward, >= 1
    at::Tensor scored;      // bool [N, seqLen - 1]: the targets that count (scoredTargets); undefined: all
    NllHead head = NllHead::Chunked;
    ProgressFn progress; // phase "eval", unit "windows"; returning false throws Cancelled
};

struct NllSum
{
    double sum = 0;     // summed NLL of the scored targets (nats), float64
    int64_t scored = 0; // targets scored
    int64_t windows = 0;
    double seconds = 0; // forward + loss time
    double meanNll() const;
};

// The NLL of next-token prediction inside each window of windows (int64 [N, seqLen], any device), in batches,
// no grad. On the CPU without a hook, NllHead::Full splits each batch over the threads (summed in window
// order, so the result does not depend on the thread count).
NllSum windowNll(const LlamaModel& model, const at::Tensor& windows, const NllOptions& options);

// Mean next-token NLL over non-overlapping windows of seqLen tokens laid one after the other in tokens (tail
// dropped; a run's eval stream, BOS-started windows included); each window scores seqLen - 1 predictions.
// maxWindows 0 = all. hook may be nullptr. NllHead::Chunked.
struct NllResult
{
    double meanNll = 0;
    int64_t windows = 0;
    int64_t tokens = 0; // scored predictions
    double ppl() const;
};
NllResult evaluateNll(const LlamaModel& model, const std::vector<int64_t>& tokens, int64_t seqLen,
                      int64_t maxWindows = 0, LinearHook* hook = nullptr, int64_t batch = 8,
                      const ProgressFn& progress = {});

// The windows of a protocol over the encoded text (ids without BOS). [N, seqLen] int64 on the CPU.
at::Tensor makeWindows(const std::vector<int32_t>& textIds, int32_t bosId,
                       const PerplexityProtocol& protocol);

// Which of each window's seqLen - 1 targets are scored: [N, seqLen - 1] bool (all true unless stride <
// seqLen).
at::Tensor scoredTargets(int64_t windows, const PerplexityProtocol& protocol);

// Runs the windows through the model in batches (no grad) and fills nll/ppl/tokensScored/windows/seconds.
PerplexityResult perplexity(const LlamaModel& model, const at::Tensor& windows,
                            const PerplexityProtocol& protocol, const ForwardOptions& forward = {},
                            int64_t batch = 8, const ProgressFn& progress = {});

// Greedy or sampled continuation of prompt ids (KV cache). Returns the prompt followed by the new ids.
std::vector<int32_t> generate(const LlamaModel& model, const std::vector<int32_t>& promptIds,
                              const GenerateOptions& options, const ForwardOptions& forward = {});

} // namespace qat

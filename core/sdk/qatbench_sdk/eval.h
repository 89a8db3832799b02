#pragma once
// Perplexity and generation on a loaded LlamaModel (torch-facing). The engine evaluates a fake-quantized
// model by passing its LinearHook in ForwardOptions.
//
// Intended usage:
//   1. at::Tensor w = makeWindows(tok.encode(text), tok.bosId(), protocol);   // int64 [N, seqLen]
//   2. PerplexityResult r = perplexity(model, w, protocol, {.hook = &myHook}, 8, progress);

#include "qatbench/eval.h"
#include "qatbench_sdk/llama.h"

#include <ATen/ATen.h>

namespace qat {

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

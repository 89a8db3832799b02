#pragma once
// Multiple-choice task scoring on a loaded LlamaModel (torch-facing). The engine scores a fake-quantized
// model by passing its LinearHook in ForwardOptions.
//
// Intended usage:
//   1. auto pairs = ...encodePair(tok, choice.context, choice.continuation, true, where)...;
//   2. auto lls = scoreLoglikelihoods(model, pairs, 1024, {}, 16, {}, &stats);
//   or, for a whole task:  TaskResult r = runTask(model, tok, "arc_easy", protocol, files, {}, 16, progress);

#include "qatbench/tasks.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/llama.h"

#include <functional>

namespace qat {

struct ScoreStats
{
    std::vector<char> truncated; // per pair: its input lost tokens on the left
    int64_t forwards = 0;        // distinct input sequences run
    int64_t tokens = 0;          // tokens run through the model (padding excluded)
};

// The log-likelihood (nats, summed in float64) of each pair's continuation given its context. The input of a
// pair is (context + continuation) cut to its last maxLength + 1 tokens, minus the last token (the harness's
// left truncation); pairs with the same input share one forward. Inputs run in batches of up to `batch`
// sequences, longest first, right-padded. progress(done pairs, total pairs) returning false throws Cancelled.
std::vector<double> scoreLoglikelihoods(const LlamaModel& model, const std::vector<TokenPair>& pairs,
                                        int64_t maxLength, const ForwardOptions& forward, int64_t batch,
                                        const std::function<bool(int64_t, int64_t)>& progress = {},
                                        ScoreStats* stats = nullptr);

// Whether the protocol puts BOS first for this tokenizer ("auto": tokenizer_config.json's add_bos_token
// next to the tokenizer file, true when absent, and only when the tokenizer has a BOS).
bool taskUsesBos(const TaskProtocol& protocol, const Tokenizer& tokenizer);

// Loads a task's questions, encodes them and scores them. maxLength 0 = protocol.maxLength, else the model's
// max_position_embeddings. pairsOut, when given, receives the token pairs in question and choice order.
TaskResult runTask(const LlamaModel& model, const Tokenizer& tokenizer, const std::string& task,
                   const TaskProtocol& protocol, const TaskFiles& files, const ForwardOptions& forward = {},
                   int64_t batch = 16, const ProgressFn& progress = {},
                   std::vector<TokenPair>* pairsOut = nullptr);

} // namespace qat

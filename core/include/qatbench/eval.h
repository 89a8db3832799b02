#pragma once
// Perplexity of a text file and text generation, with the measurement protocol recorded on the result
// (DESIGN.md §5). No torch types: the GUI and the CLI use this; the engine and methods use
// qatbench_sdk/eval.h (same protocol, on a loaded LlamaModel with a LinearHook).
//
// Intended usage:
//   1. PerplexityProtocol p;  p.seqLen = 512;             // default: the "stream" protocol
//   2. auto r = evaluatePerplexity(modelDir, "wiki.test.raw", p, {"cuda", "bfloat16", 8, progressFn});
//   3. r.ppl, r.tokensScored, r.toJson() (the protocol travels with the number)

#include "qatbench/progress.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace qat {

struct PerplexityProtocol
{
    // "stream": the file read as-is, encoded once, BOS prepended once, windows of seqLen tokens from token 0
    //           (GPTQ / OmniQuant WikiText-2 protocol; the default).
    // "bos-window": the file encoded once without BOS; every window is [BOS] + (seqLen - 1) text tokens,
    //           non-overlapping from text token 0 (the protocol of gutenberg-llama-22M's
    //           reference_eval.json).
    // Both drop the tail that does not fill a window and score the seqLen - 1 next-token predictions per
    // window.
    std::string name = "stream";
    int64_t seqLen = 512; // tokens per window, BOS included; >= 2
    int64_t stride = 0;   // stream only: window step in tokens; 0 = seqLen (non-overlapping). With a smaller
                          // stride each window scores only the tokens no earlier window scored.
    int64_t maxWindows = 0; // 0 = all windows; else only the first maxWindows
    std::string textJoin = "file read as-is (no normalization), encoded as one stream";

    // Text tokens the windows can use: 0 (all) when maxWindows is 0. Readers stop there (issue 12: eval read
    // and tokenized a 50 MB file to score two windows).
    int64_t textTokensNeeded() const;

    nlohmann::json toJson() const;
    static PerplexityProtocol fromJson(const nlohmann::json& j); // ConfigError naming the field
    void validate() const;                                       // ConfigError naming the field
};

struct PerplexityResult
{
    PerplexityProtocol protocol;
    double nll = 0; // mean negative log-likelihood per scored token (nats)
    double ppl = 0; // exp(nll)
    int64_t tokensScored = 0;
    int64_t windows = 0;
    int64_t textTokens = 0;     // text tokens read (BOS not counted); with maxWindows only as far as needed
    double seconds = 0;         // forward + loss time, tokenization excluded
    double tokensPerSecond = 0; // windows * seqLen / seconds
    std::string model, textFile, device, dtype;
    std::vector<std::string> ignoredTensors; // tensors in the model's files no LLaMA part uses (warn)
    nlohmann::json toJson() const;
};

struct EvalOptions
{
    std::string device = "cpu";    // "cpu", "cuda", "cuda:N"
    std::string dtype = "float32"; // compute dtype: "float32" or "bfloat16"
    int64_t batch = 8;             // windows per forward
    ProgressFn progress;           // phase "eval", unit "windows"; returning false throws Cancelled
};

// Loads the model and its tokenizer, encodes the file (UTF-8 checked) and measures perplexity.
PerplexityResult evaluatePerplexity(const std::string& modelDir, const std::string& textFile,
                                    const PerplexityProtocol& protocol, const EvalOptions& options);

struct GenerateOptions
{
    int64_t maxNewTokens = 128;
    double temperature = 0; // 0 = greedy (argmax); > 0 = sample from softmax(logits / temperature)
    int64_t topK = 0;       // sampling: keep the k most likely tokens; 0 = all
    double topP = 1.0;      // sampling: keep the smallest set with probability >= topP; 1 = all
    uint64_t seed = 0;      // sampling is reproducible for a given seed (on any device)
    bool addBos = true;
    bool stopAtEos = true;
};

struct GenerateResult
{
    std::vector<int32_t> ids; // prompt (with BOS) followed by the new tokens
    int64_t promptTokens = 0;
    std::string text; // the decoded prompt + continuation
    double seconds = 0;
    double tokensPerSecond = 0; // new tokens per second
};

GenerateResult generateText(const std::string& modelDir, const std::string& prompt,
                            const GenerateOptions& options, const std::string& device = "cpu",
                            const std::string& dtype = "float32");

} // namespace qat

// Text generation: greedy or sampled, with the KV cache. Sampling draws from a host-side std::mt19937_64 so a
// seed gives the same text on the CPU and on a GPU.

#include "qatbench/device.h"
#include "qatbench/error.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/eval.h"

#include "qatbench_sdk/torch.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

namespace qat {

namespace {

int32_t pick(const at::Tensor& logitsRow, const GenerateOptions& o, std::mt19937_64& rng)
{
    at::Tensor l = logitsRow.to(at::kCPU, at::kDouble).contiguous();
    const double* p = l.data_ptr<double>();
    const int64_t v = l.numel();
    if (o.temperature <= 0) return int32_t(std::max_element(p, p + v) - p); // first maximum, as argmax
    std::vector<int32_t> order(static_cast<size_t>(v));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return p[a] > p[b]; });
    size_t keep = o.topK > 0 ? std::min<size_t>(size_t(o.topK), order.size()) : order.size();
    std::vector<double> prob(keep);
    double total = 0;
    for (size_t i = 0; i < keep; ++i)
        total += prob[i] = std::exp((p[order[i]] - p[order[0]]) / o.temperature);
    if (o.topP < 1.0) {
        // the smallest prefix whose probability reaches topP (at least one token)
        double cum = 0;
        size_t n = 0;
        while (n < keep && cum < o.topP * total)
            cum += prob[n++];
        keep = std::max<size_t>(1, n);
        prob.resize(keep);
    }
    std::discrete_distribution<size_t> dist(prob.begin(), prob.end());
    return order[dist(rng)];
}

} // namespace

std::vector<int32_t> generate(const LlamaModel& model, const std::vector<int32_t>& promptIds,
                              const GenerateOptions& options, const ForwardOptions& forward)
{
    if (promptIds.empty()) throw ConfigError("prompt", "needs at least one token (e.g. BOS)");
    if (options.temperature < 0) throw ConfigError("temperature", "must be >= 0 (0 = greedy)");
    if (options.topP <= 0 || options.topP > 1) throw ConfigError("top_p", "must be in (0, 1]");
    at::NoGradGuard noGrad;
    std::mt19937_64 rng(options.seed);
    const auto& eos = model.config().eosTokenIds;
    std::vector<int32_t> out = promptIds;
    KvCache cache;
    std::vector<int64_t> first(promptIds.begin(), promptIds.end());
    at::Tensor next = at::tensor(first, at::kLong).view({1, -1});
    for (int64_t i = 0; i < options.maxNewTokens; ++i) {
        if (cache.length + next.size(1) > model.config().maxPositions) break;
        at::Tensor logits = model.forwardCached(next, cache, forward);
        const int32_t id = pick(logits[0][-1], options, rng);
        out.push_back(id);
        if (options.stopAtEos && std::find(eos.begin(), eos.end(), int64_t(id)) != eos.end()) break;
        next = at::full({1, 1}, int64_t(id), at::kLong);
    }
    return out;
}

GenerateResult generateText(const std::string& modelDir, const std::string& prompt,
                            const GenerateOptions& options, const std::string& device,
                            const std::string& dtype)
{
    const Tokenizer tok = Tokenizer::load(modelDir);
    const at::ScalarType st = dtype == "bfloat16" || dtype == "bf16" ? at::kBFloat16
                              : dtype == "float32" || dtype == "fp32"
                                  ? at::kFloat
                                  : throw ConfigError("dtype", "'" + dtype + "' is not float32 or bfloat16");
    LlamaModel model = LlamaModel::load(modelDir, {at::Device(checkDevice(device)), st});
    checkTokenizerFitsModel(tok, model.config().vocabSize, modelDir);
    GenerateResult r;
    const auto promptIds = tok.encode(prompt, options.addBos);
    r.promptTokens = int64_t(promptIds.size());
    const auto start = std::chrono::steady_clock::now();
    r.ids = generate(model, promptIds, options);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const int64_t generated = int64_t(r.ids.size()) - r.promptTokens;
    r.tokensPerSecond = r.seconds > 0 ? double(generated) / r.seconds : 0;
    r.text = tok.decode(r.ids);
    return r;
}

} // namespace qat

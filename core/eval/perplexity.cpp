// Perplexity with a recorded protocol: the protocol's windows and scored targets, measured by the one NLL
// evaluator (nll.cpp).

#include "qatbench/device.h"
#include "qatbench/error.h"
#include "qatbench/model.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/eval.h"

#include "qatbench_sdk/torch.h"

#include <chrono>
#include <cmath>
#include <vector>

namespace qat {

nlohmann::json PerplexityProtocol::toJson() const
{
    const bool stream = name == "stream";
    return {{"name", name},
            {"seq_len", seqLen},
            {"stride", stride > 0 ? stride : seqLen},
            {"max_windows", maxWindows},
            {"bos", stream ? "once, before the first text token" : "at the start of every window"},
            {"windows",
             stream ? "windows of seq_len tokens from token 0 (BOS included), tail dropped"
                    : "[BOS] + (seq_len - 1) text tokens, non-overlapping from text token 0, tail dropped"},
            {"scored",
             "next-token predictions inside each window (seq_len - 1 per window unless stride < seq_len)"},
            {"text_join", textJoin}};
}

PerplexityProtocol PerplexityProtocol::fromJson(const nlohmann::json& j)
{
    PerplexityProtocol p;
    if (!j.is_object()) throw ConfigError("protocol", "must be an object");
    auto get = [&](const char* key, auto& out) {
        if (!j.contains(key)) return;
        try {
            j.at(key).get_to(out);
        } catch (const nlohmann::json::exception&) {
            throw ConfigError(std::string("protocol.") + key, "has the wrong type: " + j.at(key).dump());
        }
    };
    get("name", p.name);
    get("seq_len", p.seqLen);
    get("stride", p.stride);
    get("max_windows", p.maxWindows);
    get("text_join", p.textJoin);
    if (p.stride == p.seqLen) p.stride = 0;
    p.validate();
    return p;
}

void PerplexityProtocol::validate() const
{
    if (name != "stream" && name != "bos-window")
        throw ConfigError("protocol.name", "'" + name + "' is not a protocol (stream or bos-window)");
    if (seqLen < 2 || seqLen > 1 << 20) throw ConfigError("protocol.seq_len", "must be in [2, 1048576]");
    if (stride < 0 || stride > seqLen)
        throw ConfigError("protocol.stride", "must be in [1, seq_len] or 0 (= seq_len)");
    if (stride > 0 && stride != seqLen && name != "stream")
        throw ConfigError("protocol.stride", "only the stream protocol supports overlapping windows");
    if (maxWindows < 0) throw ConfigError("protocol.max_windows", "must be >= 0 (0 = all)");
}

nlohmann::json PerplexityResult::toJson() const
{
    return {{"protocol", protocol.toJson()},
            {"nll", nll},
            {"ppl", ppl},
            {"tokens_scored", tokensScored},
            {"windows", windows},
            {"text_tokens", textTokens},
            {"seconds", seconds},
            {"tokens_per_second", tokensPerSecond},
            {"model", model},
            {"text", textFile},
            {"device", device},
            {"dtype", dtype}};
}

int64_t PerplexityProtocol::textTokensNeeded() const
{
    if (maxWindows <= 0) return 0;
    const int64_t body = name == "stream" ? seqLen : seqLen - 1;
    const int64_t step = name == "stream" && stride > 0 ? stride : body;
    return (maxWindows - 1) * step + body;
}

at::Tensor makeWindows(const std::vector<int32_t>& textIds, int32_t bosId, const PerplexityProtocol& p)
{
    p.validate();
    const bool stream = p.name == "stream";
    if (bosId < 0 && !stream)
        throw ConfigError("protocol.name", "bos-window needs a BOS token; the model has none");
    std::vector<int64_t> ids;
    ids.reserve(textIds.size() + 1);
    if (stream && bosId >= 0) ids.push_back(bosId);
    ids.insert(ids.end(), textIds.begin(), textIds.end());
    const int64_t n = int64_t(ids.size());
    const int64_t body = stream ? p.seqLen : p.seqLen - 1; // tokens taken from the stream per window
    const int64_t step = stream && p.stride > 0 ? p.stride : body;
    int64_t count = n >= body ? (n - body) / step + 1 : 0;
    if (p.maxWindows > 0) count = std::min(count, p.maxWindows);
    at::Tensor out = at::empty({count, p.seqLen}, at::kLong);
    auto acc = out.accessor<int64_t, 2>();
    for (int64_t w = 0; w < count; ++w) {
        int64_t col = 0;
        if (!stream) acc[w][col++] = bosId;
        for (int64_t i = 0; i < body; ++i)
            acc[w][col++] = ids[size_t(w * step + i)];
    }
    return out;
}

at::Tensor scoredTargets(int64_t windows, const PerplexityProtocol& p)
{
    at::Tensor mask = at::ones({windows, p.seqLen - 1}, at::kBool);
    const int64_t stride = p.stride > 0 ? p.stride : p.seqLen;
    if (stride < p.seqLen && windows > 1)
        // Window w > 0 starts at w * stride; targets before (w - 1) * stride + seqLen were scored already.
        mask.slice(0, 1).slice(1, 0, p.seqLen - 1 - stride).fill_(false);
    return mask;
}

PerplexityResult perplexity(const LlamaModel& model, const at::Tensor& windows,
                            const PerplexityProtocol& protocol, const ForwardOptions& forward, int64_t batch,
                            const ProgressFn& progress)
{
    if (batch < 1) throw ConfigError("batch", "must be >= 1");
    if (windows.dim() != 2 || windows.size(1) != protocol.seqLen)
        throw ConfigError("windows", "must be [N, seq_len] token ids");
    const int64_t n = windows.size(0);
    if (n == 0) throw ConfigError("protocol.seq_len", "the text is shorter than one window");
    NllOptions o;
    o.forward = forward;
    o.forward.float32Logits =
        false; // the loss upcasts; keeps bf16 logits half the size, as transformers does
    o.batch = batch;
    o.scored = scoredTargets(n, protocol);
    o.head = NllHead::Full;
    o.progress = progress;
    const NllSum s = windowNll(model, windows, o);
    PerplexityResult r;
    r.protocol = protocol;
    r.seconds = s.seconds;
    r.windows = n;
    r.tokensScored = s.scored;
    r.nll = s.meanNll();
    r.ppl = std::exp(r.nll);
    r.tokensPerSecond = r.seconds > 0 ? double(n * protocol.seqLen) / r.seconds : 0;
    return r;
}

static at::ScalarType computeDType(const std::string& dtype)
{
    if (dtype == "float32" || dtype == "fp32") return at::kFloat;
    if (dtype == "bfloat16" || dtype == "bf16") return at::kBFloat16;
    throw ConfigError("dtype", "'" + dtype + "' is not a compute dtype (float32 or bfloat16)");
}

PerplexityResult evaluatePerplexity(const std::string& modelDir, const std::string& textFile,
                                    const PerplexityProtocol& protocol, const EvalOptions& options)
{
    protocol.validate();
    const ModelConfig config = loadModelConfig(modelDir);
    if (protocol.seqLen > config.maxPositions)
        throw ConfigError("seq_len", std::to_string(protocol.seqLen) + " is beyond the model's context of " +
                                         std::to_string(config.maxPositions) +
                                         " tokens (max_position_embeddings in " + modelDir + "/config.json)");
    const Tokenizer tok = Tokenizer::load(modelDir);
    checkTokenizerFitsModel(tok, config.vocabSize, modelDir);
    const auto ids = encodeTextFile(tok, textFile, false, protocol.textTokensNeeded());
    const at::Device device(checkDevice(options.device));
    LlamaModel model = LlamaModel::load(modelDir, {device, computeDType(options.dtype)});
    const at::Tensor windows = makeWindows(ids, tok.bosId(), protocol);
    if (windows.size(0) == 0)
        throw InputError(textFile, "",
                         "has " + std::to_string(ids.size()) + " tokens, fewer than one window of " +
                             std::to_string(protocol.seqLen));
    PerplexityResult r = perplexity(model, windows, protocol, {}, options.batch, options.progress);
    r.textTokens = int64_t(ids.size());
    r.ignoredTensors = model.ignoredTensors();
    if (!std::isfinite(r.nll))
        throw InputError(modelDir, "",
                         "the evaluation gave a non-finite loss (" + std::to_string(r.nll) +
                             "): the model's weights or its config are broken");
    r.model = modelDir;
    r.textFile = textFile;
    r.device = options.device;
    r.dtype = options.dtype;
    return r;
}

} // namespace qat

// config.json of a Hugging Face LLaMA directory -> ModelConfig. Accepts both the rope_theta/rope_scaling
// style of published checkpoints and transformers 5's rope_parameters; every error names the file and the
// JSON field.

#include "qatbench/error.h"
#include "qatbench/model.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace qat {

namespace {

using nlohmann::json;

class ConfigReader
{
public:
    ConfigReader(const json& root, std::string file) : m_root(root), m_file(std::move(file)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& message) const
    {
        throw InputError(m_file, field, message);
    }

    const json* find(const json& obj, const std::string& key) const
    {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) return nullptr;
        return &*it;
    }

    // Counts are bounded before anything is sized by them (issue 12: a huge num_hidden_layers made the loader
    // allocate until the process was killed); the bounds are far above any LLaMA published.
    int64_t integer(const json& obj, const std::string& key, const std::string& path,
                    std::optional<int64_t> dflt, int64_t minValue = 1,
                    int64_t maxValue = int64_t(1) << 24) const
    {
        const json* v = find(obj, key);
        if (!v) {
            if (dflt) return *dflt;
            fail(path, "missing (a required field of a LLaMA config)");
        }
        if (!v->is_number_integer()) fail(path, "must be an integer, found " + v->dump());
        const int64_t x = v->get<int64_t>();
        if (x < minValue)
            fail(path, "must be >= " + std::to_string(minValue) + ", found " + std::to_string(x));
        if (x > maxValue)
            fail(path, "must be <= " + std::to_string(maxValue) + ", found " + std::to_string(x));
        return x;
    }

    double number(const json& obj, const std::string& key, const std::string& path,
                  std::optional<double> dflt, bool positive = true) const
    {
        const json* v = find(obj, key);
        if (!v) {
            if (dflt) return *dflt;
            fail(path, "missing");
        }
        if (!v->is_number()) fail(path, "must be a number, found " + v->dump());
        const double x = v->get<double>();
        if (positive && !(x > 0)) fail(path, "must be > 0, found " + v->dump());
        return x;
    }

    bool boolean(const json& obj, const std::string& key, bool dflt) const
    {
        const json* v = find(obj, key);
        if (!v) return dflt;
        if (!v->is_boolean()) fail(key, "must be true or false, found " + v->dump());
        return v->get<bool>();
    }

    // bos/eos: an integer, a list of integers (LLaMA 3.1 eos) or null.
    std::vector<int64_t> tokenIds(const std::string& key) const
    {
        const json* v = find(m_root, key);
        std::vector<int64_t> out;
        if (!v) return out;
        auto one = [&](const json& x) {
            if (!x.is_number_integer() || x.get<int64_t>() < 0)
                fail(key, "must be a non-negative integer or a list of them, found " + v->dump());
            out.push_back(x.get<int64_t>());
        };
        if (v->is_array())
            for (const auto& x : *v)
                one(x);
        else
            one(*v);
        return out;
    }

    void rope(ModelConfig& c) const;
    void checkArchitecture() const;

    const json& m_root;
    std::string m_file;
};

void ConfigReader::rope(ModelConfig& c) const
{
    // transformers 5 folds rope_theta into rope_parameters; older configs keep it top level next to
    // rope_scaling.
    const json* params = find(m_root, "rope_parameters");
    std::string prefix = "rope_parameters";
    if (params && !params->is_object()) fail(prefix, "must be an object");
    if (!params) {
        params = find(m_root, "rope_scaling");
        prefix = "rope_scaling";
        if (params && !params->is_object()) fail(prefix, "must be an object or null");
    }
    c.ropeTheta = number(m_root, "rope_theta", "rope_theta", 10000.0);
    if (!params) return;
    if (find(*params, "rope_theta")) c.ropeTheta = number(*params, "rope_theta", prefix + ".rope_theta", {});

    std::string type = "default";
    const std::string typeKey = find(*params, "rope_type") ? "rope_type" : "type";
    if (const json* t = find(*params, typeKey)) {
        if (!t->is_string()) fail(prefix + "." + typeKey, "must be a string");
        type = t->get<std::string>();
    }
    RopeScaling& s = c.ropeScaling;
    s.type = type;
    if (type == "default") return;
    if (type == "linear") {
        s.factor = number(*params, "factor", prefix + ".factor", {});
        return;
    }
    if (type == "llama3") {
        s.factor = number(*params, "factor", prefix + ".factor", {});
        s.lowFreqFactor = number(*params, "low_freq_factor", prefix + ".low_freq_factor", {});
        s.highFreqFactor = number(*params, "high_freq_factor", prefix + ".high_freq_factor", {});
        s.originalMaxPositions = integer(*params, "original_max_position_embeddings",
                                         prefix + ".original_max_position_embeddings", {});
        if (!(s.highFreqFactor > s.lowFreqFactor))
            fail(prefix + ".high_freq_factor", "must be greater than low_freq_factor");
        return;
    }
    fail(prefix + "." + typeKey, "unsupported rope type '" + type + "' (supported: default, linear, llama3)");
}

void ConfigReader::checkArchitecture() const
{
    if (const json* t = find(m_root, "model_type")) {
        const std::string mt = t->is_string() ? t->get<std::string>() : t->dump();
        if (mt != "llama" && mt != "mistral")
            fail("model_type", "'" + mt + "' is not a LLaMA-family model (supported: llama, mistral)");
    }
    if (const json* a = find(m_root, "hidden_act"); a && (!a->is_string() || a->get<std::string>() != "silu"))
        fail("hidden_act", "only silu (SwiGLU) is supported, found " + a->dump());
    if (boolean(m_root, "attention_bias", false))
        fail("attention_bias", "biases in attention are not supported");
    if (boolean(m_root, "mlp_bias", false)) fail("mlp_bias", "biases in the MLP are not supported");
    if (const json* w = find(m_root, "sliding_window"))
        fail("sliding_window", "sliding-window attention is not supported, found " + w->dump());
}

} // namespace

const char* dtypeName(DType t)
{
    switch (t) {
    case DType::F32:
        return "float32";
    case DType::F16:
        return "float16";
    case DType::BF16:
        return "bfloat16";
    }
    return "?";
}

DType parseDType(std::string_view s, const std::string& field)
{
    if (s == "float32" || s == "fp32" || s == "float" || s == "F32") return DType::F32;
    if (s == "float16" || s == "fp16" || s == "half" || s == "F16") return DType::F16;
    if (s == "bfloat16" || s == "bf16" || s == "BF16") return DType::BF16;
    throw ConfigError(field, "unknown dtype '" + std::string(s) + "' (float32, float16 or bfloat16)");
}

const char* linearName(LinearKind k)
{
    static const char* const names[kLinearKinds] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                                    "gate_proj", "up_proj", "down_proj"};
    return names[int(k)];
}

std::optional<LinearKind> parseLinearName(std::string_view s)
{
    for (int i = 0; i < kLinearKinds; ++i) {
        const std::string_view full = linearName(LinearKind(i));
        const std::string_view shortName = full.substr(0, full.find('_'));
        if (s == full || s == shortName) return LinearKind(i);
    }
    return std::nullopt;
}

ModelConfig parseModelConfig(const std::string& jsonText, const std::string& fileForErrors)
{
    json root;
    try {
        root = json::parse(jsonText);
    } catch (const json::exception& e) { // parse errors, and numbers beyond double (out_of_range 406)
        throw InputError(fileForErrors, "", std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object()) throw InputError(fileForErrors, "", "must be a JSON object");
    ConfigReader r(root, fileForErrors);
    r.checkArchitecture();

    ModelConfig c;
    c.hiddenSize = r.integer(root, "hidden_size", "hidden_size", {}, 1, 1 << 17);
    c.intermediateSize = r.integer(root, "intermediate_size", "intermediate_size", {}, 1, 1 << 20);
    c.numLayers = r.integer(root, "num_hidden_layers", "num_hidden_layers", {}, 1, 1024);
    c.numHeads = r.integer(root, "num_attention_heads", "num_attention_heads", {}, 1, 4096);
    c.numKvHeads = r.integer(root, "num_key_value_heads", "num_key_value_heads", c.numHeads, 1, 4096);
    c.vocabSize = r.integer(root, "vocab_size", "vocab_size", {}, 1, 1 << 24);
    c.maxPositions = r.integer(root, "max_position_embeddings", "max_position_embeddings", 2048);
    c.rmsNormEps = r.number(root, "rms_norm_eps", "rms_norm_eps", 1e-6);
    c.tieWordEmbeddings = r.boolean(root, "tie_word_embeddings", false);
    if (c.numHeads % c.numKvHeads != 0)
        r.fail("num_key_value_heads", "must divide num_attention_heads (" + std::to_string(c.numHeads) +
                                          "), found " + std::to_string(c.numKvHeads));
    if (!r.find(root, "head_dim") && c.hiddenSize % c.numHeads != 0)
        r.fail("hidden_size", "not divisible by num_attention_heads and no head_dim given");
    c.headDim = r.integer(root, "head_dim", "head_dim", c.hiddenSize / c.numHeads, 1, 4096);
    if (c.headDim % 2 != 0) r.fail("head_dim", "must be even for rotary embeddings");
    r.rope(c);

    const auto bos = r.tokenIds("bos_token_id");
    c.bosTokenId = bos.empty() ? -1 : bos.front();
    c.eosTokenIds = r.tokenIds("eos_token_id");
    c.eosTokenId = c.eosTokenIds.empty() ? -1 : c.eosTokenIds.front();

    // transformers 5 writes "dtype", older versions "torch_dtype".
    const std::string dtypeKey = r.find(root, "dtype") ? "dtype" : "torch_dtype";
    if (const json* d = r.find(root, dtypeKey)) {
        if (!d->is_string()) r.fail(dtypeKey, "must be a string");
        try {
            c.dtype = parseDType(d->get<std::string>(), dtypeKey);
        } catch (const ConfigError& e) {
            r.fail(dtypeKey, "unsupported dtype " + d->dump() + " (float32, float16 or bfloat16)");
        }
    }
    return c;
}

std::string modelConfigJson(const ModelConfig& c)
{
    // The fields parseModelConfig reads, so parseModelConfig(modelConfigJson(c)) == c (rope_scaling and dtype
    // aside: a written model is a plain float32 LLaMA).
    json j = {{"architectures", {"LlamaForCausalLM"}},
              {"model_type", "llama"},
              {"hidden_size", c.hiddenSize},
              {"intermediate_size", c.intermediateSize},
              {"num_hidden_layers", c.numLayers},
              {"num_attention_heads", c.numHeads},
              {"num_key_value_heads", c.numKvHeads},
              {"head_dim", c.headDim},
              {"vocab_size", c.vocabSize},
              {"max_position_embeddings", c.maxPositions},
              {"rms_norm_eps", c.rmsNormEps},
              {"rope_theta", c.ropeTheta},
              {"rope_scaling", nullptr},
              {"tie_word_embeddings", c.tieWordEmbeddings},
              {"hidden_act", "silu"},
              {"attention_bias", false},
              {"mlp_bias", false},
              {"bos_token_id", c.bosTokenId},
              {"eos_token_id", c.eosTokenId},
              {"torch_dtype", "float32"}};
    return j.dump(2);
}

ModelConfig loadModelConfig(const std::string& modelDir)
{
    namespace fs = std::filesystem;
    const fs::path path = fs::path(modelDir) / "config.json";
    if (!fs::is_directory(modelDir))
        throw InputError(modelDir, "", "not a directory (expected a model folder)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string(), "", "missing: a Hugging Face model folder needs config.json");
    std::ostringstream text;
    text << in.rdbuf();
    return parseModelConfig(text.str(), path.string());
}

} // namespace qat

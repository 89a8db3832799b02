#include "args.h"
#include "commands.h"

#include "qatbench/model.h"
#include "qatbench/tokenizer.h"

#include <iomanip>
#include <iostream>
#include <sstream>

namespace qat::cli {

const char* const kInspectUsage =
    "Usage: qatbench-cli inspect MODEL_DIR [--json]\n"
    "Reads config.json and the safetensors headers (no weights) of a Hugging Face LLaMA folder and prints "
    "the\n"
    "architecture, parameter counts per part, stored dtype, tokenizer and the memory the weights need.\n"
    "  --json  the same as one JSON object\n";

namespace {

std::string count(int64_t n)
{
    std::ostringstream s;
    if (n >= 1000000)
        s << std::fixed << std::setprecision(2) << double(n) / 1e6 << "M";
    else if (n >= 1000)
        s << std::fixed << std::setprecision(1) << double(n) / 1e3 << "K";
    else
        s << n;
    return s.str() + " (" + std::to_string(n) + ")";
}

nlohmann::json toJson(const ModelInfo& m, const std::string& tokenizerKind, int64_t tokenizerVocab)
{
    const ModelConfig& c = m.config;
    const ParamCounts& p = m.params;
    return {{"dir", m.dir},
            {"config",
             {{"hidden_size", c.hiddenSize},
              {"intermediate_size", c.intermediateSize},
              {"num_hidden_layers", c.numLayers},
              {"num_attention_heads", c.numHeads},
              {"num_key_value_heads", c.numKvHeads},
              {"head_dim", c.headDim},
              {"vocab_size", c.vocabSize},
              {"max_position_embeddings", c.maxPositions},
              {"rms_norm_eps", c.rmsNormEps},
              {"rope_theta", c.ropeTheta},
              {"rope_type", c.ropeScaling.type},
              {"tie_word_embeddings", c.tieWordEmbeddings},
              {"bos_token_id", c.bosTokenId},
              {"eos_token_id", c.eosTokenId},
              {"dtype", dtypeName(c.dtype)}}},
            {"weight_files", m.weightFiles},
            {"stored_dtype", dtypeName(m.storedDType)},
            {"tokenizer", {{"file", m.tokenizerFile}, {"kind", tokenizerKind}, {"vocab", tokenizerVocab}}},
            {"params",
             {{"embedding", p.embedding},
              {"attention", p.attention},
              {"mlp", p.mlp},
              {"norms", p.norms},
              {"lm_head", p.lmHead},
              {"total", p.total},
              {"quantizable", p.quantizable}}},
            {"bytes_on_disk", m.bytesOnDisk},
            {"bytes_float32", m.bytesFloat32},
            {"bytes_bfloat16", m.bytesBFloat16}};
}

} // namespace

int cmdInspect(const Argv& argv)
{
    Args args(argv, {}, {"json"});
    if (args.positional().size() != 1) {
        std::cerr << kInspectUsage;
        return 2;
    }
    const ModelInfo m = inspectModel(args.positional()[0]);
    std::string tokKind = "none";
    int64_t tokVocab = 0;
    if (!m.tokenizerFile.empty()) {
        const Tokenizer tok = Tokenizer::load(m.dir);
        tokKind = tok.kind();
        tokVocab = tok.vocabSize();
        checkTokenizerFitsModel(tok, m.config.vocabSize, m.dir);
    }
    for (const auto& t : m.ignoredTensors)
        std::cerr << "warning: tensor " << t << " is not part of a LLaMA model; ignored\n";
    if (args.has("json")) {
        std::cout << toJson(m, tokKind, tokVocab).dump(2) << "\n";
        return 0;
    }
    const ModelConfig& c = m.config;
    const ParamCounts& p = m.params;
    std::cout << "model         " << m.dir << "\n"
              << "architecture  LLaMA: " << c.numLayers << " layers, hidden " << c.hiddenSize << ", MLP "
              << c.intermediateSize << ", " << c.numHeads << " heads x " << c.headDim << " (" << c.numKvHeads
              << " KV heads" << (c.numKvHeads != c.numHeads ? ", GQA" : "") << "), vocab " << c.vocabSize
              << "\n"
              << "positions     " << c.maxPositions << ", RoPE theta " << c.ropeTheta << " ("
              << c.ropeScaling.type
              << (c.ropeScaling.type == "llama3" ? ", factor " + std::to_string(c.ropeScaling.factor) : "")
              << "), RMSNorm eps " << c.rmsNormEps << "\n"
              << "embeddings    " << (c.tieWordEmbeddings ? "tied (lm_head = embed_tokens)" : "untied")
              << "\n"
              << "dtype         stored " << dtypeName(m.storedDType) << " (config says " << dtypeName(c.dtype)
              << ")\n"
              << "weights       " << m.weightFiles.size() << " safetensors file(s), "
              << formatBytes(m.bytesOnDisk) << " on disk\n"
              << "tokenizer     "
              << (m.tokenizerFile.empty()
                      ? "none"
                      : m.tokenizerFile + " (" + tokKind + ", " + std::to_string(tokVocab) + " pieces)")
              << "\n\nparameters\n"
              << "  embedding   " << count(p.embedding) << "\n"
              << "  attention   " << count(p.attention) << "\n"
              << "  mlp         " << count(p.mlp) << "\n"
              << "  norms       " << count(p.norms) << "\n"
              << "  lm_head     " << (c.tieWordEmbeddings ? std::string("tied") : count(p.lmHead)) << "\n"
              << "  total       " << count(p.total) << "\n"
              << "  quantizable " << count(p.quantizable) << " (" << 7 * c.numLayers << " block linears, "
              << std::fixed << std::setprecision(1) << 100.0 * double(p.quantizable) / double(p.total)
              << "%)\n"
              << "\nmemory for the weights: " << formatBytes(m.bytesFloat32) << " as float32, "
              << formatBytes(m.bytesBFloat16) << " as bfloat16 (activations and KV cache extra)\n";
    return 0;
}

} // namespace qat::cli

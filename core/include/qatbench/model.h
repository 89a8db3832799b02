#pragma once
// A Hugging Face LLaMA directory as plain data: its config and what it holds. No torch types (Qt code
// includes this). Loading the weights and running the model: core/sdk/qatbench_sdk/llama.h.
//
// Intended usage:
//   1. inspectModel(dir) reads config.json and the safetensors headers (no weights) and reports sizes.
//   2. loadModelConfig(dir) when only the architecture is needed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qat {

enum class DType
{
    F32,
    F16,
    BF16,
};
const char* dtypeName(DType t); // "float32", "float16", "bfloat16"

// The seven linear layers of a LLaMA block that quantization applies to.
enum class LinearKind
{
    Q,
    K,
    V,
    O,
    Gate,
    Up,
    Down,
};
constexpr int kLinearKinds = 7;
const char* linearName(LinearKind k);                          // "q_proj", ..., "down_proj"
std::optional<LinearKind> parseLinearName(std::string_view s); // accepts "q_proj" or "q"

struct RopeScaling
{
    std::string type = "default";     // "default", "linear" or "llama3"
    double factor = 1.0;              // llama3: scaling factor
    double lowFreqFactor = 1.0;       // llama3
    double highFreqFactor = 4.0;      // llama3
    int64_t originalMaxPositions = 0; // llama3: original_max_position_embeddings
};

struct ModelConfig
{
    int64_t hiddenSize = 0;
    int64_t intermediateSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKvHeads = 0; // == numHeads without GQA
    int64_t headDim = 0;    // hidden / heads unless given
    int64_t vocabSize = 0;
    int64_t maxPositions = 0; // max_position_embeddings
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    RopeScaling ropeScaling;
    bool tieWordEmbeddings = false;
    int64_t bosTokenId = 1;           // -1 when none
    int64_t eosTokenId = 2;           // -1 when none; the first of eosTokenIds
    std::vector<int64_t> eosTokenIds; // every id config.json lists as eos (LLaMA 3.1 has several)
    DType dtype = DType::F32;         // torch_dtype / dtype as stored
};

// Parses config.json text; errors name fileForErrors and the field.
ModelConfig parseModelConfig(const std::string& jsonText, const std::string& fileForErrors);
ModelConfig loadModelConfig(const std::string& modelDir);
// The Hugging Face config.json of a config (architectures LlamaForCausalLM, torch_dtype float32): what the
// exports and the demo write next to their weights.
std::string modelConfigJson(const ModelConfig& config);

struct ParamCounts
{
    int64_t embedding = 0;
    int64_t attention = 0; // q, k, v, o of all blocks
    int64_t mlp = 0;       // gate, up, down of all blocks
    int64_t norms = 0;
    int64_t lmHead = 0; // 0 when tied
    int64_t total = 0;
    int64_t quantizable = 0; // the block linears
};

struct ModelInfo
{
    std::string dir;
    ModelConfig config;
    std::vector<std::string> weightFiles; // safetensors files, in order
    std::string tokenizerFile;            // tokenizer.model or tokenizer.json; empty when none
    DType storedDType = DType::F32;       // dtype of the block weights on disk
    ParamCounts params;
    int64_t bytesOnDisk = 0;
    int64_t bytesFloat32 = 0;  // weights in memory as float32
    int64_t bytesBFloat16 = 0; // weights in memory as bfloat16
    std::vector<std::string> ignoredTensors; // "name (file)" of tensors no LLaMA part uses (a warning)
};

// Reads config.json and the safetensors headers (all fields checked, no weights read).
ModelInfo inspectModel(const std::string& modelDir);

// The safetensors files of a model directory in load order: model.safetensors, or the shards named by
// model.safetensors.index.json. Refuses pickle checkpoints (.bin, .pth) with a message on how to convert.
std::vector<std::string> findWeightFiles(const std::string& modelDir);
// The tokenizer file a directory provides: tokenizer.model when present, else tokenizer.json; empty when
// none.
std::string findTokenizerFile(const std::string& modelDir);
// Parses "float32"/"fp32"/"float16"/"bfloat16"/"bf16"; throws ConfigError(field) otherwise.
DType parseDType(std::string_view s, const std::string& field = "dtype");

} // namespace qat

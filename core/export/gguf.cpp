// A deployable file (quantized.safetensors) -> GGUF v3 for llama.cpp (qatbench/export.h, docs/EXPORT.md).
// Metadata keys, tensor names and the q/k row permutation follow llama.cpp's convert_hf_to_gguf.py and
// gguf-py's constants; the block layouts follow ggml's block_q4_1 / block_q5_1.
#include "export/gguf_file.h"

#include "qatbench/error.h"
#include "qatbench/export.h"
#include "qatbench/model.h"
#include "qatbench/safetensors.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/export.h"
#include "qatbench_sdk/tensor_io.h"

#include "qatbench_sdk/torch.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

namespace qat {

namespace fs = std::filesystem;
using gguf::GgmlType;
using nlohmann::json;

namespace {

// llama.cpp's LLAMA_FTYPE values (general.file_type).
uint32_t fileTypeCode(GgmlType t)
{
    switch (t) {
    case GgmlType::F32:
        return 0;
    case GgmlType::F16:
        return 1;
    case GgmlType::Q4_1:
        return 3;
    case GgmlType::Q5_1:
        return 9;
    case GgmlType::Q4_K:
        return 14; // MOSTLY_Q4_K_S: every K-able linear Q4_K (the others Q4_1)
    case GgmlType::BF16:
        return 32;
    }
    return 0;
}

GgmlType parseDenseType(const std::string& s, const std::string& field)
{
    if (s == "f16") return GgmlType::F16;
    if (s == "bf16") return GgmlType::BF16;
    if (s == "f32") return GgmlType::F32;
    throw ConfigError(field, "'" + s + "' is not one of f16, bf16, f32");
}

// The type of the tensors written as they are (embeddings, output, linears the method left unquantized):
// float32 models keep F32; bf16 and fp16 models get F16, as llama.cpp's converter writes them by default. A
// bf16 value converts to fp16 exactly unless its magnitude is below fp16's normal range (6.1e-5), and
// llama.cpp's CPU matmul converts the activations to the weight's type, where fp16 keeps 3 more bits than
// bf16.
GgmlType modelDenseType(DType t)
{
    return t == DType::F32 ? GgmlType::F32 : GgmlType::F16;
}

const char* ggufLinearName(LinearKind k)
{
    static const char* names[kLinearKinds] = {"attn_q",   "attn_k", "attn_v",  "attn_output",
                                              "ffn_gate", "ffn_up", "ffn_down"};
    return names[int(k)];
}

// llama.cpp applies RoPE to adjacent pairs, HF to the two halves of each head: the converter reorders the
// rows of q_proj (per attention head) and k_proj (per key/value head). Only rows move.
at::Tensor ropeRowOrder(int64_t rows, int64_t heads)
{
    return at::arange(rows, at::kLong).reshape({heads, 2, rows / heads / 2}).transpose(1, 2).reshape({-1});
}

// The rope_freqs tensor llama.cpp reads for LLaMA 3.1-style scaling: one factor per frequency pair.
std::vector<float> llama3RopeFactors(const ModelConfig& c)
{
    const RopeScaling& r = c.ropeScaling;
    const double lowWavelen = double(r.originalMaxPositions) / r.lowFreqFactor;
    const double highWavelen = double(r.originalMaxPositions) / r.highFreqFactor;
    std::vector<float> f;
    for (int64_t i = 0; i < c.headDim; i += 2) {
        const double freq = 1.0 / std::pow(c.ropeTheta, double(i) / double(c.headDim));
        const double wavelen = 2 * M_PI / freq;
        if (wavelen < highWavelen) {
            f.push_back(1.0f);
        } else if (wavelen > lowWavelen) {
            f.push_back(float(r.factor));
        } else {
            const double smooth = (double(r.originalMaxPositions) / wavelen - r.lowFreqFactor) /
                                  (r.highFreqFactor - r.lowFreqFactor);
            f.push_back(float(1.0 / ((1 - smooth) / r.factor + smooth)));
        }
    }
    return f;
}

std::vector<uint8_t> bytesOf(const at::Tensor& t)
{
    at::Tensor c = t.contiguous();
    const auto* p = static_cast<const uint8_t*>(c.data_ptr());
    return std::vector<uint8_t>(p, p + c.numel() * int64_t(c.element_size()));
}

// The tensor type of a dense GGML type (F16, BF16, else F32).
at::ScalarType ggmlScalarType(GgmlType type)
{
    switch (type) {
    case GgmlType::F16:
        return at::kHalf;
    case GgmlType::BF16:
        return at::kBFloat16;
    default:
        return at::kFloat;
    }
}

at::Tensor toGgml(const at::Tensor& t, GgmlType type)
{
    return t.to(ggmlScalarType(type));
}

// One block linear as the deployable file holds it.
struct GridTensor
{
    at::Tensor codes;  // uint8 [out, in]
    at::Tensor scales; // float32 [out, groups] (m * s)
    at::Tensor zeros;  // float32 [out, groups]
    int64_t group = 0; // columns per group
};

// Accumulates the fp16 rounding effect over the exact linears.
struct RoundingStats
{
    double errSq = 0, refSq = 0, maxAbs = 0, maxScaleRel = 0;
    int64_t subnormal = 0;
};

// Q4_1 / Q5_1 blocks of a grid (rows already in GGUF order). Returns the bytes and the weights they decode to
// (float32 [out, in], for the equivalent checkpoint and the rounding statistics).
std::pair<std::vector<uint8_t>, at::Tensor> quantBlocks(const GridTensor& g, GgmlType type, RoundingStats& st)
{
    const int64_t out = g.codes.size(0), in = g.codes.size(1), nb = in / 32;
    const at::Tensor groupOfBlock = (at::arange(nb, at::kLong) * 32).div(g.group, "floor");
    const at::Tensor d = g.scales.index_select(1, groupOfBlock); // [out, nb]
    const at::Tensor mn = -(d * g.zeros.index_select(1, groupOfBlock));
    const at::Tensor d16 = d.to(at::kHalf), m16 = mn.to(at::kHalf);
    const at::Tensor q = g.codes.reshape({out, nb, 32});
    const at::Tensor qs = at::bitwise_or(q.narrow(2, 0, 16).bitwise_and(15),
                                         q.narrow(2, 16, 16).bitwise_and(15).bitwise_left_shift(4));
    std::vector<at::Tensor> parts = {d16.unsqueeze(-1).view(at::kByte), m16.unsqueeze(-1).view(at::kByte)};
    if (type == GgmlType::Q5_1) {
        const at::Tensor hb = q.bitwise_right_shift(4).bitwise_and(1).reshape({out, nb, 4, 8}).to(at::kInt);
        const at::Tensor w = at::arange(8, at::kInt);
        parts.push_back(hb.bitwise_left_shift(w).sum(-1).to(at::kByte));
    }
    parts.push_back(qs.to(at::kByte));
    auto bytes = bytesOf(at::cat(parts, -1));

    const at::Tensor qf = q.to(at::kFloat);
    const at::Tensor w16 =
        (qf * d16.to(at::kFloat).unsqueeze(-1) + m16.to(at::kFloat).unsqueeze(-1)).reshape({out, in});
    const at::Tensor w = (qf * d.unsqueeze(-1) + mn.unsqueeze(-1)).reshape({out, in});
    const at::Tensor diff = (w16 - w).to(at::kDouble);
    st.errSq += diff.pow(2).sum().item<double>();
    st.refSq += w.to(at::kDouble).pow(2).sum().item<double>();
    st.maxAbs = std::max(st.maxAbs, diff.abs().max().item<double>());
    const at::Tensor nz = d.abs() > 0;
    if (nz.any().item<bool>())
        st.maxScaleRel =
            std::max(st.maxScaleRel,
                     ((d16.to(at::kFloat) - d).abs() / d.abs()).masked_select(nz).max().item<double>());
    st.subnormal += (nz & (d.abs() < 6.103515625e-05)).sum().item<int64_t>();
    return {std::move(bytes), w16};
}

// Q4_K super-blocks of 256 inputs fitted from a grid of at most 4 bits (rows already in GGUF order): the
// trained codes are kept; each 32-input sub-block's scale m*s and min m*s*z (w = scale*q - min) become 6-bit
// multiples of the super-block's fp16 d and dmin, which is where the approximation is. Layout of ggml's
// block_q4_K: fp16 d, fp16 dmin, 12 bytes holding eight 6-bit scales and mins (get_scale_min_k4), then 128
// bytes: for each 64 inputs, input l of the first 32 in the low nibble of byte l, of the second 32 in the
// high.
std::pair<std::vector<uint8_t>, at::Tensor> quantBlocksK(const GridTensor& g, RoundingStats& st)
{
    const int64_t out = g.codes.size(0), in = g.codes.size(1), nsb = in / 256, nsub = in / 32;
    const at::Tensor groupOfSub = (at::arange(nsub, at::kLong) * 32).div(g.group, "floor");
    const at::Tensor sc = g.scales.index_select(1, groupOfSub).reshape({out, nsb, 8});
    const at::Tensor mn =
        (sc.reshape({out, nsub}) * g.zeros.index_select(1, groupOfSub)).reshape({out, nsb, 8});
    auto fit = [](const at::Tensor& v) { // -> fp16 super-block factor, 6-bit integers
        const at::Tensor f16 = (v.clamp_min(0).amax(-1) / 63).to(at::kHalf);
        const at::Tensor f = f16.to(at::kFloat).unsqueeze(-1);
        const at::Tensor q = at::where(f > 0, (v / f).round(), at::zeros_like(v)).clamp(0, 63).to(at::kByte);
        return std::make_pair(f16, q);
    };
    const auto [d16, ls] = fit(sc);
    const auto [dmin16, lm] = fit(mn);
    const at::Tensor lo = ls.narrow(2, 0, 4), hi = ls.narrow(2, 4, 4);
    const at::Tensor mlo = lm.narrow(2, 0, 4), mhi = lm.narrow(2, 4, 4);
    const at::Tensor scales =
        at::cat({lo.bitwise_or(hi.bitwise_right_shift(4).bitwise_left_shift(6)),
                 mlo.bitwise_or(mhi.bitwise_right_shift(4).bitwise_left_shift(6)),
                 hi.bitwise_and(15).bitwise_or(mhi.bitwise_and(15).bitwise_left_shift(4))},
                -1); // [out, nsb, 12]
    const at::Tensor q = g.codes.reshape({out, nsb, 4, 2, 32});
    const at::Tensor qs =
        q.select(3, 0).bitwise_and(15).bitwise_or(q.select(3, 1).bitwise_and(15).bitwise_left_shift(4));
    auto bytes = bytesOf(at::cat({d16.unsqueeze(-1).view(at::kByte), dmin16.unsqueeze(-1).view(at::kByte),
                                  scales.to(at::kByte), qs.reshape({out, nsb, 128}).to(at::kByte)},
                                 -1));

    const at::Tensor qf = g.codes.to(at::kFloat).reshape({out, nsb, 8, 32});
    const at::Tensor step = (d16.to(at::kFloat).unsqueeze(-1) * ls.to(at::kFloat)).unsqueeze(-1);
    const at::Tensor low = (dmin16.to(at::kFloat).unsqueeze(-1) * lm.to(at::kFloat)).unsqueeze(-1);
    const at::Tensor wk = (qf * step - low).reshape({out, in});
    const at::Tensor w = (qf * sc.unsqueeze(-1) - mn.unsqueeze(-1)).reshape({out, in});
    const at::Tensor diff = (wk - w).to(at::kDouble);
    st.errSq += diff.pow(2).sum().item<double>();
    st.refSq += w.to(at::kDouble).pow(2).sum().item<double>();
    st.maxAbs = std::max(st.maxAbs, diff.abs().max().item<double>());
    return {std::move(bytes), wk};
}

class DeployableReader
{
public:
    explicit DeployableReader(const std::string& path) : m_file(path)
    {
        const auto& meta = m_file.metadata();
        if (meta.count("format") == 0 || meta.at("format") != "qatbench-gq-v1")
            throw InputError(path, "__metadata__.format",
                             "missing or not qatbench-gq-v1: not a QATBench deployable file");
        m_bits = int(integer("bits", 2, 8));
        m_group = integer("group_size", 0, int64_t(1) << 40);
        m_config = need("config");
        m_shapes = json::parse(need("shapes"), nullptr, false);
        if (m_shapes.is_discarded() || !m_shapes.is_object())
            throw InputError(path, "__metadata__.shapes", "not a JSON object");
    }
    const std::string& path() const { return m_file.path(); }
    int bits() const { return m_bits; }
    int64_t groupSize() const { return m_group; }
    const std::string& configText() const { return m_config; }
    bool quantized(const std::string& base) const { return m_file.find(base + ".qweight") != nullptr; }
    at::Tensor plain(const std::string& name) const { return readTensor(m_file, name); }
    bool has(const std::string& name) const { return m_file.find(name) != nullptr; }
    // [out, in] of a block linear, from the metadata (quantized) or the tensor header (plain), no data read.
    std::pair<int64_t, int64_t> linearShape(const std::string& base) const
    {
        if (quantized(base)) {
            if (!m_shapes.contains(base) || !m_shapes[base].is_array() || m_shapes[base].size() != 2)
                throw InputError(path(), "__metadata__.shapes." + base, "missing or not [out, in]");
            return {m_shapes[base][0].get<int64_t>(), m_shapes[base][1].get<int64_t>()};
        }
        const StTensorInfo* t = m_file.find(base + ".weight");
        if (!t || t->shape.size() != 2) throw InputError(path(), base + ".weight", "missing or not 2-D");
        return {t->shape[0], t->shape[1]};
    }
    int64_t fractionalZeros() const
    {
        for (const auto& t : m_file.tensors())
            if (t.name.ends_with(".zeros") && t.dtype != StDType::U8) return 1;
        return 0;
    }

    GridTensor grid(const std::string& base) const
    {
        if (!m_shapes.contains(base))
            throw InputError(path(), base + ".qweight", "no shape in __metadata__.shapes");
        const int64_t cols = m_shapes[base][1].get<int64_t>();
        GridTensor g;
        g.codes = unpackCodes(readTensor(m_file, base + ".qweight"), m_bits, cols);
        g.scales = readTensor(m_file, base + ".scales").to(at::kFloat);
        g.zeros = readTensor(m_file, base + ".zeros").to(at::kFloat);
        g.group = (m_group <= 0 || m_group > cols) ? cols : m_group;
        const int64_t groups = (cols + g.group - 1) / g.group;
        if (g.scales.dim() != 2 || g.scales.size(0) != g.codes.size(0) || g.scales.size(1) != groups ||
            g.zeros.sizes() != g.scales.sizes())
            throw InputError(path(), base + ".scales",
                             "shape does not match " + std::to_string(cols) + " columns in groups of " +
                                 std::to_string(g.group));
        return g;
    }

private:
    int64_t integer(const char* key, int64_t lo, int64_t hi) const
    {
        const std::string v = need(key);
        size_t used = 0;
        int64_t x = 0;
        try {
            x = std::stoll(v, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != v.size() || v.empty() || x < lo || x > hi)
            throw InputError(path(), std::string("__metadata__.") + key,
                             "'" + v + "' is not an integer in [" + std::to_string(lo) + ", " +
                                 std::to_string(hi) + "]");
        return x;
    }
    std::string need(const char* key) const
    {
        auto it = m_file.metadata().find(key);
        if (it == m_file.metadata().end())
            throw InputError(path(), std::string("__metadata__.") + key, "missing");
        return it->second;
    }
    SafetensorsFile m_file;
    int m_bits = 0;
    int64_t m_group = 0;
    std::string m_config;
    json m_shapes;
};

// What the exporter decided for every tensor before writing any byte (the header needs all of it).
struct Planned
{
    std::string name;          // GGUF name
    std::vector<int64_t> dims; // ggml ne[]
    GgmlType type;
    std::string source;    // HF name (a block linear: its base without ".weight")
    int64_t rowHeads = 0;  // > 0: permute rows for RoPE with this many heads
    bool grid = false;     // written from the trained grid as Q4_1 / Q5_1
    bool fallback = false; // a trained grid the block type cannot hold: dequantized
    bool blockLinear = false;
    std::vector<float> values; // a tensor made here (rope_freqs)
};

struct Plan
{
    ModelConfig config;
    json configJson;
    GgmlType linearType = GgmlType::F16;
    GgmlType fallbackType = GgmlType::F16;
    GgmlType denseType = GgmlType::F32;
    bool tooManyBits = false; // 6-8 bits under auto: every quantized linear falls back
    std::vector<Planned> tensors;
    std::vector<std::string> warnings;
};

GgmlType chooseLinearType(const DeployableReader& src, const GgufOptions& o, GgmlType fallback,
                          std::vector<std::string>& warnings)
{
    const int bits = src.bits();
    if (auto why = exportTypeProblem("gguf", o.type, bits, src.groupSize()); !why.empty())
        throw ConfigError("--type", why);
    if (o.type == "f16" || o.type == "bf16" || o.type == "f32") return parseDenseType(o.type, "--type");
    if (o.type == "q4_1") return GgmlType::Q4_1;
    if (o.type == "q5_1") return GgmlType::Q5_1;
    if (o.type == "q4_k") return GgmlType::Q4_K;
    if (bits <= 4) return GgmlType::Q4_1;
    if (bits == 5) return GgmlType::Q5_1;
    warnings.push_back(std::to_string(bits) +
                       "-bit codes have no exact GGUF block type: every block linear is "
                       "written dequantized in " +
                       gguf::ggmlTypeName(fallback));
    return fallback;
}

Plan makePlan(const DeployableReader& src, const GgufOptions& o)
{
    Plan p;
    p.config = parseModelConfig(src.configText(), src.path() + " (__metadata__.config)");
    p.configJson = json::parse(src.configText());
    p.fallbackType = parseDenseType(o.fallback, "--fallback");
    p.denseType = modelDenseType(p.config.dtype);
    p.linearType = chooseLinearType(src, o, p.fallbackType, p.warnings);
    p.tooManyBits = o.type == "auto" && src.bits() > 5;
    const bool kType = p.linearType == GgmlType::Q4_K;
    const bool exactType = p.linearType == GgmlType::Q4_1 || p.linearType == GgmlType::Q5_1 || kType;
    const ModelConfig& c = p.config;
    if (c.ropeScaling.type == "llama3") {
        Planned r{"rope_freqs.weight", {c.headDim / 2}, GgmlType::F32, ""};
        r.values = llama3RopeFactors(c);
        p.tensors.push_back(std::move(r));
    }
    p.tensors.push_back(
        {"token_embd.weight", {c.hiddenSize, c.vocabSize}, p.denseType, "model.embed_tokens.weight"});
    for (int l = 0; l < int(c.numLayers); ++l) {
        const std::string blk = "blk." + std::to_string(l) + ".";
        const std::string hf = "model.layers." + std::to_string(l) + ".";
        p.tensors.push_back(
            {blk + "attn_norm.weight", {c.hiddenSize}, GgmlType::F32, hf + "input_layernorm.weight"});
        for (int k = 0; k < kLinearKinds; ++k) {
            if (k == int(LinearKind::Gate))
                p.tensors.push_back({blk + "ffn_norm.weight",
                                     {c.hiddenSize},
                                     GgmlType::F32,
                                     hf + "post_attention_layernorm.weight"});
            const auto kind = LinearKind(k);
            const std::string base = hfLinearName(l, kind, "");
            Planned t{blk + ggufLinearName(kind) + ".weight", {}, p.linearType, base};
            t.blockLinear = true;
            if (kind == LinearKind::Q) t.rowHeads = c.numHeads;
            if (kind == LinearKind::K) t.rowHeads = c.numKvHeads;
            const auto [rows, cols] = src.linearShape(base);
            if (src.quantized(base)) {
                t.grid = exactType && cols % 32 == 0;
                t.fallback = p.tooManyBits || (exactType && !t.grid);
                if (kType && t.grid && cols % 256 != 0) {
                    // Q4_K needs rows of whole 256-input super-blocks: the exact Q4_1 holds this one.
                    t.type = GgmlType::Q4_1;
                    p.warnings.push_back(
                        t.name + " (" + std::to_string(cols) +
                        " inputs, not a multiple of 256) is written as Q4_1 (exact), not Q4_K");
                }
                if (exactType && !t.grid) {
                    t.type = p.fallbackType;
                    p.warnings.push_back(t.name + " (" + base + ", " + std::to_string(cols) +
                                         " inputs, not a multiple of 32: a partial last block) is written "
                                         "dequantized in " +
                                         gguf::ggmlTypeName(p.fallbackType) + ", not in " +
                                         gguf::ggmlTypeName(p.linearType));
                }
            } else {
                t.type = p.denseType; // not quantized by the method: kept as the model stores it
            }
            t.dims = {cols, rows};
            p.tensors.push_back(std::move(t));
        }
    }
    p.tensors.push_back({"output_norm.weight", {c.hiddenSize}, GgmlType::F32, "model.norm.weight"});
    if (src.has("lm_head.weight"))
        p.tensors.push_back({"output.weight", {c.hiddenSize, c.vocabSize}, p.denseType, "lm_head.weight"});
    return p;
}

std::string readOptionalText(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

void addModelMetadata(gguf::GgufWriter& w, const Plan& p, const std::string& name)
{
    const ModelConfig& c = p.config;
    w.add("general.architecture", std::string("llama"));
    w.add("general.type", std::string("model"));
    w.add("general.name", name);
    w.add("general.quantization_version", uint32_t(2));
    w.add("general.file_type", fileTypeCode(p.linearType));
    w.add("llama.vocab_size", uint32_t(c.vocabSize));
    w.add("llama.context_length", uint32_t(c.maxPositions));
    w.add("llama.embedding_length", uint32_t(c.hiddenSize));
    w.add("llama.block_count", uint32_t(c.numLayers));
    w.add("llama.feed_forward_length", uint32_t(c.intermediateSize));
    w.add("llama.attention.head_count", uint32_t(c.numHeads));
    w.add("llama.attention.head_count_kv", uint32_t(c.numKvHeads));
    w.add("llama.rope.freq_base", float(c.ropeTheta));
    w.add("llama.attention.layer_norm_rms_epsilon", float(c.rmsNormEps));
    w.add("llama.rope.dimension_count", uint32_t(c.headDim));
    if (c.headDim * c.numHeads != c.hiddenSize) {
        w.add("llama.attention.key_length", uint32_t(c.headDim));
        w.add("llama.attention.value_length", uint32_t(c.headDim));
    }
    if (c.ropeScaling.type == "linear") {
        w.add("llama.rope.scaling.type", std::string("linear"));
        w.add("llama.rope.scaling.factor", float(c.ropeScaling.factor));
    }
}

void addTokenizerMetadata(gguf::GgufWriter& w, const Plan& p, const std::string& modelDir)
{
    const Tokenizer tok = Tokenizer::load(modelDir);
    TokenizerVocabulary v = tok.vocabulary();
    const bool spm = tok.kind() == "sentencepiece-bpe";
    const int64_t vocab = p.config.vocabSize;
    if (int64_t(v.pieces.size()) > vocab)
        throw InputError(tok.file(), "",
                         "has " + std::to_string(v.pieces.size()) +
                             " tokens, more than the model's vocab_size " + std::to_string(vocab));
    // The converter pads a vocabulary shorter than the embedding with unused "[PAD<i>]" tokens.
    for (int64_t i = int64_t(v.pieces.size()); i < vocab; ++i) {
        v.pieces.push_back("[PAD" + std::to_string(i) + "]");
        v.types.push_back(5);
        if (spm) v.scores.push_back(-1000.0f);
    }
    w.add("tokenizer.ggml.model", std::string(spm ? "llama" : "gpt2"));
    // Byte-level BPE: QATBench's tokenizer accepts only LLaMA 3's pre-tokenizer regex, which llama.cpp calls
    // "llama-bpe".
    w.add("tokenizer.ggml.pre", std::string(spm ? "default" : "llama-bpe"));
    w.add("tokenizer.ggml.tokens", std::move(v.pieces));
    if (spm) w.add("tokenizer.ggml.scores", std::move(v.scores));
    w.add("tokenizer.ggml.token_type", std::move(v.types));
    if (!spm) w.add("tokenizer.ggml.merges", std::move(v.merges));
    if (tok.bosId() >= 0) w.add("tokenizer.ggml.bos_token_id", uint32_t(tok.bosId()));
    if (tok.eosId() >= 0) w.add("tokenizer.ggml.eos_token_id", uint32_t(tok.eosId()));
    if (v.unkId >= 0) w.add("tokenizer.ggml.unknown_token_id", uint32_t(v.unkId));
    if (p.configJson.contains("pad_token_id") && p.configJson["pad_token_id"].is_number_integer())
        w.add("tokenizer.ggml.padding_token_id", uint32_t(p.configJson["pad_token_id"].get<int64_t>()));
    const json tc =
        json::parse(readOptionalText(fs::path(modelDir) / "tokenizer_config.json"), nullptr, false);
    auto flag = [&](const char* key, bool dflt) {
        return tc.is_object() && tc.contains(key) && tc[key].is_boolean() ? tc[key].get<bool>() : dflt;
    };
    w.add("tokenizer.ggml.add_bos_token", flag("add_bos_token", tok.bosId() >= 0));
    w.add("tokenizer.ggml.add_eos_token", flag("add_eos_token", false));
    if (spm) w.add("tokenizer.ggml.add_space_prefix", v.addDummyPrefix);
}

// Every parameter of the model: embeddings (twice unless tied), norms and the block linears.
int64_t modelParameters(const ModelConfig& c, int64_t linearWeights)
{
    int64_t params = c.vocabSize * c.hiddenSize * (c.tieWordEmbeddings ? 1 : 2) + c.hiddenSize;
    return params + c.numLayers * 2 * c.hiddenSize + linearWeights;
}

// The header of the file: metadata, tokenizer and tensor infos (fixes the file's size before any data).
void describeFile(gguf::GgufWriter& w, const Plan& plan, const std::string& modelDir, const GgufOptions& o)
{
    const std::string name = !o.name.empty() ? o.name : fs::path(modelDir).filename().string() + "-qatbench";
    addModelMetadata(w, plan, name);
    addTokenizerMetadata(w, plan, modelDir);
    for (const auto& t : plan.tensors)
        w.addTensor(t.name, t.dims, t.type);
}

} // namespace

GgufResult planGguf(const std::string& deployablePath, const std::string& modelDir, const GgufOptions& o)
{
    const DeployableReader src(deployablePath);
    const Plan plan = makePlan(src, o);
    gguf::GgufWriter w;
    describeFile(w, plan, modelDir, o);
    GgufResult r;
    r.fileType = gguf::ggmlTypeName(plan.linearType);
    r.warnings = plan.warnings;
    r.tensors = int64_t(plan.tensors.size());
    r.bytes = w.fileSize();
    int64_t linearBytes = 0, linearWeights = 0;
    for (size_t i = 0; i < plan.tensors.size(); ++i) {
        const Planned& t = plan.tensors[i];
        if (!t.blockLinear) continue;
        ++r.blockLinears;
        const bool k = t.grid && t.type == GgmlType::Q4_K;
        r.exactLinears += t.grid && !k ? 1 : 0;
        r.approximateLinears += k ? 1 : 0;
        r.fallbackLinears += t.fallback ? 1 : 0;
        linearBytes += w.tensorBytes(i);
        linearWeights += t.dims[0] * t.dims[1];
    }
    r.linearBitsPerWeight = linearWeights ? 8.0 * double(linearBytes) / double(linearWeights) : 0;
    r.fileBitsPerWeight = 8.0 * double(r.bytes) / double(modelParameters(plan.config, linearWeights));
    return r;
}

GgufResult exportGguf(const std::string& deployablePath, const std::string& modelDir,
                      const std::string& outPath, const GgufOptions& o)
{
    at::NoGradGuard noGrad;
    const DeployableReader src(deployablePath);
    Plan plan = makePlan(src, o);
    gguf::GgufWriter w;
    describeFile(w, plan, modelDir, o);

    GgufResult r;
    r.path = outPath;
    r.fileType = gguf::ggmlTypeName(plan.linearType);
    r.warnings = plan.warnings;
    r.tensors = int64_t(plan.tensors.size());
    r.bytes = w.fileSize();
    std::vector<std::pair<std::string, at::Tensor>> equivalent; // HF names, float32, HF row order
    RoundingStats stats, kStats; // fp16 d/min of the exact blocks; the Q4_K refit
    int64_t linearBytes = 0, linearWeights = 0;
    ProgressClock clock;
    {
        gguf::AtomicFile out(outPath);
        w.writeHeader(out.stream());
        for (size_t i = 0; i < plan.tensors.size(); ++i) {
            const Planned& t = plan.tensors[i];
            std::vector<uint8_t> bytes;
            at::Tensor values; // float32 as the GGUF holds it, HF row order
            if (!t.values.empty()) {
                bytes.resize(t.values.size() * 4);
                std::memcpy(bytes.data(), t.values.data(), bytes.size());
            } else if (t.blockLinear && src.quantized(t.source)) {
                GridTensor g = src.grid(t.source);
                at::Tensor order;
                if (t.rowHeads > 0) {
                    order = ropeRowOrder(g.codes.size(0), t.rowHeads);
                    g.codes = g.codes.index_select(0, order);
                    g.scales = g.scales.index_select(0, order);
                    g.zeros = g.zeros.index_select(0, order);
                }
                if (t.grid && t.type == GgmlType::Q4_K) {
                    auto [b, wk] = quantBlocksK(g, kStats);
                    bytes = std::move(b);
                    values = wk;
                    ++r.approximateLinears;
                } else if (t.grid) {
                    auto [b, w16] = quantBlocks(g, t.type, stats);
                    bytes = std::move(b);
                    values = w16;
                    ++r.exactLinears;
                } else {
                    const at::Tensor wq =
                        dequantizeCodes(g.codes, g.scales, g.zeros, g.group, ggmlScalarType(t.type));
                    bytes = bytesOf(wq);
                    values = wq.to(at::kFloat);
                }
                if (t.fallback) ++r.fallbackLinears;
                if (order.defined()) values = values.index_select(0, at::argsort(order));
            } else {
                at::Tensor x = src.plain(t.source + (t.blockLinear ? ".weight" : ""));
                if (t.rowHeads > 0) x = x.index_select(0, ropeRowOrder(x.size(0), t.rowHeads));
                const at::Tensor wq = toGgml(x, t.type);
                bytes = bytesOf(wq);
                values = wq.to(at::kFloat);
                if (t.rowHeads > 0)
                    values = values.index_select(0, at::argsort(ropeRowOrder(x.size(0), t.rowHeads)));
            }
            if (t.blockLinear) {
                ++r.blockLinears;
                linearBytes += int64_t(bytes.size());
                linearWeights += t.dims[0] * t.dims[1];
            }
            w.writeTensorData(out.stream(), i, bytes.data(), int64_t(bytes.size()));
            out.check();
            if (!o.equivalentHfDir.empty() && values.defined())
                equivalent.emplace_back(t.blockLinear ? t.source + ".weight" : t.source, values);
            if (o.progress && !o.progress(clock.make("export", int64_t(i) + 1, r.tensors, "tensors")))
                throw Cancelled();
        }
        out.commit();
    }
    r.linearBitsPerWeight = linearWeights ? 8.0 * double(linearBytes) / double(linearWeights) : 0;
    r.fileBitsPerWeight = 8.0 * double(r.bytes) / double(modelParameters(plan.config, linearWeights));
    r.maxScaleRelError = stats.maxScaleRel;
    r.weightRelRmsError = stats.refSq > 0 ? std::sqrt(stats.errSq / stats.refSq) : 0;
    r.maxWeightAbsError = stats.maxAbs;
    r.approximateRelRmsError = kStats.refSq > 0 ? std::sqrt(kStats.errSq / kStats.refSq) : 0;
    r.subnormalScales = stats.subnormal;
    if (r.subnormalScales > 0)
        r.warnings.push_back(
            std::to_string(r.subnormalScales) +
            " blocks have a scale below fp16's normal range (6.1e-5): their d is stored with "
            "fewer significant bits");
    if (!o.equivalentHfDir.empty()) {
        writeHfTensors(o.equivalentHfDir, src.configText(), std::move(equivalent), "float32");
        copyTokenizerFiles(modelDir, o.equivalentHfDir);
    }
    return r;
}

} // namespace qat

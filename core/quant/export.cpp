// The deployable quantized form and the dequantized Hugging Face checkpoint (layout: qatbench/export.h).
#include "qatbench_sdk/export.h"

#include "qatbench/distributed.h"
#include "qatbench/error.h"
#include "qatbench/safetensors.h"
#include "qatbench_sdk/tensor_io.h"
#include "qatbench_sdk/trainer.h"
#include "util/threads.h"

#include "qatbench_sdk/torch.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace qat {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* const kFormat = "qatbench-gq-v1";

std::string shapeText(const at::Tensor& t)
{
    std::ostringstream out;
    out << t.sizes();
    return out.str();
}

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", "cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// config.json text with torch_dtype (and transformers 5's dtype) set to the written dtype.
std::string configWithDType(const std::string& text, const std::string& dtype)
{
    json c = json::parse(text);
    c["torch_dtype"] = dtype;
    if (c.contains("dtype")) c["dtype"] = dtype;
    return c.dump(2);
}

} // namespace

void copyTokenizerFiles(const std::string& from, const std::string& to)
{
    if (from.empty()) return;
    for (const char* f : {"tokenizer.model", "tokenizer.json", "tokenizer_config.json",
                          "special_tokens_map.json", "generation_config.json"}) {
        std::error_code ec;
        if (fs::is_regular_file(fs::path(from) / f, ec))
            fs::copy_file(fs::path(from) / f, fs::path(to) / f, fs::copy_options::overwrite_existing, ec);
    }
}

namespace {

// Every tensor of the model under its HF name, except the block linears in `skip`.
std::vector<std::pair<std::string, at::Tensor>> plainTensors(const LlamaModel& model,
                                                             const std::vector<std::pair<int, int>>& skip)
{
    const auto& w = model.weights();
    std::vector<std::pair<std::string, at::Tensor>> out;
    out.emplace_back("model.embed_tokens.weight", w.embed);
    for (int l = 0; l < int(w.layers.size()); ++l) {
        const auto& L = w.layers[size_t(l)];
        const std::string p = "model.layers." + std::to_string(l) + ".";
        out.emplace_back(p + "input_layernorm.weight", L.inputNorm);
        out.emplace_back(p + "post_attention_layernorm.weight", L.postNorm);
        for (int k = 0; k < kLinearKinds; ++k)
            if (std::find(skip.begin(), skip.end(), std::make_pair(l, k)) == skip.end())
                out.emplace_back(hfLinearName(l, LinearKind(k)), L.linear[k]);
    }
    out.emplace_back("model.norm.weight", w.norm);
    if (!model.config().tieWordEmbeddings && w.lmHead.defined()) out.emplace_back("lm_head.weight", w.lmHead);
    return out;
}

// The dtype a dequantized checkpoint is written in: the model's own (config.json's torch_dtype / dtype).
std::string modelDTypeName(const std::string& configText)
{
    try {
        return dtypeName(parseModelConfig(configText, "config.json").dtype);
    } catch (const Error&) {
        return "float32";
    }
}

// An HF config's torch_dtype name as a tensor type (float32 for anything else).
at::ScalarType hfScalarType(const std::string& dtype)
{
    return toScalarType(dtype == "bfloat16"  ? StDType::BF16
                        : dtype == "float16" ? StDType::F16
                                             : StDType::F32);
}

// W = s * (code - z) per group of g columns, in float32 as the formula, rounded once to `type`: one pass over
// the codes. The tensor expression (codes as float, scales and zeros expanded to full size) made five
// weight-sized float temporaries per linear and took most of a large model's export.
template <class Out>
void dequantizeRows(const at::Tensor& codes, const at::Tensor& scales, const at::Tensor& zeros, int64_t g,
                    at::Tensor& out)
{
    const int64_t rows = codes.size(0), cols = codes.size(1), groups = scales.size(1);
    const uint8_t* c = codes.data_ptr<uint8_t>();
    const float* s = scales.data_ptr<float>();
    const float* z = zeros.data_ptr<float>();
    Out* o = out.data_ptr<Out>();
    detail::parallelRanges(rows, false, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r)
            for (int64_t k = 0; k < cols; ++k) {
                const int64_t gi = r * groups + k / g;
                o[r * cols + k] = Out(s[gi] * (float(c[r * cols + k]) - z[gi]));
            }
    });
}

} // namespace

void writeHfTensors(const std::string& outDir, const std::string& configText,
                    std::vector<std::pair<std::string, at::Tensor>> tensors, const std::string& dtype)
{
    const at::ScalarType st = hfScalarType(dtype);
    fs::create_directories(outDir);
    for (auto& [n, t] : tensors)
        t = t.detach().to(at::kCPU, st).contiguous();
    writeSafetensors((fs::path(outDir) / "model.safetensors").string(), tensors, {{"format", "pt"}});
    writeFileAtomic((fs::path(outDir) / "config.json").string(), configWithDType(configText, dtype));
}

std::string hfLinearName(int layer, LinearKind kind, const std::string& suffix)
{
    static const char* names[kLinearKinds] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                                              "self_attn.o_proj", "mlp.gate_proj",    "mlp.up_proj",
                                              "mlp.down_proj"};
    return "model.layers." + std::to_string(layer) + "." + names[int(kind)] +
           (suffix.empty() ? "" : "." + suffix);
}

at::Tensor dequantizeCodes(const at::Tensor& codes, const at::Tensor& scales, const at::Tensor& zeros,
                           int64_t group, at::ScalarType type)
{
    const at::Tensor c = codes.to(at::kCPU, at::kByte).contiguous();
    const at::Tensor s = scales.to(at::kCPU, at::kFloat).contiguous();
    const at::Tensor z = zeros.to(at::kCPU, at::kFloat).contiguous();
    TORCH_CHECK(c.dim() == 2 && s.dim() == 2 && z.sizes() == s.sizes() && s.size(0) == c.size(0) &&
                    group > 0 && s.size(1) * group >= c.size(1),
                "dequantizeCodes: codes [rows, cols], scales and zeros [rows, >= cols / group]");
    at::Tensor out = at::empty(c.sizes(), at::TensorOptions().dtype(type));
    switch (type) {
    case at::kBFloat16:
        dequantizeRows<c10::BFloat16>(c, s, z, group, out);
        break;
    case at::kHalf:
        dequantizeRows<c10::Half>(c, s, z, group, out);
        break;
    default:
        TORCH_CHECK(type == at::kFloat, "dequantizeCodes: float32, bfloat16 or float16 out");
        dequantizeRows<float>(c, s, z, group, out);
        break;
    }
    return out;
}

// Each row is a little-endian bit stream: bit i of code c is stream bit c * bits + i, byte j holds stream
// bits 8j..8j+7, lowest first. Done with a shift register per row, rows in parallel: the tensor formulation
// made int64 temporaries of rows x cols x bits and took minutes for a 7B model.
at::Tensor packCodes(const at::Tensor& codes, int bits)
{
    TORCH_CHECK(codes.dim() == 2 && bits >= 1 && bits <= 8, "packCodes: 2-d codes and 1..8 bits");
    const at::Tensor c = codes.to(at::kCPU, at::kByte).contiguous();
    const int64_t rows = c.size(0), cols = c.size(1), nbytes = (cols * bits + 7) / 8;
    at::Tensor out = at::empty({rows, nbytes}, at::kByte);
    const uint8_t* src = c.data_ptr<uint8_t>();
    uint8_t* dst = out.data_ptr<uint8_t>();
    const uint32_t mask = (1u << bits) - 1;
    detail::parallelRanges(rows, false, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            const uint8_t* in = src + r * cols;
            uint8_t* o = dst + r * nbytes;
            uint32_t acc = 0;
            int held = 0;
            for (int64_t k = 0; k < cols; ++k) {
                acc |= (uint32_t(in[k]) & mask) << held;
                held += bits;
                while (held >= 8) {
                    *o++ = uint8_t(acc);
                    acc >>= 8;
                    held -= 8;
                }
            }
            if (held > 0) *o = uint8_t(acc);
        }
    });
    return out;
}

at::Tensor unpackCodes(const at::Tensor& packed, int bits, int64_t cols)
{
    TORCH_CHECK(packed.dim() == 2 && bits >= 1 && bits <= 8, "unpackCodes: 2-d bytes and 1..8 bits");
    const at::Tensor p = packed.to(at::kCPU, at::kByte).contiguous();
    const int64_t rows = p.size(0), nbytes = p.size(1);
    TORCH_CHECK(nbytes * 8 >= cols * bits, "unpackCodes: ", nbytes, " bytes per row hold fewer than ", cols,
                " codes of ", bits, " bits");
    at::Tensor out = at::empty({rows, cols}, at::kByte);
    const uint8_t* src = p.data_ptr<uint8_t>();
    uint8_t* dst = out.data_ptr<uint8_t>();
    const uint32_t mask = (1u << bits) - 1;
    detail::parallelRanges(rows, false, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            const uint8_t* in = src + r * nbytes;
            uint8_t* o = dst + r * cols;
            uint32_t acc = 0;
            int held = 0;
            for (int64_t k = 0; k < cols; ++k) {
                while (held < bits) {
                    acc |= uint32_t(*in++) << held;
                    held += 8;
                }
                o[k] = uint8_t(acc & mask);
                acc >>= bits;
                held -= bits;
            }
        }
    });
    return out;
}

void writeHfCheckpoint(const LlamaModel& model, const std::string& sourceModelDir, const std::string& outDir)
{
    std::error_code ec;
    const bool haveSource =
        !sourceModelDir.empty() && fs::is_regular_file(fs::path(sourceModelDir) / "config.json", ec);
    const std::string cfg = haveSource ? readText((fs::path(sourceModelDir) / "config.json").string())
                                       : modelConfigJson(model.config());
    writeHfTensors(outDir, cfg, plainTensors(model, {}), modelDTypeName(cfg));
    copyTokenizerFiles(sourceModelDir, outDir);
}

ExportResult exportQuantized(const LlamaModel& model, const std::vector<QuantLinear>& modules,
                             const std::string& sourceModelDir, const std::string& outDir, bool dequantized)
{
    at::NoGradGuard noGrad;
    if (modules.empty()) throw Error("export: no quantized linear");
    fs::create_directories(outDir);
    std::vector<std::pair<int, int>> skip;
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    json shapes = json::object();
    for (const auto& q : modules) {
        skip.emplace_back(q.layer, int(q.kind));
        const std::string base = hfLinearName(q.layer, q.kind, "");
        tensors.emplace_back(base + ".qweight", packCodes(q.codes().cpu(), q.spec.bits));
        tensors.emplace_back(base + ".scales", q.exportScale().cpu().contiguous());
        if (q.zeroShift.defined()) // QA-LoRA's merged update: a fractional zero-point, stored as F32
            tensors.emplace_back(base + ".zeros",
                                 (at::round(q.zero) + q.zeroShift).to(at::kCPU, at::kFloat).contiguous());
        else
            tensors.emplace_back(base + ".zeros", at::round(q.zero).to(at::kCPU, at::kByte).contiguous());
        shapes[base] = {q.w0.size(0), q.w0.size(1)};
    }
    for (auto& t : plainTensors(model, skip))
        tensors.emplace_back(t.first, t.second.detach().cpu().contiguous());
    std::error_code ec;
    const bool haveSource =
        !sourceModelDir.empty() && fs::is_regular_file(fs::path(sourceModelDir) / "config.json", ec);
    const std::string cfg = haveSource ? readText((fs::path(sourceModelDir) / "config.json").string())
                                       : modelConfigJson(model.config());
    ExportResult r;
    r.deployablePath = (fs::path(outDir) / "quantized.safetensors").string();
    if (dequantized) r.dequantizedDir = (fs::path(outDir) / "hf").string();
    r.quantizedLinears = int64_t(modules.size());
    writeSafetensors(r.deployablePath, tensors,
                     {{"format", kFormat},
                      {"bits", std::to_string(modules[0].spec.bits)},
                      {"group_size", std::to_string(modules[0].spec.groupSize)}, // 0 = per-channel
                      {"shapes", shapes.dump()},
                      {"config", cfg}});
    r.deployableBytes = int64_t(fs::file_size(r.deployablePath));
    if (dequantized) dequantizeDeployable(r.deployablePath, r.dequantizedDir, sourceModelDir);
    return r;
}

void exportRunResult(RunContext& ctx, const std::vector<QuantLinear>& modules)
{
    // Data-parallel: rank 0 alone writes (docs/SCALE.md).
    if (ctx.workDir.empty() || dist::isFollower()) return;
    const bool hf = !ctx.experiment.exports; // with an export section, the engine writes "hf" if asked
    const ExportResult r =
        exportQuantized(ctx.model, modules, ctx.experiment.model.path, ctx.workDir + "/export", hf);
    ctx.sink.artifact("export", r.deployablePath);
    if (hf) ctx.sink.artifact("export_hf", r.dequantizedDir);
}

void dequantizeDeployable(const std::string& path, const std::string& outDir, const std::string& tokenizerDir,
                          const std::string& dtype)
{
    if (!dtype.empty() && dtype != "float32" && dtype != "bfloat16" && dtype != "float16")
        throw ConfigError("dtype", "'" + dtype + "' is not one of float32, bfloat16, float16");
    SafetensorsFile file(path);
    const auto& meta = file.metadata();
    auto need = [&](const char* key) {
        auto it = meta.find(key);
        if (it == meta.end()) throw InputError(path, std::string("__metadata__.") + key, "missing");
        return it->second;
    };
    if (need("format") != kFormat)
        throw InputError(path, "__metadata__.format", "is '" + need("format") + "'; expected " + kFormat);
    const int bits = std::stoi(need("bits"));
    const int64_t group = std::stoll(need("group_size"));
    const json shapes = json::parse(need("shapes"));
    // Each weight leaves the loop in the output's dtype: a 7B model held as float32 until the write needed
    // 26 GB of host memory for a 13 GB file.
    const std::string outDType = dtype.empty() ? modelDTypeName(need("config")) : dtype;
    const at::ScalarType st = hfScalarType(outDType);
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& info : file.tensors()) {
        const std::string& n = info.name;
        if (n.size() > 8 && n.ends_with(".qweight")) {
            const std::string base = n.substr(0, n.size() - 8);
            if (!shapes.contains(base)) throw InputError(path, n, "no shape in __metadata__.shapes");
            const int64_t cols = shapes[base][1].get<int64_t>();
            at::Tensor codes = unpackCodes(readTensor(file, info), bits, cols);
            at::Tensor scales = readTensor(file, base + ".scales").to(at::kFloat);
            at::Tensor zeros = readTensor(file, base + ".zeros").to(at::kFloat);
            // group 0 (per-channel) or a group wider than the row: one group per row.
            const int64_t g = (group <= 0 || group > cols) ? cols : group;
            const int64_t groups = (cols + g - 1) / g;
            if (scales.dim() != 2 || scales.size(0) != codes.size(0) || scales.size(1) != groups)
                throw InputError(path, base + ".scales",
                                 "has shape " + shapeText(scales) + "; expected [" +
                                     std::to_string(codes.size(0)) + ", " + std::to_string(groups) +
                                     "] for " + std::to_string(cols) + " columns in groups of " +
                                     std::to_string(g));
            if (zeros.sizes() != scales.sizes())
                throw InputError(path, base + ".zeros",
                                 "has shape " + shapeText(zeros) + "; expected that of .scales");
            tensors.emplace_back(base + ".weight", dequantizeCodes(codes, scales, zeros, g, st));
        } else if (!n.ends_with(".scales") && !n.ends_with(".zeros")) {
            tensors.emplace_back(n, readTensor(file, info).to(st));
        }
    }
    writeHfTensors(outDir, need("config"), std::move(tensors), outDType);
    copyTokenizerFiles(tokenizerDir, outDir);
}

} // namespace qat

// The deployable quantized form and the dequantized Hugging Face checkpoint (layout: qatbench/export.h).
#include "qatbench_sdk/export.h"

#include "qatbench/distributed.h"
#include "qatbench/error.h"
#include "qatbench/safetensors.h"
#include "qatbench_sdk/tensor_io.h"
#include "qatbench_sdk/trainer.h"

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

} // namespace

void writeHfTensors(const std::string& outDir, const std::string& configText,
                    std::vector<std::pair<std::string, at::Tensor>> tensors, const std::string& dtype)
{
    const at::ScalarType st = toScalarType(dtype == "bfloat16"  ? StDType::BF16
                                           : dtype == "float16" ? StDType::F16
                                                                : StDType::F32);
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

at::Tensor packCodes(const at::Tensor& codes, int bits)
{
    const int64_t rows = codes.size(0), cols = codes.size(1);
    const int64_t nbits = cols * bits, nbytes = (nbits + 7) / 8;
    at::Tensor shifts = at::arange(bits, codes.options().dtype(at::kLong));
    at::Tensor b =
        (codes.to(at::kLong).unsqueeze(-1).bitwise_right_shift(shifts)).bitwise_and(1).reshape({rows, nbits});
    b = at::constant_pad_nd(b, {0, nbytes * 8 - nbits}).reshape({rows, nbytes, 8});
    at::Tensor weights = at::arange(8, b.options()).unsqueeze(0).unsqueeze(0);
    return (b.bitwise_left_shift(weights)).sum(-1).to(at::kByte).contiguous();
}

at::Tensor unpackCodes(const at::Tensor& packed, int bits, int64_t cols)
{
    const int64_t rows = packed.size(0);
    at::Tensor shifts = at::arange(8, packed.options().dtype(at::kLong));
    at::Tensor b = packed.to(at::kLong).unsqueeze(-1).bitwise_right_shift(shifts).bitwise_and(1);
    b = b.reshape({rows, -1}).narrow(1, 0, cols * bits).reshape({rows, cols, bits});
    at::Tensor weights = at::arange(bits, b.options()).unsqueeze(0).unsqueeze(0);
    return b.bitwise_left_shift(weights).sum(-1).to(at::kByte).contiguous();
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
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& info : file.tensors()) {
        const std::string& n = info.name;
        if (n.size() > 8 && n.ends_with(".qweight")) {
            const std::string base = n.substr(0, n.size() - 8);
            if (!shapes.contains(base)) throw InputError(path, n, "no shape in __metadata__.shapes");
            const int64_t cols = shapes[base][1].get<int64_t>();
            at::Tensor codes = unpackCodes(readTensor(file, info), bits, cols).to(at::kFloat);
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
            auto expand = [&](const at::Tensor& t) { return t.repeat_interleave(g, 1).narrow(1, 0, cols); };
            tensors.emplace_back(base + ".weight", expand(scales) * (codes - expand(zeros)));
        } else if (!n.ends_with(".scales") && !n.ends_with(".zeros")) {
            tensors.emplace_back(n, readTensor(file, info));
        }
    }
    writeHfTensors(outDir, need("config"), std::move(tensors),
                   dtype.empty() ? modelDTypeName(need("config")) : dtype);
    copyTokenizerFiles(tokenizerDir, outDir);
}

} // namespace qat

// A deployable file -> a GPTQ v2 checkpoint for GPTQModel-based loaders (qatbench/export.h,
// docs/EXPORT.md). Per quantized linear, as GPTQModel documents it:
//   qweight  int32 [in * bits / 32, out]   codes of each output column, a little-endian bit stream along the
//                                           input dimension cut into 32-bit words (3 bits: 32 codes in 3
//                                           words)
//   qzeros   int32 [groups, out * bits / 32]  zero-points of each group row, packed the same way along the
//                                           output dimension; "gptq_v2" stores z itself (v1 stored z - 1)
//   scales   fp16  [groups, out]           m * s
//   g_idx    int32 [in]                    the group of every input (i / group_size: desc_act false)
// and W[o, i] = scales[g_idx[i], o] * (q[i, o] - zeros[g_idx[i], o]).
#include "qatbench/error.h"
#include "qatbench/export.h"
#include "qatbench/model.h"
#include "qatbench/safetensors.h"
#include "qatbench_sdk/export.h"
#include "qatbench_sdk/tensor_io.h"
#include "qatbench_sdk/trainer.h"

#include "qatbench_sdk/torch.h"

#include <filesystem>

namespace qat {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string metaValue(const SafetensorsFile& f, const char* key)
{
    auto it = f.metadata().find(key);
    if (it == f.metadata().end()) throw InputError(f.path(), std::string("__metadata__.") + key, "missing");
    return it->second;
}

// Codes uint8 [rows, cols] -> int32 [rows, cols * bits / 32]: each row a little-endian bit stream in words.
at::Tensor packWords(const at::Tensor& codes, int bits)
{
    return packCodes(codes, bits).view(at::kInt);
}

// GPTQ's words hold a linear when every input row and every zero-point row fills whole 32-bit words and the
// groups tile the row (no partial last group); others are written dequantized.
bool packable(int64_t rows, int64_t cols, int bits, int64_t g)
{
    return (cols * bits) % 32 == 0 && (rows * bits) % 32 == 0 && cols % g == 0;
}

int64_t effectiveGroup(int64_t group, int64_t cols)
{
    return (group <= 0 || group > cols) ? cols : group;
}

void requireGptqBits(int bits)
{
    if (auto why = exportTypeProblem("gptq", "", bits, 0); !why.empty())
        throw ConfigError("--format gptq", why);
}

} // namespace

GptqResult planGptq(const std::string& deployablePath)
{
    SafetensorsFile src(deployablePath);
    if (metaValue(src, "format") != "qatbench-gq-v1")
        throw InputError(deployablePath, "__metadata__.format",
                         "not qatbench-gq-v1: not a QATBench deployable file");
    const int bits = std::stoi(metaValue(src, "bits"));
    const int64_t group = std::stoll(metaValue(src, "group_size"));
    requireGptqBits(bits);
    const ModelConfig cfg =
        parseModelConfig(metaValue(src, "config"), deployablePath + " (__metadata__.config)");
    const json shapes = json::parse(metaValue(src, "shapes"));
    const int64_t dense = cfg.dtype == DType::F32 ? 4 : 2;
    GptqResult r;
    int64_t linearBytes = 0, linearWeights = 0;
    for (const auto& t : src.tensors()) {
        const std::string& n = t.name;
        if (n.ends_with(".scales")) continue;
        if (n.ends_with(".zeros")) {
            if (t.dtype != StDType::U8)
                throw ConfigError("--format gptq",
                                  n.substr(0, n.size() - 6) +
                                      " has fractional zero-points (QA-LoRA's merged update), which GPTQ's "
                                      "integer qzeros cannot hold (use --format gguf or hf)");
            continue;
        }
        if (!n.ends_with(".qweight")) {
            r.bytes += t.numel() * dense;
            continue;
        }
        const std::string base = n.substr(0, n.size() - 8);
        const int64_t rows = shapes.at(base)[0].get<int64_t>(), cols = shapes.at(base)[1].get<int64_t>();
        const int64_t g = effectiveGroup(group, cols);
        int64_t bytes = rows * cols * dense;
        if (packable(rows, cols, bits, g)) {
            ++r.quantizedLinears;
            const int64_t groups = cols / g;
            bytes =
                cols * bits / 32 * rows * 4 + groups * rows * bits / 32 * 4 + groups * rows * 2 + cols * 4;
        } else {
            r.warnings.push_back(base + " (" + std::to_string(rows) + " x " + std::to_string(cols) +
                                 ") cannot be packed in GPTQ's 32-bit words with groups of " +
                                 std::to_string(g) + ": written dequantized");
        }
        linearBytes += bytes;
        linearWeights += rows * cols;
        r.bytes += bytes;
    }
    if (r.quantizedLinears == 0)
        throw ConfigError("--format gptq", "no linear of this run can be packed as GPTQ (see the warnings)");
    r.linearBitsPerWeight = linearWeights ? 8.0 * double(linearBytes) / double(linearWeights) : 0;
    return r;
}

GptqResult exportGptq(const std::string& deployablePath, const std::string& modelDir,
                      const std::string& outDir, const ProgressFn& progress)
{
    at::NoGradGuard noGrad;
    SafetensorsFile src(deployablePath);
    if (metaValue(src, "format") != "qatbench-gq-v1")
        throw InputError(deployablePath, "__metadata__.format",
                         "not qatbench-gq-v1: not a QATBench deployable file");
    const int bits = std::stoi(metaValue(src, "bits"));
    const int64_t group = std::stoll(metaValue(src, "group_size"));
    const std::string configText = metaValue(src, "config");
    const json shapes = json::parse(metaValue(src, "shapes"));
    requireGptqBits(bits);
    const ModelConfig cfg = parseModelConfig(configText, deployablePath + " (__metadata__.config)");
    const at::ScalarType dense = cfg.dtype == DType::BF16  ? at::kBFloat16
                                 : cfg.dtype == DType::F16 ? at::kHalf
                                                           : at::kFloat;
    GptqResult r;
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    std::vector<std::string> skipped; // module names GPTQModel must load unquantized
    int64_t linearBytes = 0, linearWeights = 0;
    ProgressClock clock;
    const auto& infos = src.tensors();
    for (size_t i = 0; i < infos.size(); ++i) {
        const std::string& n = infos[i].name;
        if (n.ends_with(".scales") || n.ends_with(".zeros")) continue;
        if (!n.ends_with(".qweight")) {
            tensors.emplace_back(n, readTensor(src, infos[i]).to(dense));
            continue;
        }
        const std::string base = n.substr(0, n.size() - 8);
        const int64_t cols = shapes.at(base)[1].get<int64_t>();
        const at::Tensor codes = unpackCodes(readTensor(src, infos[i]), bits, cols); // [out, in]
        const at::Tensor scales = readTensor(src, base + ".scales").to(at::kFloat);
        const at::Tensor zerosRaw = readTensor(src, base + ".zeros");
        if (zerosRaw.scalar_type() != at::kByte)
            throw ConfigError("--format gptq",
                              base + " has fractional zero-points (QA-LoRA's merged update), which "
                                     "GPTQ's integer qzeros cannot hold (use --format gguf or hf)");
        const int64_t rows = codes.size(0);
        const int64_t g = effectiveGroup(group, cols);
        linearWeights += rows * cols;
        if (!packable(rows, cols, bits, g)) {
            // A partial last group, or rows that do not fill whole 32-bit words: loaded unquantized.
            tensors.emplace_back(base + ".weight", dequantizeCodes(codes, scales, zerosRaw, g, dense));
            linearBytes += rows * cols * int64_t(tensors.back().second.element_size());
            skipped.push_back(base.substr(6)); // without "model."
            r.warnings.push_back(base + " (" + std::to_string(rows) + " x " + std::to_string(cols) +
                                 ") cannot be packed in GPTQ's 32-bit words with groups of " +
                                 std::to_string(g) +
                                 ": written dequantized, and listed for GPTQModel as not quantized");
            continue;
        }
        ++r.quantizedLinears;
        at::Tensor qweight = packWords(codes, bits).t().contiguous();   // [in * bits / 32, out]
        at::Tensor qzeros = packWords(zerosRaw.t().contiguous(), bits); // [groups, out * bits / 32]
        at::Tensor sc = scales.t().to(at::kHalf).contiguous();          // [groups, out]
        at::Tensor gidx = at::arange(cols, at::kLong).div(g, "floor").to(at::kInt);
        linearBytes += qweight.numel() * 4 + qzeros.numel() * 4 + sc.numel() * 2 + gidx.numel() * 4;
        tensors.emplace_back(base + ".qweight", qweight);
        tensors.emplace_back(base + ".qzeros", qzeros);
        tensors.emplace_back(base + ".scales", sc);
        tensors.emplace_back(base + ".g_idx", gidx);
        if (progress && !progress(clock.make("export", int64_t(i) + 1, int64_t(infos.size()), "tensors")))
            throw Cancelled();
    }
    if (r.quantizedLinears == 0)
        throw ConfigError("--format gptq", "no linear of this run can be packed as GPTQ (see the warnings)");

    json qc = {{"quant_method", "gptq"},
               {"bits", bits},
               {"group_size", group <= 0 ? -1 : group},
               {"desc_act", false},
               {"sym", false},
               {"lm_head", false},
               {"true_sequential", true},
               {"checkpoint_format", "gptq_v2"},
               {"pack_dtype", "int32"},
               {"meta", {{"quantizer", {"qatbench"}}}}};
    if (!skipped.empty()) {
        // GPTQModel's per-module override: a "-:" rule leaves the matching modules unquantized.
        json dyn = json::object();
        for (const auto& s : skipped) {
            std::string re;
            for (char c : s)
                re += c == '.' ? std::string("\\.") : std::string(1, c);
            dyn["-:^" + re + "$"] = json::object();
        }
        qc["dynamic"] = dyn;
    }
    json config = json::parse(configText);
    config["quantization_config"] = qc;
    const std::string dtype = dtypeName(cfg.dtype);
    config["torch_dtype"] = dtype;
    if (config.contains("dtype")) config["dtype"] = dtype;

    fs::create_directories(outDir);
    writeSafetensors((fs::path(outDir) / "model.safetensors").string(), tensors, {{"format", "pt"}});
    writeFileAtomic((fs::path(outDir) / "config.json").string(), config.dump(2) + "\n");
    writeFileAtomic((fs::path(outDir) / "quantize_config.json").string(), qc.dump(2) + "\n");
    copyTokenizerFiles(modelDir, outDir);
    r.dir = outDir;
    r.bytes = int64_t(fs::file_size(fs::path(outDir) / "model.safetensors"));
    r.linearBitsPerWeight = linearWeights ? 8.0 * double(linearBytes) / double(linearWeights) : 0;
    return r;
}

} // namespace qat

// One export in any format (qatbench/export.h, docs/EXPORT.md): the rules of which type holds which grid, the
// estimate the GUI shows before exporting, and the temporary-name-then-rename rule for every format.
#include "qatbench/device.h"
#include "qatbench/error.h"
#include "qatbench/export.h"
#include "qatbench/files.h"
#include "qatbench/model.h"
#include "qatbench/safetensors.h"

#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace qat {

namespace fs = std::filesystem;

namespace {

bool oneOf(const std::string& s, std::initializer_list<const char*> list)
{
    for (const char* x : list)
        if (s == x) return true;
    return false;
}

std::string metaValue(const SafetensorsFile& f, const char* key)
{
    auto it = f.metadata().find(key);
    if (it == f.metadata().end()) throw InputError(f.path(), std::string("__metadata__.") + key, "missing");
    return it->second;
}

std::string dtypeOf(const std::string& requested, const ModelConfig& c)
{
    if (!requested.empty()) return requested;
    return c.dtype == DType::BF16 ? "bfloat16" : c.dtype == DType::F16 ? "float16" : "float32";
}

// The dequantized Hugging Face checkpoint: every weight in the dtype.
DeployResult estimateHf(const std::string& deployablePath, const std::string& dtype)
{
    SafetensorsFile src(deployablePath);
    const ModelConfig c =
        parseModelConfig(metaValue(src, "config"), deployablePath + " (__metadata__.config)");
    DeployResult r;
    r.type = dtypeOf(dtype, c);
    const int64_t size = r.type == "float32" ? 4 : 2;
    const auto shapes = nlohmann::json::parse(metaValue(src, "shapes"));
    for (const auto& t : src.tensors()) {
        const std::string& n = t.name;
        if (n.ends_with(".scales") || n.ends_with(".zeros")) continue;
        if (n.ends_with(".qweight")) {
            const auto& s = shapes.at(n.substr(0, n.size() - 8));
            r.bytes += s[0].get<int64_t>() * s[1].get<int64_t>() * size;
            ++r.quantizedLinears;
        } else {
            r.bytes += t.numel() * size;
        }
    }
    r.exactLinears = size == 4 ? r.quantizedLinears : 0;
    r.linearBitsPerWeight = 8.0 * double(size);
    r.exactness = size == 4 ? "exact" : "rounded";
    if (size != 4)
        r.notes.push_back("the dequantized weights m*s*(q - z) are rounded to " + r.type +
                          " (float32 keeps them exact)");
    return r;
}

DeployResult fromGguf(const GgufResult& g)
{
    DeployResult r;
    r.path = g.path;
    r.type = g.fileType;
    r.bytes = g.bytes;
    r.quantizedLinears = g.exactLinears + g.fallbackLinears + g.approximateLinears;
    r.exactLinears = g.exactLinears;
    r.linearBitsPerWeight = g.linearBitsPerWeight;
    r.fileBitsPerWeight = g.fileBitsPerWeight;
    r.warnings = g.warnings;
    if (g.approximateLinears > 0)
        r.exactness = "approximate";
    else if (r.quantizedLinears == 0)
        r.exactness = g.fileType == "F32" ? "exact" : "rounded";
    else
        r.exactness = r.exactLinears == r.quantizedLinears ? "exact"
                      : r.exactLinears > 0                 ? "partly exact"
                                                           : "rounded";
    if (g.exactLinears > 0 && !g.path.empty()) {
        char line[200];
        std::snprintf(line, sizeof line,
                      "fp16 d/min rounding: weights change by %.2e relative (rms), at most %.2e; d by at "
                      "most %.2e relative",
                      g.weightRelRmsError, g.maxWeightAbsError, g.maxScaleRelError);
        r.notes.push_back(line);
    }
    if (g.approximateLinears > 0) {
        char line[200];
        if (g.path.empty())
            std::snprintf(
                line, sizeof line,
                "Q4_K is approximate: %lld linears refit from the grid (6-bit scales and mins per 32 "
                "inputs)",
                (long long)g.approximateLinears);
        else
            std::snprintf(line, sizeof line,
                          "Q4_K refit of %lld linears: weights change by %.2e relative (rms); measure the "
                          "perplexity change (docs/EXPORT.md)",
                          (long long)g.approximateLinears, g.approximateRelRmsError);
        r.notes.push_back(line);
    }
    return r;
}

DeployResult fromGptq(const GptqResult& g)
{
    DeployResult r;
    r.path = g.dir;
    r.bytes = g.bytes;
    r.quantizedLinears = g.quantizedLinears + int64_t(g.warnings.size());
    r.exactLinears = g.quantizedLinears;
    r.linearBitsPerWeight = g.linearBitsPerWeight;
    r.warnings = g.warnings;
    r.exactness = g.warnings.empty() ? "exact" : "partly exact";
    return r;
}

void checkOptions(const DeployOptions& o)
{
    if (!oneOf(o.format, {"gguf", "gptq", "hf"}))
        throw ConfigError("--format", "'" + o.format + "' is not one of gguf, gptq, hf");
    if (o.format == "hf" && !o.dtype.empty() && !oneOf(o.dtype, {"float32", "bfloat16", "float16"}))
        throw ConfigError("--dtype", "'" + o.dtype + "' is not one of float32, bfloat16, float16");
}

GgufOptions ggufOptions(const DeployOptions& o)
{
    GgufOptions g;
    g.type = o.type.empty() ? "auto" : o.type;
    g.fallback = o.fallback.empty() ? "f16" : o.fallback;
    g.equivalentHfDir = o.equivalentHfDir;
    g.progress = o.progress;
    return g;
}

// Writes a folder under a temporary sibling, then moves it into place (replacing `out` when asked).
template <typename Fn> void writeFolderAtomically(const std::string& out, bool replace, Fn write)
{
    const std::string tmp = out + ".partial-" + std::to_string(::getpid());
    removeTree(tmp);
    try {
        write(tmp);
    } catch (...) {
        removeTree(tmp); // not std::filesystem::remove_all (qatbench/files.h)
        throw;
    }
    if (replace) removeTree(out);
    std::error_code ec;
    fs::rename(tmp, out, ec);
    if (ec) {
        removeTree(tmp);
        throw Error("cannot move the finished export into place at " + out + ": " + ec.message());
    }
}

} // namespace

std::string exportTypeProblem(const std::string& format, const std::string& type, int bits, int64_t groupSize)
{
    if (format == "gptq") {
        if (bits == 2 || bits == 3 || bits == 4 || bits == 8) return {};
        return "GPTQ checkpoints hold 2, 3, 4 or 8-bit codes; this run has " + std::to_string(bits) +
               " (use --format gguf or hf)";
    }
    if (format == "hf") return {};
    if (format != "gguf") return "'" + format + "' is not one of gguf, gptq, hf";
    if (oneOf(type, {"f16", "bf16", "f32"})) return {};
    if (!oneOf(type, {"auto", "q4_1", "q5_1", "q4_k"}))
        return "'" + type + "' is not one of auto, q4_1, q5_1, q4_k, f16, bf16, f32";
    if (type == "q4_k" && bits > 4)
        return "q4_k holds codes of at most 4 bits; this run has " + std::to_string(bits) +
               " (use q5_1 for 5 bits, f16 for 6-8)";
    if (type == "q4_1" && bits > 4)
        return "q4_1 holds codes of at most 4 bits; this run has " + std::to_string(bits) +
               " (use q5_1 for 5 bits, f16 for 6-8)";
    if (type == "q5_1" && bits > 5)
        return "q5_1 holds codes of at most 5 bits; this run has " + std::to_string(bits) + " (use f16)";
    if (type == "auto" && bits > 5) return {}; // every linear falls back to the dense type anyway
    if (groupSize > 0 && groupSize % 32 != 0)
        return "group size " + std::to_string(groupSize) +
               " is not a multiple of 32, the block of Q4_1 / Q5_1 (and Q4_K's sub-block), so the trained "
               "grid cannot be written "
               "exactly (use --type f16 for a dequantized file)";
    return {};
}

DeployResult estimateDeployable(const std::string& deployablePath, const std::string& modelDir,
                                const DeployOptions& o)
{
    checkOptions(o);
    DeployResult r;
    if (o.format == "gguf") r = fromGguf(planGguf(deployablePath, modelDir, ggufOptions(o)));
    if (o.format == "gptq") r = fromGptq(planGptq(deployablePath));
    if (o.format == "hf") r = estimateHf(deployablePath, o.dtype);
    r.format = o.format;
    r.path.clear();
    if (o.format == "gptq") r.type = "GPTQ " + metaValue(SafetensorsFile(deployablePath), "bits") + "-bit";
    return r;
}

DeployResult exportDeployable(const std::string& deployablePath, const std::string& modelDir,
                              const std::string& out, const DeployOptions& o)
{
    checkOptions(o);
    // The exporters work on weight-sized temporaries on the CPU: the same threads and allocator settings as a
    // run (without them every temporary was a fresh mapping, faulted in page by page).
    configureThreadsOnce();
    std::error_code ec;
    if (fs::exists(out, ec) && !o.replace)
        throw Error(out + " exists; choose another output or pass --force to replace it");
    if (o.format == "gguf" && fs::is_directory(out, ec))
        throw Error(out + " is a folder; a GGUF export is a file");
    const fs::path parent = fs::absolute(out).parent_path();
    if (!fs::is_directory(parent, ec))
        throw Error("the folder of the output, " + parent.string() + ", does not exist");
    if (modelDir.empty() || !fs::is_directory(modelDir, ec))
        throw Error("the model folder '" + modelDir +
                    "' is gone; its tokenizer files are needed for the export");

    DeployResult r;
    if (o.format == "gguf") {
        r = fromGguf(exportGguf(deployablePath, modelDir, out, ggufOptions(o)));
    } else if (o.format == "gptq") {
        writeFolderAtomically(out, o.replace, [&](const std::string& tmp) {
            r = fromGptq(exportGptq(deployablePath, modelDir, tmp, o.progress));
        });
        r.type = "GPTQ " + metaValue(SafetensorsFile(deployablePath), "bits") + "-bit";
    } else {
        r = estimateHf(deployablePath, o.dtype);
        writeFolderAtomically(out, o.replace, [&](const std::string& tmp) {
            dequantizeDeployable(deployablePath, tmp, modelDir, o.dtype);
            // No per-tensor progress inside: one unit, so a cancel asked for meanwhile still removes it.
            if (o.progress && !o.progress({.phase = "export", .done = 1, .total = 1, .unit = "files"}))
                throw Cancelled();
        });
        r.bytes = int64_t(fs::file_size(fs::path(out) / "model.safetensors", ec));
    }
    r.format = o.format;
    r.path = out;
    return r;
}

} // namespace qat

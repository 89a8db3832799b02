// qatbench-cli export: a finished run's quantized model as GGUF (llama.cpp), GPTQ v2 or a dequantized HF
// checkpoint (docs/EXPORT.md).
#include "args.h"
#include "commands.h"

#include "qatbench/error.h"
#include "qatbench/export.h"
#include "qatbench/files.h"
#include "qatbench/store.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace qat::cli {

const char* const kExportUsage =
    "Usage: qatbench-cli export RUN --format gguf|gptq|hf --out PATH [options]\n"
    "       qatbench-cli export FILE.safetensors --model MODEL_DIR --format ... --out PATH [options]\n"
    "Exports a completed run's quantized model (its export/quantized.safetensors, or such a file given\n"
    "directly, e.g. copied from a GPU server; MODEL_DIR supplies the tokenizer) for deployment.\n"
    "  --format gguf        llama.cpp: Q4_1 (2-4 bits) / Q5_1 (5 bits) blocks holding the trained grid\n"
    "                       exactly (fp16 d and min), F16 for tensors the grid cannot express\n"
    "  --format gptq        GPTQ v2 checkpoint folder (asymmetric, 2/3/4/8 bits) for GPTQModel loaders\n"
    "  --format hf          dequantized Hugging Face checkpoint folder in the model's own dtype\n"
    "  --type T             gguf only: auto (default), q4_1, q5_1, f16, bf16, f32\n"
    "  --fallback T         gguf only: type of the tensors the block type cannot hold: f16 (default), bf16, "
    "f32\n"
    "  --out PATH           the file (gguf) or folder (gptq, hf) to write; written under a temporary name "
    "and\n"
    "                       renamed when complete\n"
    "  --force              replace an existing PATH\n"
    "  --db FILE            the run store (default: $QATBENCH_DB, else ~/.local/share/QATBench/runs.db)\n"
    "  --quiet              no progress bar\n";

namespace {

namespace fs = std::filesystem;

int64_t parseRunId(const std::string& s)
{
    try {
        size_t used = 0;
        const long long v = std::stoll(s, &used);
        if (used == s.size() && v > 0) return v;
    } catch (const std::exception&) {
    }
    throw Error("'" + s + "' is not a run id (see `qatbench-cli runs list`)");
}

// The run's deployable file; refuses a run that has none (not finished, failed, or a method without export).
std::string deployableOf(const RunStore& store, const RunInfo& run)
{
    std::string path;
    for (const auto& a : store.artifacts(run.id))
        if (a.kind == "export") path = a.path;
    std::error_code ec;
    if (run.status != RunStatus::Completed || path.empty() || !fs::is_regular_file(path, ec))
        throw Error("run " + std::to_string(run.id) + " has no completed quantized state to export (status " +
                    runStatusName(run.status) +
                    (path.empty() ? ", no export artifact" : ", export artifact " + path + " missing") +
                    "): a quantization method writes it at the end of a completed run");
    return path;
}

// A sibling of `out` that does not exist yet.
std::string temporarySibling(const std::string& out)
{
    return out + ".partial-" + std::to_string(::getpid());
}

// Writes a folder export into a temporary sibling, then replaces `out` with it.
// Not std::filesystem::remove_all, which crashes in the CUDA build (qatbench/files.h).
template <typename Fn> void writeFolderAtomically(const std::string& out, bool force, Fn write)
{
    const std::string tmp = temporarySibling(out);
    std::error_code ec;
    removeTree(tmp);
    try {
        write(tmp);
    } catch (...) {
        removeTree(tmp);
        throw;
    }
    if (force) removeTree(out);
    fs::rename(tmp, out, ec);
    if (ec) {
        removeTree(tmp);
        throw Error("cannot move the finished export into place at " + out + ": " + ec.message());
    }
}

void printWarnings(const std::vector<std::string>& warnings)
{
    for (const auto& w : warnings)
        std::cerr << "warning: " << w << "\n";
}

} // namespace

int cmdExport(const Argv& argv)
{
    Args args(argv, {"format", "type", "fallback", "out", "db", "equivalent-hf", "dtype", "model"},
              {"force", "quiet"});
    if (args.positional().size() != 1 || !args.has("format") || !args.has("out")) {
        std::cerr << kExportUsage;
        return 2;
    }
    const std::string format = *args.get("format");
    if (format != "gguf" && format != "gptq" && format != "hf")
        throw ConfigError("--format", "'" + format + "' is not one of gguf, gptq, hf");
    if (format != "gguf" && (args.has("type") || args.has("fallback") || args.has("equivalent-hf")))
        throw ConfigError("--type", "--type, --fallback and --equivalent-hf apply to --format gguf only");
    if (format != "hf" && args.has("dtype"))
        throw ConfigError("--dtype", "--dtype applies to --format hf only");
    const std::string out = *args.get("out");
    const bool force = args.has("force");
    std::error_code ec;
    if (fs::exists(out, ec) && !force)
        throw Error(out + " exists; choose another --out or pass --force to replace it");
    if (force && fs::is_directory(out, ec) && format == "gguf")
        throw Error(out + " is a folder; a GGUF export is a file");
    const fs::path parent = fs::absolute(out).parent_path();
    if (!fs::is_directory(parent, ec))
        throw Error("the folder of --out, " + parent.string() + ", does not exist");

    const std::string source = args.positional()[0];
    std::string deployable, modelDir;
    if (source.ends_with(".safetensors")) {
        if (!fs::is_regular_file(source, ec)) throw InputError(source, "", "no such file");
        if (!args.has("model"))
            throw ConfigError("--model", "exporting a file needs --model DIR (its tokenizer)");
        deployable = source;
        modelDir = *args.get("model");
    } else {
        RunStore store(args.get("db", defaultDatabasePath()), {.readOnly = true});
        const int64_t id = parseRunId(source);
        const auto run = store.run(id);
        if (!run)
            throw Error("no run " + std::to_string(id) + " in " + store.path() +
                        " (see `qatbench-cli runs list`)");
        deployable = deployableOf(store, *run);
        modelDir = args.get("model", run->modelPath);
    }
    if (modelDir.empty() || !fs::is_directory(modelDir, ec))
        throw Error("the model folder '" + modelDir +
                    "' is gone; its tokenizer files are needed for the export");

    ProgressPrinter printer(!args.has("quiet"));
    auto progress = [&](const Progress& p) {
        printer.update("export", p.done, p.total, p.etaSeconds);
        return true;
    };
    if (format == "gguf") {
        GgufOptions o;
        o.type = args.get("type", "auto");
        o.fallback = args.get("fallback", "f16");
        o.equivalentHfDir = args.get("equivalent-hf", "");
        o.progress = progress;
        const GgufResult r = exportGguf(deployable, modelDir, out, o);
        printer.finish();
        printWarnings(r.warnings);
        std::printf("wrote %s: GGUF %s, %s, %lld tensors\n", r.path.c_str(), r.fileType.c_str(),
                    formatBytes(r.bytes).c_str(), (long long)r.tensors);
        std::printf(
            "block linears: %lld exact (trained grid in %s blocks), %lld dequantized; %.3f bits/weight; "
            "whole file %.3f bits/parameter\n",
            (long long)r.exactLinears, r.fileType.c_str(), (long long)r.fallbackLinears,
            r.linearBitsPerWeight, r.fileBitsPerWeight);
        if (r.exactLinears > 0)
            std::printf(
                "fp16 d/min rounding: weights change by %.2e relative (rms), at most %.2e; d by at most "
                "%.2e relative\n",
                r.weightRelRmsError, r.maxWeightAbsError, r.maxScaleRelError);
        return 0;
    }
    if (format == "gptq") {
        GptqResult r;
        writeFolderAtomically(
            out, force, [&](const std::string& tmp) { r = exportGptq(deployable, modelDir, tmp, progress); });
        printer.finish();
        printWarnings(r.warnings);
        std::printf("wrote %s: GPTQ v2 checkpoint, %lld quantized linears, %s, %.3f bits/weight (linears)\n",
                    out.c_str(), (long long)r.quantizedLinears, formatBytes(r.bytes).c_str(),
                    r.linearBitsPerWeight);
        return 0;
    }
    writeFolderAtomically(out, force, [&](const std::string& tmp) {
        dequantizeDeployable(deployable, tmp, modelDir, args.get("dtype", ""));
    });
    printer.finish();
    std::printf("wrote %s: dequantized Hugging Face checkpoint in %s\n", out.c_str(),
                args.has("dtype") ? args.get("dtype")->c_str() : "the model's dtype");
    return 0;
}

} // namespace qat::cli

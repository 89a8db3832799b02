// qatbench-cli export: a finished run's quantized model as GGUF (llama.cpp), GPTQ v2 or a dequantized HF
// checkpoint (docs/EXPORT.md).
#include "args.h"
#include "commands.h"

#include "qatbench/error.h"
#include "qatbench/events.h"
#include "qatbench/export.h"
#include "qatbench/store.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace qat::cli {

const char* const kExportUsage =
    "Usage: qatbench-cli export RUN --format gguf|gptq|hf --out PATH [options]\n"
    "       qatbench-cli export FILE.safetensors --model MODEL_DIR --format ... --out PATH [options]\n"
    "       qatbench-cli export RUN --format ... --dry-run     (what it would write: size, bits/weight, "
    "exact?)\n"
    "Exports a completed run's quantized model (its export/quantized.safetensors, or such a file given\n"
    "directly, e.g. copied from a GPU server; MODEL_DIR supplies the tokenizer) for deployment.\n"
    "  --format gguf        llama.cpp: Q4_1 (2-4 bits) / Q5_1 (5 bits) blocks holding the trained grid\n"
    "                       exactly (fp16 d and min), F16 for tensors the grid cannot express\n"
    "  --format gptq        GPTQ v2 checkpoint folder (asymmetric, 2/3/4/8 bits) for GPTQModel loaders\n"
    "  --format hf          dequantized Hugging Face checkpoint folder in the model's own dtype\n"
    "  --type T             gguf only: auto (default), q4_1, q5_1, f16, bf16, f32, or q4_k (approximate:\n"
    "                       Q4_K refit of the grid, 4.5 bits/weight; rows not a multiple of 256 stay Q4_1)\n"
    "  --fallback T         gguf only: type of the tensors the block type cannot hold: f16 (default), bf16, "
    "f32\n"
    "  --dtype T            hf only: float32, bfloat16, float16 (default: the model's own)\n"
    "  --out PATH           the file (gguf) or folder (gptq, hf) to write; written under a temporary name "
    "and\n"
    "                       renamed when complete (SIGINT/SIGTERM cancel and leave nothing behind)\n"
    "  --force              replace an existing PATH\n"
    "  --dry-run            write nothing; print what the export would be (--out not needed)\n"
    "  --events jsonl       progress and the result as JSON lines on stdout (docs/EXPORT.md; the GUI)\n"
    "  --db FILE            the run store (default: $QATBENCH_DB, else ~/.local/share/QATBench/runs.db)\n"
    "  --quiet              no progress bar\n";

namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_cancel{false};

extern "C" void onCancelSignal(int sig)
{
    g_cancel = true;
    std::signal(sig, SIG_DFL); // a second signal ends the process
}

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

// The result as fields of an event (the GUI's Export dialog reads them).
nlohmann::json resultFields(const DeployResult& r)
{
    return {{"path", r.path},
            {"format", r.format},
            {"type", r.type},
            {"bytes", r.bytes},
            {"bits_per_weight", r.linearBitsPerWeight},
            {"file_bits_per_weight", r.fileBitsPerWeight},
            {"exactness", r.exactness},
            {"quantized_linears", r.quantizedLinears},
            {"exact_linears", r.exactLinears},
            {"warnings", r.warnings},
            {"notes", r.notes}};
}

void printText(const DeployResult& r, bool dryRun)
{
    for (const auto& w : r.warnings)
        std::cerr << "warning: " << w << "\n";
    const std::string what = dryRun ? "would write" : "wrote " + r.path + ":";
    if (r.format == "gguf")
        std::printf("%s GGUF %s, %s\n", what.c_str(), r.type.c_str(), formatBytes(r.bytes).c_str());
    else if (r.format == "gptq")
        std::printf("%s %s v2 checkpoint, %s\n", what.c_str(), r.type.c_str(), formatBytes(r.bytes).c_str());
    else
        std::printf("%s dequantized Hugging Face checkpoint in %s, %s\n", what.c_str(), r.type.c_str(),
                    formatBytes(r.bytes).c_str());
    std::printf("block linears: %lld of %lld exact (%s); %.3f bits/weight", (long long)r.exactLinears,
                (long long)r.quantizedLinears, r.exactness.c_str(), r.linearBitsPerWeight);
    if (r.fileBitsPerWeight > 0) std::printf("; whole file %.3f bits/parameter", r.fileBitsPerWeight);
    std::printf("\n");
    for (const auto& n : r.notes)
        std::printf("%s\n", n.c_str());
}

} // namespace

int cmdExport(const Argv& argv)
{
    Args args(argv, {"format", "type", "fallback", "out", "db", "equivalent-hf", "dtype", "model", "events"},
              {"force", "quiet", "dry-run"});
    const bool dryRun = args.has("dry-run");
    if (args.positional().size() != 1 || !args.has("format") || (!args.has("out") && !dryRun)) {
        std::cerr << kExportUsage;
        return 2;
    }
    const bool events = args.has("events");
    if (events && *args.get("events") != "jsonl")
        throw ConfigError("--events", "'" + *args.get("events") + "' is not jsonl");
    auto emit = [&](const char* name, nlohmann::json fields) {
        if (!events) return;
        std::cout << toJsonLine(makeEvent(name, std::move(fields))) << std::endl;
    };
    DeployOptions o;
    o.format = *args.get("format");
    if (o.format != "gguf" && (args.has("type") || args.has("fallback") || args.has("equivalent-hf")))
        throw ConfigError("--type", "--type, --fallback and --equivalent-hf apply to --format gguf only");
    if (o.format != "hf" && args.has("dtype"))
        throw ConfigError("--dtype", "--dtype applies to --format hf only");
    o.type = args.get("type", "auto");
    o.fallback = args.get("fallback", "f16");
    o.dtype = args.get("dtype", "");
    o.equivalentHfDir = args.get("equivalent-hf", "");
    o.replace = args.has("force");

    try {
        const std::string source = args.positional()[0];
        std::string deployable, modelDir;
        std::error_code ec;
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
        if (dryRun) {
            const DeployResult r = estimateDeployable(deployable, modelDir, o);
            emit("estimate", resultFields(r));
            if (!events) printText(r, true);
            return 0;
        }
        std::signal(SIGINT, onCancelSignal);
        std::signal(SIGTERM, onCancelSignal);
        std::signal(SIGPIPE, SIG_IGN); // a vanished reader (the GUI) must not leave a partial file
        ProgressPrinter printer(!args.has("quiet") && !events);
        emit(event::kPhase, {{"phase", "export"}});
        o.progress = [&](const Progress& p) {
            printer.update("export", p.done, p.total, p.etaSeconds);
            emit(event::kProgress,
                 {{"phase", "export"},
                  {"step", p.done},
                  {"total", p.total},
                  {"eta_s", p.etaSeconds < 0 ? nlohmann::json() : nlohmann::json(p.etaSeconds)}});
            return !g_cancel;
        };
        const DeployResult r = exportDeployable(deployable, modelDir, *args.get("out"), o);
        printer.finish();
        for (const auto& w : r.warnings)
            emit(event::kMessage, {{"level", "warning"}, {"text", w}});
        nlohmann::json fields = resultFields(r);
        fields["status"] = "completed";
        fields["message"] = "wrote " + r.path;
        emit(event::kFinished, fields);
        if (!events) printText(r, false);
        return 0;
    } catch (const Cancelled&) {
        emit(event::kFinished, {{"status", "cancelled"}, {"message", "cancelled; nothing was written"}});
        throw;
    } catch (const std::exception& e) {
        emit(event::kFailed, {{"message", e.what()}, {"hint", ""}});
        emit(event::kFinished, {{"status", "failed"}, {"message", e.what()}});
        throw;
    }
}

} // namespace qat::cli

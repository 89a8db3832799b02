#pragma once
// What a running method sees of the engine (torch-facing; never included by Qt code).
//
// Intended usage (engine side, core/engine):
//   1. Parse and validate the experiment (qatbench/experiment.h), load the model, tokenize the data.
//   2. Build a RunContext with a RunSink that writes to the store and prints events, then call
//      QuantMethod::run(ctx). The method reports through ctx.sink and checks ctx.sink.progress(...) often.
//   3. progress() returning false means "stop": the method writes a checkpoint (if it trains) and returns
//      RunOutcome::Stopped. Pausing is the engine's business: progress() simply blocks while paused.
// Method side (plugins): read the experiment's settings from the typed ctx.experiment
// (ctx.experiment.data.seqLen, .training.weightDecay, ...) and the method's own options from
// ctx.experiment.method.options (validated against the method's declaration, defaults filled), quantize
// ctx.model in place or through a LinearHook, train, and leave the model in the state whose perplexity the
// engine measures at the end (fake-quantized weights or an installed hook: ctx.finalHook).

#include "qatbench/experiment.h"
#include "qatbench/progress.h"
#include "qatbench_sdk/llama.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qat {

// Where a method reports. Names are "train/loss", "train/lr", "calib/loss", "eval/ppl", "perf/tokens_per_s",
// "perf/mem_bytes", "dlqat/m" (histograms), ...; context is "" or "layer=3,module=q_proj".
class RunSink
{
public:
    virtual ~RunSink() = default;
    virtual void scalar(const std::string& name, int64_t step, double value,
                        const std::string& context = {}) = 0;
    // Raw samples (e.g. every group's m of one module); the sink bins them and keeps min/max/mean/std.
    virtual void histogram(const std::string& name, int64_t step, const at::Tensor& values,
                           const std::string& context = {}) = 0;
    virtual void phase(const std::string& phase) = 0; // "calibration", "training", ...
    virtual void message(const std::string& level, const std::string& text) = 0; // "info", "warning"
    virtual void artifact(const std::string& kind,
                          const std::string& path) = 0; // "checkpoint", "export", ...
    // Returns false when the run must stop (user stop, SIGTERM). Blocks while the run is paused.
    virtual bool progress(const Progress& p) = 0;
};

// Tokenized text, one stream per file.
struct TokenData
{
    std::vector<int64_t> train; // calibration uses train unless calib is non-empty
    std::vector<int64_t> calib;
    std::vector<int64_t> eval;
    // data.window_bos: >= 0 is the BOS id that starts every training window (WindowSampler's bos argument);
    // eval then already holds [BOS] + (eval_seq_len - 1) text tokens per window. -1: one running stream.
    int64_t bos = -1;
};

enum class RunOutcome
{
    Completed,
    Stopped, // a checkpoint was written; resumable
};

struct RunContext
{
    Experiment experiment; // the validated experiment (toJson(experiment) is the stored document)
    LlamaModel& model;
    const TokenData& data;
    RunSink& sink;
    std::string workDir;             // the run's folder: checkpoints, exports
    bool resume = false;             // continue from the latest checkpoint in workDir
    LinearHook* finalHook = nullptr; // set by the method: the hook to evaluate the result with (or nullptr)
    // Set by the engine when evaluation.tasks_every > 0: scores the experiment's tasks on the model as it is
    // (through hook, the method's fake quantization) and records them at `step`. Leaves the model and every
    // random stream as they were. The method kit's reportEval calls it at the tasks_every steps.
    std::function<void(int64_t step, LinearHook* hook)> scoreTasks;
};

} // namespace qat

#pragma once
// The built-in demo (no download, no user data): the project writes its own small text from a tiny grammar,
// builds a character vocabulary, pretrains a small LLaMA on it, writes that model (Hugging Face layout with a
// character tokenizer.json) and the texts into a folder, evaluates it in full precision, then runs every
// registered method that declares a demo setting (MethodInfo::demoOptions; the built-ins: RTN and DL-QAT) at
// 3 and 2 bits as a sweep (qatbench/sweep.h): real runs through the engine, recorded in the run store with
// the same series, events and control as `qatbench-cli run`. `qatbench-cli demo` and the GUI's demo (which
// runs `qatbench-cli demo --db RUNS.db --events jsonl`) both call runDemo() (core/engine/demo.cpp). The
// methods must be registered first. No torch types here.
//
// Intended usage:
//   DemoOptions o;                                  // defaults: a few minutes on a 2-core laptop CPU
//   o.dbPath = "runs.db"; o.onEvent = [](const EngineEvent& e) { ... };
//   EngineControl control;                          // pause()/resume()/stop() from another thread
//   DemoResult r = runDemo(o, control);             // runs synchronously on the caller's thread
//   for (const auto& row : r.rows) ...              // label, bits, perplexity, seconds, steps, run id

#include "qatbench/engine.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qat {

struct DemoOptions
{
    uint64_t seed = 1;
    int threads = 1; // 0 = all cores. The model is so small that one thread is fastest: on a 2-core
                     // machine 1m44s with one thread, 4m26s with two (OpenMP barriers per tiny op)
    int64_t pretrainSteps = 600; // full-precision pretraining of the small LLaMA
    int64_t qatSteps = 150;      // training steps of the methods that train (training.steps)
    // Option values over each method's demo setting, applied to the methods that declare the option (e.g.
    // {"calib_steps": 2}).
    nlohmann::json optionOverrides = nlohmann::json::object();
    std::vector<int> bits{3, 2}; // bit-widths compared
    int64_t groupSize = 32;
    std::string dbPath; // the run store the demo's runs go to; "" = defaultDatabasePath()
    // The pretrained model (demo-model/) and the texts (demo-train.txt, demo-eval.txt); the runs point at
    // them, so they stay. "" = <db folder>/work/<store id>/demo-<date>-<time>; else must be empty or absent.
    std::string workDir;
    bool quick = false; // short texts (for tests, with few steps): the numbers mean nothing
    // Every event: the demo's own (a "message" per note, "phase" and "progress" of phase "pretraining",
    // "paused"/"resumed" with run_id null, a "finished" with run_id null when stopped before the first run),
    // then each run's engine events from "started" to "finished" (docs/EVENTS.md).
    std::function<void(const EngineEvent&)> onEvent;
};

struct DemoRow
{
    std::string method; // "full precision" or the method's title ("RTN", "DL-QAT")
    int bits = 32;
    double ppl = 0;                   // NaN when the run did not complete
    double seconds = 0;               // wall time of this row's run (pretraining excluded)
    int64_t steps = 0;                // steps of every stage the method trained (calibration + training)
    int64_t runId = 0;                // the run in the store; 0 for full precision (no run)
    std::string status = "completed"; // the run's status ("completed", "cancelled", "failed", ...)
};

struct DemoResult
{
    std::vector<DemoRow> rows; // full precision first, then by bits (high first) and method
    int64_t parameters = 0;
    int64_t trainTokens = 0;
    int64_t evalTokens = 0;
    double pretrainSeconds = 0;
    double totalSeconds = 0;
    std::string sample;   // the start of the generated text
    std::string modelDir; // the pretrained model (Hugging Face layout)
    std::string dbPath;   // the store the runs are in
    bool stopped = false; // stopped by the control: the rows that ran, the rest missing
};

// Throws qat::Cancelled when stopped before the methods' runs (during pretraining); a stop during a run ends
// that run as cancelled (resumable like any run) and returns what ran, with stopped = true.
DemoResult runDemo(const DemoOptions& options, EngineControl& control);

// The perplexity table as text (one row per line, aligned).
std::string formatDemoTable(const DemoResult& result);

} // namespace qat

#pragma once
// The built-in demo (no download, no user data): the project writes its own small text from a tiny grammar,
// builds a character vocabulary, pretrains a small LLaMA on it, then compares full precision with every
// registered method that declares a demo setting (MethodInfo::demoOptions; the built-ins: RTN and DL-QAT) at
// 3 and 2 bits. `qatbench-cli demo` and the GUI's first-run demo both call runDemo() (core/engine/demo.cpp).
// The methods must be registered first. No torch types here.
//
// Intended usage:
//   DemoOptions o;                                  // defaults: about two minutes on a 2-core laptop CPU
//   DemoResult r = runDemo(o, progress, log);      // runs synchronously on the caller's thread
//   for (const auto& row : r.rows) ...              // label, bits, perplexity, seconds, steps

#include "qatbench/progress.h"

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
    std::string workDir; // "" = nothing written; else the pretrained model (HF layout) and the corpus
    bool quick = false;  // a few steps of each (for tests): numbers are meaningless
};

struct DemoRow
{
    std::string method; // "full precision" or the method's title ("RTN", "DL-QAT")
    int bits = 32;
    double ppl = 0;
    double seconds = 0; // wall time of this row's method (pretraining excluded)
    int64_t steps = 0;  // steps of every stage the method trained (calibration + training)
};

struct DemoResult
{
    std::vector<DemoRow> rows;
    int64_t parameters = 0;
    int64_t trainTokens = 0;
    int64_t evalTokens = 0;
    double pretrainSeconds = 0;
    double totalSeconds = 0;
    std::string sample;   // the start of the generated text
    std::string modelDir; // where the pretrained model was written ("" when workDir is empty)
};

using DemoLogFn = std::function<void(const std::string& line)>;

// progress: phases "pretraining", then the methods' own ("quantize", "calibration", "training", ...);
// returning false stops (throws qat::Cancelled).
DemoResult runDemo(const DemoOptions& options, const ProgressFn& progress = {}, const DemoLogFn& log = {});

// The perplexity table as text (one row per line, aligned).
std::string formatDemoTable(const DemoResult& result);

} // namespace qat

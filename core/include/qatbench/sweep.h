#pragma once
// A sweep: one grid file -> many runs in the store (methods x bits x group sizes x seeds), resumable, and the
// comparison table read back from the store. No torch types. Used by `qatbench-cli sweep`.
//
// The grid file (JSON):
//   {
//     "name": "peers-stories260K",                 // prefix of every cell's experiment name (required)
//     "base": { ...an experiment document without method... },   // model, data, training, seed, device
//     "methods": ["rtn", "gptq", {"label": "dlqat-r8", "name": "dlqat", "options": {"rank": 8}}],
//     "bits": [4, 3, 2], "group_sizes": [64], "seeds": [0],
//     "options": {"allow_partial_group": true}     // given to every method that declares the option
//   }
// Each cell is the experiment named "<name>/<label>/w<bits>g<group>/s<seed>". Methods that do not train run
// with training.steps = 0. Resuming: a cell with a completed run is skipped; a cancelled or interrupted one
// is resumed (same run id, from its checkpoint); a failed one is run again; an active one (another process)
// is left alone.
//
// Intended usage:
//   auto cells = expandSweep(grid);                 // validates every cell before anything runs
//   auto rows = runSweep(grid, options, control);   // runs what is missing, returns one row per cell
//   std::cout << sweepTable(rows, true);
#include "qatbench/engine.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qat {

struct SweepCell
{
    std::string name;  // the experiment name of the cell
    std::string label; // the method's label in the grid (its id unless given)
    std::string method;
    int bits = 0;
    int64_t group = 0;
    uint64_t seed = 0;
    nlohmann::json experiment; // validated, defaults filled
};

// Throws qat::ConfigError naming the grid field ("grid.methods[2].name", ...) or the cell's experiment field.
std::vector<SweepCell> expandSweep(const nlohmann::json& grid, bool checkFiles = true);

struct SweepRow
{
    SweepCell cell;
    int64_t runId = 0;      // 0 when the cell never ran
    std::string status;     // "completed", "failed", ... or "missing"
    double ppl = 0;         // final evaluation (NaN when none)
    int64_t trainable = -1; // trainable parameters (-1 unknown)
    int64_t peakMemBytes = -1;
    double wallSeconds = 0;
    std::string message;
    std::string workDir; // the run's folder (its export is <workDir>/export)
    bool reused = false; // runSweep: the cell's run had completed before, with the same experiment (hash)
};

struct SweepOptions
{
    std::string dbPath;                              // "" = defaultDatabasePath()
    bool dryRun = false;                             // only report what would run
    std::function<void(const std::string&)> log;     // one line per cell decision
    std::function<void(const EngineEvent&)> onEvent; // the engine's events of the running cell
    int threads = 0;                                 // EngineOptions::threads of every cell's run
};

std::vector<SweepRow> runSweep(const nlohmann::json& grid, const SweepOptions& options,
                               EngineControl& control);
// The rows as they stand in the store (nothing runs).
std::vector<SweepRow> sweepResults(const nlohmann::json& grid, const std::string& dbPath);

// Presets (`qatbench-cli sweep --preset NAME`): a grid made from a model, texts, bits and group size, so a
// common search runs in one command. The methods declare them (MethodInfo::sweepPresets), e.g. DL-QAT's
// "dlqat-lr": lr_m x lr_lora in {1/3, 1, 3} x default (9 cells, labels "m<lr_m>-lora<lr_lora>"), plus the
// calibration lrs (lr_scale and lr_zero together) at 1/3 and 3 x default with the default training lrs
// (labels "calib-x0.333", "calib-x3"): 11 runs.
struct SweepPresetInputs
{
    std::string model, train, eval; // model folder, training text, evaluation text
    int bits = 3;
    int64_t group = 64;
    int64_t steps = 1000;     // training.steps
    int64_t calibSteps = 200; // method.options.calib_steps, where the method declares it
    int64_t seqLen = 256;
    int64_t batch = 8;
    bool windowBos = false; // data.window_bos (models pretrained on [BOS]-started windows)
    std::string device = "auto";
    std::string dtype = "float32";
    uint64_t seed = 0;
    nlohmann::json options = nlohmann::json::object(); // more method options for every cell
};
// The registered methods' presets, in registration order.
std::vector<std::string> sweepPresetNames();
// ConfigError("--preset") for an unknown name, naming the known ones.
nlohmann::json sweepPreset(const std::string& name, const SweepPresetInputs& inputs);
// The completed row with the lowest perplexity, or nullptr.
const SweepRow* bestSweepRow(const std::vector<SweepRow>& rows);

// A table: method, bits, group, seed, perplexity, trainable parameters, peak memory, wall time, status.
// markdown = a GitHub table, else aligned text.
std::string sweepTable(const std::vector<SweepRow>& rows, bool markdown);

} // namespace qat

#pragma once
// The quantization explorer (teaching): what group-wise quantization does to one weight group and one layer
// of a loaded model. Plain structs, no torch types (Qt code includes this). The numbers come from core's
// quantizer (qatbench_sdk/quantizer.h: initQuantParams, fakeQuant, quantCodes), so they equal what training
// uses.
//
// Intended usage:
//   1. QuantExplorer ex(modelDir);                       // loads the weights on the CPU in float32 (once)
//   2. ex.config(), ex.linearShape(layer, kind)          // fill the pickers
//   3. ExplorerQuery q{.layer = 2, .module = LinearKind::Q, .row = 0, .group = 1, .spec = {.bits = 3}};
//      ExplorerResult r = ex.compute(q, progress);       // any thread; a slow first call per (layer, module)
//                                                        // captures the sample activations, later calls
//                                                        reuse
//   4. r.group: the group's weights, levels, codes, clipping and rounding error;
//      r.layer: code usage, weight error and the layer's relative output error on the sample activations.
//   5. A trained run (issue 18): auto run = ex.loadRun(run.workDir, run.config);  q.run = run;
//      compute(q) then shows that run's grid: the calibrated s and z against the initial ones, the learned m,
//      the codes LoRA moved and the output error before calibration, after it and after training.
//   6. ex.overview(spec, run): the output error of every quantized linear at once (one forward).
// compute() is const and may run on several threads at once; progress returning false throws qat::Cancelled.
// Bad picks (layer, row, group out of range, a group size that does not divide the row) throw ConfigError.

#include "qatbench/model.h"
#include "qatbench/progress.h"
#include "qatbench/quantizer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qat {

class ExplorerRun;

struct ExplorerQuery
{
    int layer = 0;                     // 0 .. numLayers - 1
    LinearKind module = LinearKind::Q; // which linear of the block
    int64_t row = 0;                   // output feature: 0 .. rows - 1
    int64_t group = 0;                 // group inside the row: 0 .. groups - 1
    QuantSpec spec;                    // bits 2..8, group size (0 = per-channel), range init
    // A trained run (loadRun) to show instead of quantizing the loaded weights with spec: spec is then the
    // run's own (the result's query says which).
    std::shared_ptr<const ExplorerRun> run;
};

// What training did to one group (ExplorerGroup::trained, set when the query has a run).
struct ExplorerTrainedGroup
{
    double initScale = 0;      // s of the initial grid (the run's range init on W0): where calibration began
    double initZero = 0;       // z of the initial grid
    double magnitude = 0;      // the learned m of the group (NaN when the run left no checkpoint: then only
                               // m * s is known, as `effectiveScale`)
    double effectiveScale = 0; // m * s: the step between the group's final levels (the exported scale)
    std::vector<int> codesBefore; // q of W0 on the calibrated grid: the codes without LoRA
    int movedCodes = 0;           // weights whose code LoRA changed (codes != codesBefore)
    std::vector<float> loraDelta; // (alpha / r) (B A) of the group's weights at the checkpoint (empty: none)
};

// What training did to a whole layer.
struct ExplorerTrainedLayer
{
    double rtnOutputRelError = 0;   // output error of the initial grid (round to nearest, before calibration)
    double calibOutputRelError = 0; // after calibration (calibrated s and z, m = 1, no LoRA)
    double movedCodesFraction = 0;  // share of the layer's codes LoRA changed
    double meanScaleRatio = 0;      // mean of s / s_initial over the groups
    double magnitudeMin = 0, magnitudeMean = 0, magnitudeMax = 0; // the learned m (NaN without a checkpoint)
    double loraRelNorm = 0; // ||(alpha/r) B A|| / ||W0|| at the checkpoint (0 without LoRA or checkpoint)
};

// One group of one row: every weight, what it becomes, and why.
struct ExplorerGroup
{
    int64_t row = 0;
    int64_t group = 0;
    int64_t firstColumn = 0;      // input column of weights[0]
    double scale = 0;             // s of this group
    double zero = 0;              // z of this group (an integer in [0, 2^N - 1])
    std::vector<double> levels;   // the 2^N values the group can represent: s * (k - z), k = 0 .. 2^N - 1
    std::vector<float> weights;   // w, as loaded (float32)
    std::vector<float> quantized; // Q(w) = s * (q - z)
    std::vector<int> codes;       // q(w) in [0, 2^N - 1]
    std::vector<uint8_t> clipped; // 1 where round(w / s) + z fell outside [0, 2^N - 1] and was clamped
    std::vector<float> error;     // Q(w) - w (rounding error, plus clipping error where clipped)
    double rmsError = 0;          // sqrt(mean(error^2)) over the group
    double maxAbsError = 0;
    std::optional<ExplorerTrainedGroup> trained; // a trained run's group: quantized is its final m s (q - z)
};

// The whole linear layer under the same settings.
struct ExplorerLayer
{
    int64_t rows = 0;      // out features
    int64_t cols = 0;      // in features
    int64_t groupSize = 0; // effective columns per group (cols when per-channel)
    int64_t groupsPerRow = 0;
    std::vector<int64_t> codeUsage; // how many weights got each code 0 .. 2^N - 1
    double clippedFraction = 0;     // share of weights clamped to the grid's ends
    double weightRelError = 0;      // ||Q(W) - W||_F / ||W||_F
    double outputRelError = 0;      // ||X Q(W)^T - X W^T||_F / ||X W^T||_F on the sample activations X
    int64_t sampleTokens = 0;       // rows of X (tokens the activations come from)
    double bitsPerWeight = 0;       // N + the cost of s and z per group (16 + N bits per group, amortized)
    std::optional<ExplorerTrainedLayer> trained;
};

// A trained run as loaded by QuantExplorer::loadRun: its final grid (<workDir>/export/quantized.safetensors:
// codes, m * s, z) and, when the run wrote one, its checkpoint (<workDir>/checkpoint.pt: the calibrated s, m
// and LoRA's A, B at the checkpoint's step; s is frozen after calibration, so m = exported scale / s).
class ExplorerRun
{
public:
    ~ExplorerRun();
    const QuantSpec& spec() const;
    const std::string& method() const; // "dlqat", ...
    const std::string& workDir() const;
    bool hasCheckpoint() const;                 // s, m and LoRA separately (else only m * s)
    int64_t checkpointStep() const;             // the checkpoint's step in its phase (-1: none)
    const std::string& checkpointPhase() const; // "calibration" or "training" ("" without a checkpoint)
    bool quantizes(int layer, LinearKind module) const; // the run quantized this linear

    struct Impl;
    explicit ExplorerRun(std::unique_ptr<Impl> impl);

private:
    friend class QuantExplorer;
    std::unique_ptr<Impl> m_impl;
};

// One quantized linear in the overview: its output error on the sample activations under each grid.
struct ExplorerLinearError
{
    int layer = 0;
    LinearKind module = LinearKind::Q;
    double outputRelError = 0; // the spec's grid, or the run's final (trained) weight
    double weightRelError = 0;
    double rtnOutputRelError = -1;   // with a run: the initial grid; else -1
    double calibOutputRelError = -1; // with a run: after calibration; else -1
};

struct ExplorerResult
{
    ExplorerQuery query;
    ExplorerGroup group;
    ExplorerLayer layer;
    double seconds = 0; // time compute() took
};

// A short plain-English passage: the default sample text the layer's output error is measured on.
extern const char* const kDefaultSampleText;

struct ExplorerOptions
{
    std::vector<int64_t> sampleTokens; // token ids the activations come from; when empty: sampleText
    std::string sampleText = kDefaultSampleText; // encoded with the model's tokenizer (BOS first); when the
                                                 // model has no tokenizer or the text is empty:
                                                 // kDefaultSampleTokens ids drawn with a fixed seed after BOS
    int64_t maxSampleTokens = 512;               // longer samples are cut to this many
    int threads = 0;                             // LibTorch intra-op threads; 0 = leave as is
};
constexpr int64_t kDefaultSampleTokens = 128;

class QuantExplorer
{
public:
    // Loads config.json and the weights of modelDir (InputError naming the file on bad input).
    explicit QuantExplorer(const std::string& modelDir, const ExplorerOptions& options = {});
    ~QuantExplorer();
    QuantExplorer(const QuantExplorer&) = delete;
    QuantExplorer& operator=(const QuantExplorer&) = delete;

    const std::string& modelDir() const;
    // Where the sample activations come from: "text (N tokens)", "given tokens (N)" or "random tokens (N)".
    const std::string& sampleSource() const;
    const ModelConfig& config() const;
    // {rows (out), cols (in)} of a block linear.
    std::pair<int64_t, int64_t> linearShape(int layer, LinearKind module) const;

    ExplorerResult compute(const ExplorerQuery& query, const ProgressFn& progress = {}) const;

    // Reads a run of this model from its work folder and experiment JSON (the store's RunInfo workDir and
    // config). InputError naming the file (no export: the run did not complete; a tensor of the wrong shape:
    // another model), ConfigError naming the option.
    std::shared_ptr<const ExplorerRun> loadRun(const std::string& workDir,
                                               const std::string& experimentJson) const;

    // The output error of every linear under spec (or of every linear the run quantized), layer by layer,
    // from one forward over the sample: each linear sees full-precision inputs, as compute() measures it.
    std::vector<ExplorerLinearError> overview(const QuantSpec& spec,
                                              const std::shared_ptr<const ExplorerRun>& run,
                                              const ProgressFn& progress = {}) const;

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

// Writes a result as CSV (one row per weight of the group: column, w, code, Q(w), error, clipped), with the
// layer's numbers as leading comment lines. For the explorer's export and for tests.
std::string explorerCsv(const ExplorerResult& r);

} // namespace qat

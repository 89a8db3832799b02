#pragma once
// An experiment: one JSON document (DESIGN.md §7) that says everything a run needs, and the typed Experiment
// read from it. The GUI writes exactly this document, the CLI reads it, the run store keeps it with the run.
// No torch types (Qt code includes this).
//
// Intended usage:
//   1. qat::registerBuiltinMethods() once (method options are validated through their declaration).
//   2. json doc = loadExperimentFile(path) or defaultExperiment() edited by the user.
//   3. Experiment exp = requireValidExperiment(doc);  // fills every missing field of doc with its default
//   and
//      returns the typed experiment; throws qat::ConfigError naming the first bad field, listing all of them.
//      validateExperiment(doc) returns the issues instead (the GUI form shows them under their fields).
//   4. Once the model's config is known:  validateAgainstModel(exp, config)  (group size vs. row length,
//   ...).
//   5. Once the texts are tokenized:      checkTokenCounts(exp, trainTokens, evalTokens)  (at least one
//   window).
//   6. RunContext carries exp to the method; toJson(exp) is the document the store keeps and
//      experimentHash() hashes.
// All of this runs before any work starts, so a bad config never costs a calibration.
//
// The settings are declared once, in experimentSettings() (core/train/experiment.cpp): each one's key, type,
// range, label, help and form section, bound to its typed field below, whose initializer is its default.
// Validation, the defaults filled into a document, the typed reading and writing, the GUI form and the texts
// it translates all come from that one declaration. The method's own options
// (method.options) are declared by the method (qatbench/method.h) and stay a JSON object here.
//
// The document (sections and keys; the declaration has the defaults, ranges and meaning):
//   name, seed, device ("auto" | "cpu" | "cuda" | "cuda:N"), dtype          the run settings
//   model:      path (a Hugging Face LLaMA directory; required)
//   data:       train, calibration, eval, seq_len, batch_size, grad_accum, eval_seq_len, eval_max_windows,
//               window_bos
//   method:     name, options {declared by the method}
//   training:   steps, warmup_steps, schedule, weight_decay, grad_clip, checkpoint_every, eval_every,
//               log_every, histogram_every, gradient_checkpointing
//   evaluation (optional; no defaults filled in when absent): tasks, tasks_data, tasks_limit, tasks_shots,
//               tasks_every, tasks_every_limit
//   export (optional; no defaults filled in when absent): formats, gguf_type, gguf_fallback, hf_dtype. A type
//               that cannot hold method.options.bits / group_size is refused (qatbench/export.h)

#include "qatbench/method.h"
#include "qatbench/model.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qat {

struct ModelSettings
{
    std::string path; // the Hugging Face LLaMA directory (config.json, safetensors, tokenizer)
};

struct DataSettings
{
    std::string train;          // training text file
    std::string calibration;    // calibration text file; "" = the training text
    std::string eval;           // held-out text for perplexity
    int64_t seqLen = 256;       // tokens per training window
    int64_t batchSize = 8;      // windows per micro-batch
    int64_t gradAccum = 1;      // micro-batches per optimizer step
    int64_t evalSeqLen = 512;   // tokens per perplexity window
    int64_t evalMaxWindows = 0; // at most this many perplexity windows; 0 = the whole file
    bool windowBos = false; // every window is [BOS] + text ("bos-window"); false: one BOS, a running stream
};

struct MethodSettings
{
    std::string name; // a registered method id (defaultExperiment() starts with defaultMethodId())
    nlohmann::json options = nlohmann::json::object(); // the method's declared options (defaults filled in)
};

struct TrainingSettings
{
    int64_t steps = 1000;               // optimizer steps of the training stage
    int64_t warmupSteps = 50;           // linear learning-rate warm-up
    std::string schedule = "cosine";    // "cosine", "constant" or "linear" after the warm-up
    double weightDecay = 0;             // AdamW weight decay
    double gradClip = 1;                // maximum gradient norm; 0 = off
    int64_t checkpointEvery = 200;      // steps; 0 = only when stopped
    int64_t evalEvery = 200;            // steps between perplexity evaluations; 0 = only the final one
    int64_t logEvery = 10;              // steps between logged metrics
    int64_t histogramEvery = 100;       // steps between histograms; 0 = off
    bool gradientCheckpointing = false; // recompute each block in the backward pass
};

// Multiple-choice tasks scored on the final model, and every tasks_every training steps (issue 16,
// docs/EVAL.md).
struct EvaluationSettings
{
    std::vector<std::string> tasks; // names as qatbench/tasks.h knownTasks()
    std::string tasksData;          // the tasks folder (required with tasks)
    int64_t tasksLimit = 0;         // first N questions per task; 0 = all
    int64_t tasksShots = -1;        // -1 = the task's default
    int64_t tasksEvery = 0;         // also score during training every N steps; 0 = the final model only
    int64_t tasksEveryLimit = 0;    // first N questions per task at those steps; 0 = tasks_limit
};

// Deployable files the engine writes after the final evaluation (issue 14, docs/EXPORT.md): into
// <work dir>/export/ as model.gguf, gptq/, hf-<dtype>/, recorded as artifacts export_gguf / _gptq / _hf.
struct ExportSettings
{
    std::vector<std::string> formats; // any of "gguf", "gptq", "hf"
    std::string ggufType = "auto";    // "auto", "q4_1", "q5_1", "q4_k", "f16", "bf16", "f32"
    std::string ggufFallback = "f16"; // tensors the type cannot hold: "f16", "bf16", "f32"
    std::string hfDtype;              // "" = the model's own, "float32", "bfloat16", "float16"
};

struct Experiment
{
    // The run settings (top level of the document).
    std::string name;              // runs are grouped by it in the store
    uint64_t seed = 0;             // data order and initialisation
    std::string device = "auto";   // "auto" (first GPU, else CPU), "cpu", "cuda", "cuda:N"
    std::string dtype = "float32"; // compute dtype: "float32" or "bfloat16"
    ModelSettings model;
    DataSettings data;
    MethodSettings method;
    TrainingSettings training;
    std::optional<EvaluationSettings> evaluation; // present when the document has the section
    std::optional<ExportSettings> exports;        // the document's "export" section, when present

    Experiment() = default; // every setting at its declared default
    // Reads a document: missing settings keep their defaults, method.options is taken as it is. It does not
    // validate (requireValidExperiment does); a setting of the wrong JSON type throws qat::ConfigError naming
    // it. Implicit, so that a RunContext can be built from a document (tests, tools, the demo).
    Experiment(const nlohmann::json& document);
};

// One declared setting of the experiment. The option's key is its key inside its section.
struct ExperimentSetting
{
    std::string section;   // "" (top level), "model", "data", "training", "evaluation", "export"
    OptionSpec option;     // key, type, default (the typed field's), range, label, help; group = form section
    bool required = false; // a path or name that must not be empty
    bool list = false;     // a JSON list of option.choices (evaluation.tasks, export.formats)
    bool inForm = true; // false: set elsewhere in the GUI (model.path: the model panel; export: its dialog)
    std::string path() const; // the JSON path: "data.seq_len", "seed"
};

// Every setting but method.*, in form order (sections Data, Training, Evaluation, Run, then the rest).
const std::vector<ExperimentSetting>& experimentSettings();
const ExperimentSetting* findExperimentSetting(const std::string& path); // nullptr when unknown

// The document of an experiment: every section and setting, evaluation/export only when present.
nlohmann::json toJson(const Experiment& experiment);

// Every field with its default (model.path, data.train and data.eval are empty: the user must set them), and
// the default method's options.
nlohmann::json defaultExperiment();

struct ExperimentCheck
{
    bool checkFiles = true;  // false: do not require the model dir and data files to exist (e.g. a GUI draft)
    bool checkMethod = true; // false: accept an unknown method name (methods not registered in this process)
};

// Fills defaults in place (a whole number in a real-valued setting becomes a real, as toJson writes it) and
// returns every problem found, each naming its JSON path and the allowed range.
std::vector<ValidationIssue> validateExperiment(nlohmann::json& experiment,
                                                const ExperimentCheck& check = {});

// validateExperiment, then throws qat::ConfigError naming the first bad field (its message lists all of
// them); returns the typed experiment, whose toJson() is the filled document.
Experiment requireValidExperiment(nlohmann::json& experiment, const ExperimentCheck& check = {});

// Checks that depend on the model's dimensions: a group size must divide the row (in features) of every
// quantized module (unless method.options.allow_partial_group): one issue naming every module it does not
// fit and the sizes that do; eval_seq_len and seq_len within max positions.
std::vector<ValidationIssue> validateAgainstModel(const Experiment& experiment, const ModelConfig& config);

// Input features of a block linear (the row of W, out x in, that a group cuts): hidden size for q, k, v,
// gate, up; heads x head_dim for o; the MLP size for down.
int64_t linearInputs(LinearKind kind, const ModelConfig& config);
// Group sizes > 1 that divide the row of every listed module, ascending (0 = per-channel always fits too).
std::vector<int64_t> validGroupSizes(const ModelConfig& config, const std::vector<LinearKind>& kinds);
// `preferred` when it fits every listed module (or is 0), else the largest valid size below it, else 0.
int64_t fittingGroupSize(const ModelConfig& config, const std::vector<LinearKind>& kinds, int64_t preferred);

// Number of non-overlapping windows of seqLen tokens in a stream of n tokens (the tail is dropped).
int64_t windowCount(int64_t tokens, int64_t seqLen);

// Checks after tokenization: the eval text must hold at least one eval window, the training (and calibration)
// text at least one training window of seq_len + 1 tokens. calibTokens < 0: calibration uses the training
// text.
std::vector<ValidationIssue> checkTokenCounts(const Experiment& experiment, int64_t trainTokens,
                                              int64_t evalTokens, int64_t calibTokens = -1);

// Throws qat::ConfigError for the first issue, with all issues in the message. No-op when issues is empty.
void throwIfIssues(const std::vector<ValidationIssue>& issues);

// A content hash of the whole (validated) experiment: 16 hex digits of FNV-1a over its canonical JSON text
// (keys sorted). Two documents that mean the same run have the same hash; any changed field changes it.
std::string experimentHash(const nlohmann::json& experiment);

// Reads and parses a JSON file; qat::InputError names the file on failure (no validation).
nlohmann::json loadExperimentFile(const std::string& path);

// The modules a "modules" option selects: "all", "attn", "mlp" or a comma list ("q,k,v,o,gate,up,down" or
// "q_proj,..."). Throws qat::ConfigError(field, ...) on an unknown name.
std::vector<LinearKind> parseModuleList(const std::string& text,
                                        const std::string& field = "method.options.modules");

} // namespace qat

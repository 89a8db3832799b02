#pragma once
// An experiment: one JSON document (DESIGN.md §7) that says everything a run needs. The GUI writes exactly
// this document, the CLI reads it, the run store keeps it with the run. No torch types (Qt code includes
// this).
//
// Intended usage:
//   1. qat::registerBuiltinMethods() once (method options are validated through their declaration).
//   2. json exp = loadExperimentFile(path) or defaultExperiment() edited by the user.
//   3. auto issues = validateExperiment(exp);   // fills every missing field with its default, names bad
//   fields
//      or requireValidExperiment(exp);          // the same, throws qat::ConfigError listing every issue
//   4. Once the model's config is known:  validateAgainstModel(exp, config)  (group size vs. row length,
//   ...).
//   5. Once the texts are tokenized:      checkTokenCounts(exp, trainTokens, evalTokens)  (at least one
//   window).
// All of this runs before any work starts, so a bad config never costs a calibration.
//
// The document (defaults in brackets):
//   name [""], seed [0], device ["auto"|"cpu"|"cuda"|"cuda:N"], dtype ["float32"|"bfloat16"]
//   model:    path (a Hugging Face LLaMA directory; required)
//   data:     train (file; required), calibration ("" = train), eval (file; required),
//             seq_len [256] (1..65536), batch_size [8] (1..4096), grad_accum [1] (1..1024),
//             eval_seq_len [512] (2..65536), eval_max_windows [0] (0 = all),
//             window_bos [false] (true: every training and evaluation window is [BOS] + text tokens, the
//             "bos-window" protocol, for models pretrained that way; false: one BOS, then a running stream)
//   method:   name ["dlqat"], options {declared by the method, see qatbench/method.h}
//   training: steps [1000] (0..10^7), warmup_steps [50], schedule ["cosine"|"constant"|"linear"],
//             weight_decay [0] (0..10), grad_clip [1] (0 = off), checkpoint_every [200] (0 = only at the
//             end), eval_every [200] (0 = off; the engine evaluates the result anyway), log_every [10] (1..),
//             histogram_every [100] (0 = off), gradient_checkpointing [false]
//   evaluation (optional, no defaults filled in): tasks [] (multiple-choice tasks scored on the final model,
//             names as qatbench/tasks.h knownTasks()), tasks_data (the tasks folder; required with tasks),
//             tasks_limit [0] (first N questions per task; 0 = all), tasks_shots [-1] (-1 = the task's
//             default)
//   export (optional, no defaults filled in): formats [] (any of "gguf", "gptq", "hf": written by the engine
//             after the final evaluation into <work dir>/export/ as model.gguf, gptq/, hf-<dtype>/ and
//             recorded as artifacts export_gguf / export_gptq / export_hf; qatbench/export.h), gguf_type
//             ["auto"|"q4_1"|"q5_1"|"q4_k"|"f16"|"bf16"|"f32"], gguf_fallback ["f16"|"bf16"|"f32"], hf_dtype ["" =
//             the model's own| "float32"|"bfloat16"|"float16"]. A type that cannot hold method.options.bits /
//             group_size is refused

#include "qatbench/method.h"
#include "qatbench/model.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace qat {

// Every field with its default (model.path, data.train and data.eval are empty: the user must set them).
nlohmann::json defaultExperiment();

struct ExperimentCheck
{
    bool checkFiles = true;  // false: do not require the model dir and data files to exist (e.g. a GUI draft)
    bool checkMethod = true; // false: accept an unknown method name (methods not registered in this process)
};

// Fills defaults in place and returns every problem found, each naming its JSON path and the allowed range.
std::vector<ValidationIssue> validateExperiment(nlohmann::json& experiment,
                                                const ExperimentCheck& check = {});

// validateExperiment, then throws qat::ConfigError naming the first bad field; its message lists all of them.
void requireValidExperiment(nlohmann::json& experiment, const ExperimentCheck& check = {});

// Checks that depend on the model's dimensions: a group size must divide the row (in features) of every
// quantized module (unless method.options.allow_partial_group), eval_seq_len within max positions, ...
std::vector<ValidationIssue> validateAgainstModel(const nlohmann::json& experiment,
                                                  const ModelConfig& config);

// Number of non-overlapping windows of seqLen tokens in a stream of n tokens (the tail is dropped).
int64_t windowCount(int64_t tokens, int64_t seqLen);

// Checks after tokenization: the eval text must hold at least one eval window, the training (and calibration)
// text at least one training window of seq_len + 1 tokens. calibTokens < 0: calibration uses the training
// text.
std::vector<ValidationIssue> checkTokenCounts(const nlohmann::json& experiment, int64_t trainTokens,
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

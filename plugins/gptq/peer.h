#pragma once
// What the peer methods (GPTQ, LLM-QAT, QA-LoRA, L4Q, LR-QAT) share on top of core's quantizer, training
// loop and export: the starting grid (RTN or GPTQ), evaluation reports, the trainable-parameter report,
// checkpointing of per-module tensors, and the common ending (export + the model left fake-quantized).
//
// Intended usage inside a QuantMethod::run:
//   auto mods = makeQuantLinears(...); initGrid(ctx, mods, opts);      // "init_from": rtn | gptq
//   ... train with TrainLoop, saving with saveModuleTensors / loadModuleTensors ...
//   finishPeer(ctx, mods);                                              // export, applyToModel
#include "qatbench/method.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/trainer.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace qat::plugins {

// "init_from" (rtn | gptq) and the gptq_* options, for QAT methods that may start from GPTQ's grid.
std::vector<OptionSpec> initFromOptions();
// Sets every module's s, z (and, for gptq, w0 = the GPTQ weight, so codes() are GPTQ's codes).
void initGrid(RunContext& ctx, std::vector<QuantLinear>& modules, const nlohmann::json& options);

// eval/ppl and eval/nll of the model with hook (nullptr = plain) at step; nothing without eval data.
void reportEval(RunContext& ctx, LinearHook* hook, int64_t step);
// "train/trainable_params" (at step 0) and an info message; the table reads the scalar.
void reportTrainable(RunContext& ctx, const std::string& title, int64_t trainable, size_t modules);

// The current state of a module as a plain grid: w0 = s (q - z) of its codes, LoRA and its mode dropped.
// Codes, scale and zero-point are unchanged; weight() gives the same W_hat as before (without m).
void materialize(QuantLinear& q);

// Export (when the run has a work dir), then write W_hat into the model (in the model's dtype) so that the
// engine's final evaluation measures exactly what was exported. ctx.finalHook = nullptr.
void finishPeer(RunContext& ctx, std::vector<QuantLinear>& modules);

// Checkpoint helpers: fields(i, q) lists the named tensors of module i ("A", "B", ...), saved as
// "<i>.<name>".
using ModuleFields = std::function<std::vector<std::pair<std::string, at::Tensor*>>(QuantLinear&)>;
void saveModuleTensors(CheckpointState& state, std::vector<QuantLinear>& modules, const ModuleFields& fields);
void loadModuleTensors(const CheckpointState& state, std::vector<QuantLinear>& modules,
                       const ModuleFields& fields);

// Options every peer QAT method declares: learning rate helper.
OptionSpec lrOption(const char* name, double def, const char* label, const char* help, const char* group);
OptionSpec intOption(const char* name, int64_t def, int64_t lo, int64_t hi, const char* label,
                     const char* help, const char* group);
OptionSpec choiceOption(const char* name, const char* def, std::vector<std::string> choices,
                        const char* label, const char* help, const char* group);
// rank / alpha / lora_init as DL-QAT declares them.
std::vector<OptionSpec> loraOptions();

// When ctx.resume and the work dir holds a checkpoint: restores the loop (optimizer, RNG, step) and the
// sampler position, and returns the checkpoint (its tensors for loadModuleTensors); otherwise nullopt.
std::optional<CheckpointState> resumeLoop(RunContext& ctx, TrainLoop& loop, WindowSampler& sampler);

// The training stage the QAT peers share (phase "training"): windows of the training text (sampler seed
// 2 seed + 2), the next-token loss through fwd, a checkpoint of fields(q) per module with the loop's state,
// resume from the work dir, and eval reports through fwd.hook at eval_every steps (refresh, when given, runs
// before and after each, e.g. to drop a hook's cached weights). Returns Stopped when the run was asked to stop.
RunOutcome trainModules(RunContext& ctx, TrainLoop& loop, std::vector<QuantLinear>& modules,
                        const ModuleFields& fields, const ForwardOptions& fwd, uint64_t seed,
                        const std::function<void()>& refresh = {});

} // namespace qat::plugins

#pragma once
// The method kit: what every quantization method stands on above core's quantizer, training loop and export.
// A method reads its settings, makes its quantized linears, trains (or not), reports, checkpoints and ends
// through these calls, so that each of those steps is written once. Methods never include a sibling plugin,
// except GPTQ's public start grid (gptq.h) for the QAT methods that can start from it.
//
// Intended usage inside a QuantMethod::run:
//   auto mods = makeModules(ctx);                                   // the options' modules on their RTN grid
//   ... train with TrainLoop (trainModules for the plain next-token stage), checkpointing fields of each
//       module with saveModuleTensors / loadModuleTensors, reportEval at eval steps ...
//   finishMethod(ctx, mods);                                        // export, W_hat into the model
#include "qatbench/method.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/trainer.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qat::plugins {

// The method's validated options (defaults filled in) and the run's seed.
const nlohmann::json& methodOptions(const RunContext& ctx);
uint64_t runSeed(const RunContext& ctx);
// The linears the options name ("modules"), quantized as the options say (bits, group_size, init, ...): every
// module on its initial grid, W0 the model's own weight.
std::vector<QuantLinear> makeModules(RunContext& ctx);
// The forward of a training step through hook: gradient checkpointing as training.gradient_checkpointing
// says.
ForwardOptions trainingForward(const RunContext& ctx, LinearHook* hook);
// training.weight_decay (the LoRA and weight groups use it; scales and zero-points never do).
double weightDecay(const RunContext& ctx);

// What TrainLoop::onEval does at step: eval/ppl and eval/nll of the model with hook (nullptr = plain) at the
// training.eval_every steps (nothing without eval data), and the engine's task scoring (ctx.scoreTasks) at
// the evaluation.tasks_every steps. refresh, when given, runs before and after each (e.g. to drop a hook's
// cached weights).
void reportEval(RunContext& ctx, LinearHook* hook, int64_t step, const std::function<void()>& refresh = {});
// "train/trainable_params" (at step 0) and an info message; the table reads the scalar.
void reportTrainable(RunContext& ctx, const std::string& title, int64_t trainable, size_t modules);

// The current state of a module as a plain grid: w0 = s (q - z) of its codes, LoRA and its mode dropped.
// Codes, scale and zero-point are unchanged; weight() gives the same W_hat as before (without m).
void materialize(QuantLinear& q);

// The end of every method's run: export (when the run has a work dir), then W_hat written into the model (in
// the model's dtype) so that the engine's final evaluation measures exactly what was exported.
// ctx.finalHook = nullptr. The modules are released (modules is left empty).
void finishMethod(RunContext& ctx, std::vector<QuantLinear>& modules);

// Checkpoint helpers: fields(q) lists the named tensors of a module ("A", "B", ...), saved as "<i>.<name>"
// for module i; undefined tensors are skipped.
using ModuleFields = std::function<std::vector<std::pair<std::string, at::Tensor*>>(QuantLinear&)>;
void saveModuleTensors(CheckpointState& state, std::vector<QuantLinear>& modules, const ModuleFields& fields);
// Copies every saved tensor back; a tensor the checkpoint lacks is left as it is, one of another shape is an
// Error naming it.
void loadModuleTensors(const CheckpointState& state, std::vector<QuantLinear>& modules,
                       const ModuleFields& fields);

// When ctx.resume and the work dir holds a checkpoint: restores the loop (optimizer, RNG, step) and the
// sampler position, and returns the checkpoint (its tensors for loadModuleTensors); otherwise nullopt.
std::optional<CheckpointState> resumeLoop(RunContext& ctx, TrainLoop& loop, WindowSampler& sampler);

// The plain training stage (phase "training"): windows of the training text (sampler seed 2 seed + 2), the
// next-token loss through fwd, a checkpoint of fields(q) per module with the loop's state, resume from the
// work dir, and eval reports through fwd.hook at eval_every steps (refresh as for reportEval); beforeStep
// runs before every step's forward (e.g. projecting a learned z into the code range). On the CPU each batch
// is split over the threads (TrainLoop::partLoss) unless fwd checkpoints blocks: fwd.hook's linear() is then
// called from several threads at once and must keep no state in grad mode. Returns Stopped when the run was
// asked to stop.
RunOutcome trainModules(RunContext& ctx, TrainLoop& loop, std::vector<QuantLinear>& modules,
                        const ModuleFields& fields, const ForwardOptions& fwd, uint64_t seed,
                        const std::function<void()>& refresh = {},
                        const std::function<void()>& beforeStep = {});

} // namespace qat::plugins

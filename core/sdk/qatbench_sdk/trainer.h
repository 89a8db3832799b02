#pragma once
// Training machinery shared by the training methods (torch-facing; never included by Qt code): token windows
// with seeded sampling, the learning-rate schedule, a training loop with AdamW param groups, gradient
// accumulation and clipping, periodic evaluation, and atomic stop/resume checkpoints.
//
// Intended usage (inside a QuantMethod::run):
//   1. WindowSampler sampler(ctx.data.train, seqLen, seed);     // windows of seqLen + 1 tokens
//   2. TrainLoop loop(settings, {{"lora", loraParams, 1e-3}, {"m", mParams, 2e-3}}, ctx.sink);
//   3. loop.run(sampler, lossFn, ctx, "training");             // returns Stopped when the sink asked to stop
//   A resumed run: TrainLoop::loadCheckpoint() restores the tensors, the optimizer, the sampler and the step
//   before run(), and the loss curve continues as if the run had never stopped (CPU: step for step).

#include "qatbench/experiment.h"
#include "qatbench_sdk/eval.h" // evaluateNll, what TrainLoop::onEval usually reports
#include "qatbench_sdk/run_context.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace qat {

// Random windows of a token stream. Window i of the sequence depends only on (seed, i), so the sampler's
// whole state is the number of windows drawn: a checkpoint stores that and resumes the same sequence.
class WindowSampler
{
public:
    // bos >= 0: every window is [bos] + seqLen text tokens (the model's pretraining format when it was
    // trained on BOS-started windows); -1: seqLen + 1 consecutive tokens of the stream.
    WindowSampler(const std::vector<int64_t>& tokens, int64_t seqLen, uint64_t seed, int64_t bos = -1);
    // int64 [batch, seqLen + 1] on device: inputs are [:, :-1], targets [:, 1:].
    at::Tensor next(int64_t batch, const at::Device& device);
    int64_t position() const { return m_position; }
    void seek(int64_t position) { m_position = position; }
    int64_t seqLen() const { return m_seqLen; }

private:
    const std::vector<int64_t>& m_tokens;
    int64_t m_seqLen;
    uint64_t m_seed;
    int64_t m_bos;
    int64_t m_position = 0;
};

// The training sampler of a run: data.seq_len windows of tokens (ctx.data.train, .calib or other text),
// BOS-started when the run asks for it (ctx.data.bos).
WindowSampler trainingSampler(const RunContext& ctx, const std::vector<int64_t>& tokens, uint64_t seed);

enum class Schedule
{
    Cosine,
    Constant,
    Linear,
};
Schedule parseSchedule(const std::string& s); // "cosine", "constant", "linear"

// Multiplier of the base learning rate at step (0-based): linear warm-up over warmup steps, then the schedule
// decays to 0 at totalSteps (cosine, linear) or stays at 1 (constant).
double lrFactor(int64_t step, int64_t warmup, int64_t totalSteps, Schedule schedule);

// Cross-entropy of next-token prediction for a window batch [B, T+1] (mean over B*T). When the logits would
// exceed kCrossEntropyChunkElements, they are formed a chunk of positions at a time (chunkedCrossEntropy).
at::Tensor nextTokenLoss(const LlamaModel& model, const at::Tensor& windows, const ForwardOptions& options);

// Logits per chunk of the chunked cross-entropy (64 MiB in float32): 524 positions of a 32k vocabulary, 130
// of a 128k one.
inline constexpr int64_t kCrossEntropyChunkElements = int64_t(16) << 20;
// Cross-entropy of hidden states [..., H] through the output head [V, H] against targets [...], mean or sum
// over the positions, without materializing all logits: chunkRows positions at a time (0:
// kCrossEntropyChunkElements / V), logits in the hidden states' dtype upcast to float32 as
// LlamaModel::forward does. With gradients, they are formed during the forward pass, so backward costs no
// second head product.
at::Tensor chunkedCrossEntropy(const at::Tensor& hidden, const at::Tensor& head, const at::Tensor& targets,
                               bool mean, int64_t chunkRows = 0);
// KL(teacher || student) of the next-token distributions, mean over the B*T positions of a window batch
// [B, T+1]; the teacher is the same model without hook (full precision), the student runs with student.hook.
at::Tensor distillLoss(const LlamaModel& model, const at::Tensor& windows, const ForwardOptions& student);

struct ParamGroup
{
    std::string name;               // "lora", "m", "scale", ...: checkpoint keys and the lr series name
    std::vector<at::Tensor> params; // leaves with requires_grad
    double lr = 1e-3;
    double weightDecay = 0;
};

struct LoopSettings
{
    int64_t steps = 0;
    int64_t warmup = 0;
    Schedule schedule = Schedule::Cosine;
    double gradClip = 1.0; // 0 = off
    int64_t batch = 8;
    int64_t gradAccum = 1;
    int64_t logEvery = 10;
    int64_t evalEvery = 0;       // 0 = off
    int64_t tasksEvery = 0;      // evaluation.tasks_every: onEval also runs at these steps; 0 = off
    int64_t checkpointEvery = 0; // 0 = only when stopped
    int64_t histogramEvery = 0;  // 0 = off
    std::string phase =
        "training"; // series prefix: "training" -> "train/loss", "calibration" -> "calib/loss"
    std::string seriesPrefix = "train";
};

// TrainLoop::partLoss's split of the batch over the CPU's threads: on unless QATBENCH_CPU_SPLIT=0 (read
// once); tests and benches flip it here.
void setCpuBatchSplitEnabled(bool on);
bool cpuBatchSplitEnabled();
// Whether a batch of `batch` windows on `device` is split: the switch on, the CPU, more than one LibTorch
// thread, more than one window.
bool batchSplitApplies(const at::Device& device, int64_t batch);

// The split itself (TrainLoop::partLoss says how and when): windows cut into one part per LibTorch thread,
// partLoss's forward and backward of each part on its own thread, the gradients of (the parts' share-weighted
// losses) * scale with respect to params added into their .grad in part order. Returns the windows' loss,
// detached. On one thread, or inside a parallel region, the parts run one after the other.
at::Tensor backwardOverThreads(const at::Tensor& windows,
                               const std::function<at::Tensor(const at::Tensor&)>& partLoss,
                               const std::vector<at::Tensor>& params, double scale);

// The experiment's training settings and batch shape (data.batch_size, data.grad_accum) as loop settings.
LoopSettings loopSettingsFrom(const Experiment& experiment);

// Everything a checkpoint holds besides the optimizer: named tensors, the sampler position, the step, the
// phase, and method-specific JSON. Written atomically (temp file, fsync, rename).
struct CheckpointState
{
    std::string phase;
    int64_t step = 0; // steps completed in phase
    int64_t samplerPosition = 0;
    nlohmann::json extra = nlohmann::json::object();
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    nlohmann::json
        identity; // the run the checkpoint belongs to (run-identity.json when written); null if none
};

class TrainLoop
{
public:
    using LossFn = std::function<at::Tensor(const at::Tensor& windows)>; // scalar loss of one micro-batch
    using StepFn = std::function<void(int64_t step)>; // after optimizer step `step` (1-based)

    TrainLoop(LoopSettings settings, std::vector<ParamGroup> groups);
    ~TrainLoop();

    // Called every evalEvery steps and every tasksEvery steps but the last (the engine scores the final model
    // itself); the method kit's reportEval tells them apart (perplexity, RunContext::scoreTasks).
    StepFn onEval;
    StepFn onHistogram; // called every histogramEvery steps
    // Fills the tensors to save (the trainable state) and extra JSON; called when a checkpoint is written.
    std::function<void(CheckpointState&)> saveState;

    // The batch split over the CPU's threads. When partLoss is set, the device is the CPU, LibTorch has more
    // than one thread and the run is not data-parallel, each micro-batch's windows are cut into one part per
    // thread; beforeBatch (if set) runs once, then every part's partLoss, forward and backward, runs on its
    // own thread, its ops single-threaded (a step's hundreds of small ops are no longer each a parallel
    // region waiting at its barrier), and the parts' gradients (torch::autograd::grad, never into .grad from
    // two threads) are added into .grad in part order: the same result for the same thread count, and the
    // same as the whole batch up to the order of float sums. partLoss must be safe to call from several
    // threads at once: the trainable tensors read-only, no other state shared between calls; and its forward
    // must not checkpoint blocks (ForwardOptions::checkpointBlocks: the recomputing backward adds into .grad
    // itself, from each thread). Otherwise `loss` runs.
    LossFn partLoss;
    std::function<void()> beforeBatch;

    // Runs steps [startStep, settings.steps). Returns Stopped after writing a checkpoint when the sink asks
    // to stop.
    RunOutcome run(WindowSampler& sampler, const LossFn& loss, RunContext& ctx, const at::Device& device);

    int64_t step() const { return m_step; }
    void setStep(int64_t step) { m_step = step; }
    double lastLoss() const { return m_lastLoss; }
    const LoopSettings& settings() const { return m_settings; }

    // Writes <dir>/checkpoint.pt atomically: state + optimizer + torch RNG.
    void writeCheckpoint(const std::string& dir, CheckpointState state);
    // Reads <dir>/checkpoint.pt: optimizer state and RNG restored here; returns the rest (tensors by name).
    CheckpointState readCheckpoint(const std::string& dir);

private:
    at::Tensor clipGradients(); // the total gradient norm before clipping, on the device; undefined: none
    void optimizerStep();
    std::vector<at::Tensor> trainableParams() const;

    LoopSettings m_settings;
    std::vector<ParamGroup> m_groups;
    std::unique_ptr<struct TrainLoopOptimizer> m_opt;
    int64_t m_step = 0;
    double m_lastLoss = 0;
};

// The path of a run's checkpoint, and whether one exists.
std::string checkpointPath(const std::string& dir);
bool hasCheckpoint(const std::string& dir);
// The identity of the run a work folder belongs to (issue 12): the engine writes <dir>/run-identity.json
// ({"store", "run", "experiment_hash", "model"}) before a method runs; every checkpoint.pt embeds it; a
// resume checks both against the store, so a folder or checkpoint of another run is never continued.
std::string runIdentityPath(const std::string& dir);
// The identity in <dir>, or null when there is none; InputError (naming the file) when it is unreadable.
nlohmann::json readRunIdentity(const std::string& dir);
void writeRunIdentity(const std::string& dir, const nlohmann::json& identity);
// Reads only the phase/step/extra of a checkpoint (to decide where a resumed run starts).
CheckpointState peekCheckpoint(const std::string& dir);

// Writes bytes to path atomically: path.tmp, fsync, rename (and fsync of the directory).
void writeFileAtomic(const std::string& path, const std::string& bytes);

} // namespace qat

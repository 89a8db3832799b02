#include "workbench/optiontext.h"

#include <QCoreApplication>

namespace qat::ui {

namespace {
// The texts of the declarations: the built-in methods' (`qatbench-cli methods --json`: summaries, labels,
// help, groups) and the experiment's settings (experimentSettings()), listed for lupdate so that it keeps
// their translations. test_experimentform checks that every declared text is translated in translations/*.ts.
[[maybe_unused]] const char* const kKnownTexts[] = {
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "Post-training round-to-nearest: every group's scale and zero-point from its min and max (0 included "
        "by default, the reference protocol), weights rounded once. No training."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Bits"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Bit-width N of the weight codes: 2^N levels per group."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Quantization"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Group size"),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "Consecutive input columns that share one scale and zero-point; 0 = per-channel (whole row). Must "
        "divide the row of every quantized module unless allow_partial_group is set."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Allow a partial last group"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "When the group size does not divide a row, quantize the rest "
                                             "as a shorter last group instead of rejecting the config."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Range init"),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "Initial scale and zero-point: minmax0 = min/max of the group with 0 included (the RTN reference), "
        "minmax = plain min/max, search = min/max shrunk to minimize the group's squared error."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Modules"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Block linears to quantize: all, attn, mlp or a comma list of q,k,v,o,gate,up,down."),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "Weight-decomposed low-rank QAT: calibrate the scale s and zero-point z of every group with the "
        "weights fixed, freeze them, then train a magnitude m per group and LoRA matrices A, B per layer: "
        "W_hat = m * Q(W0 + (alpha/r) B A). The result is an ordinary group-wise quantized weight."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "LoRA rank r"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Rank of the LoRA update B A added to W0 inside the quantizer."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "LoRA"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "LoRA alpha"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "The LoRA update is scaled by alpha / r."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "LoRA A init"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Init of A (r x in): kaiming = uniform(+-1/sqrt(in)) as in PEFT, gaussian = N(0, 1/r). "
                      "B starts at zero, so training starts from the calibrated model."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "LoRA inside the grid"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Ablation: q = round(W0/s + (alpha/r) B A) + z (the update in integer units, LR-QAT "
                      "style) instead of round((W0 + (alpha/r) B A) / s) + z."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Train magnitude m"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Train the per-group magnitude m (init 1). Off: the paper's 'LoRA only' ablation."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Training"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Train LoRA"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Train A and B. Off: the paper's 'm only' ablation."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "LR magnitude m"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "AdamW learning rate of m."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "LR LoRA"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "AdamW learning rate of A and B."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Calibration steps"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Steps that train only s and z (W0 fixed) before they are frozen; 0 = keep the init."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Calibration"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Calibration loss"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "next_token = language-model loss on the calibration text; distill = KL to the "
                      "full-precision model's next-token distribution; block_mse = MSE of every quantized "
                      "linear's output against the full-precision one."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Training loss"),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "The loss of the m + LoRA stage, as for calibration. distill keeps the model close to the "
        "full-precision one instead of fitting the training text (useful when that text is the "
        "model's own pretraining data)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "LR scale s"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "AdamW learning rate of log s (s is learned in the log domain: the step is relative)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "LR zero-point z"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "AdamW learning rate of z, in integer code units (z is rounded straight-through)."),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "Post-training quantization with second-order error feedback: layer by layer, the inputs of each "
        "linear give a Hessian H = 2 X^T X; columns are rounded one at a time and each rounding error is "
        "spread over the remaining columns through H^-1. No training."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Calibration windows"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Windows of the calibration text whose inputs form each layer's Hessian."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "GPTQ"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Calibration window length"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Tokens per calibration window; 0 = data.seq_len."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Damping"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Added to the Hessian's diagonal, as a fraction of its mean (GPTQ's percdamp)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Act-order"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Round columns by decreasing Hessian diagonal; the groups' s, z are then fixed from W "
                      "before rounding (static groups), so the result keeps contiguous groups."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Block size"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Columns whose error updates are applied to the rest together (lazy batch)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Full quantization-aware training: every quantized weight is trained through the fake "
                      "quantizer (straight-through rounding, MinMax range following the weights) with a KL "
                      "distillation loss to the full-precision model, on text the full-precision model "
                      "generated itself (first tokens greedy, then sampled; cached per model and settings)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "LR weights"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "AdamW learning rate of the weights."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Quantizer range"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "dynamic = s, z recomputed from the current weights every step "
                                             "(LLM-QAT's MinMax); fixed = the starting grid kept."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Training text"),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "generated = text sampled from the full-precision model (the paper); train = data.train (ablation)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Data"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Generated sequences"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Sequences the full-precision model generates."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Generated length"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Tokens per generated sequence; 0 = data.seq_len + 1."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Greedy tokens"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "After a random first token, this many tokens are taken by "
                                             "argmax; the rest are sampled (the paper uses 3 to 5)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Temperature"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Sampling temperature of the generated tokens after the greedy ones."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Generation cache"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Folder of the generated-data cache; \"\" = $QATBENCH_CACHE, "
                                             "else $XDG_CACHE_HOME/QATBench, else ~/.cache/QATBench."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Starting grid"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "rtn = s, z from each group's range (the init option); gptq = GPTQ's s, z and codes "
                      "(its weight s (q - z) replaces W0 as the starting point)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Initialization"),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "Quantization-aware LoRA: the base weights are quantized once and frozen; a LoRA A (r x groups), B "
        "(out x r) acts on the group-averaged input, so its update is one value per (row, group) and is "
        "merged into the zero-points after training: the result stays an integer model."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Rank of the low-rank update."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "The low-rank update is scaled by alpha / r."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Init of the r x in factor: kaiming = uniform(+-1/sqrt(in)) as in PEFT, gaussian = "
                      "N(0, 1/r). The other factor starts at zero, so training starts from the grid."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "LoRA inside the quantizer with a learnable grid: W_hat = s (clamp(round((W0 + "
                      "(alpha/r) B A) / s) + z) - z), with A, B, the scale s and the zero-point z trained "
                      "together in one stage. The result is an ordinary group-wise quantized weight."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "AdamW learning rate of log s (learned in the log domain: a relative step)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "AdamW learning rate of z in code units (rounded straight-through)."),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "Low-rank QAT: the low-rank update is added inside the integer grid, W_hat = s (clamp(round(phi(W0 / "
        "s0) + (alpha/r) A B) + z) - z), where the grid positions W0/s0 are computed once and stored "
        "down-cast (8-bit fixed point or bfloat16) instead of W0; A, B and s are trained."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "W0/s0 storage"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "How the fixed grid positions W0/s0 are kept: int8 = 8-bit fixed point (N integer "
                      "bits, 8 - N fraction bits), bf16, or fp32 (no down-cast)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Memory"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Free W0"),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "Release the model's full-precision copies of the quantized weights while training (the stored grid "
        "positions replace them); they are rewritten from the result at the end."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Options"),
    // The experiment's own settings (qatbench/experiment.h experimentSettings()), then DL-QAT's calibration
    // parametrization options.
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Evaluation"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Tasks"),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "Multiple-choice tasks scored on the final model, as lm-evaluation-harness frames them."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Tasks folder"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "The folder of the task files (shared/data/tasks); required with tasks."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Questions per task"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Score the first N questions of each task; 0 = all."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Shots"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Solved examples shown before each question; -1 = the task's default."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Tasks every"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Also score the tasks during training every N steps (on the "
                                             "fake-quantized model); 0 = only the final model."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Questions per task during training"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "The first N questions of each task at the tasks_every steps; 0 = tasks_limit."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Model"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Model folder"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "A Hugging Face LLaMA folder: config.json, safetensors weights, tokenizer."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Export"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Formats"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Deployable files written after the final evaluation: gguf (llama.cpp), gptq (GPTQ v2 "
                      "checkpoint), hf (dequantized Hugging Face checkpoint)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "GGUF type"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Block type of the quantized tensors; auto = the exact type for the run's grid."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "GGUF fallback"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Type of the tensors the GGUF type cannot hold."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "HF dtype"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Dtype of the dequantized checkpoint; empty = the model's own."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Scale parametrization"),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "log = calibration trains log s (lr_scale is a relative step, the same for every group whatever its "
        "size); linear = it trains s itself (lr_scale is in units of s, as a plain implementation of the "
        "formula does: a group with a small s then moves relatively more)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Calibration warm-up steps"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Linear warm-up steps of the calibration schedule (then cosine "
                                             "to 0); -1 = min(training.warmup_steps, calib_steps / 10)."),
    QT_TRANSLATE_NOOP(
        "qat::ui::OptionText",
        "AdamW learning rate of log s (scale_param log: a relative step) or of s (scale_param linear)."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Plain-text file the model is trained on."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Calibration text"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Text for calibrating s and z; empty = the training text."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Evaluation text"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Held-out text for perplexity."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Sequence length"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Tokens per training window."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Batch size"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Windows per step."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Gradient accumulation"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Batches summed before each optimizer step."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Eval sequence length"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Tokens per perplexity window."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Eval windows"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "At most this many eval windows; 0 = the whole file."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "BOS in every window"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Start every training and evaluation window with BOS (for models pretrained that way); "
                      "off: one BOS, then a running stream."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Training steps"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Optimizer steps after calibration."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Warm-up steps"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Steps of linear learning-rate warm-up."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Schedule"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Learning-rate schedule after warm-up."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Weight decay"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "AdamW weight decay."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Gradient clipping"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Maximum gradient norm; 0 = off."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Evaluate every"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Steps between perplexity evaluations; 0 = only at the end."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Checkpoint every"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Steps between checkpoints; 0 = only at the end."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Log every"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Steps between logged metrics."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Histograms every"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Steps between magnitude histograms; 0 = off."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Gradient checkpointing"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Recompute each block in the backward pass: less memory, more time."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Run"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Experiment name"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Runs are grouped by this name in the runs table."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Device"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText",
                      "Where the engine runs: auto picks the first GPU, else the CPU."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Precision"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Compute dtype of the model."),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Seed"),
    QT_TRANSLATE_NOOP("qat::ui::OptionText", "Seed of data order and initialisation."),
};
} // namespace

QString optionText(const std::string& english)
{
    if (english.empty()) return {};
    return QCoreApplication::translate("qat::ui::OptionText", english.c_str());
}

} // namespace qat::ui

// DL-QAT's declared options: the single source of the CLI help, the config validation and the GUI form.
#include "dlqat.h"

#include "qatbench/quantizer.h"

namespace qat::plugins {

namespace {

OptionSpec lr(const char* name, double def, const char* label, const char* help, const char* group)
{
    return {name, OptionType::Float, def, 1e-8, 1.0, true, {}, label, help, group};
}

OptionSpec choice(const char* name, const char* def, std::vector<std::string> choices, const char* label,
                  const char* help, const char* group)
{
    OptionSpec o{name, OptionType::Choice, def};
    o.choices = std::move(choices);
    o.label = label;
    o.help = help;
    o.group = group;
    return o;
}

} // namespace

MethodInfo dlqatMethodInfo()
{
    MethodInfo m;
    m.id = "dlqat";
    m.title = "DL-QAT";
    m.summary =
        "Weight-decomposed low-rank QAT: calibrate the scale s and zero-point z of every group with the "
        "weights fixed, freeze them, then train a magnitude m per group and LoRA matrices A, B per layer: "
        "W_hat = m * Q(W0 + (alpha/r) B A). The result is an ordinary group-wise quantized weight.";
    m.citation = "Ke et al., 2025, Weight-Decomposed Low-Rank Quantization-Aware Training for LLMs";
    m.trains = true;
    m.options = quantizerOptions(3, 128, RangeInit::MinMax);
    m.options.push_back({"rank",
                         OptionType::Int,
                         16,
                         1,
                         4096,
                         false,
                         {},
                         "LoRA rank r",
                         "Rank of the LoRA update B A added to W0 inside the quantizer.",
                         "LoRA"});
    m.options.push_back({"alpha",
                         OptionType::Float,
                         16.0,
                         1e-6,
                         1e6,
                         false,
                         {},
                         "LoRA alpha",
                         "The LoRA update is scaled by alpha / r.",
                         "LoRA"});
    m.options.push_back(choice("lora_init", "kaiming", {"kaiming", "gaussian"}, "LoRA A init",
                               "Init of A (r x in): kaiming = uniform(+-1/sqrt(in)) as in PEFT, gaussian = "
                               "N(0, 1/r). B starts at zero, so training starts from the calibrated model.",
                               "LoRA"));
    m.options.push_back(
        {"lora_in_grid",
         OptionType::Bool,
         false,
         0,
         0,
         false,
         {},
         "LoRA inside the grid",
         "Ablation: q = round(W0/s + (alpha/r) B A) + z (the update in integer units, LR-QAT style) "
         "instead of round((W0 + (alpha/r) B A) / s) + z.",
         "LoRA"});
    m.options.push_back({"train_m",
                         OptionType::Bool,
                         true,
                         0,
                         0,
                         false,
                         {},
                         "Train magnitude m",
                         "Train the per-group magnitude m (init 1). Off: the paper's 'LoRA only' ablation.",
                         "Training"});
    m.options.push_back({"train_lora",
                         OptionType::Bool,
                         true,
                         0,
                         0,
                         false,
                         {},
                         "Train LoRA",
                         "Train A and B. Off: the paper's 'm only' ablation.",
                         "Training"});
    m.options.push_back(lr("lr_m", 2e-3, "LR magnitude m", "AdamW learning rate of m.", "Training"));
    m.options.push_back(lr("lr_lora", 1e-3, "LR LoRA", "AdamW learning rate of A and B.", "Training"));
    m.options.push_back(
        {"calib_steps",
         OptionType::Int,
         1000,
         0,
         10'000'000,
         false,
         {},
         "Calibration steps",
         "Steps that train only s and z (W0 fixed) before they are frozen; 0 = keep the init.",
         "Calibration"});
    m.options.push_back(
        choice("calib_objective", "next_token", {"next_token", "distill", "block_mse"}, "Calibration loss",
               "next_token = language-model loss on the calibration text; distill = KL to the "
               "full-precision model's next-token distribution; block_mse = MSE of every "
               "quantized linear's output against the full-precision one.",
               "Calibration"));
    m.options.push_back(
        choice("train_objective", "next_token", {"next_token", "distill", "block_mse"}, "Training loss",
               "The loss of the m + LoRA stage, as for calibration. distill keeps the model close to the "
               "full-precision one instead of fitting the training text (useful when that text is the "
               "model's own pretraining data).",
               "Training"));
    m.options.push_back(
        lr("lr_scale", 1e-3, "LR scale s",
           "AdamW learning rate of log s (scale_param log: a relative step) or of s (scale_param linear).",
           "Calibration"));
    m.options.push_back(choice(
        "scale_param", "log", {"log", "linear"}, "Scale parametrization",
        "log = calibration trains log s (lr_scale is a relative step, the same for every group whatever its "
        "size); linear = it trains s itself (lr_scale is in units of s, as a plain implementation of the "
        "formula "
        "does: a group with a small s then moves relatively more).",
        "Calibration"));
    m.options.push_back({"calib_warmup_steps",
                         OptionType::Int,
                         -1,
                         -1,
                         10'000'000,
                         false,
                         {},
                         "Calibration warm-up steps",
                         "Linear warm-up steps of the calibration schedule (then cosine to 0); -1 = "
                         "min(training.warmup_steps, calib_steps / 10).",
                         "Calibration"});
    m.options.push_back(lr("lr_zero", 1e-3, "LR zero-point z",
                           "AdamW learning rate of z, in integer code units (z is rounded straight-through).",
                           "Calibration"));
    return m;
}

} // namespace qat::plugins

// DL-QAT's declared options: the single source of the CLI help, the config validation and the GUI form.
#include "dlqat.h"

#include "qatbench/quantizer.h"

namespace qat::plugins {

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
    // Small and fast enough for the demo's 450K-parameter model: rank 8, 40 calibration steps, larger rates.
    m.demoOptions = {{"rank", 8},       {"alpha", 8.0},     {"calib_steps", 40}, {"lr_m", 5e-3},
                     {"lr_lora", 3e-3}, {"lr_scale", 5e-3}, {"lr_zero", 5e-3}};
    m.options = quantizerOptions(3, 128, RangeInit::MinMax);
    const std::vector<OptionSpec> own{
        OptionSpec::integer("rank", 16, 1, 4096)
            .withLabel("LoRA rank r")
            .withHelp("Rank of the LoRA update B A added to W0 inside the quantizer.")
            .inGroup("LoRA"),
        OptionSpec::real("alpha", 16.0, 1e-6, 1e6)
            .withLabel("LoRA alpha")
            .withHelp("The LoRA update is scaled by alpha / r.")
            .inGroup("LoRA"),
        OptionSpec::choice("lora_init", "kaiming", {"kaiming", "gaussian"})
            .withLabel("LoRA A init")
            .withHelp("Init of A (r x in): kaiming = uniform(+-1/sqrt(in)) as in PEFT, gaussian = "
                      "N(0, 1/r). B starts at zero, so training starts from the calibrated model.")
            .inGroup("LoRA"),
        OptionSpec::boolean("lora_in_grid", false)
            .withLabel("LoRA inside the grid")
            .withHelp(
                "Ablation: q = round(W0/s + (alpha/r) B A) + z (the update in integer units, LR-QAT style) "
                "instead of round((W0 + (alpha/r) B A) / s) + z.")
            .inGroup("LoRA"),
        OptionSpec::boolean("train_m", true)
            .withLabel("Train magnitude m")
            .withHelp("Train the per-group magnitude m (init 1). Off: the paper's 'LoRA only' ablation.")
            .inGroup("Training"),
        OptionSpec::boolean("train_lora", true)
            .withLabel("Train LoRA")
            .withHelp("Train A and B. Off: the paper's 'm only' ablation.")
            .inGroup("Training"),
        OptionSpec::rate("lr_m", 1e-2)
            .withLabel("LR magnitude m")
            .withHelp("AdamW learning rate of m.")
            .inGroup("Training"),
        OptionSpec::rate("lr_lora", 1e-3)
            .withLabel("LR LoRA")
            .withHelp("AdamW learning rate of A and B.")
            .inGroup("Training"),
        OptionSpec::integer("calib_steps", 1000, 0, 10'000'000)
            .withLabel("Calibration steps")
            .withHelp("Steps that train only s and z (W0 fixed) before they are frozen; 0 = keep the init.")
            .inGroup("Calibration"),
        OptionSpec::choice("calib_objective", "next_token", {"next_token", "distill", "block_mse"})
            .withLabel("Calibration loss")
            .withHelp("next_token = language-model loss on the calibration text; distill = KL to the "
                      "full-precision model's next-token distribution; block_mse = MSE of every "
                      "quantized linear's output against the full-precision one.")
            .inGroup("Calibration"),
        OptionSpec::choice("train_objective", "next_token", {"next_token", "distill", "block_mse"})
            .withLabel("Training loss")
            .withHelp(
                "The loss of the m + LoRA stage, as for calibration. distill keeps the model close to the "
                "full-precision one instead of fitting the training text (useful when that text is the "
                "model's own pretraining data).")
            .inGroup("Training"),
        OptionSpec::rate("lr_scale", 1e-2)
            .withLabel("LR scale s")
            .withHelp("AdamW learning rate of log s (scale_param log: a relative step) or of s (scale_param "
                      "linear).")
            .inGroup("Calibration"),
        OptionSpec::choice("scale_param", "log", {"log", "linear"})
            .withLabel("Scale parametrization")
            .withHelp(
                "log = calibration trains log s (lr_scale is a relative step, the same for every group "
                "whatever its size); linear = it trains s itself (lr_scale is in units of s, as a plain "
                "implementation of the formula does: a group with a small s then moves relatively "
                "more).")
            .inGroup("Calibration"),
        OptionSpec::integer("calib_warmup_steps", -1, -1, 10'000'000)
            .withLabel("Calibration warm-up steps")
            .withHelp("Linear warm-up steps of the calibration schedule (then cosine to 0); -1 = "
                      "min(training.warmup_steps, calib_steps / 10).")
            .inGroup("Calibration"),
        OptionSpec::rate("lr_zero", 1e-2)
            .withLabel("LR zero-point z")
            .withHelp("AdamW learning rate of z, in integer code units (z is rounded straight-through).")
            .inGroup("Calibration")};
    m.options.insert(m.options.end(), own.begin(), own.end());
    // Issue 17's search around the defaults (docs/DLQAT.md section 8): the training lrs on a 3 x 3 grid, then
    // the calibration lrs alone.
    const std::vector<double> third = {1.0 / 3.0, 1.0, 3.0};
    m.sweepPresets = {{"dlqat-lr",
                       "DL-QAT lr_m x lr_lora at 1/3, 1, 3 x the defaults, and the calibration lrs",
                       {{"m", {"lr_m"}, third}, {"lora", {"lr_lora"}, third}},
                       {{"calib", {"lr_scale", "lr_zero"}, {1.0 / 3.0, 3.0}}}}};
    return m;
}

} // namespace qat::plugins

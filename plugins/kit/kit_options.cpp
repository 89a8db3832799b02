// Option declarations several methods share (see kit_options.h).
#include "kit_options.h"

namespace qat::plugins {

std::vector<OptionSpec> loraOptions()
{
    return {OptionSpec::integer("rank", 16, 1, 4096)
                .withLabel("LoRA rank r")
                .withHelp("Rank of the low-rank update.")
                .inGroup("LoRA"),
            OptionSpec::real("alpha", 16.0, 1e-6, 1e6)
                .withLabel("LoRA alpha")
                .withHelp("The low-rank update is scaled by alpha / r.")
                .inGroup("LoRA"),
            OptionSpec::choice("lora_init", "kaiming", {"kaiming", "gaussian"})
                .withLabel("LoRA A init")
                .withHelp("Init of the r x in factor: kaiming = uniform(+-1/sqrt(in)) as in PEFT, gaussian "
                          "= N(0, 1/r). The other factor starts at zero, so training starts from the grid.")
                .inGroup("LoRA")};
}

OptionSpec loraRateOption()
{
    return OptionSpec::rate("lr_lora", 1e-3)
        .withLabel("LR LoRA")
        .withHelp("AdamW learning rate of A and B.")
        .inGroup("Training");
}

OptionSpec logScaleRateOption()
{
    return OptionSpec::rate("lr_scale", 1e-3)
        .withLabel("LR scale s")
        .withHelp("AdamW learning rate of log s (learned in the log domain: a relative step).")
        .inGroup("Training");
}

void appendOptions(std::vector<OptionSpec>& options, std::vector<OptionSpec> more)
{
    for (auto& o : more)
        options.push_back(std::move(o));
}

} // namespace qat::plugins

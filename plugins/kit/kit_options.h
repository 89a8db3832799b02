#pragma once
// Option declarations several methods share (torch-free, like every method's declaration).
#include "qatbench/method.h"

#include <vector>

namespace qat::plugins {

// rank / alpha / lora_init of a LoRA update whose second factor starts at zero (group "LoRA").
std::vector<OptionSpec> loraOptions();

// lr_lora: the AdamW learning rate of A and B (group "Training").
OptionSpec loraRateOption();
// lr_scale: the AdamW learning rate of log s, learned in the log domain (group "Training").
OptionSpec logScaleRateOption();

// Appends every option of more to options (a method's declaration is built from such lists).
void appendOptions(std::vector<OptionSpec>& options, std::vector<OptionSpec> more);

} // namespace qat::plugins

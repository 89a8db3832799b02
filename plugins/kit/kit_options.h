#pragma once
// Option declarations several methods share (torch-free, like every method's declaration).
#include "qatbench/method.h"

#include <vector>

namespace qat::plugins {

// rank / alpha / lora_init of a LoRA update whose second factor starts at zero (group "LoRA").
std::vector<OptionSpec> loraOptions();

// Appends every option of more to options (a method's declaration is built from such lists).
void appendOptions(std::vector<OptionSpec>& options, std::vector<OptionSpec> more);

} // namespace qat::plugins

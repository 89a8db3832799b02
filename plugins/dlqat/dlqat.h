#pragma once
// DL-QAT as a QuantMethod plugin.
#include "qatbench/method.h"

namespace qat::plugins {

MethodInfo dlqatMethodInfo();
void registerDlqat();

} // namespace qat::plugins

#pragma once
#include <string>

namespace qat {
std::string version();      // "0.1.0"
std::string buildSummary(); // version, LibTorch version, CUDA or CPU
} // namespace qat

#pragma once
// Internal to core: the process-wide switches that choose between a fast path and its reference (the fused
// quantizer, its tile kernels, the CPU attention, the CUDA RMSNorm, RoPE and SwiGLU, the CPU batch split).
// Each starts from an environment variable, read once, and tests and benches flip it through the setter their
// SDK header declares.

namespace qat::detail {

// A switch's initial value: on unless the environment variable is "0".
bool onUnlessZero(const char* variable);

} // namespace qat::detail

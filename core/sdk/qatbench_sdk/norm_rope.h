#pragma once
// RMSNorm, the rotary position embedding and SwiGLU of the LLaMA forward, in transformers' op order (RMSNorm
// in float32, cast back before the weight; RoPE in the rotate_half layout). On CUDA tensors of a build with
// the CUDA kernels each is one kernel forward and one backward (core/model/cuda/norm_rope.h says what they
// round where); elsewhere the ATen ops, which stay the reference.
//
// Intended usage:
//   1. y = rmsNorm(x, weight, eps);  q = applyRope(q, cos, sin);  m = swiGlu(g, u);  // all differentiable
//   2. QATBENCH_FUSED_NORM_ROPE=0 in the environment (or setFusedNormRopeEnabled(false)) forces the ATen ops.

#include <ATen/ATen.h>

namespace qat {

// Process-wide switch, initially on unless QATBENCH_FUSED_NORM_ROPE=0. For tests and benches.
void setFusedNormRopeEnabled(bool on);
bool fusedNormRopeEnabled();

// weight * dtype(x rsqrt(mean(x^2, -1) + eps)), the mean over the last dimension in float32. The kernels
// take x on CUDA in float32, bfloat16 or float16 with a weight of x's dtype and size(-1); anything else takes
// the ATen ops.
at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps);
bool fusedRmsNormApplies(const at::Tensor& x, const at::Tensor& weight);

// x cos + rotate_half(x) sin for x [B, H, T, D] (any strides with a unit last one; the result has x's
// layout) and cos / sin [1, 1, T, D] in x's dtype. No gradient reaches cos and sin.
at::Tensor applyRope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);
bool fusedRopeApplies(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);

// SwiGLU, the MLP's silu(gate) * up, with the ATen ops' roundings. The kernel (gate and up on CUDA, the same
// shape and dtype, float32, bfloat16 or float16) keeps gate and up for backward, not silu(gate) as well: a
// tensor of the MLP's width less per block (336 MiB at LLaMA-3-8B's width and 12,288 tokens). Its own
// switch: QATBENCH_FUSED_SWIGLU=0 (or setFusedSwiGluEnabled(false)) takes the ATen ops.
at::Tensor swiGlu(const at::Tensor& gate, const at::Tensor& up);
bool fusedSwiGluApplies(const at::Tensor& gate, const at::Tensor& up);
void setFusedSwiGluEnabled(bool on);
bool fusedSwiGluEnabled();

} // namespace qat

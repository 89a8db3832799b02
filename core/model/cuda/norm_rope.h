#pragma once
// RMSNorm, the rotary embedding and SwiGLU of the LLaMA forward on CUDA, one kernel each way: plain pointers
// and sizes, no torch types (nvcc compiles the kernels without LibTorch's headers). The autograd wiring is
// core/model/norm_rope.cpp; the ATen ops there are the reference and the CPU path.
//
//     RMSNorm   r = rsqrt(mean(x^2) + eps)  (float32, one per row)     y = w * dtype(x r)
//     RoPE      y = x cos + rotate_half(x) sin,   rotate_half(x) = [-x[D/2:], x[:D/2]]
//
// Each product and sum is rounded to the tensor's dtype where the ATen ops round it (bf16 and fp16 math in
// float32, one rounding per op, no FMA contraction), so RoPE forward and backward are the ATen results bit
// for bit, and RMSNorm's forward differs from them only where the row's sum of squares, added in another
// order, moves r by an ulp.
//
// Intended usage (device pointers; rows of x, y, g and dx contiguous, strides in elements):
//   1. nrRmsNormForward(x, w, y, r, rows, cols, eps, type, stream);      // r: float32 [rows] for backward
//   2. nrRmsNormBackward(g, x, w, r, dx, rows, cols, type, stream);      // dx only; dw is the caller's
//   3. nrRopeForward / nrRopeBackward on [B, H, T, D] views with any strides but a unit last one.

#include <cstdint>

namespace qat::cuda {

enum class NrType : int
{
    Float32 = 0,
    BFloat16 = 1,
    Float16 = 2,
};

// x [B, H, T, D] (strides in elements, the last one 1), cos / sin [T, D] contiguous, in type.
struct RopeView
{
    int64_t batch = 0, heads = 0, length = 0, dim = 0; // dim even
    int64_t strideB = 0, strideH = 0, strideT = 0;
};

void nrRmsNormForward(const void* x, const void* w, void* y, float* r, int64_t rows, int64_t cols, float eps,
                      NrType type, void* stream);
void nrRmsNormBackward(const void* g, const void* x, const void* w, const float* r, void* dx, int64_t rows,
                       int64_t cols, NrType type, void* stream);
// y = x cos + rotate_half(x) sin; in and out have their own strides (views of the same shape).
void nrRopeForward(const void* x, const RopeView& in, const void* cos, const void* sin, void* y,
                   const RopeView& out, NrType type, void* stream);
// dx = g cos + rotate_half^T(g sin): the gradient of nrRopeForward's y with respect to x.
void nrRopeBackward(const void* g, const RopeView& in, const void* cos, const void* sin, void* dx,
                    const RopeView& out, NrType type, void* stream);

// SwiGLU, the LLaMA MLP's y = silu(g) u over n contiguous elements of g, u and y, rounded where the ATen ops
// silu(g) * u round. Backward: dg and du (either may be null) from dy, g and u, as autograd computes them
// through those two ops.
void nrSwiGluForward(const void* g, const void* u, void* y, int64_t n, NrType type, void* stream);
void nrSwiGluBackward(const void* dy, const void* g, const void* u, void* dg, void* du, int64_t n,
                      NrType type, void* stream);

} // namespace qat::cuda

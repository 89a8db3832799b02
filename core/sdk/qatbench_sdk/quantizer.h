#pragma once
// The group-wise asymmetric uniform quantizer in LibTorch (torch-facing; never included by Qt code).
// Settings: qatbench/quantizer.h (QuantSpec). DESIGN.md §4:
//
//     q(w) = clamp(round(w / s) + z, 0, 2^N - 1)        Q(w) = s * (q(w) - z)
//
// round() passes gradients straight through (STE), so autograd gives LSQ-style gradients for w, s and z:
// dQ/dw = 1 inside the grid and 0 where clamped; dQ/ds = round(w/s) - w/s inside, (0 or 2^N-1) - z outside.
// z is kept as a float holding an integer (rounded straight-through where it is learned).
//
// Intended usage:
//   1. GroupLayout lay = groupLayout(W.size(0), W.size(1), spec);
//   2. QuantParams p = initQuantParams(W, spec);             // s, z per (row, group) from min/max (or
//   search)
//   3. at::Tensor Wq = fakeQuant(W, p.scale, p.zero, spec);  // differentiable in W, scale, zero
//   4. Export: quantCodes(W, p, spec) -> uint8 codes [out, in]; dequantCodes(...) gives Wq back exactly.

#include "qatbench/quantizer.h"

#include <ATen/ATen.h>

#include <cstdint>

namespace qat {

// How a row of `cols` columns is cut into groups. The last group may be shorter (allowPartialGroup);
// it is then padded to a full group by repeating the row's last column, which leaves its min/max unchanged.
struct GroupLayout
{
    int64_t rows = 0;
    int64_t cols = 0;
    int64_t group = 0;  // columns per group (== cols when per-channel)
    int64_t groups = 0; // groups per row: ceil(cols / group)
    int64_t padded() const { return groups * group; }
    bool partial() const { return padded() != cols; }
};

// Throws qat::ConfigError("method.options.group_size", ...) when the group does not divide cols and
// partial groups are not allowed.
GroupLayout groupLayout(int64_t rows, int64_t cols, const QuantSpec& spec);

// [rows, cols] -> [rows, groups, group] (padded as above), and back (the padding dropped).
at::Tensor toGroups(const at::Tensor& w, const GroupLayout& lay);
at::Tensor fromGroups(const at::Tensor& g, const GroupLayout& lay);
// Per-group values [rows, groups] broadcast to [rows, cols].
at::Tensor expandGroups(const at::Tensor& perGroup, const GroupLayout& lay);

struct QuantParams
{
    at::Tensor scale; // float32 [rows, groups], > 0
    at::Tensor zero;  // float32 [rows, groups], integer values in [0, 2^N - 1]
};

// s, z from each group's range (spec.init). No gradient.
QuantParams initQuantParams(const at::Tensor& w, const QuantSpec& spec);

// x rounded to nearest (half to even, like torch.round) with gradient 1 (straight-through).
at::Tensor roundSte(const at::Tensor& x);

// Q(w) in float32, [rows, cols]; differentiable in w, scale and zero through the STE. zero must already hold
// integers (or be passed through roundSte by the caller when it is learned).
at::Tensor fakeQuant(const at::Tensor& w, const at::Tensor& scale, const at::Tensor& zero,
                     const QuantSpec& spec);

// Q(w) where the input is given in integer units: q = clamp(round(u) + z, 0, 2^N-1), Q = s (q - z), with u
// already divided by s (u = W0/s + delta). Used by the LoRA-inside-the-grid ablation.
at::Tensor fakeQuantUnits(const at::Tensor& u, const at::Tensor& scale, const at::Tensor& zero,
                          const QuantSpec& spec);

// Integer codes q(w) as uint8 [rows, cols] (no gradient).
at::Tensor quantCodes(const at::Tensor& w, const QuantParams& p, const QuantSpec& spec);
// scale * (codes - zero) in float32 [rows, cols]; scale may already include a magnitude (m * s).
at::Tensor dequantCodes(const at::Tensor& codes, const at::Tensor& scale, const at::Tensor& zero,
                        const QuantSpec& spec);

// Sum of squared errors ||Q(w) - w||^2 per group, [rows, groups] (for tests and the clipping search).
at::Tensor groupSquaredError(const at::Tensor& w, const QuantParams& p, const QuantSpec& spec);

} // namespace qat

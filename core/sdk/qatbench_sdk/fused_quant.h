#pragma once
// The fused quantizer (core/quant/cuda/) as an autograd function: one kernel pass from W0, the LoRA factors,
// s, z and m to W_hat, one pass back (torch-facing; never included by Qt code). The ATen path in quantizer.h
// / QuantLinear::weight() stays the reference and the CPU path; QuantLinear::weight(dtype) takes this one
// whenever fusedQuantApplies() says so.
//
//     W_hat = m (.) s (clamp(round((W0 + c B A) / s) + z, 0, 2^N - 1) - z)       (c = alpha / r)
//
// Gradients (straight-through round, torch.clamp's mask, as the ATen path): m, s, z reduced per group in the
// kernel; A and B on tensor cores in the tile kernel's own pass (bf16 operands, float32 sums; d latent is
// never written), or, where the row kernels run, through two cuBLAS products on d latent in bf16 with float32
// results; W0 (when it requires grad, LLM-QAT) gets d latent in float32 (and A, B their products from it).
//
// Intended usage:
//   1. if (fusedQuantApplies(q, dtype)) w = fusedQuantWeight(q, dtype);    // differentiable in A, B, s, z, m
//   2. QATBENCH_FUSED_QUANT=0 in the environment (or setFusedQuantEnabled(false)) forces the ATen path;
//      QATBENCH_FUSED_TILES=0 (or setFusedQuantTiles(false)) the row kernels instead of the tile kernels,
//      whose LoRA product runs on tensor cores (core/quant/cuda/fused_quant.h says which shapes each
//      covers); QATBENCH_FUSED_LORA_PARTS=0 (or setFusedLoraPartsEnabled(false)) the LoRA gradients
//      through d latent and cuBLAS where the tile kernels run (QATBENCH_FUSED_LORA_GRAD=float32: in float32).

#include "qatbench_sdk/quant_linear.h"

#include <ATen/ATen.h>

namespace qat {

// Built with the CUDA kernels (QATBENCH_CUDA and a CUDA compiler found at configure time)?
bool fusedQuantBuilt();
// Process-wide switch, initially on unless QATBENCH_FUSED_QUANT=0. For tests and benches.
void setFusedQuantEnabled(bool on);
bool fusedQuantEnabled();
// Process-wide choice of kernel design, initially the tile kernels unless QATBENCH_FUSED_TILES=0.
void setFusedQuantTiles(bool on);
bool fusedQuantTiles();
// Process-wide: the LoRA gradients in the tile kernel's pass, initially on unless
// QATBENCH_FUSED_LORA_PARTS=0.
void setFusedLoraPartsEnabled(bool on);
bool fusedLoraPartsEnabled();

// True when q's W_hat in dtype can come from the kernels: built and enabled, W0 on CUDA in bf16 or float32,
// plain DL-QAT form (no loraInGrid, no zeroShift), columns and group size multiples of 4, dtype bf16 or
// float32.
bool fusedQuantApplies(const QuantLinear& q, at::ScalarType dtype);

// W_hat [out, in] in dtype through the kernels (differentiable as above). Throws if !fusedQuantApplies.
at::Tensor fusedQuantWeight(const QuantLinear& q, at::ScalarType dtype);
// The integer codes [out, in] uint8 through the forward kernel (no gradient).
at::Tensor fusedQuantCodes(const QuantLinear& q);
// Whether q's W_hat comes from the tile kernels (false where !fusedQuantApplies or the row kernels run).
bool fusedQuantUsesTiles(const QuantLinear& q);

} // namespace qat

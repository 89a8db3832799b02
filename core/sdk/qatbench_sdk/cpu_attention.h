#pragma once
// Causal softmax attention on the CPU without a score matrix in memory (core/model/cpu_attention.cpp), the
// CPU's counterpart of a flash kernel. LlamaModel takes it for every CPU attention it applies to; the ATen
// path (baddbmm, softmax, bmm over a [B*H, T, T] score tensor) stays the reference and the other devices'
// path.
//
// Intended usage:
//   1. if (cpuAttentionApplies(q, k, v)) o = cpuCausalAttention(q, k, v, offset);   // differentiable
//   2. QATBENCH_CPU_ATTENTION=0 in the environment (or setCpuAttentionEnabled(false)) forces the ATen path.

#include <ATen/ATen.h>

namespace qat {

// Process-wide switch, initially on unless QATBENCH_CPU_ATTENTION=0. For tests and benches.
void setCpuAttentionEnabled(bool on);
bool cpuAttentionEnabled();

// True when enabled and the tensors qualify: CPU, float32 or bfloat16, 4-D, head size <= 256, the query heads
// a multiple of the key/value heads, batch and head size equal.
bool cpuAttentionApplies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v);

// softmax(q k^T / sqrt(D) + causal mask) v for q [B, H, Tq, D], k/v [B, Hkv, Tk, D]; key/value head h / (H /
// Hkv) serves query head h (transformers' repeat_kv); query i sits at position offset + i and sees keys 0 ..
// offset
// + i. Computed row by row in float32 with each row's scores in a buffer the size of one key row: the score
// tensors of the ATen path were where a CPU evaluation spent its time (written, read by the softmax, written
// again, read by the second matmul). Differentiable (backward recomputes each row's probabilities from the
// saved log-sum-exp, as flash attention does). Returns [B, H, Tq, D] in q's dtype, a transposed view of
// [B, Tq, H, D] memory so that the caller's transpose(1, 2).reshape() does not copy. Throws if !Applies.
at::Tensor cpuCausalAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t offset);

} // namespace qat

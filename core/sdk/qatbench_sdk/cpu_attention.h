#pragma once
// Internal to core/model: causal softmax attention on the CPU without a score matrix in memory.

#include <ATen/ATen.h>

namespace qat::detail {

// True when cpuCausalAttention takes these tensors: CPU, float32 or bfloat16, 4-D, head size up to 256, the
// query heads a multiple of the key/value heads.
bool cpuAttentionApplies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v);

// softmax(q k^T / sqrt(D) + causal mask) v with q [B, H, Tq, D], k/v [B, Hkv, Tk, D] (H a multiple of Hkv:
// key head h / (H / Hkv) serves query head h, as transformers' repeat_kv); query i sits at position offset +
// i and sees keys 0 .. offset + i. Row by row in float32, each row's scores in a buffer the size of one key
// row, so nothing of size T x T is ever allocated (the score tensors of the ATen path were where a CPU
// evaluation spent its time: written, read by the softmax, written again, read by the second matmul).
// Differentiable (a fused backward from the saved log-sum-exp, as flash attention). Returns [B, H, Tq, D] in
// the inputs' dtype, a transposed view of [B, Tq, H, D] memory so that the caller's transpose(1, 2).reshape()
// does not copy.
at::Tensor cpuCausalAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t offset);

} // namespace qat::detail

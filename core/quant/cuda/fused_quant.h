#pragma once
// The fused group-wise quantizer on CUDA: plain pointers and sizes, no torch types (nvcc compiles the kernels
// without LibTorch's headers). The autograd wiring is core/quant/fused_quant.cpp.
//
//     latent = W0 + c B A                                     (c = alpha / r; no LoRA: latent = W0)
//     q      = clamp(round(latent / s) + z, 0, 2^N - 1)       (round half to even, like torch.round)
//     W_hat  = (s (q - z)) m                                  (m undefined = 1)
//
// Two designs: tile kernels (fused_quant_tiles.cu) with the LoRA product on tensor cores (rank <= 16, cols
// and group size multiples of 8, sm_80+), and row kernels (fused_quant_rows.cu) for everything else, where
// each thread owns 4 consecutive columns and walks a range of rows, so cols and the group size must be
// multiples of 4 (the caller falls back to the ATen path otherwise). The float operations are done in the
// ATen path's order with explicit rounding (no FMA contraction), so without LoRA W_hat and the codes are bit
// for bit the ATen ones.
//
// Intended usage (device pointers, all contiguous, float32 unless stated):
//   1. FqArgs a{...};                                  // shapes, W0, A, B, s, z, m, stream
//   2. fqForward(a, out, FqType::BFloat16, codes);     // W_hat and/or uint8 codes
//   3. fqBackward(a, grads);                           // dm, ds, dz per group (zeroed by caller) and
//                                                      // d latent, or the LoRA gradients' partial sums
//   4. fqLoraGrads(a, dlat16, A16, B16, dA, dB);       // the LoRA matmuls on d latent (bf16 in, float out)

#include <cstdint>

namespace qat::cuda {

enum class FqType : int
{
    Float32 = 0,
    BFloat16 = 1,
};

// Which kernels may run: Any takes the tile kernels (LoRA product on tensor cores) wherever they apply and
// the row kernels elsewhere; Rows forces the row kernels (the previous design, kept for comparison and as the
// general path).
enum class FqKernels : int
{
    Any = 0,
    Rows = 1,
};

struct FqArgs
{
    int64_t rows = 0;   // out features
    int64_t cols = 0;   // in features, a multiple of 4
    int64_t group = 0;  // columns per group, a multiple of 4 (== cols per-channel)
    int64_t groups = 0; // ceil(cols / group); s, z, m are [rows, groups]
    float levels = 0;   // 2^N - 1
    float loraScale = 0;
    int rank = 0;                     // 0: no LoRA
    const void* w0 = nullptr;         // [rows, cols] in w0Type
    FqType w0Type = FqType::BFloat16; //
    const float* A = nullptr;         // [rank, cols]
    const float* B = nullptr;         // [rows, rank]
    const float* s = nullptr;         // [rows, groups], > 0
    const float* z = nullptr;         // [rows, groups]; rounded in the kernel (gradient straight through)
    const uint8_t* zq = nullptr;      // [rows, groups] integer z instead of z (a frozen grid; no gradient)
    const float* m = nullptr;         // [rows, groups] or null (= 1)
    void* stream = nullptr;           // cudaStream_t
    int device = 0;
    FqKernels kernels = FqKernels::Any;
};

struct FqGrads
{
    const void* grad = nullptr; // dL/dW_hat [rows, cols] in gradType
    FqType gradType = FqType::BFloat16;
    void* dlat = nullptr; // dL/dlatent [rows, cols] in dlatType, or null
    FqType dlatType = FqType::BFloat16;
    float* dm = nullptr; // [rows, groups], zeroed; accumulated with atomics, or null
    float* ds = nullptr;
    float* dz = nullptr;
    // The LoRA gradients' partial sums, computed in the same pass (tile kernels only: fqLoraPartsApply),
    // scaled by c, bf16 operands as fqLoraGrads takes them; both or neither. Shapes from fqLoraParts:
    float* dBparts = nullptr; // [strips, rows, 16]: dB over one strip's 64 columns; dB = their sum
    float* dAparts = nullptr; // [blockRows, 16, cols]: dA over one block's rows; dA = their sum
};

struct FqLoraParts
{
    int64_t strips = 0, blockRows = 0;
};

// Whether fqForward / fqBackward take the tile kernels for a (else the row kernels).
bool fqUsesTiles(const FqArgs& a);
// Writes W_hat (out, in outType; may be null) and the integer codes (codes, uint8; may be null).
void fqForward(const FqArgs& a, void* out, FqType outType, uint8_t* codes);
// One pass: the straight-through mask, dm / ds / dz reduced per group, d latent (the gradient that reaches
// W0 and the LoRA matmuls).
void fqBackward(const FqArgs& a, const FqGrads& g);
// dB = c dlat A^T [rows, rank], dA = c B^T dlat [rank, cols] through cuBLAS, bf16 operands, float32 results.
// Where the tile kernels apply, fqBackward can instead leave them as partial sums (FqGrads::dBparts,
// dAparts; ranks past `rank` are zero), without writing d latent.
bool fqLoraPartsApply(const FqArgs& a);
FqLoraParts fqLoraParts(const FqArgs& a);
void fqLoraGrads(const FqArgs& a, const void* dlat16, const void* A16, const void* B16, float* dA, float* dB);

} // namespace qat::cuda

#pragma once
// What the fused quantizer's kernel files share (fused_quant.cu: the entry points and their dispatch;
// fused_quant_rows.cu and fused_quant_tiles.cu: the two kernel designs): error checks, the elementwise
// helpers whose float operations reproduce the ATen path's, a group's s z m, launch shapes and the launchers.
// Internal to core/quant/cuda (nvcc only).
#include "fused_quant.h"

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace qat::cuda::detail {

constexpr unsigned kFull = 0xffffffffu;

inline void check(cudaError_t e, const char* what)
{
    if (e != cudaSuccess)
        throw std::runtime_error(std::string("fused quantizer: ") + what + ": " + cudaGetErrorString(e));
}

__device__ __forceinline__ void load4(const float* p, float v[4])
{
    const float4 t = __ldg(reinterpret_cast<const float4*>(p));
    v[0] = t.x;
    v[1] = t.y;
    v[2] = t.z;
    v[3] = t.w;
}

__device__ __forceinline__ void store4(float* p, const float v[4])
{
    *reinterpret_cast<float4*>(p) = make_float4(v[0], v[1], v[2], v[3]);
}

__device__ __forceinline__ void store4(__nv_bfloat16* p, const float v[4])
{
    const __nv_bfloat162 lo = __floats2bfloat162_rn(v[0], v[1]), hi = __floats2bfloat162_rn(v[2], v[3]);
    uint2 t;
    memcpy(&t.x, &lo, 4);
    memcpy(&t.y, &hi, 4);
    *reinterpret_cast<uint2*>(p) = t;
}

__device__ __forceinline__ void loadShared4(const float* p, float v[4])
{
    const float4 t = *reinterpret_cast<const float4*>(p);
    v[0] = t.x;
    v[1] = t.y;
    v[2] = t.z;
    v[3] = t.w;
}

__device__ __forceinline__ void loadShared4(const __nv_bfloat16* p, float v[4])
{
    const uint2 t = *reinterpret_cast<const uint2*>(p);
    __nv_bfloat162 lo, hi;
    memcpy(&lo, &t.x, 4);
    memcpy(&hi, &t.y, 4);
    const float2 a = __bfloat1622float2(lo), b = __bfloat1622float2(hi);
    v[0] = a.x;
    v[1] = a.y;
    v[2] = b.x;
    v[3] = b.y;
}

// A thread's 4 elements of a row (8 or 16 bytes) copied into its shared-memory slot asynchronously; one group
// committed per row, waited for with cpWait<rows still allowed in flight>. Before sm_80: a plain copy.
template <typename T> __device__ __forceinline__ void cpAsync4(T* dst, const T* src)
{
#if __CUDA_ARCH__ >= 800
    const unsigned d = unsigned(__cvta_generic_to_shared(dst));
    if constexpr (sizeof(T) == 4)
        asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(d), "l"(src));
    else
        asm volatile("cp.async.ca.shared.global [%0], [%1], 8;\n" ::"r"(d), "l"(src));
#else
    if constexpr (sizeof(T) == 4)
        *reinterpret_cast<float4*>(dst) = *reinterpret_cast<const float4*>(src);
    else
        *reinterpret_cast<uint2*>(dst) = *reinterpret_cast<const uint2*>(src);
#endif
}

__device__ __forceinline__ void cpCommit()
{
#if __CUDA_ARCH__ >= 800
    asm volatile("cp.async.commit_group;\n" ::);
#endif
}

template <int N> __device__ __forceinline__ void cpWait()
{
#if __CUDA_ARCH__ >= 800
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
#endif
}

__device__ __forceinline__ void prefetchL2(const void* p)
{
    asm volatile("prefetch.global.L2 [%0];\n" ::"l"(p));
}

// a / b correctly rounded, as IEEE division (and ATen's) gives it, from y = RN(1/b) computed once per group:
// q0 = RN(a y) is within an ulp of a / b, the fma residual is exact, and one correction step rounds correctly
// (Markstein's theorem). Three full-rate instructions instead of the division's sequence with its slow path.
__device__ __forceinline__ float divRn(float a, float b, float y)
{
    const float q0 = __fmul_rn(a, y);
    const float r = __fmaf_rn(-q0, b, a);
    return __fmaf_rn(r, y, q0);
}

// rintf (round half to even) with two full-rate adds; exact for |u| < 2^22, and larger |u| clamps the same.
__device__ __forceinline__ float roundEven(float u)
{
    constexpr float kMagic = 12582912.f; // 1.5 * 2^23
    return __fsub_rn(__fadd_rn(u, kMagic), kMagic);
}

// z of group gi: learned as a float and rounded (straight-through), or a frozen grid's integer.
__device__ __forceinline__ float zeroAt(const FqArgs& p, int64_t gi)
{
    return p.zq ? float(__ldg(p.zq + gi)) : rintf(__ldg(p.z + gi));
}

// s, z, m of one group (m = 1 without magnitudes).
struct GroupParams
{
    float s, z, m;
};

__device__ __forceinline__ GroupParams groupAt(const FqArgs& p, int64_t gi)
{
    return {__ldg(p.s + gi), zeroAt(p, gi), p.m ? __ldg(p.m + gi) : 1.f};
}

// The group's s, z, m of a row S rows ahead, into L2 (they are read one row ahead into registers).
__device__ __forceinline__ void prefetchGroup(const FqArgs& p, int64_t gi)
{
    prefetchL2(p.s + gi);
    if (p.zq)
        prefetchL2(p.zq + gi);
    else
        prefetchL2(p.z + gi);
    if (p.m) prefetchL2(p.m + gi);
}

// Multiprocessors and compute capability (major) of a device, read once (fused_quant.cu).
int smCount(int device);
int computeMajor(int device);

// A kernel's grid: perBlock is rows (row kernels) or 16-row tiles (tile kernels) per block.
struct Launch
{
    dim3 grid, block;
    int perBlock = 1;
};

// The two designs' launchers, instantiated in their files for W0T, OutT, GradT, DlatT in {float,
// __nv_bfloat16}.
template <typename W0T, typename OutT> void rowsForward(const FqArgs& a, OutT* out, uint8_t* codes);
template <typename W0T, typename GradT, typename DlatT> void rowsBackward(const FqArgs& a, const FqGrads& g);
// The tile kernels apply to a (and the choice allows them).
bool tilesApply(const FqArgs& a);
template <typename W0T, typename OutT> void tilesForward(const FqArgs& a, OutT* out, uint8_t* codes);
template <typename W0T, typename GradT, typename DlatT> void tilesBackward(const FqArgs& a, const FqGrads& g);
// The shapes of the LoRA gradients' partial sums the tile backward writes (FqGrads::dBparts, dAparts).
FqLoraParts tilesLoraParts(const FqArgs& a);

// Instantiates a design's launchers (in its own file) for every operand type fused_quant.cu dispatches on.
#define QAT_FQ_INSTANTIATE(FORWARD, BACKWARD)                                                                \
    template void FORWARD<float, float>(const FqArgs&, float*, uint8_t*);                                    \
    template void FORWARD<float, __nv_bfloat16>(const FqArgs&, __nv_bfloat16*, uint8_t*);                    \
    template void FORWARD<__nv_bfloat16, float>(const FqArgs&, float*, uint8_t*);                            \
    template void FORWARD<__nv_bfloat16, __nv_bfloat16>(const FqArgs&, __nv_bfloat16*, uint8_t*);            \
    template void BACKWARD<float, float, float>(const FqArgs&, const FqGrads&);                              \
    template void BACKWARD<float, float, __nv_bfloat16>(const FqArgs&, const FqGrads&);                      \
    template void BACKWARD<float, __nv_bfloat16, float>(const FqArgs&, const FqGrads&);                      \
    template void BACKWARD<float, __nv_bfloat16, __nv_bfloat16>(const FqArgs&, const FqGrads&);              \
    template void BACKWARD<__nv_bfloat16, float, float>(const FqArgs&, const FqGrads&);                      \
    template void BACKWARD<__nv_bfloat16, float, __nv_bfloat16>(const FqArgs&, const FqGrads&);              \
    template void BACKWARD<__nv_bfloat16, __nv_bfloat16, float>(const FqArgs&, const FqGrads&);              \
    template void BACKWARD<__nv_bfloat16, __nv_bfloat16, __nv_bfloat16>(const FqArgs&, const FqGrads&);

} // namespace qat::cuda::detail

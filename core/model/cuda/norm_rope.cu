// RMSNorm and the rotary embedding on CUDA (norm_rope.h). Replaces, per use, the 8-10 ATen kernels of
// transformers' op order (casts, pow, mean, add, rsqrt, broadcast products; cat, neg, two products and a sum
// over a transposed view), most of them strided and unvectorized: about 50 ms of a 7B DL-QAT step's 0.29 s
// on the H200 (docs/GPU.md, session 10).
//
// RMSNorm: a block per row; the row's sum of squares in float32 (each square rounded, as pow(2) rounds it),
// then r = rsqrt(sum * factor + eps) with ATen's mean factor, then the row again from L2. RoPE: a thread per
// pair (i, i + D/2) of one (b, h, t), so one thread reads both halves it needs; consecutive threads take
// consecutive i (coalesced along D).
#include "norm_rope.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace qat::cuda {

namespace {

void check(cudaError_t e, const char* what)
{
    if (e != cudaSuccess)
        throw std::runtime_error(std::string("RMSNorm/RoPE kernel: ") + what + ": " + cudaGetErrorString(e));
}

// Loads, stores and the rounding an ATen op of dtype T applies to its float32 result.
template <typename T> struct Elem;
template <> struct Elem<float>
{
    static __device__ __forceinline__ float load(const float* p, int64_t i) { return p[i]; }
    static __device__ __forceinline__ void store(float* p, int64_t i, float v) { p[i] = v; }
    static __device__ __forceinline__ float round(float v) { return v; }
};
template <> struct Elem<__nv_bfloat16>
{
    static __device__ __forceinline__ float load(const __nv_bfloat16* p, int64_t i) { return __bfloat162float(p[i]); }
    static __device__ __forceinline__ void store(__nv_bfloat16* p, int64_t i, float v)
    {
        p[i] = __float2bfloat16_rn(v);
    }
    static __device__ __forceinline__ float round(float v) { return __bfloat162float(__float2bfloat16_rn(v)); }
};
template <> struct Elem<__half>
{
    static __device__ __forceinline__ float load(const __half* p, int64_t i) { return __half2float(p[i]); }
    static __device__ __forceinline__ void store(__half* p, int64_t i, float v) { p[i] = __float2half_rn(v); }
    static __device__ __forceinline__ float round(float v) { return __half2float(__float2half_rn(v)); }
};

// An ATen product or sum in dtype T: float32 math, one rounding, never contracted into an FMA.
template <typename T> __device__ __forceinline__ float mulT(float a, float b)
{
    return Elem<T>::round(__fmul_rn(a, b));
}
template <typename T> __device__ __forceinline__ float addT(float a, float b)
{
    return Elem<T>::round(__fadd_rn(a, b));
}

// The sum of v over the block (every thread gets it). blockDim.x is a multiple of 32, at most 1024.
__device__ float blockSum(float v)
{
    __shared__ float part[32];
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    const int lane = int(threadIdx.x) & 31, warp = int(threadIdx.x) >> 5;
    if (lane == 0) part[warp] = v;
    __syncthreads();
    v = lane < int(blockDim.x >> 5) ? part[lane] : 0.f;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    __syncthreads(); // part may be reused by the next call
    return v;
}

template <typename T>
__global__ void rmsNormForwardKernel(const T* x, const T* w, T* y, float* r, int64_t cols, float factor,
                                     float eps)
{
    using E = Elem<T>;
    const int64_t row = blockIdx.x;
    const T* xr = x + row * cols;
    T* yr = y + row * cols;
    float acc = 0.f;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
        const float v = E::load(xr, j);
        acc = __fadd_rn(acc, __fmul_rn(v, v));
    }
    const float rr = rsqrtf(__fadd_rn(__fmul_rn(blockSum(acc), factor), eps));
    if (r && threadIdx.x == 0) r[row] = rr;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x)
        E::store(yr, j, __fmul_rn(E::load(w, j), E::round(__fmul_rn(E::load(xr, j), rr))));
}

// y = w dtype(x r): the gradient reaching x r is a = dtype(g w) (the product's backward rounds it), and
// dx = a r + x (2 / cols) d(mean), d(mean) = -r^3 / 2 sum(a x).
template <typename T>
__global__ void rmsNormBackwardKernel(const T* g, const T* x, const T* w, const float* r, T* dx, int64_t cols)
{
    using E = Elem<T>;
    const int64_t row = blockIdx.x;
    const T *gr = g + row * cols, *xr = x + row * cols;
    T* dr = dx + row * cols;
    float dot = 0.f;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x)
        dot += mulT<T>(E::load(gr, j), E::load(w, j)) * E::load(xr, j);
    const float rr = r[row];
    const float coef = -0.5f * blockSum(dot) * rr * rr * rr * 2.f / float(cols);
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
        const float a = mulT<T>(E::load(gr, j), E::load(w, j));
        E::store(dr, j, a * rr + coef * E::load(xr, j));
    }
}

__device__ __forceinline__ int64_t ropeOffset(const RopeView& v, int64_t b, int64_t h, int64_t t)
{
    return b * v.strideB + h * v.strideH + t * v.strideT;
}

// A pair (i, i + D/2) of one row (b, h, t) per thread; returns false past the end.
__device__ __forceinline__ bool ropePair(const RopeView& v, int64_t& b, int64_t& h, int64_t& t, int64_t& i)
{
    const int64_t half = v.dim / 2;
    int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (n >= v.batch * v.heads * v.length * half) return false;
    i = n % half;
    n /= half;
    t = n % v.length;
    n /= v.length;
    h = n % v.heads;
    b = n / v.heads;
    return true;
}

// y[i] = x[i] c[i] - x[i+h] s[i], y[i+h] = x[i+h] c[i+h] + x[i] s[i+h], each product and the sum rounded.
template <typename T>
__global__ void ropeForwardKernel(const T* x, RopeView in, const T* cs, const T* sn, T* y, RopeView out)
{
    using E = Elem<T>;
    int64_t b, h, t, i;
    if (!ropePair(in, b, h, t, i)) return;
    const int64_t half = in.dim / 2, tab = t * in.dim;
    const T* xr = x + ropeOffset(in, b, h, t);
    T* yr = y + ropeOffset(out, b, h, t);
    const float lo = E::load(xr, i), hi = E::load(xr, i + half);
    E::store(yr, i, __fadd_rn(mulT<T>(lo, E::load(cs, tab + i)), mulT<T>(-hi, E::load(sn, tab + i))));
    E::store(yr, i + half,
             __fadd_rn(mulT<T>(hi, E::load(cs, tab + i + half)), mulT<T>(lo, E::load(sn, tab + i + half))));
}

// dx[i] = g[i] c[i] + g[i+h] s[i+h], dx[i+h] = g[i+h] c[i+h] - g[i] s[i]: autograd's sum of the product's
// gradient and rotate_half's (cat, neg and slices move g s without rounding), each term rounded.
template <typename T>
__global__ void ropeBackwardKernel(const T* g, RopeView in, const T* cs, const T* sn, T* dx, RopeView out)
{
    using E = Elem<T>;
    int64_t b, h, t, i;
    if (!ropePair(in, b, h, t, i)) return;
    const int64_t half = in.dim / 2, tab = t * in.dim;
    const T* gr = g + ropeOffset(in, b, h, t);
    T* dr = dx + ropeOffset(out, b, h, t);
    const float lo = E::load(gr, i), hi = E::load(gr, i + half);
    E::store(dr, i, __fadd_rn(mulT<T>(lo, E::load(cs, tab + i)), mulT<T>(hi, E::load(sn, tab + i + half))));
    E::store(dr, i + half,
             __fadd_rn(mulT<T>(hi, E::load(cs, tab + i + half)), -mulT<T>(lo, E::load(sn, tab + i))));
}

int normThreads(int64_t cols)
{
    const int64_t warps = (cols / 8 + 31) / 32; // about 8 columns a thread, up to 256 threads
    return int(32 * (warps < 1 ? 1 : warps > 8 ? 8 : warps));
}

constexpr int kRopeThreads = 256;

unsigned ropeBlocks(const RopeView& v)
{
    return unsigned((v.batch * v.heads * v.length * (v.dim / 2) + kRopeThreads - 1) / kRopeThreads);
}

template <typename F> void dispatch(NrType type, F&& f)
{
    switch (type) {
    case NrType::Float32: f(float{}); break;
    case NrType::BFloat16: f(__nv_bfloat16{}); break;
    case NrType::Float16: f(__half{}); break;
    }
}

} // namespace

void nrRmsNormForward(const void* x, const void* w, void* y, float* r, int64_t rows, int64_t cols, float eps,
                      NrType type, void* stream)
{
    if (rows == 0) return;
    // ATen's mean multiplies the sum by outputs / inputs, both as float32.
    const float factor = float(rows) / float(rows * cols);
    dispatch(type, [&](auto tag) {
        using T = decltype(tag);
        rmsNormForwardKernel<T><<<unsigned(rows), normThreads(cols), 0, static_cast<cudaStream_t>(stream)>>>(
            static_cast<const T*>(x), static_cast<const T*>(w), static_cast<T*>(y), r, cols, factor, eps);
    });
    check(cudaGetLastError(), "RMSNorm forward launch");
}

void nrRmsNormBackward(const void* g, const void* x, const void* w, const float* r, void* dx, int64_t rows,
                       int64_t cols, NrType type, void* stream)
{
    if (rows == 0) return;
    dispatch(type, [&](auto tag) {
        using T = decltype(tag);
        rmsNormBackwardKernel<T><<<unsigned(rows), normThreads(cols), 0, static_cast<cudaStream_t>(stream)>>>(
            static_cast<const T*>(g), static_cast<const T*>(x), static_cast<const T*>(w), r,
            static_cast<T*>(dx), cols);
    });
    check(cudaGetLastError(), "RMSNorm backward launch");
}

void nrRopeForward(const void* x, const RopeView& in, const void* cos, const void* sin, void* y,
                   const RopeView& out, NrType type, void* stream)
{
    if (ropeBlocks(in) == 0) return;
    dispatch(type, [&](auto tag) {
        using T = decltype(tag);
        ropeForwardKernel<T><<<ropeBlocks(in), kRopeThreads, 0, static_cast<cudaStream_t>(stream)>>>(
            static_cast<const T*>(x), in, static_cast<const T*>(cos), static_cast<const T*>(sin),
            static_cast<T*>(y), out);
    });
    check(cudaGetLastError(), "RoPE forward launch");
}

void nrRopeBackward(const void* g, const RopeView& in, const void* cos, const void* sin, void* dx,
                    const RopeView& out, NrType type, void* stream)
{
    if (ropeBlocks(in) == 0) return;
    dispatch(type, [&](auto tag) {
        using T = decltype(tag);
        ropeBackwardKernel<T><<<ropeBlocks(in), kRopeThreads, 0, static_cast<cudaStream_t>(stream)>>>(
            static_cast<const T*>(g), in, static_cast<const T*>(cos), static_cast<const T*>(sin),
            static_cast<T*>(dx), out);
    });
    check(cudaGetLastError(), "RoPE backward launch");
}

} // namespace qat::cuda

// RMSNorm, the rotary embedding and SwiGLU on CUDA (norm_rope.h). Replaces, per use, the 8-10 ATen kernels of
// transformers' op order (casts, pow, mean, add, rsqrt, broadcast products; cat, neg, two products and a sum
// over a transposed view), most of them strided and unvectorized: about 50 ms of a 7B DL-QAT step's 0.29 s
// on the H200 (docs/GPU-LOG.md, session 10).
//
// RMSNorm: a block per row; the row's sum of squares in float32 (each square rounded, as pow(2) rounds it),
// then r = rsqrt(sum * factor + eps) with ATen's mean factor, then the row again from L1/L2. RoPE: a thread
// per run of pairs (i, i + D/2) of one (b, h, t), so one thread reads both halves it needs. Both move 16
// bytes per access where the rows (and strides) allow, else one element. SwiGLU: a thread per 16 bytes (or
// element) of the MLP's gate and up projections, silu(g) u forward, both gradients backward, from g and u
// alone (the ATen ops keep silu(g) as well, a third tensor of the MLP's width per block).
#include "norm_rope.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace qat::cuda {

namespace {

void check(cudaError_t e, const char* what)
{
    if (e != cudaSuccess)
        throw std::runtime_error(std::string("RMSNorm/RoPE kernel: ") + what + ": " + cudaGetErrorString(e));
}

// Conversions and the rounding an ATen op of dtype T applies to its float32 result.
template <typename T> struct Elem;
template <> struct Elem<float>
{
    static __device__ __forceinline__ float f(float v) { return v; }
    static __device__ __forceinline__ float t(float v) { return v; }
};
template <> struct Elem<__nv_bfloat16>
{
    static __device__ __forceinline__ float f(__nv_bfloat16 v) { return __bfloat162float(v); }
    static __device__ __forceinline__ __nv_bfloat16 t(float v) { return __float2bfloat16_rn(v); }
};
template <> struct Elem<__half>
{
    static __device__ __forceinline__ float f(__half v) { return __half2float(v); }
    static __device__ __forceinline__ __half t(float v) { return __float2half_rn(v); }
};

template <typename T> __device__ __forceinline__ float roundT(float v)
{
    return Elem<T>::f(Elem<T>::t(v));
}

// An ATen product in dtype T: float32 math, one rounding, never contracted into an FMA.
template <typename T> __device__ __forceinline__ float mulT(float a, float b)
{
    return roundT<T>(__fmul_rn(a, b));
}

// V consecutive elements as float32: V = 1, or 16 bytes at a time (V = 16 / sizeof(T), p 16-byte aligned).
template <typename T, int V> __device__ __forceinline__ void load(const T* p, float (&v)[V])
{
    if constexpr (V == 1) {
        v[0] = Elem<T>::f(p[0]);
    } else {
        static_assert(V * sizeof(T) == 16, "a vector is 16 bytes");
        const uint4 raw = __ldg(reinterpret_cast<const uint4*>(p));
        T e[V];
        memcpy(e, &raw, 16);
#pragma unroll
        for (int k = 0; k < V; ++k)
            v[k] = Elem<T>::f(e[k]);
    }
}

template <typename T, int V> __device__ __forceinline__ void store(T* p, const float (&v)[V])
{
    if constexpr (V == 1) {
        p[0] = Elem<T>::t(v[0]);
    } else {
        T e[V];
#pragma unroll
        for (int k = 0; k < V; ++k)
            e[k] = Elem<T>::t(v[k]);
        uint4 raw;
        memcpy(&raw, e, 16);
        *reinterpret_cast<uint4*>(p) = raw;
    }
}

// The sum of v over the block (every thread gets it). blockDim.x is a multiple of 32, at most 1024.
__device__ float blockSum(float v)
{
    __shared__ float part[32];
    for (int o = 16; o > 0; o >>= 1)
        v += __shfl_xor_sync(0xffffffffu, v, o);
    const int lane = int(threadIdx.x) & 31, warp = int(threadIdx.x) >> 5;
    if (lane == 0) part[warp] = v;
    __syncthreads();
    v = lane < int(blockDim.x >> 5) ? part[lane] : 0.f;
    for (int o = 16; o > 0; o >>= 1)
        v += __shfl_xor_sync(0xffffffffu, v, o);
    __syncthreads(); // part may be reused by the next call
    return v;
}

// A block per row, V columns a thread at a time.
template <typename T, int V>
__global__ void rmsNormForwardKernel(const T* x, const T* w, T* y, float* r, int64_t cols, float factor,
                                     float eps)
{
    const int64_t row = blockIdx.x;
    const T* xr = x + row * cols;
    T* yr = y + row * cols;
    float acc = 0.f;
    for (int64_t j = int64_t(threadIdx.x) * V; j < cols; j += int64_t(blockDim.x) * V) {
        float v[V];
        load<T, V>(xr + j, v);
#pragma unroll
        for (int k = 0; k < V; ++k)
            acc = __fadd_rn(acc, __fmul_rn(v[k], v[k]));
    }
    const float rr = rsqrtf(__fadd_rn(__fmul_rn(blockSum(acc), factor), eps));
    if (r && threadIdx.x == 0) r[row] = rr;
    for (int64_t j = int64_t(threadIdx.x) * V; j < cols; j += int64_t(blockDim.x) * V) {
        float v[V], wv[V];
        load<T, V>(xr + j, v);
        load<T, V>(w + j, wv);
#pragma unroll
        for (int k = 0; k < V; ++k)
            v[k] = __fmul_rn(wv[k], roundT<T>(__fmul_rn(v[k], rr)));
        store<T, V>(yr + j, v);
    }
}

// A thread's V columns of one row for the backward: a = dtype(g w), the gradient reaching x r (the product's
// backward rounds it), and x.
template <typename T, int V>
__device__ __forceinline__ void loadBackward(const T* g, const T* w, const T* x, float (&a)[V],
                                             float (&xv)[V])
{
    float wv[V];
    load<T, V>(g, a);
    load<T, V>(w, wv);
    load<T, V>(x, xv);
#pragma unroll
    for (int k = 0; k < V; ++k)
        a[k] = mulT<T>(a[k], wv[k]);
}

// y = w dtype(x r), r = (mean(x^2) + eps)^-1/2: dx = a r + x (2 / cols) d(mean) with d(mean) = -r^3 / 2 sum(a
// x), i.e. dx = a r - x r^3 sum(a x) / cols.
template <typename T, int V>
__global__ void rmsNormBackwardKernel(const T* g, const T* x, const T* w, const float* r, T* dx, int64_t cols)
{
    const int64_t row = blockIdx.x;
    const T *gr = g + row * cols, *xr = x + row * cols;
    T* dr = dx + row * cols;
    float dot = 0.f;
    for (int64_t j = int64_t(threadIdx.x) * V; j < cols; j += int64_t(blockDim.x) * V) {
        float a[V], xv[V];
        loadBackward<T, V>(gr + j, w + j, xr + j, a, xv);
#pragma unroll
        for (int k = 0; k < V; ++k)
            dot += a[k] * xv[k];
    }
    const float rr = r[row];
    const float coef = -blockSum(dot) * rr * rr * rr / float(cols);
    for (int64_t j = int64_t(threadIdx.x) * V; j < cols; j += int64_t(blockDim.x) * V) {
        float a[V], xv[V];
        loadBackward<T, V>(gr + j, w + j, xr + j, a, xv);
#pragma unroll
        for (int k = 0; k < V; ++k)
            a[k] = a[k] * rr + coef * xv[k];
        store<T, V>(dr + j, a);
    }
}

// The V pairs (i .. i+V-1, i+D/2 .. i+D/2+V-1) of one row (b, h, t) a thread owns; false past the end.
template <int V> struct RopeSpot
{
    int64_t in = 0, out = 0, table = 0, i = 0;

    __device__ __forceinline__ bool find(const RopeView& a, const RopeView& o)
    {
        const int64_t chunks = a.dim / 2 / V;
        int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
        if (n >= a.batch * a.heads * a.length * chunks) return false;
        i = n % chunks * V;
        n /= chunks;
        const int64_t t = n % a.length;
        n /= a.length;
        const int64_t h = n % a.heads, b = n / a.heads;
        in = b * a.strideB + h * a.strideH + t * a.strideT;
        out = b * o.strideB + h * o.strideH + t * o.strideT;
        table = t * a.dim;
        return true;
    }
};

// Forward: y[i] = x[i] c[i] - x[i+h] s[i], y[i+h] = x[i+h] c[i+h] + x[i] s[i+h]. Backward (x is then the
// gradient g of y, y the gradient of x): dx[i] = g[i] c[i] + g[i+h] s[i+h], dx[i+h] = g[i+h] c[i+h] - g[i]
// s[i], autograd's sum of the product's gradient and rotate_half's (cat, neg and slices move g s without
// rounding). Each product and each sum rounded.
template <typename T, int V, bool Backward>
__global__ void ropeKernel(const T* x, RopeView in, const T* cs, const T* sn, T* y, RopeView out)
{
    RopeSpot<V> p;
    if (!p.find(in, out)) return;
    const int64_t half = in.dim / 2;
    float lo[V], hi[V], cl[V], ch[V], sl[V], sh[V];
    load<T, V>(x + p.in + p.i, lo);
    load<T, V>(x + p.in + p.i + half, hi);
    load<T, V>(cs + p.table + p.i, cl);
    load<T, V>(cs + p.table + p.i + half, ch);
    load<T, V>(sn + p.table + p.i, sl);
    load<T, V>(sn + p.table + p.i + half, sh);
    float a[V], b[V];
#pragma unroll
    for (int k = 0; k < V; ++k) {
        if constexpr (Backward) {
            a[k] = __fadd_rn(mulT<T>(lo[k], cl[k]), mulT<T>(hi[k], sh[k]));
            b[k] = __fadd_rn(mulT<T>(hi[k], ch[k]), -mulT<T>(lo[k], sl[k]));
        } else {
            a[k] = __fadd_rn(mulT<T>(lo[k], cl[k]), mulT<T>(-hi[k], sl[k]));
            b[k] = __fadd_rn(mulT<T>(hi[k], ch[k]), mulT<T>(lo[k], sh[k]));
        }
    }
    store<T, V>(y + p.out + p.i, a);
    store<T, V>(y + p.out + p.i + half, b);
}

// ATen's silu in float32: x / (1 + exp(-x)), then rounded to T as its output is.
template <typename T> __device__ __forceinline__ float siluT(float x)
{
    return roundT<T>(x / (1.f + expf(-x)));
}

// y = silu(g) u: ATen's silu, then its product.
template <typename T, int V> __global__ void swiGluForwardKernel(const T* g, const T* u, T* y, int64_t n)
{
    const int64_t i = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) * V;
    if (i >= n) return;
    float gv[V], uv[V];
    load<T, V>(g + i, gv);
    load<T, V>(u + i, uv);
#pragma unroll
    for (int k = 0; k < V; ++k)
        gv[k] = mulT<T>(siluT<T>(gv[k]), uv[k]);
    store<T, V>(y + i, gv);
}

// The gradients autograd takes through silu(g) * u: du = dtype(dy silu(g)); dg = silu_backward(dtype(dy u),
// g), ATen's dy s (1 + x (1 - s)) with s = sigmoid(x), in its expression order. dg or du may be null (not
// needed).
template <typename T, int V>
__global__ void swiGluBackwardKernel(const T* dy, const T* g, const T* u, T* dg, T* du, int64_t n)
{
    const int64_t i = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) * V;
    if (i >= n) return;
    float d[V], gv[V], uv[V], a[V], b[V];
    load<T, V>(dy + i, d);
    load<T, V>(g + i, gv);
    load<T, V>(u + i, uv);
#pragma unroll
    for (int k = 0; k < V; ++k) {
        const float x = gv[k];
        const float sig = 1.f / (1.f + expf(-x));
        const float ds = mulT<T>(d[k], uv[k]);
        a[k] = ds * sig * (1.f + x * (1.f - sig));
        b[k] = mulT<T>(d[k], siluT<T>(x));
    }
    if (dg) store<T, V>(dg + i, a);
    if (du) store<T, V>(du + i, b);
}

bool aligned16(const void* p)
{
    return reinterpret_cast<uintptr_t>(p) % 16 == 0;
}

// Columns a thread takes at a time: 16 bytes where every row start is 16-byte aligned, else 1.
template <typename T> int normVector(const void* a, const void* b, const void* c, const void* d, int64_t cols)
{
    constexpr int v = 16 / sizeof(T);
    return cols % v == 0 && aligned16(a) && aligned16(b) && aligned16(c) && (!d || aligned16(d)) ? v : 1;
}

// About two vectors a thread, 1 to 8 warps.
int normThreads(int64_t cols, int vec)
{
    const int64_t warps = (cols / vec + 63) / 64;
    return int(32 * (warps < 1 ? 1 : warps > 8 ? 8 : warps));
}

template <typename T>
int ropeVector(const void* x, const RopeView& in, const void* y, const RopeView& out, const void* cs,
               const void* sn)
{
    constexpr int v = 16 / sizeof(T);
    const bool ok = in.dim % (2 * v) == 0 && aligned16(x) && aligned16(y) && aligned16(cs) && aligned16(sn) &&
                    in.strideB % v == 0 && in.strideH % v == 0 && in.strideT % v == 0 &&
                    out.strideB % v == 0 && out.strideH % v == 0 && out.strideT % v == 0;
    return ok ? v : 1;
}

constexpr int kRopeThreads = 256;

unsigned ropeBlocks(const RopeView& v, int vec)
{
    return unsigned((v.batch * v.heads * v.length * (v.dim / 2 / vec) + kRopeThreads - 1) / kRopeThreads);
}

template <typename F> void dispatch(NrType type, F&& f)
{
    switch (type) {
    case NrType::Float32:
        f(float{});
        break;
    case NrType::BFloat16:
        f(__nv_bfloat16{});
        break;
    case NrType::Float16:
        f(__half{});
        break;
    }
}

} // namespace

void nrRmsNormForward(const void* x, const void* w, void* y, float* r, int64_t rows, int64_t cols, float eps,
                      NrType type, void* stream)
{
    if (rows == 0 || cols == 0) return;
    // ATen's mean multiplies the sum by outputs / inputs, both as float32.
    const float factor = float(rows) / float(rows * cols);
    const auto st = static_cast<cudaStream_t>(stream);
    dispatch(type, [&](auto tag) {
        using T = decltype(tag);
        const T *xt = static_cast<const T*>(x), *wt = static_cast<const T*>(w);
        T* yt = static_cast<T*>(y);
        constexpr int v = 16 / sizeof(T);
        const int vec = normVector<T>(x, w, y, nullptr, cols);
        if (vec == v)
            rmsNormForwardKernel<T, v>
                <<<unsigned(rows), normThreads(cols, v), 0, st>>>(xt, wt, yt, r, cols, factor, eps);
        else
            rmsNormForwardKernel<T, 1>
                <<<unsigned(rows), normThreads(cols, 1), 0, st>>>(xt, wt, yt, r, cols, factor, eps);
    });
    check(cudaGetLastError(), "RMSNorm forward launch");
}

void nrRmsNormBackward(const void* g, const void* x, const void* w, const float* r, void* dx, int64_t rows,
                       int64_t cols, NrType type, void* stream)
{
    if (rows == 0 || cols == 0) return;
    const auto st = static_cast<cudaStream_t>(stream);
    dispatch(type, [&](auto tag) {
        using T = decltype(tag);
        const T *gt = static_cast<const T*>(g), *xt = static_cast<const T*>(x),
                *wt = static_cast<const T*>(w);
        T* dt = static_cast<T*>(dx);
        constexpr int v = 16 / sizeof(T);
        if (normVector<T>(g, x, w, dx, cols) == v)
            rmsNormBackwardKernel<T, v>
                <<<unsigned(rows), normThreads(cols, v), 0, st>>>(gt, xt, wt, r, dt, cols);
        else
            rmsNormBackwardKernel<T, 1>
                <<<unsigned(rows), normThreads(cols, 1), 0, st>>>(gt, xt, wt, r, dt, cols);
    });
    check(cudaGetLastError(), "RMSNorm backward launch");
}

namespace {

template <bool Backward>
void rope(const void* x, const RopeView& in, const void* cos, const void* sin, void* y, const RopeView& out,
          NrType type, void* stream)
{
    if (in.batch * in.heads * in.length * in.dim == 0) return;
    const auto st = static_cast<cudaStream_t>(stream);
    dispatch(type, [&](auto tag) {
        using T = decltype(tag);
        const T *xt = static_cast<const T*>(x), *ct = static_cast<const T*>(cos),
                *stab = static_cast<const T*>(sin);
        T* yt = static_cast<T*>(y);
        constexpr int v = 16 / sizeof(T);
        const int vec = ropeVector<T>(x, in, y, out, cos, sin);
        const unsigned blocks = ropeBlocks(in, vec);
        if (vec == v)
            ropeKernel<T, v, Backward><<<blocks, kRopeThreads, 0, st>>>(xt, in, ct, stab, yt, out);
        else
            ropeKernel<T, 1, Backward><<<blocks, kRopeThreads, 0, st>>>(xt, in, ct, stab, yt, out);
    });
    check(cudaGetLastError(), Backward ? "RoPE backward launch" : "RoPE forward launch");
}

} // namespace

void nrRopeForward(const void* x, const RopeView& in, const void* cos, const void* sin, void* y,
                   const RopeView& out, NrType type, void* stream)
{
    rope<false>(x, in, cos, sin, y, out, type, stream);
}

void nrRopeBackward(const void* g, const RopeView& in, const void* cos, const void* sin, void* dx,
                    const RopeView& out, NrType type, void* stream)
{
    rope<true>(g, in, cos, sin, dx, out, type, stream);
}

namespace {

constexpr int kSwiGluThreads = 256;

// 16 bytes a thread where every pointer is 16-byte aligned and n a multiple of the vector, else one element.
template <typename T, typename K1, typename KV>
void swiGlu(int64_t n, std::initializer_list<const void*> ptrs, cudaStream_t st, K1&& scalar, KV&& vector)
{
    constexpr int v = 16 / sizeof(T);
    bool vec = n % v == 0;
    for (const void* p : ptrs)
        vec = vec && (!p || aligned16(p));
    const int64_t threads = vec ? n / v : n;
    const unsigned blocks = unsigned((threads + kSwiGluThreads - 1) / kSwiGluThreads);
    if (vec)
        vector(blocks, kSwiGluThreads, st);
    else
        scalar(blocks, kSwiGluThreads, st);
}

} // namespace

void nrSwiGluForward(const void* g, const void* u, void* y, int64_t n, NrType type, void* stream)
{
    if (n == 0) return;
    const auto st = static_cast<cudaStream_t>(stream);
    dispatch(type, [&](auto tag) {
        using T = decltype(tag);
        constexpr int v = 16 / sizeof(T);
        const T *gt = static_cast<const T*>(g), *ut = static_cast<const T*>(u);
        T* yt = static_cast<T*>(y);
        swiGlu<T>(
            n, {g, u, y}, st,
            [&](unsigned b, int t, cudaStream_t s) {
                swiGluForwardKernel<T, 1><<<b, t, 0, s>>>(gt, ut, yt, n);
            },
            [&](unsigned b, int t, cudaStream_t s) {
                swiGluForwardKernel<T, v><<<b, t, 0, s>>>(gt, ut, yt, n);
            });
    });
    check(cudaGetLastError(), "SwiGLU forward launch");
}

void nrSwiGluBackward(const void* dy, const void* g, const void* u, void* dg, void* du, int64_t n,
                      NrType type, void* stream)
{
    if (n == 0 || (!dg && !du)) return;
    const auto st = static_cast<cudaStream_t>(stream);
    dispatch(type, [&](auto tag) {
        using T = decltype(tag);
        constexpr int v = 16 / sizeof(T);
        const T *dt = static_cast<const T*>(dy), *gt = static_cast<const T*>(g),
                *ut = static_cast<const T*>(u);
        T *dgt = static_cast<T*>(dg), *dut = static_cast<T*>(du);
        swiGlu<T>(
            n, {dy, g, u, dg, du}, st,
            [&](unsigned b, int t, cudaStream_t s) {
                swiGluBackwardKernel<T, 1><<<b, t, 0, s>>>(dt, gt, ut, dgt, dut, n);
            },
            [&](unsigned b, int t, cudaStream_t s) {
                swiGluBackwardKernel<T, v><<<b, t, 0, s>>>(dt, gt, ut, dgt, dut, n);
            });
    });
    check(cudaGetLastError(), "SwiGLU backward launch");
}

} // namespace qat::cuda

// The fused quantizer's kernels (see fused_quant.h for the formula and the layout), in two designs: the tile
// kernels further down (the LoRA product on tensor cores; taken wherever they apply) and the row kernels here.
//
// Row kernels' work split: a thread owns 4 consecutive columns (one 8- or 16-byte load of W0) and loops over a
// block's range of rows. With a compile-time LoRA rank R its 4 columns of A stay in registers for the whole
// range, so the LoRA product costs R FMAs per element and no extra memory traffic; B's row is a warp-wide
// broadcast load. Per-group reductions (backward) are segmented warp shuffles keyed by the group index, then one atomic
// per group segment per warp.
//
// The rows stream through shared memory: each thread keeps the next several rows of its columns (W0, and the
// incoming gradient in backward) in flight with asynchronous copies (cp.async), which hold no registers. The
// first versions loaded a few rows into registers and then computed; with A's registers that left 8 warps per
// multiprocessor and too few bytes in flight to cover HBM's latency (a quarter of the copy bandwidth).
#include "fused_quant.h"

#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace qat::cuda {

namespace {

constexpr int kThreads = 256;
constexpr unsigned kFull = 0xffffffffu;

void check(cudaError_t e, const char* what)
{
    if (e != cudaSuccess)
        throw std::runtime_error(std::string("fused quantizer: ") + what + ": " + cudaGetErrorString(e));
}

void checkBlas(cublasStatus_t e, const char* what)
{
    if (e != CUBLAS_STATUS_SUCCESS)
        throw std::runtime_error(std::string("fused quantizer: ") + what + ": cuBLAS status " +
                                 std::to_string(int(e)));
}

__device__ __forceinline__ void load4(const float* p, float v[4])
{
    const float4 t = __ldg(reinterpret_cast<const float4*>(p));
    v[0] = t.x;
    v[1] = t.y;
    v[2] = t.z;
    v[3] = t.w;
}

__device__ __forceinline__ void load4(const __nv_bfloat16* p, float v[4])
{
    const uint2 t = __ldg(reinterpret_cast<const uint2*>(p));
    __nv_bfloat162 lo, hi;
    memcpy(&lo, &t.x, 4);
    memcpy(&hi, &t.y, 4);
    const float2 a = __bfloat1622float2(lo), b = __bfloat1622float2(hi);
    v[0] = a.x;
    v[1] = a.y;
    v[2] = b.x;
    v[3] = b.y;
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

// latent[v] += c * sum_k B[o, k] A[k, c0 + v]. R > 0: rank known at compile time, A's columns in registers;
// R == 0: no LoRA; R < 0: any rank, A read per row (through L1).
template <int R> struct Lora
{
    float a[R][4];
    __device__ void init(const FqArgs& p, int64_t c0)
    {
#pragma unroll
        for (int k = 0; k < R; ++k)
            load4(p.A + int64_t(k) * p.cols + c0, a[k]);
    }
    __device__ void add(const FqArgs& p, int64_t o, float w[4]) const
    {
        const float4* b = reinterpret_cast<const float4*>(p.B + o * R);
        float acc[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
        for (int k = 0; k < R; k += 4) {
            const float4 bb = __ldg(b + k / 4);
            const float bk[4] = {bb.x, bb.y, bb.z, bb.w};
#pragma unroll
            for (int j = 0; j < 4; ++j)
#pragma unroll
                for (int v = 0; v < 4; ++v)
                    acc[v] = fmaf(bk[j], a[k + j][v], acc[v]);
        }
#pragma unroll
        for (int v = 0; v < 4; ++v)
            w[v] = __fadd_rn(w[v], __fmul_rn(acc[v], p.loraScale));
    }
};

template <> struct Lora<0>
{
    __device__ void init(const FqArgs&, int64_t) {}
    __device__ void add(const FqArgs&, int64_t, float*) const {}
};

template <> struct Lora<-1>
{
    int64_t c0 = 0;
    __device__ void init(const FqArgs&, int64_t col) { c0 = col; }
    __device__ void add(const FqArgs& p, int64_t o, float w[4]) const
    {
        float acc[4] = {0.f, 0.f, 0.f, 0.f};
        for (int k = 0; k < p.rank; ++k) {
            float av[4];
            load4(p.A + int64_t(k) * p.cols + c0, av);
            const float b = __ldg(p.B + o * p.rank + k);
#pragma unroll
            for (int v = 0; v < 4; ++v)
                acc[v] = fmaf(b, av[v], acc[v]);
        }
#pragma unroll
        for (int v = 0; v < 4; ++v)
            w[v] = __fadd_rn(w[v], __fmul_rn(acc[v], p.loraScale));
    }
};

// Rows in flight per thread. Forward: W0 alone (16 KB of shared memory per block in bf16, 32 KB in float32).
// Backward: W0 and the gradient, as many stages as fit in 40 KB. Two blocks per multiprocessor: the LoRA
// registers (4 R floats) bound the rest.
constexpr int kFwdStages = 8;
template <typename W0T, typename GradT> struct BwdStages
{
    static constexpr int fit = 40960 / (kThreads * 4 * int(sizeof(W0T) + sizeof(GradT)));
    static constexpr int value = fit < 8 ? fit : 8;
};

template <typename W0T, typename OutT, int R>
__global__ void __launch_bounds__(kThreads, 2)
    forwardKernel(const FqArgs p, OutT* __restrict__ out, uint8_t* __restrict__ codes, int rowsPerBlock)
{
    constexpr int S = kFwdStages;
    __shared__ __align__(16) W0T stage[S][kThreads * 4];
    const int64_t c0 = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) * 4;
    if (c0 >= p.cols) return; // no block-wide barrier below: each thread reads only its own slots
    const int64_t g = c0 / p.group;
    Lora<R> lora;
    lora.init(p, c0);
    const W0T* w0 = static_cast<const W0T*>(p.w0) + c0;
    const int slot = int(threadIdx.x) * 4;
    const int64_t r0 = int64_t(blockIdx.y) * rowsPerBlock;
    const int64_t r1 = min(r0 + rowsPerBlock, p.rows);
#pragma unroll
    for (int k = 0; k < S; ++k) {
        if (r0 + k < r1) {
            cpAsync4(&stage[k][slot], w0 + (r0 + k) * p.cols);
            prefetchGroup(p, (r0 + k) * p.groups + g);
        }
        cpCommit();
    }
    GroupParams next = groupAt(p, r0 * p.groups + g);
    for (int64_t o = r0, k = 0; o < r1; ++o, k = k + 1 == S ? 0 : k + 1) { // k: row o's stage
        const GroupParams gp = next;
        if (o + 1 < r1) next = groupAt(p, (o + 1) * p.groups + g);
        cpWait<S - 1>(); // row o has landed
        float w[4];
        loadShared4(&stage[k][slot], w);
        lora.add(p, o, w);
        const float rs = __frcp_rn(gp.s);
        float y[4], q[4];
#pragma unroll
        for (int v = 0; v < 4; ++v) {
            const float u = divRn(w[v], gp.s, rs);
            q[v] = fminf(fmaxf(__fadd_rn(roundEven(u), gp.z), 0.f), p.levels);
            y[v] = __fmul_rn(gp.s, __fsub_rn(q[v], gp.z));
            if (p.m) y[v] = __fmul_rn(y[v], gp.m);
        }
        const int64_t at = o * p.cols + c0;
        if (out) store4(out + at, y);
        if (codes)
            *reinterpret_cast<uchar4*>(codes + at) =
                make_uchar4(uint8_t(q[0]), uint8_t(q[1]), uint8_t(q[2]), uint8_t(q[3]));
        // The slot is free once its values were used above: refill it with row o + S.
        if (o + S < r1) {
            cpAsync4(&stage[k][slot], w0 + (o + S) * p.cols);
            prefetchGroup(p, (o + S) * p.groups + g);
        }
        cpCommit();
    }
}

template <typename W0T, typename GradT, typename DlatT, int R>
__global__ void __launch_bounds__(kThreads, 2)
    backwardKernel(const FqArgs p, const FqGrads gr, int rowsPerBlock)
{
    constexpr int S = BwdStages<W0T, GradT>::value;
    __shared__ __align__(16) W0T wStage[S][kThreads * 4];
    __shared__ __align__(16) GradT gStage[S][kThreads * 4];
    const int lane = int(threadIdx.x) & 31;
    const int64_t c0 = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) * 4;
    const bool active = c0 < p.cols;
    const int64_t g = active ? c0 / p.group : 0;
    Lora<R> lora;
    if (active) lora.init(p, c0);
    // Lanes with the same key hold columns of the same group (keys run in lane order); idle lanes get keys
    // of their own. merge[i]: the lane 2^i further down is in this lane's segment.
    const int key = active ? int(g) : -1 - lane;
    bool merge[5];
#pragma unroll
    for (int i = 0; i < 5; ++i) {
        const int other = __shfl_down_sync(kFull, key, 1 << i);
        merge[i] = lane + (1 << i) < 32 && other == key;
    }
    const int prev = __shfl_up_sync(kFull, key, 1);
    const bool head = active && (lane == 0 || prev != key);
    const bool reduce = gr.dm || gr.ds || gr.dz;

    const W0T* w0 = static_cast<const W0T*>(p.w0) + c0;
    const GradT* grad = static_cast<const GradT*>(gr.grad) + c0;
    DlatT* dlat = static_cast<DlatT*>(gr.dlat);
    const int slot = int(threadIdx.x) * 4;
    const int64_t r0 = int64_t(blockIdx.y) * rowsPerBlock;
    const int64_t r1 = min(r0 + rowsPerBlock, p.rows);
    auto issue = [&](int64_t k, int64_t o) {
        if (active && o < r1) {
            cpAsync4(&wStage[k][slot], w0 + o * p.cols);
            cpAsync4(&gStage[k][slot], grad + o * p.cols);
            prefetchGroup(p, o * p.groups + g);
        }
        cpCommit();
    };
#pragma unroll
    for (int k = 0; k < S; ++k)
        issue(k, r0 + k);
    GroupParams next = active ? groupAt(p, r0 * p.groups + g) : GroupParams{1.f, 0.f, 1.f};
    // The same rows for the whole block: the shuffles stay convergent.
    for (int64_t o = r0, k = 0; o < r1; ++o, k = k + 1 == S ? 0 : k + 1) { // k: row o's stage
        const GroupParams gp = next;
        if (active && o + 1 < r1) next = groupAt(p, (o + 1) * p.groups + g);
        cpWait<S - 1>();
        float pm = 0.f, ps = 0.f, pz = 0.f;
        if (active) {
            float w[4], dy[4];
            loadShared4(&wStage[k][slot], w);
            loadShared4(&gStage[k][slot], dy);
            lora.add(p, o, w);
            const float rs = __frcp_rn(gp.s);
            float dl[4];
#pragma unroll
            for (int v = 0; v < 4; ++v) {
                const float u = divRn(w[v], gp.s, rs);
                const float pre = __fadd_rn(roundEven(u), gp.z);
                const bool inside = pre >= 0.f && pre <= p.levels; // torch.clamp passes the bounds
                const float qz = __fsub_rn(fminf(fmaxf(pre, 0.f), p.levels), gp.z);
                pm = fmaf(dy[v], __fmul_rn(gp.s, qz), pm);
                const float dq = p.m ? __fmul_rn(dy[v], gp.m) : dy[v];
                ps = fmaf(dq, inside ? __fsub_rn(qz, u) : qz, ps);
                if (!inside) pz = fmaf(-dq, gp.s, pz);
                dl[v] = inside ? divRn(__fmul_rn(dq, gp.s), gp.s, rs) : 0.f;
            }
            if (dlat) store4(dlat + o * p.cols + c0, dl);
        }
        issue(k, o + S); // row o's slot, read above
        if (reduce) {
#pragma unroll
            for (int i = 0; i < 5; ++i) {
                const float om = __shfl_down_sync(kFull, pm, 1 << i);
                const float os = __shfl_down_sync(kFull, ps, 1 << i);
                const float oz = __shfl_down_sync(kFull, pz, 1 << i);
                if (merge[i]) {
                    pm += om;
                    ps += os;
                    pz += oz;
                }
            }
            if (head) {
                const int64_t gi = o * p.groups + g;
                if (gr.dm) atomicAdd(gr.dm + gi, pm);
                if (gr.ds) atomicAdd(gr.ds + gi, ps);
                if (gr.dz) atomicAdd(gr.dz + gi, pz);
            }
        }
    }
}

// ---- The tile kernels: the LoRA product on tensor cores ----
//
// The row kernels above spend a third of their instructions on c B A (R FMAs per element) and the rest mostly on
// per-row bookkeeping shared by only 4 columns; they issue instructions at their limit long before HBM is busy.
// Here a warp owns a strip of 64 columns and walks tiles of 16 rows down it. Per tile, B A over the 16 x 64 tile
// is eight mma.sync m16n8k16 per product term (bf16 operands, float32 accumulation, rank <= 16 zero-padded to
// 16). A float32 x is split into bf16 hi = bf16(x) and lo = bf16(x - hi), |x - hi - lo| <= 2^-17 |x|, and
// B A = Bhi Ahi + Bhi Alo + Blo Ahi to about 2^-16 of sum |B| |A| (the float32 FMA chain is an ulp from
// cuBLAS's sum too; test_quant_cuda's boundary rule covers both).
//
// The mma's output columns are permuted (the A fragment a lane loads names its column) so that each thread
// ends up owning whole 8-column chunks: thread (g = lane / 4, t = lane % 4) holds rows g and g + 8 of the tile
// at columns [8t, 8t + 8) and [32 + 8t, 32 + 8t + 8) of the strip, which it reads from W0 and writes back 16
// bytes at a time (a quad of lanes covers 64 contiguous bytes of a row). A chunk lies in one group (group % 8 ==
// 0), so s, z and m are read once per chunk and row, and the backward's per-group sums are a chunk's 8 values,
// then (groups of 32 columns or more) the quad's. Needs sm_80 or newer, rank 1..16, cols and group multiples
// of 8; the row kernels take everything else.
constexpr int kTileRows = 16, kStrip = 64, kTileWarps = 4, kTileThreads = 32 * kTileWarps;
// Blocks per multiprocessor (at most 128 registers per thread).
constexpr int kFwdTileBlocks = 4, kBwdTileBlocks = 4;

// 8 consecutive values of T held as raw registers (loaded ahead of their use), 16-byte aligned.
template <typename T> struct Chunk8;
template <> struct Chunk8<__nv_bfloat16>
{
    uint4 v;
    __device__ void load(const __nv_bfloat16* p) { v = __ldg(reinterpret_cast<const uint4*>(p)); }
    __device__ void get(float o[8]) const
    {
        const uint32_t w[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            __nv_bfloat162 h;
            memcpy(&h, &w[i], 4);
            const float2 f = __bfloat1622float2(h);
            o[2 * i] = f.x;
            o[2 * i + 1] = f.y;
        }
    }
};
template <> struct Chunk8<float>
{
    float4 a, b;
    __device__ void load(const float* p)
    {
        a = __ldg(reinterpret_cast<const float4*>(p));
        b = __ldg(reinterpret_cast<const float4*>(p) + 1);
    }
    __device__ void get(float o[8]) const
    {
        o[0] = a.x, o[1] = a.y, o[2] = a.z, o[3] = a.w, o[4] = b.x, o[5] = b.y, o[6] = b.z, o[7] = b.w;
    }
};

__device__ __forceinline__ void store8(float* p, const float v[8])
{
    store4(p, v);
    store4(p + 4, v + 4);
}

__device__ __forceinline__ void store8(__nv_bfloat16* p, const float v[8])
{
    uint32_t w[4];
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const __nv_bfloat162 h = __floats2bfloat162_rn(v[2 * i], v[2 * i + 1]);
        memcpy(&w[i], &h, 4);
    }
    // One 16-byte store (nvcc split the uint4 assignment into four 4-byte stores).
    asm volatile("st.global.v4.b32 [%0], {%1, %2, %3, %4};\n" ::"l"(p), "r"(w[0]), "r"(w[1]), "r"(w[2]), "r"(w[3])
                 : "memory");
}

__device__ __forceinline__ void storeCodes8(uint8_t* p, const float q[8])
{
    uint32_t w[2] = {0, 0};
#pragma unroll
    for (int i = 0; i < 8; ++i)
        w[i / 4] |= uint32_t(q[i]) << (8 * (i % 4));
    *reinterpret_cast<uint2*>(p) = make_uint2(w[0], w[1]);
}

// (x0, x1) as bf16 pairs hi and lo (low half: x0), x = hi + lo to 2^-17.
__device__ __forceinline__ void splitPair(float x0, float x1, uint32_t& hi, uint32_t& lo)
{
    const __nv_bfloat162 h = __floats2bfloat162_rn(x0, x1);
    const float2 hf = __bfloat1622float2(h);
    const __nv_bfloat162 l = __floats2bfloat162_rn(__fsub_rn(x0, hf.x), __fsub_rn(x1, hf.y));
    memcpy(&hi, &h, 4);
    memcpy(&lo, &l, 4);
}

// d += a b for one m16n8k16 tile (PTX ISA fragment layouts: a = 16 x 16 row-major, b = 16 x 8 column-major).
__device__ __forceinline__ void mma16816(float d[4], const uint32_t a[4], uint32_t b0, uint32_t b1)
{
#if __CUDA_ARCH__ >= 800
    asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#else
    __trap();
#endif
}

// B A of one tile, per thread, one chunk at a time. A's fragments for the strip's eight n-tiles (hi and lo) are
// loaded once per strip into the lane's own slots of shared memory (registers are what bounds occupancy here).
struct TileLora
{
    uint4* frag; // [8] for this lane: (hi b0, hi b1, lo b0, lo b1) of n-tile j, at frag[32 j]
    uint32_t ah[4], al[4]; // B's fragments of the current tile

    // Column of the strip that n-tile j's column n stands for (the permutation above).
    static __device__ int column(int j, int n) { return (j & 4) * 8 + 8 * (n >> 1) + 2 * (j & 3) + (n & 1); }

    __device__ void init(const FqArgs& p, uint4* warpSlots, int64_t strip, int lane)
    {
        const int g = lane >> 2, t = lane & 3;
        frag = warpSlots + lane;
#pragma unroll
        for (int j = 0; j < 8; ++j) {
            const int64_t c = strip + column(j, g);
            float v[4];
#pragma unroll
            for (int i = 0; i < 4; ++i) {
                const int k = 2 * t + (i & 1) + 8 * (i >> 1);
                v[i] = c < p.cols && k < p.rank ? __ldg(p.A + int64_t(k) * p.cols + c) : 0.f;
            }
            uint4 f;
            splitPair(v[0], v[1], f.x, f.z);
            splitPair(v[2], v[3], f.y, f.w);
            frag[32 * j] = f;
        }
    }

    // B at this lane's fragment positions of the tile at row0: b[2 i + e] is register i's element e (row
    // g + 8 (i & 1), k = 2 t + 8 (i >> 1) + e); zero past the rows and the rank.
    static __device__ void fetchRows(const FqArgs& p, int64_t row0, int g, int t, float b[8])
    {
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int64_t o = row0 + g + 8 * (i & 1);
            const int k = 2 * t + 8 * (i >> 1);
            const bool ok = o < p.rows;
            b[2 * i] = ok && k < p.rank ? __ldg(p.B + o * p.rank + k) : 0.f;
            b[2 * i + 1] = ok && k + 1 < p.rank ? __ldg(p.B + o * p.rank + k + 1) : 0.f;
        }
    }

    __device__ void setRows(const float b[8])
    {
#pragma unroll
        for (int i = 0; i < 4; ++i)
            splitPair(b[2 * i], b[2 * i + 1], ah[i], al[i]);
    }

    // lat[r][i]: B A at row g + 8 r, column 32 h + 8 t + i of the strip.
    __device__ void chunk(int h, float lat[2][8]) const
    {
#pragma unroll
        for (int jj = 0; jj < 4; ++jj) {
            const uint4 f = frag[32 * (4 * h + jj)];
            float d[4] = {0.f, 0.f, 0.f, 0.f};
            mma16816(d, al, f.x, f.y);
            mma16816(d, ah, f.z, f.w);
            mma16816(d, ah, f.x, f.y);
            // d[e + 2 r]: row g + 8 r, column 32 h + 8 t + 2 jj + e
#pragma unroll
            for (int r = 0; r < 2; ++r)
#pragma unroll
                for (int e = 0; e < 2; ++e)
                    lat[r][2 * jj + e] = d[e + 2 * r];
        }
    }
};

// The columns a thread owns in its strip, and their groups.
struct TileColumns
{
    int64_t col[2], group[2];
    bool ok[2];
    __device__ TileColumns(const FqArgs& p, int64_t strip, int t)
    {
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            col[h] = strip + 32 * h + 8 * t;
            ok[h] = col[h] < p.cols;
            group[h] = ok[h] ? col[h] / p.group : 0;
        }
    }
};

// What a tile reads from memory besides A, in two parts: its data (W0, and the incoming gradient when Grad) and
// its parameters (s z m of each chunk-row, B's rows). Fetched a tile ahead where the registers allow, so that a
// warp's loads for tile i + 1 are in flight while it computes tile i.
template <typename W0T, typename GradT, bool Grad> struct TileData
{
    Chunk8<W0T> w[2][2];
    Chunk8<GradT> dy[2][2];

    __device__ void fetch(const FqArgs& p, const GradT* grad, const TileColumns& tc, int64_t row0, int g)
    {
#pragma unroll
        for (int r = 0; r < 2; ++r) {
            const int64_t o = row0 + g + 8 * r;
#pragma unroll
            for (int h = 0; h < 2; ++h) {
                if (o >= p.rows || !tc.ok[h]) continue;
                w[r][h].load(static_cast<const W0T*>(p.w0) + o * p.cols + tc.col[h]);
                if (Grad) dy[r][h].load(grad + o * p.cols + tc.col[h]);
            }
        }
    }
};

struct TileParams
{
    GroupParams gp[2][2];
    float b[8];

    __device__ void fetch(const FqArgs& p, const TileColumns& tc, int64_t row0, int g, int t)
    {
        TileLora::fetchRows(p, row0, g, t, b);
#pragma unroll
        for (int r = 0; r < 2; ++r) {
            const int64_t o = row0 + g + 8 * r;
#pragma unroll
            for (int h = 0; h < 2; ++h)
                if (o < p.rows && tc.ok[h]) gp[r][h] = groupAt(p, o * p.groups + tc.group[h]);
        }
    }
};

template <typename W0T, typename OutT>
__global__ void __launch_bounds__(kTileThreads, kFwdTileBlocks)
    forwardTileKernel(const FqArgs p, OutT* __restrict__ out, uint8_t* __restrict__ codes, int tilesPerBlock)
{
    __shared__ uint4 slots[kTileWarps][8 * 32];
    const int lane = int(threadIdx.x) & 31, g = lane >> 2, t = lane & 3, warp = int(threadIdx.x) >> 5;
    const int64_t strip = (int64_t(blockIdx.x) * kTileWarps + warp) * kStrip;
    if (strip >= p.cols) return; // no block-wide barrier below; a lane reads only its own slots
    TileLora lora;
    lora.init(p, slots[warp], strip, lane);
    const TileColumns tc(p, strip, t);
    const int64_t tile0 = int64_t(blockIdx.y) * tilesPerBlock;
    const int64_t tile1 = min(tile0 + tilesPerBlock, (p.rows + kTileRows - 1) / kTileRows);
    // The next tile is fetched ahead for bf16 W0; float32 W0 would not fit in the registers (spills) and is
    // fetched at the top of its own tile.
    constexpr bool ahead = sizeof(W0T) == 2;
    TileData<W0T, W0T, false> cur, next;
    TileParams par, parNext;
    if (ahead) {
        cur.fetch(p, nullptr, tc, tile0 * kTileRows, g);
        par.fetch(p, tc, tile0 * kTileRows, g, t);
    }
    for (int64_t tile = tile0; tile < tile1; ++tile) {
        const int64_t row0 = tile * kTileRows;
        if (!ahead) {
            cur.fetch(p, nullptr, tc, row0, g);
            par.fetch(p, tc, row0, g, t);
        } else if (tile + 1 < tile1) {
            next.fetch(p, nullptr, tc, row0 + kTileRows, g);
            parNext.fetch(p, tc, row0 + kTileRows, g, t);
        }
        lora.setRows(par.b);
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            float lat[2][8];
            lora.chunk(h, lat);
#pragma unroll
            for (int r = 0; r < 2; ++r) {
                const int64_t o = row0 + g + 8 * r;
                if (o >= p.rows || !tc.ok[h]) continue;
                const GroupParams gp = par.gp[r][h];
                const float rs = __frcp_rn(gp.s);
                float w[8], y[8], q[8];
                cur.w[r][h].get(w);
#pragma unroll
                for (int v = 0; v < 8; ++v) {
                    const float l = __fmaf_rn(lat[r][v], p.loraScale, w[v]);
                    const float u = divRn(l, gp.s, rs);
                    q[v] = fminf(fmaxf(__fadd_rn(roundEven(u), gp.z), 0.f), p.levels);
                    y[v] = __fmul_rn(gp.s, __fsub_rn(q[v], gp.z));
                    if (p.m) y[v] = __fmul_rn(y[v], gp.m);
                }
                const int64_t at = o * p.cols + tc.col[h];
                if (out) store8(out + at, y);
                if (codes) storeCodes8(codes + at, q);
            }
        }
        if (ahead) {
            cur = next;
            par = parNext;
        }
    }
}

// The per-group sums of one chunk-row (8 columns) into dm, ds, dz.
__device__ __forceinline__ void addGroup(const FqGrads& gr, int64_t gi, float pm, float ps, float pz)
{
    if (gr.dm) atomicAdd(gr.dm + gi, pm);
    if (gr.ds) atomicAdd(gr.ds + gi, ps);
    if (gr.dz) atomicAdd(gr.dz + gi, pz);
}

template <typename W0T, typename GradT, typename DlatT>
__global__ void __launch_bounds__(kTileThreads, kBwdTileBlocks)
    backwardTileKernel(const FqArgs p, const FqGrads gr, int tilesPerBlock)
{
    __shared__ uint4 slots[kTileWarps][8 * 32];
    const int lane = int(threadIdx.x) & 31, g = lane >> 2, t = lane & 3, warp = int(threadIdx.x) >> 5;
    const int64_t strip = (int64_t(blockIdx.x) * kTileWarps + warp) * kStrip;
    if (strip >= p.cols) return; // a whole warp leaves: the quad shuffles below stay convergent
    TileLora lora;
    lora.init(p, slots[warp], strip, lane);
    const TileColumns tc(p, strip, t);
    const GradT* grad = static_cast<const GradT*>(gr.grad);
    DlatT* dlat = static_cast<DlatT*>(gr.dlat);
    const bool reduce = gr.dm || gr.ds || gr.dz;
    // Groups of 32 columns or more: a quad's chunk h is one group (the strip starts at a multiple of 64);
    // of 64 or more: both chunks are.
    const bool quad = p.group % 32 == 0, both = p.group % 64 == 0;
    const int64_t tile0 = int64_t(blockIdx.y) * tilesPerBlock;
    const int64_t tile1 = min(tile0 + tilesPerBlock, (p.rows + kTileRows - 1) / kTileRows);
    // The next tile's W0 and gradient are fetched ahead when both are bf16 (float32 ones would not fit in the
    // registers); the parameters where they are used (fetched ahead as well, they cost a quarter of the
    // occupancy and measured slower).
    constexpr bool ahead = sizeof(W0T) + sizeof(GradT) <= 4;
    TileData<W0T, GradT, true> cur, next;
    if (ahead) cur.fetch(p, grad, tc, tile0 * kTileRows, g);
    for (int64_t tile = tile0; tile < tile1; ++tile) {
        const int64_t row0 = tile * kTileRows;
        if (!ahead)
            cur.fetch(p, grad, tc, row0, g);
        else if (tile + 1 < tile1)
            next.fetch(p, grad, tc, row0 + kTileRows, g);
        float b[8];
        TileLora::fetchRows(p, row0, g, t, b);
        lora.setRows(b);
        float pm[2][2] = {}, ps[2][2] = {}, pz[2][2] = {};
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            float lat[2][8];
            lora.chunk(h, lat);
#pragma unroll
            for (int r = 0; r < 2; ++r) {
                const int64_t o = row0 + g + 8 * r;
                if (o >= p.rows || !tc.ok[h]) continue;
                const GroupParams gp = groupAt(p, o * p.groups + tc.group[h]);
                const float rs = __frcp_rn(gp.s);
                float w[8], dy[8], dl[8];
                cur.w[r][h].get(w);
                cur.dy[r][h].get(dy);
#pragma unroll
                for (int v = 0; v < 8; ++v) {
                    const float l = __fmaf_rn(lat[r][v], p.loraScale, w[v]);
                    const float u = divRn(l, gp.s, rs);
                    const float pre = __fadd_rn(roundEven(u), gp.z);
                    const bool inside = pre >= 0.f && pre <= p.levels; // torch.clamp passes the bounds
                    const float qz = __fsub_rn(fminf(fmaxf(pre, 0.f), p.levels), gp.z);
                    pm[r][h] = fmaf(dy[v], __fmul_rn(gp.s, qz), pm[r][h]);
                    const float dq = p.m ? __fmul_rn(dy[v], gp.m) : dy[v];
                    ps[r][h] = fmaf(dq, inside ? __fsub_rn(qz, u) : qz, ps[r][h]);
                    if (!inside) pz[r][h] = fmaf(-dq, gp.s, pz[r][h]);
                    dl[v] = inside ? divRn(__fmul_rn(dq, gp.s), gp.s, rs) : 0.f;
                }
                if (dlat) store8(dlat + o * p.cols + tc.col[h], dl);
            }
        }
        if (reduce) {
            if (quad) {
#pragma unroll
                for (int r = 0; r < 2; ++r)
#pragma unroll
                    for (int h = 0; h < 2; ++h)
#pragma unroll
                        for (int m = 1; m < 4; m <<= 1) {
                            pm[r][h] += __shfl_xor_sync(kFull, pm[r][h], m);
                            ps[r][h] += __shfl_xor_sync(kFull, ps[r][h], m);
                            pz[r][h] += __shfl_xor_sync(kFull, pz[r][h], m);
                        }
            }
#pragma unroll
            for (int r = 0; r < 2; ++r) {
                const int64_t o = row0 + g + 8 * r;
                if (o >= p.rows || (quad && t != 0)) continue;
                if (both) {
                    addGroup(gr, o * p.groups + tc.group[0], pm[r][0] + pm[r][1], ps[r][0] + ps[r][1],
                             pz[r][0] + pz[r][1]);
                    continue;
                }
#pragma unroll
                for (int h = 0; h < 2; ++h)
                    if (tc.ok[h]) addGroup(gr, o * p.groups + tc.group[h], pm[r][h], ps[r][h], pz[r][h]);
            }
        }
        if (ahead) cur = next;
    }
}

// A device attribute, read once per device and attribute.
int deviceAttribute(int device, cudaDeviceAttr attr)
{
    static std::map<std::pair<int, int>, int> values;
    const std::pair<int, int> key{device, int(attr)};
    auto it = values.find(key);
    if (it != values.end()) return it->second;
    int n = 0;
    check(cudaDeviceGetAttribute(&n, attr, device), "device attribute");
    values[key] = n;
    return n;
}

int smCount(int device)
{
    return deviceAttribute(device, cudaDevAttrMultiProcessorCount);
}

int computeMajor(int device)
{
    return deviceAttribute(device, cudaDevAttrComputeCapabilityMajor);
}

struct Launch
{
    dim3 grid, block;
    int rowsPerBlock = 1;
};

// About two waves of two blocks per multiprocessor, each walking 4 to 64 rows: A's columns are loaded into
// registers once per block (4 R floats per thread), which costs as much L2 traffic as W0 itself at 16 rows.
Launch launchShape(const FqArgs& a)
{
    Launch l;
    const int64_t chunks = (a.cols + 3) / 4;
    const int64_t threads = std::min<int64_t>(kThreads, (chunks + 31) / 32 * 32);
    const int64_t bx = (chunks + threads - 1) / threads;
    const int64_t target = int64_t(smCount(a.device)) * 4;
    int64_t rpb = (a.rows * bx + target - 1) / target;
    rpb = std::max<int64_t>(4, std::min<int64_t>(rpb, 64));
    rpb = std::max<int64_t>(rpb, (a.rows + 65534) / 65535);
    l.rowsPerBlock = int(rpb);
    l.block = dim3(unsigned(threads));
    l.grid = dim3(unsigned(bx), unsigned((a.rows + rpb - 1) / rpb));
    return l;
}

// The tile kernels apply: sm_80 or newer, a LoRA of rank 1..16, columns and group size multiples of 8.
bool tilesApply(const FqArgs& a)
{
    return a.kernels != FqKernels::Rows && a.A && a.B && a.rank >= 1 && a.rank <= 16 && a.cols % 8 == 0 &&
           a.group % 8 == 0 && computeMajor(a.device) >= 8;
}

// Blocks of 4 strips (256 columns) by a range of 16-row tiles: about one wave of the kernel's blocks per
// multiprocessor (its __launch_bounds__), at least 8 tiles per block (A's fragments are loaded once per warp
// and strip).
Launch tileShape(const FqArgs& a, int blocksPerSm)
{
    Launch l;
    const int64_t bx = (a.cols + kStrip * kTileWarps - 1) / (kStrip * kTileWarps);
    const int64_t tiles = (a.rows + kTileRows - 1) / kTileRows;
    const int64_t target = int64_t(smCount(a.device)) * blocksPerSm;
    int64_t tpb = (tiles * bx + target - 1) / target;
    tpb = std::max<int64_t>(std::min<int64_t>(tpb, 64), std::min<int64_t>(tiles, 8));
    tpb = std::max<int64_t>(tpb, (tiles + 65534) / 65535);
    l.rowsPerBlock = int(tpb);
    l.block = dim3(kTileThreads);
    l.grid = dim3(unsigned(bx), unsigned((tiles + tpb - 1) / tpb));
    return l;
}

template <typename W0T, typename OutT> void forwardTyped(const FqArgs& a, OutT* out, uint8_t* codes)
{
    auto st = static_cast<cudaStream_t>(a.stream);
    if (tilesApply(a)) {
        const Launch l = tileShape(a, kFwdTileBlocks);
        forwardTileKernel<W0T, OutT><<<l.grid, l.block, 0, st>>>(a, out, codes, l.rowsPerBlock);
        check(cudaGetLastError(), "forward launch");
        return;
    }
    const Launch l = launchShape(a);
    if (a.rank == 0 || !a.A)
        forwardKernel<W0T, OutT, 0><<<l.grid, l.block, 0, st>>>(a, out, codes, l.rowsPerBlock);
    else if (a.rank == 16)
        forwardKernel<W0T, OutT, 16><<<l.grid, l.block, 0, st>>>(a, out, codes, l.rowsPerBlock);
    else if (a.rank == 8)
        forwardKernel<W0T, OutT, 8><<<l.grid, l.block, 0, st>>>(a, out, codes, l.rowsPerBlock);
    else
        forwardKernel<W0T, OutT, -1><<<l.grid, l.block, 0, st>>>(a, out, codes, l.rowsPerBlock);
    check(cudaGetLastError(), "forward launch");
}

template <typename W0T, typename GradT, typename DlatT> void backwardTyped(const FqArgs& a, const FqGrads& g)
{
    auto st = static_cast<cudaStream_t>(a.stream);
    if (tilesApply(a)) {
        const Launch l = tileShape(a, kBwdTileBlocks);
        backwardTileKernel<W0T, GradT, DlatT><<<l.grid, l.block, 0, st>>>(a, g, l.rowsPerBlock);
        check(cudaGetLastError(), "backward launch");
        return;
    }
    const Launch l = launchShape(a);
    if (a.rank == 0 || !a.A)
        backwardKernel<W0T, GradT, DlatT, 0><<<l.grid, l.block, 0, st>>>(a, g, l.rowsPerBlock);
    else if (a.rank == 16)
        backwardKernel<W0T, GradT, DlatT, 16><<<l.grid, l.block, 0, st>>>(a, g, l.rowsPerBlock);
    else if (a.rank == 8)
        backwardKernel<W0T, GradT, DlatT, 8><<<l.grid, l.block, 0, st>>>(a, g, l.rowsPerBlock);
    else
        backwardKernel<W0T, GradT, DlatT, -1><<<l.grid, l.block, 0, st>>>(a, g, l.rowsPerBlock);
    check(cudaGetLastError(), "backward launch");
}

template <typename W0T, typename GradT> void backwardDlat(const FqArgs& a, const FqGrads& g)
{
    if (g.dlatType == FqType::Float32)
        backwardTyped<W0T, GradT, float>(a, g);
    else
        backwardTyped<W0T, GradT, __nv_bfloat16>(a, g);
}

template <typename W0T> void backwardGrad(const FqArgs& a, const FqGrads& g)
{
    if (g.gradType == FqType::Float32)
        backwardDlat<W0T, float>(a, g);
    else
        backwardDlat<W0T, __nv_bfloat16>(a, g);
}

void checkArgs(const FqArgs& a)
{
    if (a.cols % 4 != 0 || a.group % 4 != 0 || a.group <= 0)
        throw std::runtime_error("fused quantizer: columns and group size must be multiples of 4");
}

cublasHandle_t blasHandle(int device)
{
    thread_local std::map<int, cublasHandle_t> handles;
    auto it = handles.find(device);
    if (it != handles.end()) return it->second;
    cublasHandle_t h = nullptr;
    checkBlas(cublasCreate(&h), "cublasCreate");
    handles[device] = h;
    return h;
}

} // namespace

bool fqUsesTiles(const FqArgs& a)
{
    return tilesApply(a);
}

void fqForward(const FqArgs& a, void* out, FqType outType, uint8_t* codes)
{
    checkArgs(a);
    if (a.rows == 0 || a.cols == 0) return;
    check(cudaSetDevice(a.device), "set device");
    const bool wf = a.w0Type == FqType::Float32;
    if (outType == FqType::Float32) {
        auto* o = static_cast<float*>(out);
        wf ? forwardTyped<float>(a, o, codes) : forwardTyped<__nv_bfloat16>(a, o, codes);
    } else {
        auto* o = static_cast<__nv_bfloat16*>(out);
        wf ? forwardTyped<float>(a, o, codes) : forwardTyped<__nv_bfloat16>(a, o, codes);
    }
}

void fqBackward(const FqArgs& a, const FqGrads& g)
{
    checkArgs(a);
    if (a.rows == 0 || a.cols == 0) return;
    check(cudaSetDevice(a.device), "set device");
    if (a.w0Type == FqType::Float32)
        backwardGrad<float>(a, g);
    else
        backwardGrad<__nv_bfloat16>(a, g);
}

void fqLoraGrads(const FqArgs& a, const void* dlat16, const void* A16, const void* B16, float* dA, float* dB)
{
    check(cudaSetDevice(a.device), "set device");
    cublasHandle_t h = blasHandle(a.device);
    checkBlas(cublasSetStream(h, static_cast<cudaStream_t>(a.stream)), "cublasSetStream");
    const float alpha = a.loraScale, beta = 0.f;
    const int rows = int(a.rows), cols = int(a.cols), r = a.rank;
    // Row-major X[m, n] is column-major X^T. dB^T [r, rows] = (A^T)^T [r, cols] x dlat^T [cols, rows].
    if (dB)
        checkBlas(cublasGemmEx(h, CUBLAS_OP_T, CUBLAS_OP_N, r, rows, cols, &alpha, A16, CUDA_R_16BF, cols,
                               dlat16, CUDA_R_16BF, cols, &beta, dB, CUDA_R_32F, r, CUBLAS_COMPUTE_32F,
                               CUBLAS_GEMM_DEFAULT),
                  "dB gemm");
    // dA^T [cols, r] = dlat^T [cols, rows] x B [rows, r].
    if (dA)
        checkBlas(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_T, cols, r, rows, &alpha, dlat16, CUDA_R_16BF, cols,
                               B16, CUDA_R_16BF, r, &beta, dA, CUDA_R_32F, cols, CUBLAS_COMPUTE_32F,
                               CUBLAS_GEMM_DEFAULT),
                  "dA gemm");
}

} // namespace qat::cuda

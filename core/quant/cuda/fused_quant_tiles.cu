// The fused quantizer's tile kernels (fused_quant.h has the formula and the layout): the LoRA product on
// tensor cores, taken wherever they apply (tilesApply); the row kernels (fused_quant_rows.cu) take the rest.
//
// The row kernels (fused_quant_rows.cu) spend a third of their instructions on c B A (R FMAs per element) and
// the rest mostly on per-row bookkeeping shared by only 4 columns; they issue instructions at their limit
// long before HBM is busy. Here a warp owns a strip of 64 columns and walks tiles of 16 rows down it. Per
// tile, B A over the 16 x 64 tile is eight mma.sync m16n8k16 per product term (bf16 operands, float32
// accumulation, rank <= 16 zero-padded to 16). A float32 x is split into bf16 hi = bf16(x) and lo = bf16(x -
// hi), |x - hi - lo| <= 2^-17 |x|, and B A = Bhi Ahi + Bhi Alo + Blo Ahi to about 2^-16 of sum |B| |A| (the
// float32 FMA chain is an ulp from cuBLAS's sum too; test_quant_cuda's boundary rule covers both).
//
// The mma's output columns are permuted (the A fragment a lane loads names its column) so that each thread
// ends up owning whole 8-column chunks: thread (g = lane / 4, t = lane % 4) holds rows g and g + 8 of the
// tile at columns [8t, 8t + 8) and [32 + 8t, 32 + 8t + 8) of the strip, which it reads from W0 and writes
// back 16 bytes at a time (a quad of lanes covers 64 contiguous bytes of a row). A chunk lies in one group
// (group % 8 == 0), so s, z and m are read once per chunk and row, and the backward's per-group sums are a
// chunk's 8 values, then (groups of 32 columns or more) the quad's. Needs sm_80 or newer, rank 1..16, cols
// and group multiples of 8; the row kernels take everything else.
#include "fused_quant_device.cuh"

#include <algorithm>

namespace qat::cuda::detail {

namespace {

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
    asm volatile("st.global.v4.b32 [%0], {%1, %2, %3, %4};\n" ::"l"(p), "r"(w[0]), "r"(w[1]), "r"(w[2]),
                 "r"(w[3])
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

// B A of one tile, per thread, one chunk at a time. A's fragments for the strip's eight n-tiles (hi and lo)
// are loaded once per strip into the lane's own slots of shared memory (registers are what bounds occupancy
// here).
struct TileLora
{
    uint4* frag;           // [8] for this lane: (hi b0, hi b1, lo b0, lo b1) of n-tile j, at frag[32 j]
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

// An 8 x 8 bf16 fragment (lane: row g, columns 2t, 2t + 1) transposed across the warp.
__device__ __forceinline__ uint32_t transpose8x8(uint32_t x)
{
#if __CUDA_ARCH__ >= 800
    uint32_t y;
    asm volatile("movmatrix.sync.aligned.m8n8.trans.b16 %0, %1;\n" : "=r"(y) : "r"(x));
    return y;
#else
    __trap();
    return x;
#endif
}

__device__ __forceinline__ uint32_t packBf16(float lo, float hi)
{
    const __nv_bfloat162 h = __floats2bfloat162_rn(lo, hi);
    uint32_t u;
    memcpy(&u, &h, 4);
    return u;
}

// The LoRA gradients in the backward's own pass (FqGrads::dBparts, dAparts), on tensor cores, from the d
// latent the thread has just computed, rounded to bf16 as fqLoraGrads' operands are: pair[r][j] holds d
// latent at row g + 8 r, columns 32 h + 8 t + 2 j and + 1 of the strip (chunk h).
//  dB (rows x rank) = c dlat A^T: per tile and chunk two m16n8k16 k-steps per 8 ranks; the k index (column)
//    is permuted so that the A operand is the thread's own pairs (k = 2t + e: column 32 h + 8 t + 4 half + e,
//    k = 2t + 8 + e: the same + 2), and the B operand, A at those columns, is loaded once per strip.
//  dA (rank x cols) = c B^T dlat: the tile's 16 rows are k. A pair register is an 8 x 8 fragment (row g,
//    logical columns 2t, 2t + 1 = columns 32 h + 8 t + 2 j + e) and movmatrix turns it into the B operand
//    (rows 2t, 2t + 1 of logical column g); the accumulators (ranks g and g + 8 at the thread's own columns)
//    stay in the lane's own shared-memory slots, written out when the warp's last tile is done.
struct TileLoraGrads
{
    uint4* bFrag;   // [4] at bFrag[32 i], i = 2 h + half: (ranks 0-7: b0 b1, ranks 8-15: b0 b1)
    float4* acc;    // [8] at acc[32 n], n = 4 h + j: dA's accumulators (d0 d1: rank g, d2 d3: rank g + 8)
    uint32_t bt[4]; // B^T of the current tile as dA's A operand (ranks g, g + 8 x rows 2t.., 2t + 8..)

    __device__ void init(const FqArgs& p, uint4* fragSlots, float4* accSlots, int64_t strip, int lane)
    {
        const int g = lane >> 2, t = lane & 3;
        bFrag = fragSlots + lane;
        acc = accSlots + lane;
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int64_t c0 = strip + 32 * (i >> 1) + 8 * t + 4 * (i & 1);
            uint32_t f[4];
#pragma unroll
            for (int nt = 0; nt < 2; ++nt) {
                const int k = 8 * nt + g;
                float v[4];
#pragma unroll
                for (int e = 0; e < 4; ++e)
                    v[e] = k < p.rank && c0 + e < p.cols ? __ldg(p.A + int64_t(k) * p.cols + c0 + e) : 0.f;
                f[2 * nt] = packBf16(v[0], v[1]);
                f[2 * nt + 1] = packBf16(v[2], v[3]);
            }
            bFrag[32 * i] = make_uint4(f[0], f[1], f[2], f[3]);
        }
#pragma unroll
        for (int n = 0; n < 8; ++n)
            acc[32 * n] = make_float4(0.f, 0.f, 0.f, 0.f);
    }

    // B^T's fragment for the tile at row0 (zero past the rows and the rank).
    __device__ void setRows(const FqArgs& p, int64_t row0, int g, int t)
    {
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int k = g + 8 * (i & 1);
            float v[2];
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                const int64_t o = row0 + 2 * t + 8 * (i >> 1) + e;
                v[e] = o < p.rows && k < p.rank ? __ldg(p.B + o * p.rank + k) : 0.f;
            }
            bt[i] = packBf16(v[0], v[1]);
        }
    }

    // Chunk h's contribution: dB's two k-steps into db (ranks 0-7, 8-15), dA's four n-tiles into acc.
    __device__ void chunk(int h, const uint32_t pair[2][4], float db[2][4]) const
    {
#pragma unroll
        for (int half = 0; half < 2; ++half) {
            const uint32_t a[4] = {pair[0][2 * half], pair[1][2 * half], pair[0][2 * half + 1],
                                   pair[1][2 * half + 1]};
            const uint4 f = bFrag[32 * (2 * h + half)];
            mma16816(db[0], a, f.x, f.y);
            mma16816(db[1], a, f.z, f.w);
        }
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const uint32_t b0 = transpose8x8(pair[0][j]), b1 = transpose8x8(pair[1][j]);
            float4& slot = acc[32 * (4 * h + j)];
            float d[4] = {slot.x, slot.y, slot.z, slot.w};
            mma16816(d, bt, b0, b1);
            slot = make_float4(d[0], d[1], d[2], d[3]);
        }
    }

    // dB of the tile's rows over this strip, times c, into dBparts[strip][row][16]. (Summing a block's four
    // strips first, with shared-memory atomics, made the kernel 1.5x slower on the H200.)
    static __device__ void storeRows(const FqArgs& p, const FqGrads& gr, int64_t strip, int64_t row0, int g,
                                     int t, const float db[2][4])
    {
        float* base = gr.dBparts + (strip / kStrip) * p.rows * 16;
#pragma unroll
        for (int r = 0; r < 2; ++r) {
            const int64_t o = row0 + g + 8 * r;
            if (o >= p.rows) continue;
#pragma unroll
            for (int nt = 0; nt < 2; ++nt)
                *reinterpret_cast<float2*>(base + o * 16 + 8 * nt + 2 * t) =
                    make_float2(db[nt][2 * r] * p.loraScale, db[nt][2 * r + 1] * p.loraScale);
        }
    }

    // dA over this block's rows at the strip's columns, times c, into dAparts[blockRow][16][cols].
    __device__ void storeColumns(const FqArgs& p, const FqGrads& gr, int64_t strip, int g, int t) const
    {
        float* base = gr.dAparts + int64_t(blockIdx.y) * 16 * p.cols;
#pragma unroll
        for (int n = 0; n < 8; ++n) {
            const int64_t c = strip + 32 * (n >> 2) + 8 * t + 2 * (n & 3);
            if (c >= p.cols) continue;
            const float4 d = acc[32 * n];
            *reinterpret_cast<float2*>(base + int64_t(g) * p.cols + c) =
                make_float2(d.x * p.loraScale, d.y * p.loraScale);
            *reinterpret_cast<float2*>(base + int64_t(g + 8) * p.cols + c) =
                make_float2(d.z * p.loraScale, d.w * p.loraScale);
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

// What a tile reads from memory besides A, in two parts: its data (W0, and the incoming gradient when Grad)
// and its parameters (s z m of each chunk-row, B's rows). Fetched a tile ahead where the registers allow, so
// that a warp's loads for tile i + 1 are in flight while it computes tile i.
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

// Shared memory of the LoRA-gradient variant (empty otherwise).
template <bool LoraGrads> struct LoraGradSlots
{
    __device__ void bind(TileLoraGrads&, const FqArgs&, int64_t, int, int) {}
};
template <> struct LoraGradSlots<true>
{
    uint4 frag[kTileWarps][4 * 32];
    float4 acc[kTileWarps][8 * 32];
    __device__ void bind(TileLoraGrads& lg, const FqArgs& p, int64_t strip, int warp, int lane)
    {
        lg.init(p, frag[warp], acc[warp], strip, lane);
    }
};

template <typename W0T, typename GradT, typename DlatT, bool LoraGrads>
__global__ void __launch_bounds__(kTileThreads, kBwdTileBlocks)
    backwardTileKernel(const FqArgs p, const FqGrads gr, int tilesPerBlock)
{
    __shared__ uint4 slots[kTileWarps][8 * 32];
    __shared__ LoraGradSlots<LoraGrads> gradSlots;
    const int lane = int(threadIdx.x) & 31, g = lane >> 2, t = lane & 3, warp = int(threadIdx.x) >> 5;
    const int64_t strip = (int64_t(blockIdx.x) * kTileWarps + warp) * kStrip;
    if (strip >= p.cols) return; // a whole warp leaves: the quad shuffles below stay convergent
    TileLora lora;
    lora.init(p, slots[warp], strip, lane);
    TileLoraGrads lg;
    if constexpr (LoraGrads) gradSlots.bind(lg, p, strip, warp, lane);
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
        if (LoraGrads) lg.setRows(p, row0, g, t);
        float pm[2][2] = {}, ps[2][2] = {}, pz[2][2] = {};
        float db[2][4] = {};
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            float lat[2][8];
            lora.chunk(h, lat);
            uint32_t pair[2][4] = {}; // d latent in bf16 pairs, zero outside the matrix
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
                if (LoraGrads)
#pragma unroll
                    for (int j = 0; j < 4; ++j)
                        pair[r][j] = packBf16(dl[2 * j], dl[2 * j + 1]);
            }
            if (LoraGrads) {
                __syncwarp(); // mma and movmatrix take the whole warp, after the rows' branches
                lg.chunk(h, pair, db);
            }
        }
        if constexpr (LoraGrads) TileLoraGrads::storeRows(p, gr, strip, row0, g, t, db);
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
    if constexpr (LoraGrads) lg.storeColumns(p, gr, strip, g, t);
}

// Blocks of 4 strips (256 columns) by a range of 16-row tiles: about one wave of the kernel's blocks per
// multiprocessor (its __launch_bounds__). A block's warps load A's fragments once per strip, so big matrices
// take up to 64 tiles a block; a small one gets a block per tile rather than leave most multiprocessors idle
// (a 384 x 384 weight: 2 x 24 blocks, where a minimum of 8 tiles a block gave 2 x 3).
Launch tileShape(const FqArgs& a, int blocksPerSm)
{
    Launch l;
    const int64_t bx = (a.cols + kStrip * kTileWarps - 1) / (kStrip * kTileWarps);
    const int64_t tiles = (a.rows + kTileRows - 1) / kTileRows;
    const int64_t target = int64_t(smCount(a.device)) * blocksPerSm;
    int64_t tpb = (tiles * bx + target - 1) / target;
    tpb = std::min<int64_t>(tpb, 64);
    tpb = std::max<int64_t>(tpb, (tiles + 65534) / 65535);
    l.perBlock = int(tpb);
    l.block = dim3(kTileThreads);
    l.grid = dim3(unsigned(bx), unsigned((tiles + tpb - 1) / tpb));
    return l;
}

} // namespace

// The tile kernels apply: sm_80 or newer, a LoRA of rank 1..16, columns and group size multiples of 8.
bool tilesApply(const FqArgs& a)
{
    return a.kernels != FqKernels::Rows && a.A && a.B && a.rank >= 1 && a.rank <= 16 && a.cols % 8 == 0 &&
           a.group % 8 == 0 && computeMajor(a.device) >= 8;
}

template <typename W0T, typename OutT> void tilesForward(const FqArgs& a, OutT* out, uint8_t* codes)
{
    const Launch l = tileShape(a, kFwdTileBlocks);
    forwardTileKernel<W0T, OutT>
        <<<l.grid, l.block, 0, static_cast<cudaStream_t>(a.stream)>>>(a, out, codes, l.perBlock);
    check(cudaGetLastError(), "forward launch");
}

template <typename W0T, typename GradT, typename DlatT> void tilesBackward(const FqArgs& a, const FqGrads& g)
{
    const Launch l = tileShape(a, kBwdTileBlocks);
    const auto stream = static_cast<cudaStream_t>(a.stream);
    if (g.dBparts)
        backwardTileKernel<W0T, GradT, DlatT, true><<<l.grid, l.block, 0, stream>>>(a, g, l.perBlock);
    else
        backwardTileKernel<W0T, GradT, DlatT, false><<<l.grid, l.block, 0, stream>>>(a, g, l.perBlock);
    check(cudaGetLastError(), "backward launch");
}

FqLoraParts tilesLoraParts(const FqArgs& a)
{
    return {(a.cols + kStrip - 1) / kStrip, int64_t(tileShape(a, kBwdTileBlocks).grid.y)};
}

QAT_FQ_INSTANTIATE(tilesForward, tilesBackward)

} // namespace qat::cuda::detail

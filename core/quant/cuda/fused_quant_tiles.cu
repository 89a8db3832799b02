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
    backwardTileKernel<W0T, GradT, DlatT>
        <<<l.grid, l.block, 0, static_cast<cudaStream_t>(a.stream)>>>(a, g, l.perBlock);
    check(cudaGetLastError(), "backward launch");
}

QAT_FQ_INSTANTIATE(tilesForward, tilesBackward)

} // namespace qat::cuda::detail

// The fused quantizer's row kernels (fused_quant.h has the formula and the layout): the general design, for
// what the tile kernels (fused_quant_tiles.cu) do not cover, and forced by FqKernels::Rows.
//
// Work split: a thread owns 4 consecutive columns (one 8- or 16-byte load of W0) and loops over a block's
// range of rows. With a compile-time LoRA rank R its 4 columns of A stay in registers for the whole range, so
// the LoRA product costs R FMAs per element and no extra memory traffic; B's row is a warp-wide broadcast
// load. Per-group reductions (backward) are segmented warp shuffles keyed by the group index, then one atomic
// per group segment per warp.
//
// The rows stream through shared memory: each thread keeps the next several rows of its columns (W0, and the
// incoming gradient in backward) in flight with asynchronous copies (cp.async), which hold no registers. The
// first versions loaded a few rows into registers and then computed; with A's registers that left 8 warps per
// multiprocessor and too few bytes in flight to cover HBM's latency (a quarter of the copy bandwidth).
#include "fused_quant_device.cuh"

#include <algorithm>

namespace qat::cuda::detail {

namespace {

constexpr int kThreads = 256;

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
    l.perBlock = int(rpb);
    l.block = dim3(unsigned(threads));
    l.grid = dim3(unsigned(bx), unsigned((a.rows + rpb - 1) / rpb));
    return l;
}

} // namespace

template <typename W0T, typename OutT> void rowsForward(const FqArgs& a, OutT* out, uint8_t* codes)
{
    const Launch l = launchShape(a);
    auto st = static_cast<cudaStream_t>(a.stream);
    if (a.rank == 0 || !a.A)
        forwardKernel<W0T, OutT, 0><<<l.grid, l.block, 0, st>>>(a, out, codes, l.perBlock);
    else if (a.rank == 16)
        forwardKernel<W0T, OutT, 16><<<l.grid, l.block, 0, st>>>(a, out, codes, l.perBlock);
    else if (a.rank == 8)
        forwardKernel<W0T, OutT, 8><<<l.grid, l.block, 0, st>>>(a, out, codes, l.perBlock);
    else
        forwardKernel<W0T, OutT, -1><<<l.grid, l.block, 0, st>>>(a, out, codes, l.perBlock);
    check(cudaGetLastError(), "forward launch");
}

template <typename W0T, typename GradT, typename DlatT> void rowsBackward(const FqArgs& a, const FqGrads& g)
{
    const Launch l = launchShape(a);
    auto st = static_cast<cudaStream_t>(a.stream);
    if (a.rank == 0 || !a.A)
        backwardKernel<W0T, GradT, DlatT, 0><<<l.grid, l.block, 0, st>>>(a, g, l.perBlock);
    else if (a.rank == 16)
        backwardKernel<W0T, GradT, DlatT, 16><<<l.grid, l.block, 0, st>>>(a, g, l.perBlock);
    else if (a.rank == 8)
        backwardKernel<W0T, GradT, DlatT, 8><<<l.grid, l.block, 0, st>>>(a, g, l.perBlock);
    else
        backwardKernel<W0T, GradT, DlatT, -1><<<l.grid, l.block, 0, st>>>(a, g, l.perBlock);
    check(cudaGetLastError(), "backward launch");
}

QAT_FQ_INSTANTIATE(rowsForward, rowsBackward)

} // namespace qat::cuda::detail

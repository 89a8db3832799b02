// Causal attention on the CPU, one query row at a time: the row's scores live in a small buffer (L1-sized for
// the context lengths a CPU runs), keys and values of one head are transposed once into [D, T] buffers so the
// inner loops run over keys with unit stride, and masked keys are never computed. The loops are plain C++
// that the compiler vectorizes; on x86-64 each kernel is built for AVX-512, AVX2+FMA and the baseline and the
// loader picks one (target_clones). Backward recomputes each row's probabilities from the saved log-sum-exp.

#include "qatbench_sdk/cpu_attention.h"

#include "qatbench/error.h"

#include "util/switches.h"
#include "util/threads.h"

#include <ATen/Parallel.h>
#include "qatbench_sdk/torch.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

// Vec arguments of the always-inlined helpers never cross a call, so the ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define QAT_CPU_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define QAT_CPU_CLONES
#endif
// The vector helpers are inlined into each clone: called out of line they would pass 64-byte vectors by the
// baseline ABI.
#define QAT_INLINE inline __attribute__((always_inline))

namespace qat {

namespace {

constexpr int64_t kLanes = 16;         // floats per vector: one AVX-512 register, two AVX2 or four SSE ones
constexpr int64_t kChunk = 4 * kLanes; // keys per step of the score loop (four independent accumulators)
constexpr int64_t kMaxHeadDim = 256;

// GCC/Clang vector extensions: each target_clones variant compiles them to its own instructions.
using Vec = float __attribute__((vector_size(kLanes * sizeof(float))));
using IVec = int32_t __attribute__((vector_size(kLanes * sizeof(int32_t))));

QAT_INLINE Vec load(const float* p)
{
    Vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
QAT_INLINE void store(float* p, Vec v)
{
    std::memcpy(p, &v, sizeof v);
}
QAT_INLINE Vec splat(float x)
{
    return Vec{} + x;
}
QAT_INLINE float sum(const Vec& v)
{
    float s = 0;
    for (int64_t l = 0; l < kLanes; ++l)
        s += v[l];
    return s;
}

int64_t padded(int64_t n)
{
    return (n + kChunk - 1) / kChunk * kChunk;
}

// exp(x) for x <= 0 (Cephes' expf: x = n ln2 + r, |r| <= ln2 / 2, degree-5 polynomial, within 2 ulp); 0 below
// -87, where float32's normal range ends, and for -inf.
QAT_INLINE Vec expNonPositive(Vec x) // NOLINT
{
    const IVec under = x < -87.0f;
    x = under ? splat(-87.0f) : x;
    const Vec n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f; // round to nearest
    Vec r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    const Vec z = r * r;
    Vec p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * z + r + 1.0f;
    const IVec bits = (__builtin_convertvector(n, IVec) + 127) << 23;
    Vec scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return under ? splat(0.0f) : p * scale;
}

// s[j] = scale * <q, K[:, j]> for j < lim, -inf from lim to the end of its chunk; returns the maximum.
QAT_INLINE float rowScores(const float* q, const float* kt, int64_t tp, int64_t d, int64_t lim, float scale,
                           float* s)
{
    for (int64_t j0 = 0; j0 < lim; j0 += kChunk) {
        Vec a0{}, a1{}, a2{}, a3{};
        for (int64_t c = 0; c < d; ++c) {
            const Vec qc = splat(q[c]);
            const float* kr = kt + c * tp + j0;
            a0 += qc * load(kr);
            a1 += qc * load(kr + kLanes);
            a2 += qc * load(kr + 2 * kLanes);
            a3 += qc * load(kr + 3 * kLanes);
        }
        store(s + j0, a0 * scale);
        store(s + j0 + kLanes, a1 * scale);
        store(s + j0 + 2 * kLanes, a2 * scale);
        store(s + j0 + 3 * kLanes, a3 * scale);
    }
    const int64_t end = padded(lim);
    for (int64_t j = lim; j < end; ++j)
        s[j] = -std::numeric_limits<float>::infinity();
    Vec m = splat(-std::numeric_limits<float>::infinity());
    for (int64_t j0 = 0; j0 < end; j0 += kLanes) {
        const Vec x = load(s + j0);
        m = x > m ? x : m;
    }
    float mx = m[0];
    for (int64_t l = 1; l < kLanes; ++l)
        mx = m[l] > mx ? m[l] : mx;
    return mx;
}

// out[c] = mul * <a, M[c, :]> for c < d, over the chunks covering 0 .. lim (a is 0 past lim, M's padding 0).
QAT_INLINE void rowTimesRows(const float* a, const float* m, int64_t tp, int64_t d, int64_t lim, float mul,
                             float* out)
{
    const int64_t end = padded(lim);
    int64_t c = 0;
    for (; c + 4 <= d; c += 4) {
        Vec a0{}, a1{}, a2{}, a3{};
        const float* m0 = m + c * tp;
        for (int64_t j0 = 0; j0 < end; j0 += kLanes) {
            const Vec x = load(a + j0);
            a0 += x * load(m0 + j0);
            a1 += x * load(m0 + tp + j0);
            a2 += x * load(m0 + 2 * tp + j0);
            a3 += x * load(m0 + 3 * tp + j0);
        }
        out[c] = sum(a0) * mul;
        out[c + 1] = sum(a1) * mul;
        out[c + 2] = sum(a2) * mul;
        out[c + 3] = sum(a3) * mul;
    }
    for (; c < d; ++c) {
        Vec acc{};
        for (int64_t j0 = 0; j0 < end; j0 += kLanes)
            acc += load(a + j0) * load(m + c * tp + j0);
        out[c] = sum(acc) * mul;
    }
}

// Strided [B, H, T, D] views, D contiguous.
struct View
{
    float* data;
    int64_t sb, sh, st;
    float* row(int64_t b, int64_t h, int64_t t) const { return data + b * sb + h * sh + t * st; }
};

View viewOf(const at::Tensor& t)
{
    return {t.data_ptr<float>(), t.stride(0), t.stride(1), t.stride(2)};
}

struct Shape
{
    int64_t heads, kvHeads, tq, tk, d, offset;
    float scale;
    int64_t rep() const { return heads / kvHeads; }
    int64_t tp() const { return padded(tk); }
    int64_t limit(int64_t i) const { return std::min(tk, offset + i + 1); }
};

// Key/value head hk of batch b into [D, tp] buffers, zero-padded.
void transposeHead(const View& x, int64_t b, int64_t hk, const Shape& s, float* out)
{
    const int64_t tp = s.tp();
    std::fill(out, out + s.d * tp, 0.0f);
    for (int64_t j = 0; j < s.tk; ++j) {
        const float* r = x.row(b, hk, j);
        for (int64_t c = 0; c < s.d; ++c)
            out[c * tp + j] = r[c];
    }
}

QAT_CPU_CLONES
void forwardRows(const View& q, const View& k, const View& v, const View& o, float* lse, const Shape& s,
                 int64_t b, int64_t hk, int64_t firstRow, int64_t rowStep, float* work)
{
    const int64_t tp = s.tp();
    float* kt = work;
    float* vt = kt + s.d * tp;
    float* p = vt + s.d * tp;
    transposeHead(k, b, hk, s, kt);
    transposeHead(v, b, hk, s, vt);
    for (int64_t h = hk * s.rep(); h < (hk + 1) * s.rep(); ++h) {
        for (int64_t i = firstRow; i < s.tq; i += rowStep) {
            const int64_t lim = s.limit(i);
            const int64_t limp = padded(lim);
            const float m = rowScores(q.row(b, h, i), kt, tp, s.d, lim, s.scale, p);
            Vec acc{};
            for (int64_t j0 = 0; j0 < limp; j0 += kLanes) {
                const Vec e = expNonPositive(load(p + j0) - m);
                store(p + j0, e);
                acc += e;
            }
            const float total = sum(acc);
            rowTimesRows(p, vt, tp, s.d, lim, 1.0f / total, o.row(b, h, i));
            if (lse) lse[(b * s.heads + h) * s.tq + i] = m + std::log(total);
        }
    }
}

QAT_CPU_CLONES
void backwardHead(const View& q, const View& k, const View& v, const View& o, const View& dout,
                  const float* lse, const View& dq, const View& dk, const View& dv, const Shape& s, int64_t b,
                  int64_t hk, float* work)
{
    const int64_t tp = s.tp(), d = s.d;
    float* kt = work;
    float* vt = kt + d * tp;
    float* dkt = vt + d * tp;
    float* dvt = dkt + d * tp;
    float* p = dvt + d * tp;
    float* ds = p + tp;
    transposeHead(k, b, hk, s, kt);
    transposeHead(v, b, hk, s, vt);
    std::fill(dkt, dkt + 2 * d * tp, 0.0f);
    for (int64_t h = hk * s.rep(); h < (hk + 1) * s.rep(); ++h) {
        for (int64_t i = 0; i < s.tq; ++i) {
            const int64_t lim = s.limit(i), limp = padded(lim);
            const float* qi = q.row(b, h, i);
            const float* gi = dout.row(b, h, i);
            const float* oi = o.row(b, h, i);
            rowScores(qi, kt, tp, d, lim, s.scale, p);
            const float l = lse[(b * s.heads + h) * s.tq + i];
            float di = 0;
            for (int64_t c = 0; c < d; ++c)
                di += gi[c] * oi[c];
            // p = exp(s - lse); ds = p * (dO . v_j - di), the dot accumulated per chunk like the scores
            for (int64_t j0 = 0; j0 < limp; j0 += kLanes) {
                Vec acc{};
                for (int64_t c = 0; c < d; ++c)
                    acc += gi[c] * load(vt + c * tp + j0);
                const Vec pj = expNonPositive(load(p + j0) - l);
                store(p + j0, pj);
                store(ds + j0, pj * (acc - di));
            }
            rowTimesRows(ds, kt, tp, d, lim, s.scale, dq.row(b, h, i));
            for (int64_t c = 0; c < d; ++c) {
                float* dkr = dkt + c * tp;
                float* dvr = dvt + c * tp;
                const Vec qc = splat(qi[c] * s.scale), gc = splat(gi[c]);
                for (int64_t j0 = 0; j0 < limp; j0 += kLanes) {
                    store(dkr + j0, load(dkr + j0) + qc * load(ds + j0));
                    store(dvr + j0, load(dvr + j0) + gc * load(p + j0));
                }
            }
        }
    }
    for (int64_t j = 0; j < s.tk; ++j) {
        float* dkr = dk.row(b, hk, j);
        float* dvr = dv.row(b, hk, j);
        for (int64_t c = 0; c < d; ++c) {
            dkr[c] = dkt[c * tp + j];
            dvr[c] = dvt[c * tp + j];
        }
    }
}

Shape shapeOf(const at::Tensor& q, const at::Tensor& k, int64_t offset)
{
    const int64_t d = q.size(3);
    return {q.size(1), k.size(1), q.size(2), k.size(2), d, offset, float(1.0 / std::sqrt(double(d)))};
}

at::Tensor unitStride(const at::Tensor& t)
{
    return t.stride(3) == 1 ? t : t.contiguous();
}

// [B, H, T, D] laid out as [B, T, H, D].
at::Tensor emptyHeadsLast(const at::Tensor& like)
{
    return at::empty({like.size(0), like.size(2), like.size(1), like.size(3)}, like.options())
        .transpose(1, 2);
}

std::pair<at::Tensor, at::Tensor> attentionForward(const at::Tensor& q, const at::Tensor& k,
                                                   const at::Tensor& v, int64_t offset, bool wantLse)
{
    const Shape s = shapeOf(q, k, offset);
    const int64_t batch = q.size(0);
    at::Tensor out = emptyHeadsLast(q);
    at::Tensor lse = wantLse ? at::empty({batch, s.heads, s.tq}, q.options()) : at::Tensor();
    const View qv = viewOf(q), kv = viewOf(k), vv = viewOf(v), ov = viewOf(out);
    float* lsep = wantLse ? lse.data_ptr<float>() : nullptr;
    // Rows of one head are dealt out round-robin to enough units to keep every thread busy; round-robin
    // because causal rows grow in cost.
    const int64_t heads = batch * s.kvHeads;
    const int64_t threads = at::in_parallel_region() ? 1 : at::get_num_threads();
    const int64_t perHead =
        std::clamp<int64_t>((4 * threads + heads - 1) / heads, 1, std::max<int64_t>(1, s.tq));
    detail::parallelRanges(heads * perHead, false, [&](int64_t begin, int64_t end) {
        std::vector<float> work(size_t((2 * s.d + 1) * s.tp()));
        for (int64_t u = begin; u < end; ++u) {
            const int64_t head = u / perHead;
            forwardRows(qv, kv, vv, ov, lsep, s, head / s.kvHeads, head % s.kvHeads, u % perHead, perHead,
                        work.data());
        }
    });
    return {out, lse};
}

class CpuAttention : public torch::autograd::Function<CpuAttention>
{
public:
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k,
                              const at::Tensor& v, int64_t offset)
    {
        auto [out, lse] = attentionForward(q, k, v, offset, true);
        ctx->save_for_backward({q, k, v, out});
        ctx->saved_data["lse"] = lse;
        ctx->saved_data["offset"] = offset;
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &q = saved[0], &k = saved[1], &v = saved[2], &o = saved[3];
        const at::Tensor lse = ctx->saved_data["lse"].toTensor();
        const at::Tensor g = unitStride(grads[0].to(at::kFloat));
        const Shape s = shapeOf(q, k, ctx->saved_data["offset"].toInt());
        at::Tensor dq = emptyHeadsLast(q);
        at::Tensor dk = at::empty_like(k, at::MemoryFormat::Contiguous);
        at::Tensor dv = at::empty_like(v, at::MemoryFormat::Contiguous);
        const View qv = viewOf(q), kv = viewOf(k), vv = viewOf(v), ov = viewOf(o), gv = viewOf(g);
        const View dqv = viewOf(dq), dkv = viewOf(dk), dvv = viewOf(dv);
        const int64_t batch = q.size(0);
        // One unit per key/value head: its dK and dV rows are written by that unit alone.
        detail::parallelRanges(batch * s.kvHeads, false, [&](int64_t begin, int64_t end) {
            std::vector<float> work(size_t((4 * s.d + 2) * s.tp()));
            for (int64_t u = begin; u < end; ++u)
                backwardHead(qv, kv, vv, ov, gv, lse.data_ptr<float>(), dqv, dkv, dvv, s, u / s.kvHeads,
                             u % s.kvHeads, work.data());
        });
        return {dq, dk, dv, at::Tensor()};
    }
};

} // namespace

namespace {
std::atomic<bool>& enabledFlag()
{
    static std::atomic<bool> on{detail::onUnlessZero("QATBENCH_CPU_ATTENTION")};
    return on;
}
} // namespace

void setCpuAttentionEnabled(bool on)
{
    enabledFlag() = on;
}
bool cpuAttentionEnabled()
{
    return enabledFlag();
}

bool cpuAttentionApplies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v)
{
    auto ok = [](const at::Tensor& t) {
        return t.defined() && t.device().is_cpu() && t.dim() == 4 &&
               (t.scalar_type() == at::kFloat || t.scalar_type() == at::kBFloat16);
    };
    return cpuAttentionEnabled() && ok(q) && ok(k) && ok(v) && q.size(3) <= kMaxHeadDim && k.size(1) > 0 &&
           q.size(1) % k.size(1) == 0 && k.sizes() == v.sizes() && q.size(0) == k.size(0) &&
           q.size(3) == k.size(3);
}

at::Tensor cpuCausalAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t offset)
{
    if (!cpuAttentionApplies(q, k, v)) throw Error("cpuCausalAttention: tensors it does not apply to");
    if (offset < 0) throw Error("cpuCausalAttention: negative offset");
    const auto dtype = q.scalar_type();
    auto prep = [](const at::Tensor& t) { return unitStride(t.to(at::kFloat)); };
    at::Tensor out;
    if (at::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad()))
        out = CpuAttention::apply(prep(q), prep(k), prep(v), offset);
    else
        out = attentionForward(prep(q), prep(k), prep(v), offset, false).first;
    return out.to(dtype);
}

} // namespace qat

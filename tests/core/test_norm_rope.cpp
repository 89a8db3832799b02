// RMSNorm, RoPE and SwiGLU (core/model/norm_rope.cpp): the ATen ops against float64 formulas written another
// way on every device; on CUDA the kernels (core/model/cuda/norm_rope.cu) against the ATen ops
// (setFusedNormRopeEnabled(false), setFusedSwiGluEnabled(false)), forward and backward, in float32, bfloat16
// and float16, and a tiny model's logits and gradients with the kernels on and off, with and without
// checkpointing.
//
// Stated tolerances (kernels against the ATen ops):
//   RoPE: bit for bit, values and gradients, in every dtype; the result and the gradient in x's layout.
//   RMSNorm: the row's sum of squares is added in another order, so r may move by an ulp: forward and dx
//   within one unit of the dtype's last place relative to the largest value (bf16 2^-7, fp16 2^-10;
//   float32 2^-21 forward, 1e-5 for dx, whose row sum is another order of another product), and at most
//   2 % of the low-precision elements differ at all;
//   the weight's gradient (a sum over rows) within 2^-6 relative L2 in bf16 and fp16, 1e-5 in float32.
//   SwiGLU: the forward and du bit for bit; dg (one expression that nvcc may contract into FMAs differently
//   from ATen's build) within one unit in the dtype's last place of each element (float32: 2^-21), at most
//   1 % of the elements differing at all.
//   Model (2 layers): float32 logits and q/k/v weight gradients within 1e-5 of their largest value; bf16
//   within 2^-5.
// On a machine without CUDA (or without the kernels) the CUDA tests report SKIP.
#include "qat_test.h"
#include "test_train_fixtures.h"
#include "torch_test.h"

#include "qatbench_sdk/norm_rope.h"

#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace qat;

void requireKernels()
{
    if (!torch::cuda::is_available()) QAT_SKIP("no CUDA device: the RMSNorm and RoPE kernels run on the GPU");
    if (!fusedRopeApplies(at::zeros({1, 1, 1, 2}, at::kCUDA), at::zeros({1, 1, 1, 2}, at::kCUDA),
                          at::zeros({1, 1, 1, 2}, at::kCUDA)))
        QAT_SKIP("built without the CUDA kernels (no CUDA compiler at configure time)");
}

// Restores the switch whatever a test does.
struct KernelsOn
{
    ~KernelsOn()
    {
        setFusedNormRopeEnabled(true);
        setFusedSwiGluEnabled(true);
    }
};

void setKernels(bool on)
{
    setFusedNormRopeEnabled(on);
    setFusedSwiGluEnabled(on);
}

// cos / sin tables as LlamaModel::rope builds them: [1, 1, T, D], the half-size table twice.
std::pair<at::Tensor, at::Tensor> ropeTables(int64_t t, int64_t d, at::ScalarType dtype, at::Device dev)
{
    at::Tensor inv = 1.0 / at::pow(10000.0, at::arange(0, d, 2, at::kFloat) / double(d));
    at::Tensor freqs = at::outer(at::arange(t, at::kFloat), inv);
    at::Tensor emb = at::cat({freqs, freqs}, -1).view({1, 1, t, d});
    return {emb.cos().to(dev, dtype), emb.sin().to(dev, dtype)};
}

// One unit in the last place of dtype, relative; float32's for the forward chain (r moved by an ulp or two).
double ulpOf(at::ScalarType t)
{
    return t == at::kBFloat16 ? std::ldexp(1.0, -7)
           : t == at::kHalf   ? std::ldexp(1.0, -10)
                              : std::ldexp(1.0, -21);
}

std::string name(at::ScalarType t)
{
    return t == at::kBFloat16 ? "bf16" : t == at::kHalf ? "fp16" : "fp32";
}

double relL2(const at::Tensor& a, const at::Tensor& ref)
{
    const at::Tensor d = a.to(at::kCPU, at::kDouble) - ref.to(at::kCPU, at::kDouble);
    return d.norm().item<double>() / std::max(ref.to(at::kCPU, at::kDouble).norm().item<double>(), 1e-30);
}

double differingFraction(const at::Tensor& a, const at::Tensor& b)
{
    return a.ne(b).to(at::kDouble).mean().item<double>();
}

} // namespace

QAT_TEST(atenOpsMatchFloat64Formulas)
{
    KernelsOn restore;
    for (const auto& dev : test::devices())
        for (bool kernels : {false, true}) {
            setKernels(kernels);
            torch::manual_seed(1);
            // RMSNorm: w x / sqrt(mean(x^2) + eps), written in float64.
            at::Tensor x = at::randn({3, 5, 24}).to(dev), w = at::rand({24}).to(dev) + 0.5;
            at::Tensor x64 = x.to(at::kCPU, at::kDouble), w64 = w.to(at::kCPU, at::kDouble);
            at::Tensor ref = w64 * x64 / at::sqrt((x64 * x64).sum(-1, true) / 24 + 1e-5);
            QAT_CHECK(relL2(rmsNorm(x, w, 1e-5), ref) < 1e-6);
            // RoPE as the rotation of each pair (x[i], x[i + D/2]) by the angle t * inv_freq[i].
            const int64_t t = 6, d = 8;
            at::Tensor q = at::randn({2, t, 3, d}).to(dev).transpose(1, 2);
            auto [cos, sin] = ropeTables(t, d, at::kFloat, dev);
            at::Tensor q64 = q.to(at::kCPU, at::kDouble),
                       c = cos.to(at::kCPU, at::kDouble).slice(-1, 0, d / 2),
                       s = sin.to(at::kCPU, at::kDouble).slice(-1, 0, d / 2);
            at::Tensor lo = q64.slice(-1, 0, d / 2), hi = q64.slice(-1, d / 2);
            at::Tensor rot = at::cat({lo * c - hi * s, hi * c + lo * s}, -1);
            QAT_CHECK(relL2(applyRope(q, cos, sin), rot) < 1e-6);
            // SwiGLU: g sigmoid(g) u, and its gradients g' = dy u (s + g s (1 - s)), u' = dy g s.
            at::Tensor g = (at::randn({4, 9}) * 4).to(dev).requires_grad_(true),
                       u = at::randn({4, 9}).to(dev).requires_grad_(true), dy = at::randn({4, 9}).to(dev);
            at::Tensor g64 = g.detach().to(at::kCPU, at::kDouble), u64 = u.detach().to(at::kCPU, at::kDouble),
                       dy64 = dy.to(at::kCPU, at::kDouble), sg = 1 / (1 + at::exp(-g64));
            at::Tensor y = swiGlu(g, u);
            y.backward(dy);
            QAT_CHECK(relL2(y, g64 * sg * u64) < 1e-6);
            QAT_CHECK(relL2(g.grad(), dy64 * u64 * (sg + g64 * sg * (1 - sg))) < 1e-6);
            QAT_CHECK(relL2(u.grad(), dy64 * g64 * sg) < 1e-6);
        }
}

QAT_TEST(ropeKernelsAreTheAtenOpsBitForBit)
{
    requireKernels();
    KernelsOn restore;
    const at::Device dev(at::kCUDA, 0);
    struct Shape
    {
        int64_t b, t, h, d;
    };
    for (at::ScalarType dtype : {at::kFloat, at::kBFloat16, at::kHalf})
        // 16-byte accesses (D a multiple of 16, or of 8 in float32) and one element at a time (D 6, or 8 in
        // bf16 and fp16).
        for (const Shape& sh :
             std::vector<Shape>{{1, 33, 2, 64}, {2, 7, 3, 8}, {1, 128, 4, 128}, {2, 5, 3, 6}}) {
            torch::manual_seed(2);
            // x as the model has it: the [B, T, H, D] projection viewed as [B, H, T, D]; the gradient in
            // another layout, as attention's backward may hand it over.
            const at::Tensor x0 = at::randn({sh.b, sh.t, sh.h, sh.d}).to(dev, dtype).transpose(1, 2);
            const at::Tensor g = at::randn({sh.b, sh.h, sh.t, sh.d}).to(dev, dtype);
            auto [cos, sin] = ropeTables(sh.t, sh.d, dtype, dev);
            std::vector<at::Tensor> ys, dxs;
            for (bool kernels : {true, false}) {
                setFusedNormRopeEnabled(kernels);
                at::Tensor x = x0.detach().requires_grad_(true);
                at::Tensor y = applyRope(x, cos, sin);
                y.backward(g);
                ys.push_back(y.detach());
                dxs.push_back(x.grad());
            }
            std::ostringstream what;
            what << name(dtype) << " B" << sh.b << " T" << sh.t << " H" << sh.h << " D" << sh.d;
            QAT_CHECK_MSG(at::equal(ys[0], ys[1]), what.str() + ": forward");
            QAT_CHECK_MSG(at::equal(dxs[0], dxs[1]), what.str() + ": backward");
            QAT_CHECK_MSG(ys[0].strides() == x0.strides(), what.str() + ": result not in x's layout");
            QAT_CHECK_MSG(dxs[0].strides() == x0.strides(), what.str() + ": gradient not in x's layout");
        }
}

QAT_TEST(rmsNormKernelsMatchAten)
{
    requireKernels();
    KernelsOn restore;
    const at::Device dev(at::kCUDA, 0);
    for (at::ScalarType dtype : {at::kFloat, at::kBFloat16, at::kHalf})
        for (int64_t cols : {8, 30, 64, 100, 384, 4096}) // 30 (and 100 in bf16, fp16): one element at a time
            for (bool trainWeight : {false, true}) {
                torch::manual_seed(3);
                const at::Tensor x0 = (at::randn({2, 37, cols}) * 3).to(dev, dtype);
                const at::Tensor w0 = (at::rand({cols}) + 0.5).to(dev, dtype);
                const at::Tensor g = at::randn({2, 37, cols}).to(dev, dtype);
                std::vector<at::Tensor> ys, dxs, dws;
                for (bool kernels : {true, false}) {
                    setFusedNormRopeEnabled(kernels);
                    QAT_CHECK(fusedRmsNormApplies(x0, w0) == kernels);
                    at::Tensor x = x0.detach().requires_grad_(true),
                               w = w0.detach().requires_grad_(trainWeight);
                    at::Tensor y = rmsNorm(x, w, 1e-6);
                    y.backward(g);
                    ys.push_back(y.detach());
                    dxs.push_back(x.grad());
                    if (trainWeight) dws.push_back(w.grad());
                }
                std::ostringstream what;
                what << name(dtype) << " cols " << cols << (trainWeight ? " (weight trained)" : "");
                for (int k = 0; k < 2; ++k) {
                    const at::Tensor &a = k ? dxs[0] : ys[0], &b = k ? dxs[1] : ys[1];
                    const double diff = test::maxAbsDiff(a, b), top = b.abs().max().item<double>();
                    const double tol = dtype == at::kFloat && k == 1 ? 1e-5 : ulpOf(dtype);
                    QAT_CHECK_MSG(diff <= tol * top, what.str() + (k ? ": dx " : ": y ") +
                                                         std::to_string(diff) + " over " +
                                                         std::to_string(top));
                    if (dtype != at::kFloat)
                        QAT_CHECK_MSG(differingFraction(a, b) <= 0.02,
                                      what.str() + ": " + std::to_string(differingFraction(a, b)) +
                                          " differ");
                }
                if (trainWeight) {
                    const double tol = dtype == at::kFloat ? 1e-5 : std::ldexp(1.0, -6);
                    QAT_CHECK_MSG(relL2(dws[0], dws[1]) <= tol,
                                  what.str() + ": dw " + std::to_string(relL2(dws[0], dws[1])));
                }
            }
}

QAT_TEST(swiGluKernelsMatchAten)
{
    requireKernels();
    KernelsOn restore;
    const at::Device dev(at::kCUDA, 0);
    for (at::ScalarType dtype : {at::kFloat, at::kBFloat16, at::kHalf})
        // 16 bytes a thread (a multiple of 8 elements) and one element at a time (an odd count); gate values
        // out to +-12, where sigmoid saturates.
        for (int64_t cols : {8, 344, 11008, 37})
            for (int needs : {3, 1, 2}) { // both gradients, gate's only, up's only
                torch::manual_seed(4);
                const at::Tensor g0 = (at::randn({3, 17, cols}) * 4).clamp(-12, 12).to(dev, dtype);
                const at::Tensor u0 = at::randn({3, 17, cols}).to(dev, dtype);
                const at::Tensor dy = at::randn({3, 17, cols}).to(dev, dtype);
                std::vector<at::Tensor> ys, dgs, dus;
                for (bool kernels : {true, false}) {
                    setFusedSwiGluEnabled(kernels);
                    QAT_CHECK(fusedSwiGluApplies(g0, u0) == kernels);
                    at::Tensor g = g0.detach().requires_grad_((needs & 1) != 0),
                               u = u0.detach().requires_grad_((needs & 2) != 0);
                    at::Tensor y = swiGlu(g, u);
                    y.backward(dy);
                    ys.push_back(y.detach());
                    dgs.push_back(g.grad());
                    dus.push_back(u.grad());
                }
                std::ostringstream what;
                what << name(dtype) << " cols " << cols << " needs " << needs;
                QAT_CHECK_MSG(at::equal(ys[0], ys[1]), what.str() + ": forward");
                QAT_CHECK_MSG(dgs[0].defined() == bool(needs & 1) && dus[0].defined() == bool(needs & 2),
                              what.str() + ": gradients of the wrong inputs");
                if (needs & 2) QAT_CHECK_MSG(at::equal(dus[0], dus[1]), what.str() + ": du");
                if (needs & 1) {
                    const at::Tensor a = dgs[0].to(at::kDouble), b = dgs[1].to(at::kDouble);
                    const double worst = ((a - b).abs() / (b.abs() + 1e-30)).max().item<double>();
                    const double differ = differingFraction(dgs[0], dgs[1]);
                    QAT_CHECK_MSG(worst <= ulpOf(dtype) && differ <= 0.01,
                                  what.str() + ": dg " + std::to_string(worst) + " relative, " +
                                      std::to_string(differ) + " differ");
                }
            }
}

QAT_TEST(modelWithKernelsMatchesAtenOps)
{
    requireKernels();
    KernelsOn restore;
    const at::Device dev(at::kCUDA, 0);
    const ModelConfig c = test::tinyConfig(64, 96, 2, 50);
    for (at::ScalarType dtype : {at::kFloat, at::kBFloat16})
        for (bool checkpoint : {false, true}) {
            LoadOptions o;
            o.device = dev;
            o.dtype = dtype;
            LlamaModel model(c, test::tinyModel(c).weights(), o);
            for (auto& layer : model.weights().layers)
                for (int k : {0, 1, 2}) // q, k, v: their gradients pass through RoPE and the input norm
                    layer.linear[k].requires_grad_(true);
            at::Tensor ids =
                at::randint(0, c.vocabSize, {2, 40}, at::TensorOptions().dtype(at::kLong)).to(dev);
            std::vector<at::Tensor> logits, grads;
            for (bool kernels : {true, false}) {
                setKernels(kernels);
                ForwardOptions fo;
                fo.checkpointBlocks = checkpoint;
                at::Tensor out = model.forward(ids, fo);
                at::cross_entropy_loss(out.view({-1, c.vocabSize}), ids.view({-1})).backward();
                logits.push_back(out.detach());
                std::vector<at::Tensor> g;
                for (auto& layer : model.weights().layers)
                    for (int k : {0, 1, 2}) {
                        g.push_back(layer.linear[k].grad().to(at::kFloat).flatten());
                        layer.linear[k].mutable_grad() = at::Tensor();
                    }
                grads.push_back(at::cat(g));
            }
            const double tol = dtype == at::kFloat ? 1e-5 : std::ldexp(1.0, -5);
            const double dl = test::maxAbsDiff(logits[0], logits[1]),
                         dg = test::maxAbsDiff(grads[0], grads[1]);
            std::cout << "  " << name(dtype) << (checkpoint ? " checkpointed" : "")
                      << ": logits |kernels - aten| " << dl << ", q/k/v grads " << dg << "\n";
            QAT_CHECK(grads[1].abs().max().item<double>() > 0);
            QAT_CHECK(dl <= tol * logits[1].abs().max().item<double>());
            QAT_CHECK(dg <= tol * grads[1].abs().max().item<double>());
        }
}

QAT_TEST(whatTheKernelsDoNotCoverTakesTheAtenOps)
{
    KernelsOn restore;
    auto [cos, sin] = ropeTables(4, 8, at::kFloat, at::kCPU);
    at::Tensor x = at::randn({1, 2, 4, 8});
    QAT_CHECK(!fusedRopeApplies(x, cos, sin)); // the CPU
    QAT_CHECK(!fusedRmsNormApplies(x, at::ones({8})));
    QAT_CHECK(!fusedSwiGluApplies(x, x));
    QAT_CHECK(at::equal(swiGlu(x, x.flip(-1)), at::silu(x) * x.flip(-1)));
    QAT_CHECK(at::allclose(applyRope(x, cos, sin),
                           x * cos + at::cat({-x.slice(-1, 4), x.slice(-1, 0, 4)}, -1) * sin));
    if (!torch::cuda::is_available()) return;
    const at::Device dev(at::kCUDA, 0);
    at::Tensor xc = x.to(dev), cc = cos.to(dev), sc = sin.to(dev);
    const bool built = fusedRopeApplies(xc, cc, sc);
    QAT_CHECK(!fusedRopeApplies(xc, cc.to(at::kHalf), sc.to(at::kHalf))); // tables in another dtype
    QAT_CHECK(
        !fusedRopeApplies(xc.slice(-1, 0, 6), cc.slice(-1, 0, 6), sc.slice(-1, 0, 6))); // strided tables
    QAT_CHECK(!fusedRopeApplies(at::randn({1, 2, 8, 4}, dev).transpose(2, 3), cc, sc)); // a strided last dim
    QAT_CHECK(!fusedRmsNormApplies(xc, at::ones({8}, dev).to(at::kHalf))); // weight in another dtype
    QAT_CHECK(fusedRmsNormApplies(xc, at::ones({8}, dev)) == built);
    QAT_CHECK(fusedSwiGluApplies(xc, xc) == built);
    QAT_CHECK(!fusedSwiGluApplies(xc, xc.to(at::kHalf)));   // up in another dtype
    QAT_CHECK(!fusedSwiGluApplies(xc, xc.slice(-1, 0, 6))); // another shape
    setFusedNormRopeEnabled(false);
    QAT_CHECK(!fusedRopeApplies(xc, cc, sc));
    QAT_CHECK(!fusedRmsNormApplies(xc, at::ones({8}, dev)));
    QAT_CHECK(fusedSwiGluApplies(xc, xc) == built); // a switch of its own
    setFusedSwiGluEnabled(false);
    QAT_CHECK(!fusedSwiGluApplies(xc, xc));
}

QAT_TEST_MAIN()

// The group-wise asymmetric quantizer (DESIGN.md §4): formulas, the RTN reference protocol, STE gradients,
// the clipping search, partial groups, codes <-> dequantized weights. Runs on every device.
#include "qat_test.h"
#include "torch_test.h"

#include "qatbench/error.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/quantizer.h"

namespace {

qat::QuantSpec spec(int bits, int64_t group, qat::RangeInit init = qat::RangeInit::MinMaxZero)
{
    qat::QuantSpec s;
    s.bits = bits;
    s.groupSize = group;
    s.init = init;
    return s;
}

// The reference protocol of shared/models/gutenberg-llama-22M/reference_eval.json, written element by
// element.
torch::Tensor referenceRtn(const torch::Tensor& w, int bits, int64_t group)
{
    auto wc = w.to(torch::kCPU, torch::kDouble).contiguous();
    auto out = torch::empty_like(wc);
    auto a = wc.accessor<double, 2>();
    auto o = out.accessor<double, 2>();
    const double levels = std::pow(2.0, bits) - 1;
    for (int64_t r = 0; r < wc.size(0); ++r)
        for (int64_t g0 = 0; g0 < wc.size(1); g0 += group) {
            double lo = 0, hi = 0;
            for (int64_t c = g0; c < g0 + group; ++c)
                lo = std::min(lo, a[r][c]), hi = std::max(hi, a[r][c]);
            const double s = std::max((hi - lo) / levels, 1e-8);
            const double z = std::nearbyint(-lo / s);
            for (int64_t c = g0; c < g0 + group; ++c) {
                const double q = std::clamp(std::nearbyint(a[r][c] / s) + z, 0.0, levels);
                o[r][c] = s * (q - z);
            }
        }
    return out;
}

} // namespace

QAT_TEST(rtnMatchesTheReferenceProtocol)
{
    torch::manual_seed(1);
    for (auto dev : qat::test::devices())
        for (int bits : {2, 3, 4, 8}) {
            auto w = torch::randn({16, 128}, torch::TensorOptions().device(dev)) * 0.05;
            auto s = spec(bits, 64);
            auto p = qat::initQuantParams(w, s);
            auto q = qat::fakeQuant(w, p.scale, p.zero, s);
            // float32 vs float64 may differ by one code where w/s sits on a rounding boundary: allow a few.
            auto diff = (q.to(torch::kCPU, torch::kDouble) - referenceRtn(w, bits, 64)).abs();
            const double maxScale = p.scale.max().item<double>();
            QAT_CHECK_MSG((diff > 1e-6).sum().item<int64_t>() <= 2, std::to_string(bits) + " bits");
            QAT_CHECK(diff.max().item<double>() <= maxScale * 1.001);
        }
}

QAT_TEST(aQuantLinearKeepsTheExactScaleAndCodes)
{
    // QuantLinear learns log s; a fresh one must still give back s and the RTN codes bit for bit (in float32,
    // exp(log s) is often an ulp off, which moved 0.27 % of the codes of a real model at W2).
    torch::manual_seed(3);
    for (auto dev : qat::test::devices())
        for (int bits : {2, 3, 4}) {
            qat::QuantLinear q;
            q.spec = spec(bits, 64);
            q.w0 = torch::randn({256, 1024}, torch::TensorOptions().device(dev)) * 0.02;
            q.lay = qat::groupLayout(256, 1024, q.spec);
            const auto p = qat::initQuantParams(q.w0, q.spec);
            q.setScale(p.scale);
            q.zero = p.zero;
            QAT_CHECK(torch::equal(q.scale(), p.scale));
            QAT_CHECK_MSG(torch::equal(q.codes(), qat::quantCodes(q.w0, p, q.spec)),
                          std::to_string(bits) + " bits");
        }
}

QAT_TEST(codesAreInRangeAndDequantizeToTheFakeQuantizedWeight)
{
    torch::manual_seed(2);
    for (auto dev : qat::test::devices())
        for (auto init : {qat::RangeInit::MinMaxZero, qat::RangeInit::MinMax, qat::RangeInit::Search})
            for (int bits = 2; bits <= 8; ++bits) {
                auto w = torch::randn({8, 96}, torch::TensorOptions().device(dev));
                auto s = spec(bits, 32, init);
                auto p = qat::initQuantParams(w, s);
                auto codes = qat::quantCodes(w, p, s);
                QAT_CHECK(codes.scalar_type() == torch::kByte);
                QAT_CHECK(codes.max().item<int>() <= (1 << bits) - 1);
                QAT_CHECK(p.zero.min().item<double>() >= 0 && p.zero.max().item<double>() <= (1 << bits) - 1);
                auto back = qat::dequantCodes(codes, p.scale, p.zero, s);
                QAT_CHECK_NEAR(qat::test::maxAbsDiff(back, qat::fakeQuant(w, p.scale, p.zero, s)), 0.0, 1e-6);
            }
}

QAT_TEST(errorIsAtMostHalfAStepInsideTheRange)
{
    for (auto dev : qat::test::devices()) {
        auto w = torch::randn({4, 256}, torch::TensorOptions().device(dev));
        auto s = spec(3, 128, qat::RangeInit::MinMax);
        auto p = qat::initQuantParams(w, s);
        auto err = (qat::fakeQuant(w, p.scale, p.zero, s) - w).abs();
        auto half = qat::expandGroups(p.scale, qat::groupLayout(4, 256, s)) * 0.5;
        // the zero-point is rounded, so the grid may shift by up to half a step: max error <= 1 step.
        QAT_CHECK((err <= half * 2 + 1e-6).all().item<bool>());
    }
}

QAT_TEST(steGradientsFollowTheFormulas)
{
    for (auto dev : qat::test::devices()) {
        torch::manual_seed(3);
        auto w = torch::randn({4, 64}, torch::TensorOptions().device(dev)).requires_grad_(true);
        auto s = spec(4, 32, qat::RangeInit::MinMax);
        auto p = qat::initQuantParams(w, s);
        auto scale = p.scale.clone().requires_grad_(true);
        auto zero = p.zero.clone().requires_grad_(true);
        // shrink the scale so some weights clamp: their w-gradient must be 0.
        auto sc = scale * 0.7;
        auto q = qat::fakeQuant(w, sc, qat::roundSte(zero), s);
        q.sum().backward();
        auto lay = qat::groupLayout(4, 64, s);
        auto u =
            torch::round(w.detach() / qat::expandGroups(sc.detach(), lay)) + qat::expandGroups(p.zero, lay);
        auto inside = (u >= 0) & (u <= 15);
        QAT_CHECK(inside.logical_not().any().item<bool>());
        QAT_CHECK_NEAR(qat::test::maxAbsDiff(w.grad(), inside.to(torch::kFloat)), 0.0, 0.0);
        // dQ/ds inside = round(w/s) - w/s; outside = (clamped code - z). Summed per group, times 0.7.
        auto ws = w.detach() / qat::expandGroups(sc.detach(), lay);
        auto zq = qat::expandGroups(p.zero, lay);
        auto dQds = torch::where(inside, torch::round(ws) - ws, u.clamp(0, 15) - zq);
        auto expect = qat::toGroups(dQds, lay).sum(-1) * 0.7;
        QAT_CHECK_NEAR(qat::test::maxAbsDiff(scale.grad(), expect), 0.0, 1e-3);
        // dQ/dz: -s inside (the +z and -z cancel... only through the clamp): 0 inside, -s outside.
        auto dQdz = torch::where(inside, torch::zeros_like(ws), -qat::expandGroups(sc.detach(), lay));
        QAT_CHECK_NEAR(qat::test::maxAbsDiff(zero.grad(), qat::toGroups(dQdz, lay).sum(-1)), 0.0, 1e-4);
    }
}

QAT_TEST(clippingSearchNeverIncreasesTheGroupError)
{
    torch::manual_seed(4);
    for (auto dev : qat::test::devices()) {
        // heavy tails: a clipped range wins
        auto w = torch::randn({32, 128}, torch::TensorOptions().device(dev)).pow(3);
        for (int bits : {2, 3, 4}) {
            auto mm = spec(bits, 32, qat::RangeInit::MinMaxZero);
            auto se = spec(bits, 32, qat::RangeInit::Search);
            auto eMm = qat::groupSquaredError(w, qat::initQuantParams(w, mm), mm);
            auto eSe = qat::groupSquaredError(w, qat::initQuantParams(w, se), se);
            QAT_CHECK((eSe <= eMm + 1e-6).all().item<bool>());
            QAT_CHECK_MSG(eSe.sum().item<double>() < 0.98 * eMm.sum().item<double>(),
                          std::to_string(bits) + ": " +
                              std::to_string(eSe.sum().item<double>() / eMm.sum().item<double>()));
        }
    }
}

QAT_TEST(perChannelAndPartialGroups)
{
    auto w = torch::randn({6, 172});
    auto pc = spec(4, 0);
    auto lay = qat::groupLayout(6, 172, pc);
    QAT_CHECK_EQ(lay.groups, int64_t(1));
    QAT_CHECK_EQ(qat::initQuantParams(w, pc).scale.size(1), int64_t(1));
    QAT_CHECK_THROWS_WITH(qat::groupLayout(6, 172, spec(4, 32)), "method.options.group_size", "172");
    auto part = spec(4, 32);
    part.allowPartialGroup = true;
    lay = qat::groupLayout(6, 172, part);
    QAT_CHECK_EQ(lay.groups, int64_t(6));
    auto p = qat::initQuantParams(w, part);
    auto q = qat::fakeQuant(w, p.scale, p.zero, part);
    QAT_CHECK_EQ(q.size(1), int64_t(172));
    // The last (12-column) group is quantized on its own: same as quantizing those columns alone.
    auto tail = w.narrow(1, 160, 12).contiguous();
    auto tp = qat::initQuantParams(tail, spec(4, 0));
    auto tq = qat::fakeQuant(tail, tp.scale, tp.zero, spec(4, 0));
    QAT_CHECK_NEAR(qat::test::maxAbsDiff(q.narrow(1, 160, 12), tq), 0.0, 1e-6);
    auto codes = qat::quantCodes(w, p, part);
    QAT_CHECK_NEAR(qat::test::maxAbsDiff(qat::dequantCodes(codes, p.scale, p.zero, part), q), 0.0, 1e-6);
}

QAT_TEST(zeroIsExactlyRepresentableWithMinMaxZero)
{
    auto w = torch::rand({4, 64}) + 0.5; // all positive: min(0, min w) = 0
    auto s = spec(3, 32);
    auto p = qat::initQuantParams(w, s);
    QAT_CHECK_EQ(p.zero.abs().max().item<double>(), 0.0);
    auto z = torch::zeros({4, 64});
    QAT_CHECK_EQ(qat::fakeQuant(z, p.scale, p.zero, s).abs().max().item<double>(), 0.0);
}

QAT_TEST_MAIN()

// GPTQ: the column-wise rounding with error feedback beats round-to-nearest on the layer's output error,
// reduces to RTN when the inputs are uncorrelated, keeps its codes exact (so QAT methods can start from it),
// and as a method beats RTN and exports what it computed.
#include "test_peers_fixtures.h"

#include "../../plugins/gptq/gptq.h"
#include "qatbench_sdk/quantizer.h"

namespace {

qat::QuantSpec spec(int bits, int64_t group)
{
    qat::QuantSpec s;
    s.bits = bits;
    s.groupSize = group;
    s.init = qat::RangeInit::MinMax;
    return s;
}

// Correlated inputs, as a linear's activations are.
torch::Tensor inputs(int64_t n, int64_t in)
{
    torch::manual_seed(3);
    auto mix = torch::randn({in, in}) * 0.3 + torch::eye(in);
    return torch::matmul(torch::randn({n, in}), mix);
}

double outputError(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& wq)
{
    return (torch::matmul(x, (w - wq).t())).pow(2).mean().item<double>();
}

} // namespace

QAT_TEST(gptqBeatsRtnOnTheLayerOutput)
{
    for (bool actOrder : {false, true}) {
        torch::manual_seed(5);
        auto w = torch::randn({24, 64});
        auto x = inputs(512, 64);
        auto h = torch::matmul(x.t(), x) * (2.0 / 512);
        qat::plugins::GptqSettings st;
        st.actOrder = actOrder;
        st.blockSize = 32;
        auto s = spec(3, 16);
        auto r = qat::plugins::gptqQuantizeLinear(w, h, s, st);
        auto p = qat::initQuantParams(w, s);
        auto rtn = qat::fakeQuant(w, p.scale, p.zero, s);
        const double eg = outputError(x, w, r.weight), er = outputError(x, w, rtn);
        QAT_CHECK_MSG(eg < 0.8 * er, "act_order " + std::to_string(actOrder) + ": GPTQ " +
                                         std::to_string(eg) + " vs RTN " + std::to_string(er));
        // The weight is on its grid: codes -> dequant gives it back exactly.
        qat::QuantParams g{r.scale, r.zero};
        auto codes = qat::quantCodes(r.weight, g, s);
        QAT_CHECK(torch::allclose(qat::dequantCodes(codes, r.scale, r.zero, s), r.weight, 1e-5, 1e-6));
        QAT_CHECK(torch::equal(r.zero, torch::round(r.zero)));
    }
}

QAT_TEST(identityHessianIsRoundToNearest)
{
    torch::manual_seed(6);
    auto w = torch::randn({8, 32});
    auto s = spec(4, 8);
    qat::plugins::GptqSettings st;
    st.damp = 0;
    auto r = qat::plugins::gptqQuantizeLinear(w, torch::eye(32), s, st);
    auto p = qat::initQuantParams(w, s);
    QAT_CHECK(torch::allclose(r.weight, qat::fakeQuant(w, p.scale, p.zero, s), 1e-5, 1e-6));
    // per-channel and a partial last group run too
    auto pc = spec(4, 0);
    QAT_CHECK(qat::plugins::gptqQuantizeLinear(w, torch::eye(32), pc, st).scale.size(1) == 1);
    auto part = spec(4, 12);
    part.allowPartialGroup = true;
    QAT_CHECK(qat::plugins::gptqQuantizeLinear(w, torch::eye(32), part, st).scale.size(1) == 3);
}

QAT_TEST(deadInputsDoNotBreakIt)
{
    auto w = torch::randn({8, 16});
    auto x = inputs(64, 16);
    x.narrow(1, 3, 2).zero_();
    auto h = torch::matmul(x.t(), x);
    auto r = qat::plugins::gptqQuantizeLinear(w, h, spec(3, 8), {});
    QAT_CHECK(torch::isfinite(r.weight).all().item<bool>());
}

QAT_TEST(gptqMethodBeatsRtnAndExports)
{
    using namespace peers;
    const double rtn = rtnPpl(3, 16);
    for (bool actOrder : {false, true}) {
        auto e = experiment(
            "gptq", {{"bits", 3}, {"group_size", 16}, {"calib_windows", 32}, {"act_order", actOrder}}, 0);
        auto r = run(e, freshDir("gptq"));
        QAT_CHECK_MSG(r.ppl < rtn, std::to_string(r.ppl) + " vs RTN " + std::to_string(rtn));
        checkExport(r, "gptq");
        QAT_CHECK(r.sink.phases.size() >= 1 && r.sink.phases[0] == "gptq");
        QAT_CHECK_EQ(first(r, "train/trainable_params"), 0.0);
    }
}

QAT_TEST(qatMethodsCanStartFromGptq)
{
    using namespace peers;
    // 0 training steps from the GPTQ grid: the result is GPTQ's model.
    json g = {{"bits", 3}, {"group_size", 16}, {"calib_windows", 16}};
    const double gptq = run(experiment("gptq", g, 0)).ppl;
    json o = {{"bits", 3}, {"group_size", 16}, {"init_from", "gptq"}, {"gptq_calib_windows", 16}};
    for (const char* m : {"l4q", "qalora", "lrqat"}) {
        json oo = o;
        if (std::string(m) == "lrqat") oo["latent_storage"] = "fp32";
        QAT_CHECK_NEAR(run(experiment(m, oo, 0)).ppl, gptq, gptq * 1e-4);
    }
}

QAT_TEST_MAIN()

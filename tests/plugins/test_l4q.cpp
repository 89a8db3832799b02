// L4Q: LoRA inside the quantizer with the scale and zero-point trained together in one stage.
#include "test_peers_fixtures.h"

#include "qatbench/safetensors.h"
#include "qatbench_sdk/tensor_io.h"

QAT_TEST(trainsLoraAndGridTogether)
{
    using namespace peers;
    const double rtn = rtnPpl(3, 16);
    auto r = run(experiment("l4q", {{"bits", 3}, {"group_size", 16}, {"rank", 4}, {"lr_lora", 5e-3}}, 40),
                 freshDir("l4q"));
    QAT_CHECK(last(r, "train/loss") < first(r, "train/loss"));
    QAT_CHECK_MSG(r.ppl < rtn, std::to_string(r.ppl) + " vs RTN " + std::to_string(rtn));
    checkExport(r, "l4q");
    // A, B, log s and z of every linear; the learning-rate series of the three groups are logged
    QAT_CHECK(r.sink.scalars.count("train/lr{group=scale}") && r.sink.scalars.count("train/lr{group=zero}"));
    const int64_t perLayer = 4 * (32 + 32) * 2 + 4 * (32 + 16) * 2 + 4 * (32 + 64) * 2 + 4 * (64 + 32);
    const int64_t grid = 2 * (32 * 2 * 2 + 16 * 2 * 2 + 64 * 2 * 2 + 32 * 4);
    QAT_CHECK_EQ(int64_t(first(r, "train/trainable_params")), 2 * perLayer + 2 * grid);
}

QAT_TEST(learnedZeroPointsStayInTheCodeRange)
{
    // A large zero-point step at W2 takes z out of [0, 3]; the deployable file holds z as a byte, so z is
    // projected back into the code range before every step and when the result is made.
    using namespace peers;
    auto r = run(experiment("l4q", {{"bits", 2}, {"group_size", 4}, {"rank", 4}, {"lr_zero", 0.5}}, 12),
                 freshDir("l4qz"));
    qat::SafetensorsFile f(r.workDir + "/export/quantized.safetensors");
    int64_t checked = 0;
    for (const auto& t : f.tensors())
        if (t.name.size() > 6 && t.name.compare(t.name.size() - 6, 6, ".zeros") == 0) {
            const at::Tensor z = qat::readTensor(f, t.name).to(at::kInt);
            QAT_CHECK_MSG(z.min().item<int>() >= 0 && z.max().item<int>() <= 3, t.name);
            ++checked;
        }
    QAT_CHECK(checked > 0);
    checkExport(r, "l4q");
}

QAT_TEST(zeroStepsIsRtn)
{
    using namespace peers;
    const double rtn = rtnPpl(4, 16);
    QAT_CHECK_NEAR(run(experiment("l4q", {{"bits", 4}, {"group_size", 16}}, 0)).ppl, rtn, rtn * 1e-5);
}

QAT_TEST_MAIN()

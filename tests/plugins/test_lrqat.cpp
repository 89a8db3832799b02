// LR-QAT: the low-rank update inside the integer grid over down-cast grid positions W0/s0.
#include "test_peers_fixtures.h"

QAT_TEST(trainsInEveryStorage)
{
    using namespace peers;
    const double rtn = rtnPpl(3, 16);
    for (const char* storage : {"int8", "bf16", "fp32"}) {
        auto r = run(experiment("lrqat",
                                {{"bits", 3},
                                 {"group_size", 16},
                                 {"rank", 4},
                                 {"lr_lora", 5e-3},
                                 {"latent_storage", storage}},
                                40),
                     freshDir("lrqat"));
        QAT_CHECK_MSG(last(r, "train/loss") < first(r, "train/loss"), storage);
        QAT_CHECK_MSG(r.ppl < rtn,
                      std::string(storage) + ": " + std::to_string(r.ppl) + " vs RTN " + std::to_string(rtn));
        checkExport(r, std::string("lrqat ") + storage);
    }
}

QAT_TEST(zeroStepsIsRtnUpToTheDownCast)
{
    using namespace peers;
    const double rtn = rtnPpl(4, 16);
    // fp32 keeps W0/s0 exactly; int8 (4 fraction bits at W4) may move a value sitting next to a rounding
    // boundary, so only closeness is expected there.
    QAT_CHECK_NEAR(
        run(experiment("lrqat", {{"bits", 4}, {"group_size", 16}, {"latent_storage", "fp32"}}, 0)).ppl, rtn,
        rtn * 1e-5);
    QAT_CHECK_NEAR(
        run(experiment("lrqat", {{"bits", 4}, {"group_size", 16}, {"latent_storage", "int8"}}, 0)).ppl, rtn,
        rtn * 0.05);
}

QAT_TEST(gradientCheckpointingTrainsTheSameAsWithout)
{
    // Regression: the hook cached W_hat whenever grad mode was off, and a checkpointed block's forward runs
    // with grad mode off, so with gradient_checkpointing every step after the first computed its loss with
    // the first step's LoRA.
    using namespace peers;
    const json o = {
        {"bits", 3}, {"group_size", 16}, {"rank", 4}, {"lr_lora", 5e-3}, {"latent_storage", "fp32"}};
    json plain = experiment("lrqat", o, 8);
    json ckpt = plain;
    ckpt["training"]["gradient_checkpointing"] = true;
    const auto a = run(plain), b = run(ckpt);
    QAT_CHECK_NEAR(last(b, "train/loss"), last(a, "train/loss"), 1e-4 * last(a, "train/loss"));
    QAT_CHECK_NEAR(b.ppl, a.ppl, 1e-4 * a.ppl);
}

QAT_TEST_MAIN()

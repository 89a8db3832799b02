// QA-LoRA: LoRA on group-pooled inputs over a frozen quantized base; after training it merges into the
// zero-points exactly (the merged integer model computes what the base + LoRA computed).
#include "test_peers_fixtures.h"

#include "qatbench/safetensors.h"
#include "qatbench_sdk/tensor_io.h"

QAT_TEST(trainsAndMergesIntoTheZeroPoints)
{
    using namespace peers;
    const double rtn = rtnPpl(3, 16);
    auto e = experiment("qalora", {{"bits", 3}, {"group_size", 16}, {"rank", 4}, {"lr_lora", 1e-2}}, 40);
    e["training"]["eval_every"] = 20;
    auto r = run(e, freshDir("qalora"));
    QAT_CHECK(last(r, "train/loss") < first(r, "train/loss"));
    QAT_CHECK_MSG(r.ppl < rtn, std::to_string(r.ppl) + " vs RTN " + std::to_string(rtn));
    // the last eval ran through base + pooled LoRA; the merged model has the same perplexity
    QAT_CHECK_NEAR(last(r, "eval/ppl"), r.ppl, r.ppl * 1e-4);
    checkExport(r, "qalora");
    // zeros are fractional float32 now; codes stay integers of the base grid
    qat::SafetensorsFile f(r.workDir + "/export/quantized.safetensors");
    auto z = qat::readTensor(f, "model.layers.0.self_attn.q_proj.zeros");
    QAT_CHECK(z.scalar_type() == torch::kFloat);
    QAT_CHECK(!torch::equal(z, torch::round(z)));
    // trainable: r x groups + out x r per linear
    const int64_t perLayer = 4 * (2 + 32) * 2 + 4 * (2 + 16) * 2 + 4 * (2 + 64) * 2 + 4 * (4 + 32);
    QAT_CHECK_EQ(int64_t(first(r, "train/trainable_params")), 2 * perLayer);
}

QAT_TEST(zeroStepsIsTheBase)
{
    using namespace peers;
    const double rtn = rtnPpl(4, 16);
    QAT_CHECK_NEAR(run(experiment("qalora", {{"bits", 4}, {"group_size", 16}}, 0)).ppl, rtn, rtn * 1e-5);
}

QAT_TEST(partialGroupsPoolTheirOwnColumns)
{
    using namespace peers;
    // rows of 32 and 64 inputs in groups of 24: the last group of each row is shorter
    auto e = experiment(
        "qalora",
        {{"bits", 3}, {"group_size", 24}, {"allow_partial_group", true}, {"rank", 4}, {"lr_lora", 1e-2}}, 10);
    auto r = run(e, freshDir("qalora-partial"));
    checkExport(r, "qalora partial groups");
}

QAT_TEST_MAIN()

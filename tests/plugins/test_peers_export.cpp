// Every peer method exports through the deployable format, and the exported model has the perplexity of the
// trained (fake-quantized) model; a stopped run resumes to the same result as an uninterrupted one.
#include "test_peers_fixtures.h"

QAT_TEST(everyPeerExportsWhatItTrained)
{
    using namespace peers;
    const std::string cache = freshDir("gencache");
    const std::vector<std::pair<std::string, json>> cases = {
        {"gptq", {{"calib_windows", 16}}},
        {"llmqat", {{"gen_samples", 16}, {"gen_cache_dir", cache}, {"lr_weight", 1e-3}}},
        {"qalora", {{"rank", 4}, {"lr_lora", 5e-3}}},
        {"l4q", {{"rank", 4}, {"lr_lora", 5e-3}}},
        {"lrqat", {{"rank", 4}, {"lr_lora", 5e-3}}},
        {"lrqat",
         {{"rank", 4}, {"latent_storage", "bf16"}, {"init_from", "gptq"}, {"gptq_calib_windows", 8}}},
    };
    for (const auto& [method, extra] : cases) {
        json o = {{"bits", 3}, {"group_size", 16}};
        o.update(extra);
        auto r = run(experiment(method, o, 8), freshDir(method));
        checkExport(r, method);
    }
}

QAT_TEST(stoppedRunsResumeToTheSameResult)
{
    using namespace peers;
    const std::string cache = freshDir("gencache");
    for (const char* method : {"l4q", "qalora", "lrqat", "llmqat"}) {
        json o = {{"bits", 3}, {"group_size", 16}, {"rank", 4}, {"lr_lora", 5e-3}};
        if (std::string(method) == "llmqat")
            o = {{"bits", 3}, {"group_size", 16}, {"gen_samples", 16}, {"gen_cache_dir", cache}};
        auto e = experiment(method, o, 10);
        auto whole = run(e);
        const std::string dir = freshDir(std::string(method) + "-resume");
        auto stopped = run(e, dir, false, 4);
        QAT_CHECK(stopped.outcome == qat::RunOutcome::Stopped);
        QAT_CHECK(qat::hasCheckpoint(dir));
        auto resumed = run(e, dir, true);
        QAT_CHECK(resumed.outcome == qat::RunOutcome::Completed);
        QAT_CHECK_MSG(std::fabs(resumed.ppl - whole.ppl) <= 1e-4 * whole.ppl,
                      std::string(method) + ": resumed " + std::to_string(resumed.ppl) + " vs " +
                          std::to_string(whole.ppl));
    }
}

QAT_TEST_MAIN()

// Perplexity against transformers' numbers in models/parity/REFERENCE.md and gutenberg-llama-22M's
// reference_eval.json, the window arithmetic of both protocols, progress and cancel, and greedy generation.

#include "test_perplexity_fixtures.h"

#include "qatbench/error.h"
#include "qatbench/eval.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/eval.h"

#include <chrono>
#include <cstdlib>
#include <iostream>

using namespace qat;

QAT_TEST(stories260kTinyStories512)
{
    const auto r = test::measurePerplexity(
        "models/stories260K", "data/tinystories/TinyStories-validation-head.txt", 512, "float32");
    QAT_CHECK_EQ(r.textTokens + 1, 393013);
    QAT_CHECK_EQ(r.windows, 767);
    QAT_CHECK_EQ(r.tokensScored, 767 * 511);
    QAT_CHECK_NEAR(r.ppl, 5.0468, 0.00005);
    QAT_CHECK_NEAR(r.nll, 1.618755, 2e-6);
    QAT_CHECK_EQ(r.toJson()["protocol"]["name"].get<std::string>(), std::string("stream"));
}

QAT_TEST(windowArithmetic)
{
    std::vector<int32_t> ids(10);
    for (int i = 0; i < 10; ++i)
        ids[size_t(i)] = 100 + i;
    PerplexityProtocol p;
    p.seqLen = 4;
    at::Tensor w = makeWindows(ids, 1, p); // [1,100,101,102] [103..106]; tail 107..109 dropped
    QAT_CHECK_EQ(w.size(0), 2);
    QAT_CHECK_EQ(w[0][0].item<int64_t>(), 1);
    QAT_CHECK_EQ(w[1][0].item<int64_t>(), 103);
    p.name = "bos-window"; // [1,100,101,102] [1,103,104,105] [1,106,107,108]
    w = makeWindows(ids, 1, p);
    QAT_CHECK_EQ(w.size(0), 3);
    QAT_CHECK_EQ(w[2][1].item<int64_t>(), 106);
    p.name = "stream";
    p.stride = 2; // starts 0,2,4,6 over 11 tokens; later windows score only their last 2 targets
    w = makeWindows(ids, 1, p);
    QAT_CHECK_EQ(w.size(0), 4);
    at::Tensor m = scoredTargets(w.size(0), p);
    QAT_CHECK_EQ(m.sum().item<int64_t>(), 3 + 3 * 2);
    p.stride = 5;
    QAT_CHECK_THROWS_WITH(p.validate(), "protocol.stride");
    QAT_CHECK_THROWS_WITH(PerplexityProtocol::fromJson({{"name", "sliding"}}), "protocol.name");
}

QAT_TEST(progressAndCancel)
{
    PerplexityProtocol p;
    p.seqLen = 128;
    p.maxWindows = 20;
    EvalOptions o;
    o.batch = 4;
    int calls = 0;
    double lastEta = -2;
    o.progress = [&](const Progress& pr) {
        ++calls;
        lastEta = pr.etaSeconds;
        QAT_CHECK_EQ(pr.total, 20);
        return pr.done < 8;
    };
    QAT_CHECK_THROWS_WITH(
        evaluatePerplexity(test::dataPath("models/stories260K"),
                           test::dataPath("data/tinystories/TinyStories-validation-head.txt"), p, o),
        "cancelled");
    QAT_CHECK_EQ(calls, 2);
    QAT_CHECK(lastEta >= 0);
}

QAT_TEST(greedyStoryMatchesReference)
{
    const std::vector<int32_t> want{
        1,   403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401,
        396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 426, 385, 328, 432, 358,
        394, 261, 370, 432, 352, 266, 268, 388, 426, 338, 391, 266, 267, 337, 335, 312, 432, 398,
        312, 286, 267, 414, 270, 333, 415, 426, 13,  438, 310, 439, 419, 357, 336, 432, 313, 438,
        310, 432, 278, 316, 439, 419, 298, 414, 267, 265, 282, 295, 433, 426, 436, 317, 286, 296,
        418, 269, 279, 292, 416, 439, 413, 409, 416, 327, 263, 415, 294, 267, 400, 426, 338, 336,
        432, 313, 442, 391, 267, 337, 335, 364, 420, 268, 388, 432, 398, 359, 280, 303, 439};
    GenerateOptions o;
    o.maxNewTokens = 120;
    const auto r = generateText(test::dataPath("models/stories260K"), "Once upon a time", o);
    QAT_CHECK_EQ(r.promptTokens, 5);
    QAT_CHECK(r.ids == want);
    QAT_CHECK(r.text.rfind("Once upon a time, there was a little girl named Lily.", 0) == 0);
    QAT_CHECK(r.text.find("\nLily's mom said, \"Lily, let's go to the park.\"") != std::string::npos);
}

QAT_TEST(samplingIsSeeded)
{
    GenerateOptions o;
    o.maxNewTokens = 30;
    o.temperature = 0.9;
    o.topK = 40;
    o.topP = 0.95;
    o.seed = 42;
    const std::string dir = test::dataPath("models/stories260K");
    const auto a = generateText(dir, "Once upon a time", o);
    const auto b = generateText(dir, "Once upon a time", o);
    o.seed = 43;
    const auto c = generateText(dir, "Once upon a time", o);
    QAT_CHECK(a.ids == b.ids);
    QAT_CHECK(a.ids != c.ids);
    QAT_CHECK_EQ(int64_t(a.ids.size()), a.promptTokens + 30);
}

QAT_TEST_MAIN()

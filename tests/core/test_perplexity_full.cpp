// The heavier perplexity references: stories260K at seq 256, on WikiText-2 test (809k tokens), with BF16
// weights, and gutenberg-llama-22M with the bos-window protocol. On the CPU the whole files take minutes, so
// they run on CUDA (scripts/gpu-check.sh), else only with QATBENCH_SLOW_TESTS=1 (skipped otherwise). The CPU's
// representative reference is test_perplexity (stories260K, the whole TinyStories head, against transformers).

#include "test_perplexity_fixtures.h"

#include "qatbench/error.h"
#include "qatbench/eval.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/eval.h"

#include <chrono>
#include <cstdlib>
#include <iostream>

using namespace qat;

static void requireFastDevice()
{
    if (!torch::cuda::is_available() && !std::getenv("QATBENCH_SLOW_TESTS"))
        QAT_SKIP("minutes on the CPU: runs on CUDA, or set QATBENCH_SLOW_TESTS=1");
}

QAT_TEST(stories260kTinyStories256)
{
    requireFastDevice();
    const auto r = test::measurePerplexity(
        "models/stories260K", "data/tinystories/TinyStories-validation-head.txt", 256, "float32");
    QAT_CHECK_EQ(r.windows, 1535);
    QAT_CHECK_NEAR(r.ppl, 5.1203, 0.00005);
}

QAT_TEST(stories260kWikiText)
{
    requireFastDevice();
    const auto r =
        test::measurePerplexity("models/stories260K", "data/wikitext-2-raw/wiki.test.raw", 512, "float32");
    QAT_CHECK_EQ(r.textTokens + 1, 809285);
    QAT_CHECK_EQ(r.windows, 1580);
    QAT_CHECK_NEAR(r.ppl, 119.4306, 0.005);
}

QAT_TEST(stories260kBf16Weights)
{
    requireFastDevice();
    // BF16 weights upcast to float32 compute, as the reference did.
    const auto r = test::measurePerplexity(
        "models/stories260K-bf16", "data/tinystories/TinyStories-validation-head.txt", 512, "float32");
    QAT_CHECK_NEAR(r.ppl, 5.0471, 0.00005);
}

QAT_TEST(gutenbergBosWindowProtocol)
{
    requireFastDevice();
    // reference_eval.json, fp, pg84_frankenstein: 111,398 scored tokens (218 windows of [BOS] + 511),
    // ppl 38.9965.
    const auto r =
        test::measurePerplexity("models/gutenberg-llama-22M", "data/gutenberg/valid/pg84_frankenstein.txt",
                                512, "float32", "bos-window");
    QAT_CHECK_EQ(r.tokensScored, 111398);
    QAT_CHECK_NEAR(r.ppl, 38.996540622652454, 0.004);
}

QAT_TEST(gutenbergWikiFirst64Windows)
{
    requireFastDevice();
    // reference_eval.json, fp, wiki_test_64w: 32,704 scored tokens, ppl 4595.936
    const auto r = test::measurePerplexity("models/gutenberg-llama-22M", "data/wikitext-2-raw/wiki.test.raw",
                                           512, "float32", "bos-window", 64);
    QAT_CHECK_EQ(r.tokensScored, 32704);
    QAT_CHECK_NEAR(r.ppl, 4595.936112498308, 0.5);
}

QAT_TEST_MAIN()

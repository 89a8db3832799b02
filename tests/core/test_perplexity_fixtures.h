#pragma once
// Shared by the perplexity tests: evaluate a model from the test data on a text from it, on CUDA when there
// is one, and print what was measured.
#include "qat_test.h"
#include "torch_test.h"

#include "qatbench/eval.h"

#include <chrono>
#include <iostream>
#include <string>

namespace qat::test {

inline PerplexityResult measurePerplexity(const std::string& model, const std::string& text, int64_t seq,
                                          const std::string& dtype, const std::string& protocol = "stream",
                                          int64_t maxWindows = 0)
{
    PerplexityProtocol p;
    p.name = protocol;
    p.seqLen = seq;
    p.maxWindows = maxWindows;
    EvalOptions o;
    o.device = devices().back().str(); // CUDA when there is one
    o.dtype = dtype;
    o.batch = 16;
    const auto t0 = std::chrono::steady_clock::now();
    PerplexityResult r = evaluatePerplexity(dataPath(model), dataPath(text), p, o);
    std::cout << "  " << model << " on " << text << " seq " << seq << " " << dtype << ": ppl " << r.ppl
              << " nll " << r.nll << ", " << r.windows << " windows, " << r.tokensScored << " scored, "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
    return r;
}

} // namespace qat::test

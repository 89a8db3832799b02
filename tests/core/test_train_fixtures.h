#pragma once
// Shared by the training tests: a tiny random LLaMA, a token stream with structure, and a RunSink that
// records.
#include "qatbench/experiment.h"
#include "qatbench_sdk/llama.h"
#include "qatbench_sdk/run_context.h"

#include "qatbench_sdk/torch.h"

#include <map>
#include <string>
#include <vector>

namespace qat::test {

inline ModelConfig tinyConfig(int64_t hidden = 32, int64_t inter = 64, int64_t layers = 2, int64_t vocab = 64)
{
    ModelConfig c;
    c.hiddenSize = hidden;
    c.intermediateSize = inter;
    c.numLayers = layers;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = hidden / 4;
    c.vocabSize = vocab;
    c.maxPositions = 256;
    c.rmsNormEps = 1e-5;
    c.tieWordEmbeddings = true;
    return c;
}

// Random weights from a fixed seed: every call gives the same model.
inline LlamaModel tinyModel(const ModelConfig& c, uint64_t seed = 7, at::Device dev = at::kCPU)
{
    torch::manual_seed(seed);
    auto r = [](std::vector<int64_t> shape) { return torch::randn(shape) * 0.15; };
    LlamaWeights w;
    w.embed = r({c.vocabSize, c.hiddenSize});
    const int64_t qd = c.numHeads * c.headDim, kvd = c.numKvHeads * c.headDim;
    for (int l = 0; l < c.numLayers; ++l) {
        LlamaLayerWeights L;
        L.inputNorm = torch::ones({c.hiddenSize});
        L.postNorm = torch::ones({c.hiddenSize});
        L[LinearKind::Q] = r({qd, c.hiddenSize});
        L[LinearKind::K] = r({kvd, c.hiddenSize});
        L[LinearKind::V] = r({kvd, c.hiddenSize});
        L[LinearKind::O] = r({c.hiddenSize, qd});
        L[LinearKind::Gate] = r({c.intermediateSize, c.hiddenSize});
        L[LinearKind::Up] = r({c.intermediateSize, c.hiddenSize});
        L[LinearKind::Down] = r({c.hiddenSize, c.intermediateSize});
        w.layers.push_back(std::move(L));
    }
    w.norm = torch::ones({c.hiddenSize});
    w.lmHead = w.embed;
    LoadOptions o;
    o.device = dev;
    return LlamaModel(c, std::move(w), o);
}

// A stream with learnable structure: repeated short phrases with noise.
// Every block linear (q, k, v, o, gate, up, down), for makeQuantLinears.
inline std::vector<LinearKind> allLinearKinds()
{
    std::vector<LinearKind> kinds;
    for (int k = 0; k < kLinearKinds; ++k)
        kinds.push_back(LinearKind(k));
    return kinds;
}

inline std::vector<int64_t> patternTokens(int64_t n, int64_t vocab, uint64_t seed)
{
    std::vector<int64_t> out;
    uint64_t x = seed * 2654435761u + 1;
    auto rnd = [&] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    while (int64_t(out.size()) < n) {
        const int64_t start = int64_t(rnd() % uint64_t(vocab - 8)) + 3;
        const int64_t len = 3 + int64_t(rnd() % 5);
        for (int64_t i = 0; i < len; ++i)
            out.push_back((start + i * 3) % vocab);
    }
    out.resize(size_t(n));
    return out;
}

class RecordingSink : public RunSink
{
public:
    int64_t stopAtProgress = -1; // progress() returns false on this call number (0-based)
    std::string stopInPhase;     // ... counting only calls of this phase ("" = any)
    std::map<std::string, std::vector<std::pair<int64_t, double>>> scalars;
    std::map<std::string, int> histograms;
    std::vector<std::string> phases, messages, artifacts;
    int64_t progressCalls = 0;

    void scalar(const std::string& name, int64_t step, double value, const std::string& context) override
    {
        scalars[context.empty() ? name : name + "{" + context + "}"].emplace_back(step, value);
    }
    void histogram(const std::string& name, int64_t, const at::Tensor& values, const std::string&) override
    {
        if (values.numel() > 0) histograms[name]++;
    }
    void phase(const std::string& p) override { phases.push_back(p); }
    void message(const std::string&, const std::string& text) override { messages.push_back(text); }
    void artifact(const std::string& kind, const std::string& path) override
    {
        artifacts.push_back(kind + "=" + path);
    }
    bool progress(const Progress& p) override
    {
        if (!stopInPhase.empty() && p.phase != stopInPhase) return true;
        return progressCalls++ != stopAtProgress;
    }
};

} // namespace qat::test

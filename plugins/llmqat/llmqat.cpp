// LLM-QAT (Liu et al., 2023) as a QuantMethod: every quantized weight trained through the fake quantizer
// (straight-through rounding) with a distillation loss to the full-precision model, on text the
// full-precision model generated itself (data-free). README.md has the formula.
#include "gptq.h"
#include "kit_options.h"
#include "method_kit.h"

#include "qatbench/error.h"
#include "qatbench/quantizer.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/tensor_io.h"

#include "qatbench_sdk/torch.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace qat::plugins {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct GenSettings
{
    int64_t samples = 256;
    int64_t length = 257; // tokens per generated sequence
    int64_t greedy = 4;   // first generated tokens taken greedily (after a random start token)
    double temperature = 1.0;
    uint64_t seed = 0;
    std::string cacheDir;
};

std::string defaultCacheDir()
{
    if (const char* c = std::getenv("QATBENCH_CACHE"); c && *c) return c;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/QATBench";
    if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/QATBench";
    return "/tmp/QATBench-cache";
}

// A content key of the full-precision weights: the generated text depends on them, not on the model's path.
std::string weightsKey(const LlamaModel& model, const GenSettings& g)
{
    at::NoGradGuard noGrad;
    const auto& w = model.weights();
    std::vector<at::Tensor> parts{w.embed, w.norm};
    for (const auto& l : w.layers)
        for (const auto& t : l.linear)
            parts.push_back(t);
    double a = 0, b = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        at::Tensor t = parts[i].to(at::kDouble);
        a += t.sum().item<double>() * double(i + 1);
        b += t.pow(2).sum().item<double>();
    }
    char buf[256];
    std::snprintf(buf, sizeof buf, "%.17g|%.17g|%lld|%lld|%lld|%.6g|%llu|%lld", a, b, (long long)g.samples,
                  (long long)g.length, (long long)g.greedy, g.temperature, (unsigned long long)g.seed,
                  (long long)model.config().vocabSize);
    return std::to_string(std::hash<std::string>{}(buf));
}

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// [samples, length] int64: a random first token, `greedy` argmax tokens, then sampled ones.
at::Tensor generate(RunContext& ctx, const GenSettings& g)
{
    at::NoGradGuard noGrad;
    const LlamaModel& model = ctx.model;
    const at::Device dev = model.options().device;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(g.seed);
    at::Tensor out = at::empty({g.samples, g.length}, at::kLong);
    const int64_t batch = 32;
    const double t0 = now();
    for (int64_t s0 = 0; s0 < g.samples; s0 += batch) {
        const int64_t nb = std::min(batch, g.samples - s0);
        at::Tensor ids = at::randint(model.config().vocabSize, {nb, 1}, gen, at::kLong);
        std::vector<at::Tensor> seq{ids};
        KvCache cache;
        at::Tensor next = ids.to(dev);
        for (int64_t t = 1; t < g.length; ++t) {
            at::Tensor logits = model.forwardCached(next, cache).select(1, -1).to(at::kFloat).cpu();
            if (t <= g.greedy) {
                next = logits.argmax(-1, true);
            } else {
                at::Tensor p = at::softmax(logits / g.temperature, -1);
                next = at::multinomial(p, 1, false, gen);
            }
            seq.push_back(next);
            next = next.to(dev);
        }
        out.narrow(0, s0, nb).copy_(at::cat(seq, 1));
        const double el = now() - t0;
        const int64_t done = s0 + nb;
        if (!ctx.sink.progress(Progress{"generation", done, g.samples, el,
                                        el / double(done) * double(g.samples - done), "samples"}))
            throw Cancelled();
    }
    return out;
}

// The generated text, from the cache when this model and these settings made it before.
std::vector<int64_t> generatedTokens(RunContext& ctx, const GenSettings& g)
{
    ctx.sink.phase("generation");
    const fs::path dir = g.cacheDir.empty() ? defaultCacheDir() : g.cacheDir;
    const fs::path file = dir / ("llmqat-gen-" + weightsKey(ctx.model, g) + ".safetensors");
    at::Tensor tokens;
    std::error_code ec;
    if (fs::is_regular_file(file, ec)) {
        auto all = readSafetensors(file.string());
        auto it = all.find("tokens");
        if (it != all.end() && it->second.dim() == 2 && it->second.size(0) == g.samples &&
            it->second.size(1) == g.length) {
            tokens = it->second;
            ctx.sink.message("info", "LLM-QAT: generated data from the cache " + file.string());
        }
    }
    if (!tokens.defined()) {
        tokens = generate(ctx, g);
        fs::create_directories(dir, ec);
        const std::string tmp = file.string() + ".tmp" + std::to_string(::getpid());
        writeSafetensors(tmp, {{"tokens", tokens}});
        fs::rename(tmp, file, ec);
        if (ec)
            ctx.sink.message("warning", "LLM-QAT: could not cache the generated data in " + file.string());
        else
            ctx.sink.artifact("generated_data", file.string());
    }
    tokens = tokens.contiguous();
    const int64_t* p = tokens.data_ptr<int64_t>();
    return std::vector<int64_t>(p, p + tokens.numel());
}

void refreshRange(std::vector<QuantLinear>& mods)
{
    at::NoGradGuard noGrad;
    for (auto& q : mods) {
        QuantParams p = initQuantParams(q.w0, q.spec);
        q.setScale(p.scale);
        q.zero = p.zero;
    }
}

class LlmQatMethod final : public QuantMethod
{
public:
    RunOutcome run(RunContext& ctx) override
    {
        const json& opts = methodOptions(ctx);
        const uint64_t seed = runSeed(ctx);
        torch::manual_seed(seed);
        std::vector<QuantLinear> mods = makeModules(ctx);
        initGrid(ctx, mods, opts);
        const bool dynamic = opts.value("range", std::string("dynamic")) == "dynamic";
        const int64_t seqLen = ctx.experiment.data.seqLen;
        GenSettings g;
        g.samples = opts.value("gen_samples", g.samples);
        g.length = opts.value("gen_length", int64_t(0));
        if (g.length <= 0) g.length = seqLen + 1;
        g.greedy = opts.value("gen_greedy_tokens", g.greedy);
        g.temperature = opts.value("gen_temperature", g.temperature);
        g.seed = seed * 2 + 11;
        g.cacheDir = opts.value("gen_cache_dir", std::string());
        const std::vector<int64_t> text = opts.value("data_source", std::string("generated")) == "generated"
                                              ? generatedTokens(ctx, g)
                                              : ctx.data.train;

        std::vector<at::Tensor> weights;
        int64_t trainable = 0;
        for (auto& q : mods) {
            q.w0 = q.w0.detach().to(at::kFloat).clone().requires_grad_(true); // the teacher keeps W0
            weights.push_back(q.w0);
            trainable += q.w0.numel();
        }
        reportTrainable(ctx, "LLM-QAT", trainable, mods.size());
        QuantHook hook(mods);
        const ForwardOptions fwd = trainingForward(ctx, &hook);
        const double wd = weightDecay(ctx);
        TrainLoop loop(loopSettingsFrom(ctx.experiment),
                       {{"weights", weights, opts.value("lr_weight", 1e-4), wd}});
        WindowSampler sampler(text, seqLen, seed * 2 + 2);
        auto fields = [](QuantLinear& q) {
            return std::vector<std::pair<std::string, at::Tensor*>>{
                {"w", &q.w0}, {"log_scale", &q.logScale}, {"zero", &q.zero}};
        };
        loop.saveState = [&](CheckpointState& s) {
            s.phase = "training";
            s.samplerPosition = sampler.position();
            saveModuleTensors(s, mods, fields);
        };
        loop.onEval = [&](int64_t step) {
            if (dynamic) refreshRange(mods);
            reportEval(ctx, &hook, step, [&] { hook.invalidate(); });
        };
        if (auto s = resumeLoop(ctx, loop, sampler)) loadModuleTensors(*s, mods, fields);
        ctx.sink.phase("training");
        const auto lossFn = [&](const at::Tensor& w) {
            if (dynamic) refreshRange(mods); // LLM-QAT's MinMax range follows the weights
            return distillLoss(ctx.model, w, fwd);
        };
        if (loop.run(sampler, lossFn, ctx, ctx.model.options().device) == RunOutcome::Stopped)
            return RunOutcome::Stopped;
        for (auto& q : mods)
            q.w0 = q.w0.detach();
        if (dynamic) refreshRange(mods);
        finishMethod(ctx, mods);
        return RunOutcome::Completed;
    }
};

MethodInfo llmqatMethodInfo()
{
    MethodInfo m;
    m.id = "llmqat";
    m.title = "LLM-QAT";
    m.summary =
        "Full quantization-aware training: every quantized weight is trained through the fake quantizer "
        "(straight-through rounding, MinMax range following the weights) with a KL distillation loss "
        "to the full-precision model, on text the full-precision model generated itself (first tokens "
        "greedy, then sampled; cached per model and settings).";
    m.citation = "Liu et al., 2023, LLM-QAT: Data-Free Quantization Aware Training for Large Language Models";
    m.trains = true;
    m.options = quantizerOptions(4, 128, RangeInit::MinMax);
    appendOptions(m.options,
                  {OptionSpec::rate("lr_weight", 1e-4)
                       .withLabel("LR weights")
                       .withHelp("AdamW learning rate of the weights.")
                       .inGroup("Training"),
                   OptionSpec::choice("range", "dynamic", {"dynamic", "fixed"})
                       .withLabel("Quantizer range")
                       .withHelp("dynamic = s, z recomputed from the current weights every step (LLM-QAT's "
                                 "MinMax); fixed = the starting grid kept.")
                       .inGroup("Training"),
                   OptionSpec::choice("data_source", "generated", {"generated", "train"})
                       .withLabel("Training text")
                       .withHelp("generated = text sampled from the full-precision model (the paper); train "
                                 "= data.train (ablation).")
                       .inGroup("Data"),
                   OptionSpec::integer("gen_samples", 256, 1, 10'000'000)
                       .withLabel("Generated sequences")
                       .withHelp("Sequences the full-precision model generates.")
                       .inGroup("Data"),
                   OptionSpec::integer("gen_length", 0, 0, 65536)
                       .withLabel("Generated length")
                       .withHelp("Tokens per generated sequence; 0 = data.seq_len + 1.")
                       .inGroup("Data"),
                   OptionSpec::integer("gen_greedy_tokens", 4, 0, 65536)
                       .withLabel("Greedy tokens")
                       .withHelp("After a random first token, this many tokens are taken by argmax; the rest "
                                 "are sampled (the paper uses 3 to 5).")
                       .inGroup("Data"),
                   OptionSpec::real("gen_temperature", 1.0, 1e-3, 100.0)
                       .withLabel("Temperature")
                       .withHelp("Sampling temperature of the generated tokens after the greedy ones.")
                       .inGroup("Data"),
                   OptionSpec::text("gen_cache_dir", "")
                       .withLabel("Generation cache")
                       .withHelp("Folder of the generated-data cache; \"\" = $QATBENCH_CACHE, else "
                                 "$XDG_CACHE_HOME/QATBench, else ~/.cache/QATBench.")
                       .inGroup("Data")});
    appendOptions(m.options, initFromOptions());
    return m;
}

} // namespace

void registerLlmQat()
{
    registerMethod(llmqatMethodInfo(), [] { return std::make_unique<LlmQatMethod>(); });
}

} // namespace qat::plugins

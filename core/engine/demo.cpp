// The built-in demo: a generated corpus, a character vocabulary, a small pretrained LLaMA, and the table of
// full precision against every registered method that declares a demo setting (MethodInfo::demoOptions: the
// built-ins RTN and DL-QAT). Everything is made here, so it runs anywhere with no download. It sits with the
// engine, above core's training code: it runs methods from the registry and knows none of them by name.
#include "qatbench/demo.h"

#include "qatbench/device.h"
#include "qatbench/error.h"
#include "qatbench/experiment.h"
#include "qatbench_sdk/export.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

namespace qat {

namespace {

using nlohmann::json;

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A tiny grammar of children's-story sentences. Some sentences repeat an earlier noun and adjective ("tom has
// a red ball. the ball is red."), which the model can only predict by attending back: quantization damage
// shows.
class Grammar
{
public:
    explicit Grammar(uint64_t seed) : m_rng(seed) {}

    std::string text(size_t chars)
    {
        std::string out;
        while (out.size() < chars)
            out += sentence() + (pick(8) == 0 ? "\n" : " ");
        return out;
    }

private:
    std::mt19937_64 m_rng;
    size_t pick(size_t n) { return size_t(m_rng() % n); }
    template <size_t N> const char* any(const char* const (&a)[N]) { return a[pick(N)]; }

    std::string sentence()
    {
        static const char* const names[] = {"lily", "tom",     "mia",     "ben",
                                            "sam",  "the cat", "the dog", "a bird"};
        static const char* const nouns[] = {"ball", "box",  "kite", "cake", "hat",
                                            "boat", "tree", "book", "cup"};
        static const char* const adjs[] = {"red", "big", "small", "blue", "old", "happy", "green", "soft"};
        static const char* const verbs[] = {"saw", "found", "liked", "took", "made", "lost"};
        static const char* const places[] = {"park", "house", "garden", "river", "school", "forest"};
        static const char* const intrans[] = {"play", "run", "sing", "jump", "read", "swim"};
        const std::string n = any(names), o = any(nouns), a = any(adjs);
        switch (pick(6)) {
        case 0:
            return n + " " + any(verbs) + " a " + a + " " + o + ".";
        case 1:
            return n + " has a " + a + " " + o + ". the " + o + " is " + a + ".";
        case 2:
            return n + " went to the " + any(places) + " to " + any(intrans) + ".";
        case 3:
            return "one day " + n + " " + any(verbs) + " the " + o + " in the " + any(places) + ".";
        case 4:
            return n + " was " + a + " because the " + o + " was " + a + ".";
        default:
            return "\"can we " + std::string(any(intrans)) + "?\" asked " + n + ". \"yes,\" said " +
                   any(names) + ".";
        }
    }
};

// Character vocabulary: 0 <unk>, 1 <s>, 2 </s>, then every byte that occurs in the text.
struct CharVocab
{
    std::vector<int> idOf = std::vector<int>(256, 0);
    int64_t size = 3;

    explicit CharVocab(const std::string& text)
    {
        std::vector<bool> seen(256, false);
        for (unsigned char c : text)
            seen[c] = true;
        for (int c = 0; c < 256; ++c)
            if (seen[size_t(c)]) idOf[size_t(c)] = int(size++);
    }
    std::vector<int64_t> encode(const std::string& text) const
    {
        std::vector<int64_t> ids{1};
        for (unsigned char c : text)
            ids.push_back(idOf[c]);
        return ids;
    }
};

ModelConfig demoConfig(int64_t vocab)
{
    ModelConfig c;
    c.hiddenSize = 128;
    c.intermediateSize = 256;
    c.numLayers = 3;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = 32;
    c.vocabSize = vocab;
    c.maxPositions = 512;
    c.rmsNormEps = 1e-5;
    c.tieWordEmbeddings = true;
    return c;
}

LlamaModel initModel(const ModelConfig& c, uint64_t seed)
{
    torch::manual_seed(seed);
    const double std = 0.02, resid = 0.02 / std::sqrt(2.0 * double(c.numLayers));
    auto r = [](std::vector<int64_t> shape, double s) { return torch::randn(shape) * s; };
    LlamaWeights w;
    w.embed = r({c.vocabSize, c.hiddenSize}, std);
    const int64_t qd = c.numHeads * c.headDim, kvd = c.numKvHeads * c.headDim;
    for (int64_t l = 0; l < c.numLayers; ++l) {
        LlamaLayerWeights L;
        L.inputNorm = torch::ones({c.hiddenSize});
        L.postNorm = torch::ones({c.hiddenSize});
        L[LinearKind::Q] = r({qd, c.hiddenSize}, std);
        L[LinearKind::K] = r({kvd, c.hiddenSize}, std);
        L[LinearKind::V] = r({kvd, c.hiddenSize}, std);
        L[LinearKind::O] = r({c.hiddenSize, qd}, resid);
        L[LinearKind::Gate] = r({c.intermediateSize, c.hiddenSize}, std);
        L[LinearKind::Up] = r({c.intermediateSize, c.hiddenSize}, std);
        L[LinearKind::Down] = r({c.hiddenSize, c.intermediateSize}, resid);
        w.layers.push_back(std::move(L));
    }
    w.norm = torch::ones({c.hiddenSize});
    w.lmHead = w.embed;
    return LlamaModel(c, std::move(w), LoadOptions{});
}

std::vector<at::Tensor*> allWeights(LlamaModel& m)
{
    auto& w = m.weights();
    std::vector<at::Tensor*> out{&w.embed, &w.norm};
    for (auto& l : w.layers) {
        out.push_back(&l.inputNorm);
        out.push_back(&l.postNorm);
        for (auto& t : l.linear)
            out.push_back(&t);
    }
    return out;
}

// Forwards progress to the caller's callback; the demo keeps no series, only the last step of each loss
// series (the steps a method trained, whatever its stages).
class DemoSink final : public RunSink
{
public:
    DemoSink(const ProgressFn& progress, std::string phase) : m_progress(progress), m_phase(std::move(phase))
    {}
    void scalar(const std::string& name, int64_t step, double, const std::string& context) override
    {
        if (context.empty() && name.size() > 5 && name.compare(name.size() - 5, 5, "/loss") == 0)
            m_lossSteps[name] = std::max(m_lossSteps[name], step);
    }
    int64_t trainedSteps() const
    {
        int64_t n = 0;
        for (const auto& [name, step] : m_lossSteps)
            n += step;
        return n;
    }
    void histogram(const std::string&, int64_t, const at::Tensor&, const std::string&) override {}
    void phase(const std::string& p) override { m_phase = p; }
    void message(const std::string&, const std::string&) override {}
    void artifact(const std::string&, const std::string&) override {}
    bool progress(const Progress& p) override
    {
        Progress q = p;
        q.phase = m_phase;
        if (m_progress && !m_progress(q)) throw Cancelled();
        return true;
    }

private:
    const ProgressFn& m_progress;
    std::string m_phase;
    std::map<std::string, int64_t> m_lossSteps;
};

// The experiment of one row: the method's own demo setting (its declaration says it), the row's bits, the
// demo's group size and training steps, and the caller's overrides of options the method declares.
json demoExperiment(const DemoOptions& o, const MethodInfo& method, int bits)
{
    const int64_t steps = method.trains ? (o.quick ? 3 : o.qatSteps) : 0;
    json options = method.demoOptions;
    options["bits"] = bits;
    options["group_size"] = o.groupSize;
    for (const auto& [key, value] : o.optionOverrides.items())
        for (const auto& declared : method.options)
            if (declared.name == key) options[key] = value;
    json e = {
        {"seed", o.seed},
        {"model", {{"path", "demo"}}},
        {"data",
         {{"train", "demo"}, {"eval", "demo"}, {"seq_len", 128}, {"batch_size", 16}, {"eval_seq_len", 128}}},
        {"method", {{"name", method.id}, {"options", options}}},
        {"training",
         {{"steps", steps},
          {"warmup_steps", std::min<int64_t>(20, steps / 5)},
          {"eval_every", 0},
          {"histogram_every", 0},
          {"checkpoint_every", 0}}}};
    throwIfIssues(validateExperiment(e, {false, true}));
    return e;
}

double pretrain(LlamaModel& model, const TokenData& data, const DemoOptions& o, const ProgressFn& progress)
{
    const double t0 = now();
    std::vector<at::Tensor> params;
    for (at::Tensor* t : allWeights(model))
        params.push_back(t->requires_grad_(true));
    LoopSettings s;
    s.steps = o.quick ? 3 : o.pretrainSteps;
    s.warmup = std::min<int64_t>(30, s.steps / 10);
    s.batch = 16;
    s.phase = "pretraining";
    s.seriesPrefix = "pretrain";
    TrainLoop loop(s, {{"all", params, 3e-3, 0.0}});
    WindowSampler sampler(data.train, 128, o.seed + 100);
    DemoSink sink(progress, "pretraining");
    json e = json::object();
    RunContext ctx{e, model, data, sink, "", false};
    loop.run(
        sampler, [&](const at::Tensor& w) { return nextTokenLoss(model, w, {}); }, ctx, at::kCPU);
    for (at::Tensor* t : allWeights(model))
        *t = t->detach();
    model.weights().lmHead = model.weights().embed;
    return now() - t0;
}

DemoRow runMethod(const LlamaModel& pretrained, const TokenData& data, const DemoOptions& o,
                  const MethodInfo& method, int bits, const ProgressFn& progress)
{
    json e = demoExperiment(o, method, bits);
    LlamaModel model = pretrained; // shares the FP tensors; the method swaps in new ones
    DemoSink sink(progress, method.id);
    RunContext ctx{e, model, data, sink, "", false};
    const double t0 = now();
    auto m = createMethod(method.id);
    if (!m) throw Error("demo: method '" + method.id + "' has no implementation in this program");
    m->run(ctx);
    DemoRow row{method.title, bits, 0, now() - t0, sink.trainedSteps()};
    row.ppl = evaluateNll(model, data.eval, 128, 0, ctx.finalHook).ppl();
    return row;
}

} // namespace

DemoResult runDemo(const DemoOptions& o, const ProgressFn& progress, const DemoLogFn& log)
{
    configureThreads(o.threads);
    const double t0 = now();
    auto say = [&](const std::string& s) {
        if (log) log(s);
    };
    DemoResult r;
    Grammar trainText(o.seed), evalText(o.seed + 1000);
    const std::string train = trainText.text(o.quick ? 20'000 : 400'000);
    const std::string eval = evalText.text(o.quick ? 6'000 : 40'000);
    CharVocab vocab(train + eval);
    TokenData data;
    data.train = vocab.encode(train);
    data.eval = vocab.encode(eval);
    r.trainTokens = int64_t(data.train.size());
    r.evalTokens = int64_t(data.eval.size());
    r.sample = train.substr(0, 160);
    say("corpus: " + std::to_string(r.trainTokens) + " training and " + std::to_string(r.evalTokens) +
        " eval characters from a tiny grammar, vocabulary " + std::to_string(vocab.size));

    LlamaModel model = initModel(demoConfig(vocab.size), o.seed);
    r.parameters = modelParamCount(model);
    say("pretraining a " + std::to_string(r.parameters / 1000) + "K-parameter LLaMA (" +
        std::to_string(o.quick ? 3 : o.pretrainSteps) + " steps) ...");
    r.pretrainSeconds = pretrain(model, data, o, progress);
    if (!o.workDir.empty()) {
        r.modelDir = (std::filesystem::path(o.workDir) / "demo-model").string();
        writeHfCheckpoint(model, "", r.modelDir);
        std::ofstream(std::filesystem::path(o.workDir) / "demo-train.txt") << train;
        std::ofstream(std::filesystem::path(o.workDir) / "demo-eval.txt") << eval;
    }
    const double tFp = now();
    r.rows.push_back({"full precision", 32, evaluateNll(model, data.eval, 128).ppl(), now() - tFp, 0});
    std::vector<MethodInfo> methods;
    for (auto& m : availableMethods())
        if (!m.demoOptions.is_null()) methods.push_back(std::move(m));
    if (methods.empty())
        throw Error("demo: no registered method declares a demo setting (register the methods first)");
    for (int bits : o.bits)
        for (const MethodInfo& method : methods) {
            say(method.title + " W" + std::to_string(bits) + " g" + std::to_string(o.groupSize) + " ...");
            r.rows.push_back(runMethod(model, data, o, method, bits, progress));
        }
    r.totalSeconds = now() - t0;
    return r;
}

std::string formatDemoTable(const DemoResult& r)
{
    std::string out = "method            bits   perplexity   steps   seconds\n";
    char line[160];
    for (const auto& row : r.rows) {
        std::snprintf(line, sizeof line, "%-16s  %4s   %10.3f   %5lld   %7.1f\n", row.method.c_str(),
                      row.bits >= 16 ? "fp32" : std::to_string(row.bits).c_str(), row.ppl,
                      (long long)row.steps, row.seconds);
        out += line;
    }
    return out;
}

} // namespace qat

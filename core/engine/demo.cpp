// The built-in demo: a generated corpus, a character vocabulary, a small pretrained LLaMA written as a model
// folder, its full-precision perplexity, and then every registered method that declares a demo setting
// (MethodInfo::demoOptions: the built-ins RTN and DL-QAT) run as a sweep: real runs through the engine, in
// the run store, with the engine's events and control. Everything is made here, so it runs anywhere with no
// download. It sits with the engine, above core's training code: it runs methods from the registry and knows
// none of them by name.
#include "qatbench/demo.h"

#include "model/unicode.h"
#include "qatbench/device.h"
#include "qatbench/error.h"
#include "qatbench/experiment.h"
#include "qatbench/sweep.h"
#include "qatbench_sdk/export.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/trainer.h"

#include "qatbench_sdk/torch.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

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

using EventFn = std::function<void(const EngineEvent&)>;

// Pretraining is the demo's own work, not a run: its progress, pause and stop go through the same events and
// control as a run's; its loss is not sent (a metric event is a point of a stored series, docs/EVENTS.md).
class PretrainSink final : public RunSink
{
public:
    PretrainSink(EngineControl& control, const EventFn& emit) : m_control(control), m_emit(emit) {}
    void scalar(const std::string&, int64_t, double, const std::string&) override {}
    void histogram(const std::string&, int64_t, const at::Tensor&, const std::string&) override {}
    void phase(const std::string& p) override { emit(event::kPhase, {{"phase", p}}); }
    void message(const std::string& level, const std::string& text) override
    {
        emit(event::kMessage, {{"level", level}, {"text", text}});
    }
    void artifact(const std::string&, const std::string&) override {}
    bool progress(const Progress& p) override
    {
        const double t = now();
        if (t - m_lastEvent >= 0.25 || (p.total > 0 && p.done >= p.total)) {
            m_lastEvent = t;
            emit(event::kProgress,
                 {{"phase", p.phase},
                  {"step", p.done},
                  {"total", p.total},
                  {"eta_s", p.etaSeconds >= 0 ? nlohmann::json(p.etaSeconds) : nlohmann::json()},
                  {"tokens_per_s", nullptr},
                  {"mem_bytes", 0}});
        }
        if (m_control.pauseRequested() && !m_control.stopRequested()) {
            emit(event::kPaused, {{"step", p.done}});
            while (m_control.pauseRequested() && !m_control.stopRequested())
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            emit(event::kResumed, {{"step", p.done}});
        }
        return !m_control.stopRequested();
    }

private:
    void emit(const char* name, json fields)
    {
        if (m_emit) m_emit(makeEvent(name, std::move(fields)));
    }
    EngineControl& m_control;
    const EventFn& m_emit;
    double m_lastEvent = 0;
};

double pretrain(LlamaModel& model, const TokenData& data, const DemoOptions& o, EngineControl& control)
{
    const double t0 = now();
    std::vector<at::Tensor> params;
    for (at::Tensor* t : allWeights(model))
        params.push_back(t->requires_grad_(true));
    LoopSettings s;
    s.steps = o.pretrainSteps;
    s.warmup = std::min<int64_t>(30, s.steps / 10);
    s.batch = 16;
    s.phase = "pretraining";
    s.seriesPrefix = "pretrain";
    TrainLoop loop(s, {{"all", params, 3e-3, 0.0}});
    WindowSampler sampler(data.train, 128, o.seed + 100);
    PretrainSink sink(control, o.onEvent);
    sink.phase("pretraining");
    json e = json::object();
    RunContext ctx{e, model, data, sink, "", false};
    loop.run(
        sampler, [&](const at::Tensor& w) { return nextTokenLoss(model, w, {}); }, ctx, at::kCPU);
    for (at::Tensor* t : allWeights(model))
        *t = t->detach();
    model.weights().lmHead = model.weights().embed;
    return now() - t0;
}

// The character vocabulary as a Hugging Face tokenizer.json that core's byte-level BPE reads (no merges: one
// token per character, the ids of CharVocab), so the engine tokenizes the demo's texts as the demo did.
void writeCharTokenizer(const CharVocab& vocab, const std::filesystem::path& dir)
{
    json pieces = json::object();
    for (int c = 0; c < 256; ++c)
        if (const int id = vocab.idOf[size_t(c)]; id >= 3) pieces[detail::byteLevelPiece(uint8_t(c))] = id;
    const char* const pattern = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
                                "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    const json added = json::array({{{"id", 0}, {"content", "<unk>"}, {"special", true}},
                                    {{"id", 1}, {"content", "<s>"}, {"special", true}},
                                    {{"id", 2}, {"content", "</s>"}, {"special", true}}});
    const json tok = {
        {"version", "1.0"},
        {"added_tokens", added},
        {"normalizer", nullptr},
        {"pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers",
           json::array({{{"type", "Split"}, {"pattern", {{"Regex", pattern}}}, {"behavior", "Isolated"}},
                        {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}})}}},
        {"model", {{"type", "BPE"}, {"vocab", pieces}, {"merges", json::array()}}}};
    std::ofstream(dir / "tokenizer.json") << tok.dump(1) << "\n";
    std::ofstream(dir / "tokenizer_config.json")
        << json{{"bos_token", "<s>"}, {"eos_token", "</s>"}, {"unk_token", "<unk>"}}.dump(1) << "\n";
}

std::string timestamp(const char* format)
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

// <db folder>/work/<store id>/demo-<date>-<time>, next to the runs' own folders.
std::string defaultDemoDir(const std::string& db)
{
    const RunStore store(db);
    const std::filesystem::path parent = std::filesystem::absolute(store.path()).parent_path();
    return (parent / "work" / store.storeId().substr(0, 12) / ("demo-" + timestamp("%Y%m%d-%H%M%S")))
        .string();
}

// The sweep of the demo's runs: every method with a demo setting (its options, the caller's overrides of
// options it declares) x the demo's bits, on the written model and texts. The name carries the time, so a
// second demo makes new runs instead of reusing the first one's.
json demoGrid(const DemoOptions& o, const std::vector<MethodInfo>& methods, const std::string& modelDir,
              const std::string& trainFile, const std::string& evalFile)
{
    const int64_t steps = o.qatSteps;
    json list = json::array();
    for (const MethodInfo& m : methods) {
        json options = m.demoOptions;
        for (const auto& [key, value] : o.optionOverrides.items())
            for (const auto& declared : m.options)
                if (declared.name == key) options[key] = value;
        list.push_back({{"label", m.id}, {"name", m.id}, {"options", options}});
    }
    const json base = {{"device", "cpu"},
                       {"model", {{"path", modelDir}}},
                       {"data",
                        {{"train", trainFile},
                         {"eval", evalFile},
                         {"seq_len", 128},
                         {"batch_size", 16},
                         {"eval_seq_len", 128}}},
                       {"training",
                        {{"steps", steps},
                         {"warmup_steps", std::min<int64_t>(20, steps / 5)},
                         {"log_every", std::max<int64_t>(1, steps / 50)},
                         {"eval_every", std::max<int64_t>(1, steps / 3)},
                         {"histogram_every", std::max<int64_t>(1, steps / 3)},
                         {"checkpoint_every", 0}}}};
    return {{"name", "demo-" + timestamp("%Y%m%d-%H%M%S")},
            {"base", base},
            {"methods", list},
            {"bits", o.bits},
            {"group_sizes", {o.groupSize}},
            {"seeds", {o.seed}}};
}

// The steps a run trained in every stage (the last step of each run-level */loss series).
int64_t trainedSteps(RunStore& store, int64_t runId)
{
    int64_t n = 0;
    for (const auto& s : store.series(runId))
        if (s.kind == SeriesKind::Scalar && s.context.empty() && s.name.size() > 5 &&
            s.name.compare(s.name.size() - 5, 5, "/loss") == 0 && s.lastStep > 0)
            n += s.lastStep;
    return n;
}

} // namespace

DemoResult runDemo(const DemoOptions& o, EngineControl& control)
{
    configureThreads(o.threads);
    const double t0 = now();
    auto say = [&](const std::string& s) {
        if (o.onEvent) o.onEvent(makeEvent(event::kMessage, {{"level", "info"}, {"text", s}}));
    };
    std::vector<MethodInfo> methods;
    for (auto& m : availableMethods())
        if (!m.demoOptions.is_null()) methods.push_back(std::move(m));
    if (methods.empty())
        throw Error("demo: no registered method declares a demo setting (register the methods first)");
    DemoResult r;
    r.dbPath = o.dbPath.empty() ? defaultDatabasePath() : o.dbPath;
    const std::filesystem::path dir = o.workDir.empty() ? defaultDemoDir(r.dbPath) : o.workDir;
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec))
        throw ConfigError("--out", dir.string() + " is not empty: the demo writes a new model there");

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
        std::to_string(o.pretrainSteps) + " steps) ...");
    r.pretrainSeconds = pretrain(model, data, o, control);
    if (control.stopRequested()) {
        r.stopped = true;
        r.totalSeconds = now() - t0;
        if (o.onEvent)
            o.onEvent(makeEvent(event::kFinished, {{"status", "cancelled"},
                                                   {"message", "demo stopped during pretraining"},
                                                   {"run_id", nullptr}}));
        return r;
    }

    // The model folder and the texts: what the methods' runs read, as any user's model and texts.
    r.modelDir = (dir / "demo-model").string();
    const std::string trainFile = (dir / "demo-train.txt").string(),
                      evalFile = (dir / "demo-eval.txt").string();
    writeHfCheckpoint(model, "", r.modelDir);
    writeCharTokenizer(vocab, r.modelDir);
    std::ofstream(trainFile) << train;
    std::ofstream(evalFile) << eval;
    say("pretrained model: " + r.modelDir);

    const double tFp = now();
    r.rows.push_back({"full precision", 32, evaluateNll(model, data.eval, 128).ppl(), now() - tFp, 0, 0});
    char line[96];
    std::snprintf(line, sizeof line, "full precision: perplexity %.3f", r.rows.back().ppl);
    say(line);

    SweepOptions so;
    so.dbPath = r.dbPath;
    so.log = say;
    so.onEvent = o.onEvent;
    so.threads = o.threads;
    const std::vector<SweepRow> rows =
        runSweep(demoGrid(o, methods, r.modelDir, trainFile, evalFile), so, control);
    RunStore store(r.dbPath);
    for (const SweepRow& s : rows) {
        const MethodInfo* info = findMethod(s.cell.method);
        DemoRow row{
            info ? info->title : s.cell.method, s.cell.bits, s.ppl, s.wallSeconds, 0, s.runId, s.status};
        if (s.runId > 0) row.steps = trainedSteps(store, s.runId);
        r.rows.push_back(row);
    }
    // Full precision first, then by bits (high first) in the methods' order.
    std::stable_sort(r.rows.begin() + 1, r.rows.end(),
                     [](const DemoRow& a, const DemoRow& b) { return a.bits > b.bits; });
    r.stopped = control.stopRequested();
    r.totalSeconds = now() - t0;
    return r;
}

std::string formatDemoTable(const DemoResult& r)
{
    std::string out = "method            bits   perplexity   steps   seconds   run\n";
    for (const auto& row : r.rows) {
        char ppl[32], line[200];
        if (std::isfinite(row.ppl))
            std::snprintf(ppl, sizeof ppl, "%.3f", row.ppl);
        else
            std::snprintf(ppl, sizeof ppl, "%s", row.status.c_str());
        std::snprintf(line, sizeof line, "%-16s  %4s   %10s   %5lld   %7.1f   %s\n", row.method.c_str(),
                      row.bits >= 16 ? "fp32" : std::to_string(row.bits).c_str(), ppl, (long long)row.steps,
                      row.seconds, row.runId > 0 ? std::to_string(row.runId).c_str() : "-");
        out += line;
    }
    return out;
}

} // namespace qat

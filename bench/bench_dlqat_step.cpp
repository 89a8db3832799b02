// One DL-QAT training step (forward + backward + AdamW) on LLaMA-7B-shaped layers with random weights,
// through QATBench's own path (LlamaModel + QuantHook + TrainLoop's pieces), against the same step in PyTorch
// (bench/python/dlqat_step_peer.py), eager and with torch.compile per block, run in the same invocation, as
// ratios.
//
//   bench_dlqat_step [--layers 4] [--hidden 4096] [--ffn 11008] [--heads 32] [--kv-heads 32] [--vocab 32000]
//                    [--untied 0] [--seq 2048] [--batch 1] [--bits 3] [--group 128] [--rank 16] [--iters 5]
//                    [--warmup 2] [--aten 0|1] [--rows 0|1] [--frozen-grid 1|0] [--compile 1|0]
//                    [--profile 1|TRACE.json] [--peer bench/python/dlqat_step_peer.py | --peer none]
//                    [--python python3] [--cpu] [--store 0|1] [--log-every 5]
// --aten 1 also times our step with the fused CUDA quantizer switched off (the ATen path), --rows 1 with its
// row kernels instead of the tile kernels (LoRA product on tensor cores; QATBENCH_FUSED_TILES); --profile
// runs one more step of ours under the PyTorch (Kineto) profiler and prints GPU time per kernel.
// --frozen-grid 0 keeps log s and z on the GPU (DL-QAT's training stage freezes the grid:
// QuantLinear::freezeGrid). --store 1 runs ours once more with the engine's sink writing into a temporary run
// store (loss read back every --log-every steps, as a run does) and prints the store's perf/tokens_per_s
// records against the wall clock's rate (use --iters 20 or more: a record every --log-every steps). Prints
// time per step, tokens/s, peak memory for each and ours/peer. Run it on the GPU machine, e.g.
//   build-gpu/bench/bench_dlqat_step --layers 32
#include "qatbench_sdk/fused_quant.h"
#include "qatbench_sdk/llama.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/trainer.h"

#include "engine/sink.h"
#include "qatbench/engine.h"
#include "qatbench/store.h"

#include "qatbench_sdk/torch.h"
#include <torch/csrc/autograd/profiler_kineto.h>
#include <torch/version.h>

#ifdef QATBENCH_HAVE_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace {

std::map<std::string, std::string> g_args = {
    {"layers", "4"},
    {"hidden", "4096"},
    {"ffn", "11008"},
    {"heads", "32"},
    {"kv-heads", "32"},
    {"vocab", "32000"},
    {"untied", "0"},
    {"aten", "0"},
    {"rows", "0"},
    {"frozen-grid", "1"},
    {"compile", "1"},
    {"profile", ""},
    {"store", "0"},
    {"log-every", "5"},
    {"seq", "2048"},
    {"batch", "1"},
    {"bits", "3"},
    {"group", "128"},
    {"rank", "16"},
    {"iters", "5"},
    {"warmup", "2"},
    {"peer", std::filesystem::path(__FILE__).parent_path().string() + "/python/dlqat_step_peer.py"},
    {"python", "python3"}};

int64_t arg(const char* k)
{
    return std::stoll(g_args.at(k));
}

qat::LlamaModel randomModel(const at::Device& dev)
{
    qat::ModelConfig c;
    c.hiddenSize = arg("hidden");
    c.intermediateSize = arg("ffn");
    c.numLayers = arg("layers");
    c.numHeads = arg("heads");
    c.numKvHeads = arg("kv-heads");
    c.headDim = c.hiddenSize / c.numHeads;
    c.vocabSize = arg("vocab");
    c.maxPositions = std::max<int64_t>(4096, arg("seq"));
    c.tieWordEmbeddings = arg("untied") == 0;
    const auto opts = at::TensorOptions().device(dev).dtype(at::kBFloat16);
    auto r = [&](int64_t o, int64_t i) {
        return (torch::randn({o, i}, opts.dtype(at::kFloat)) * 0.02).to(opts);
    };
    qat::LlamaWeights w;
    w.embed = r(c.vocabSize, c.hiddenSize);
    const int64_t kvDim = c.numKvHeads * c.headDim;
    for (int64_t l = 0; l < c.numLayers; ++l) {
        qat::LlamaLayerWeights L;
        L.inputNorm = torch::ones({c.hiddenSize}, opts);
        L.postNorm = torch::ones({c.hiddenSize}, opts);
        L[qat::LinearKind::Q] = r(c.hiddenSize, c.hiddenSize);
        L[qat::LinearKind::K] = r(kvDim, c.hiddenSize);
        L[qat::LinearKind::V] = r(kvDim, c.hiddenSize);
        L[qat::LinearKind::O] = r(c.hiddenSize, c.hiddenSize);
        L[qat::LinearKind::Gate] = r(c.intermediateSize, c.hiddenSize);
        L[qat::LinearKind::Up] = r(c.intermediateSize, c.hiddenSize);
        L[qat::LinearKind::Down] = r(c.hiddenSize, c.intermediateSize);
        w.layers.push_back(std::move(L));
    }
    w.norm = torch::ones({c.hiddenSize}, opts);
    w.lmHead = c.tieWordEmbeddings ? w.embed : r(c.vocabSize, c.hiddenSize);
    qat::LoadOptions lo;
    lo.device = dev;
    lo.dtype = at::kBFloat16;
    return qat::LlamaModel(c, std::move(w), lo);
}

void sync(const at::Device& dev)
{
#ifdef QATBENCH_HAVE_CUDA
    if (dev.is_cuda()) torch::cuda::synchronize();
#else
    (void)dev;
#endif
}

int64_t peakBytes(const at::Device& dev, bool reset)
{
#ifdef QATBENCH_HAVE_CUDA
    if (dev.is_cuda()) {
        if (reset) {
            c10::cuda::CUDACachingAllocator::resetPeakStats(dev.index());
            return 0;
        }
        return c10::cuda::CUDACachingAllocator::getDeviceStats(dev.index()).allocated_bytes[0].peak;
    }
#endif
    (void)dev;
    (void)reset;
    return -1;
}

// One more step under the Kineto profiler: GPU time per kernel (top 40, namespaces dropped from the names)
// against the step's wall time, and the number of kernel launches.
template <typename Step> void profileStep(Step& step, const at::Device& dev)
{
    namespace prof = torch::autograd::profiler;
    namespace impl = torch::profiler::impl;
    const impl::ProfilerConfig cfg(impl::ProfilerState::KINETO);
    const std::set<impl::ActivityType> acts{impl::ActivityType::CPU, impl::ActivityType::CUDA};
    prof::prepareProfiler(cfg, acts);
    prof::enableProfiler(cfg, acts);
    const auto t0 = std::chrono::steady_clock::now();
    step();
    sync(dev);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto result = prof::disableProfiler();
    std::map<std::string, std::pair<double, int64_t>> byName; // seconds, launches
    double total = 0;
    int64_t launches = 0;
    for (const auto& e : result->events()) {
        if (e.deviceType() != c10::DeviceType::CUDA) continue;
#if TORCH_VERSION_MAJOR >= 2
        const double sec = double(e.durationNs()) * 1e-9;
#else
        const double sec = double(e.durationUs()) * 1e-6;
#endif
        auto& slot = byName[e.name()];
        slot.first += sec;
        ++slot.second;
        total += sec;
        ++launches;
    }
    std::vector<std::pair<std::string, std::pair<double, int64_t>>> rows(byName.begin(), byName.end());
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
    std::printf("profile of one step (profiled wall %.4f s): GPU busy %.4f s in %lld kernels/copies\n", wall,
                total, (long long)launches);
    for (size_t i = 0; i < rows.size() && i < 40; ++i) {
        std::string name = rows[i].first;
        for (const std::string cut : {"void ", "at::native::", "(anonymous namespace)::", "c10::"})
            for (size_t at = name.find(cut); at != std::string::npos; at = name.find(cut))
                name.erase(at, cut.size());
        std::printf("  %8.2f ms %6lld  %s\n", rows[i].second.first * 1e3, (long long)rows[i].second.second,
                    name.substr(0, 240).c_str());
    }
    if (g_args["profile"] != "1") result->save(g_args["profile"]);
}

// A sink that passes everything to `inner` (or drops it); at progress step markAt it waits for the device,
// resets the peak memory and notes the time (the timed steps start there).
class MarkSink final : public qat::RunSink
{
public:
    MarkSink(const at::Device& dev, qat::RunSink* inner) : m_dev(dev), m_inner(inner) {}
    void scalar(const std::string& n, int64_t s, double v, const std::string& c) override
    {
        if (m_inner) m_inner->scalar(n, s, v, c);
    }
    void histogram(const std::string& n, int64_t s, const at::Tensor& v, const std::string& c) override
    {
        if (m_inner) m_inner->histogram(n, s, v, c);
    }
    void phase(const std::string& p) override
    {
        if (m_inner) m_inner->phase(p);
    }
    void message(const std::string& l, const std::string& t) override
    {
        if (m_inner) m_inner->message(l, t);
    }
    void artifact(const std::string& k, const std::string& p) override
    {
        if (m_inner) m_inner->artifact(k, p);
    }
    bool progress(const qat::Progress& p) override
    {
        if (p.done == markAt && p.total > markAt) {
            sync(m_dev);
            peakBytes(m_dev, true);
            mark = std::chrono::steady_clock::now();
        }
        return m_inner ? m_inner->progress(p) : true;
    }
    int64_t markAt = 0;
    std::chrono::steady_clock::time_point mark = std::chrono::steady_clock::now();

private:
    at::Device m_dev;
    qat::RunSink* m_inner;
};

// The engine's sink over a temporary run store (--store 1): what a run records, for the same steps.
struct StoreSink
{
    explicit StoreSink(const at::Device& dev)
        : path((std::filesystem::temp_directory_path() /
                ("bench_dlqat_step-" + std::to_string(getpid()) + ".db"))
                   .string()),
          store(path), runId(newRun(store)), writer(store, runId),
          sink(store, writer, control, options, arg("batch") * arg("seq"), dev.str())
    {
        sink.setLogEvery(arg("log-every"));
        sink.phase("training");
    }
    ~StoreSink()
    {
        std::error_code ec;
        for (const char* tail : {"", "-wal", "-shm"})
            std::filesystem::remove(path + tail, ec);
    }
    static int64_t newRun(qat::RunStore& s)
    {
        qat::NewRun nr;
        nr.experiment = "bench_dlqat_step";
        nr.method = "dlqat";
        nr.config = "{}";
        return s.createRun(nr);
    }
    // The perf/tokens_per_s records, step and value.
    std::vector<std::pair<int64_t, double>> rates()
    {
        writer.flush();
        std::vector<std::pair<int64_t, double>> out;
        if (const auto series = store.findSeries(runId, "perf/tokens_per_s", "phase=training"))
            for (const qat::ScalarPoint& p : store.scalars(series->id))
                out.emplace_back(p.step, p.value);
        return out;
    }

    std::string path;
    qat::RunStore store;
    int64_t runId;
    qat::RunWriter writer;
    qat::EngineControl control;
    qat::EngineOptions options;
    qat::engine::EngineSink sink;
};

struct Measured
{
    double sPerStep = 0;
    double tokensPerS = 0;
    int64_t peak = -1;
};

// store: the engine's sink into a temporary run store instead of no sink (--store 1).
Measured runOurs(const at::Device& dev, bool fused, bool store = false)
{
    qat::setFusedQuantEnabled(fused);
    torch::manual_seed(0);
    qat::LlamaModel model = randomModel(dev);
    qat::QuantSpec spec;
    spec.bits = int(arg("bits"));
    spec.groupSize = arg("group");
    spec.init = qat::RangeInit::MinMaxZero;
    std::vector<qat::LinearKind> kinds;
    for (int k = 0; k < qat::kLinearKinds; ++k)
        kinds.push_back(qat::LinearKind(k));
    auto mods = qat::makeQuantLinears(model, kinds, spec);
    std::vector<at::Tensor> ms, lora;
    for (auto& q : mods) {
        q.enableMagnitude();
        q.enableLora(arg("rank"), double(arg("rank")), "kaiming");
        ms.push_back(q.m.requires_grad_(true));
        lora.push_back(q.A.requires_grad_(true));
        lora.push_back(q.B.requires_grad_(true));
        if (arg("frozen-grid")) q.freezeGrid(); // as DL-QAT's training stage
    }
    qat::QuantHook hook(mods);
    qat::ForwardOptions fo;
    fo.hook = &hook;
    fo.checkpointBlocks = true;
    // The product's training loop (TrainLoop: fused AdamW on CUDA, device-side clipping, windows copied from
    // pinned memory), driven as the engine drives it, with a sink that only notes when the timed steps start.
    const int64_t batch = arg("batch"), seq = arg("seq");
    std::vector<int64_t> tokens(size_t((seq + 1) * 16));
    {
        at::Tensor t = torch::randint(0, arg("vocab"), {int64_t(tokens.size())}, at::kLong);
        std::copy_n(t.data_ptr<int64_t>(), tokens.size(), tokens.begin());
    }
    qat::TokenData data;
    data.train = tokens;
    std::unique_ptr<StoreSink> stored = store ? std::make_unique<StoreSink>(dev) : nullptr;
    MarkSink sink(dev, stored ? &stored->sink : nullptr);
    qat::RunContext ctx{nlohmann::json::object(), model, data, sink, "", false};
    auto makeLoop = [&](int64_t steps) {
        qat::LoopSettings ls;
        ls.steps = steps;
        ls.warmup = 0;
        ls.schedule = qat::Schedule::Constant;
        ls.gradClip = 1.0;
        ls.batch = batch;
        // Without a store the loss is read back at the first and the last step only, as between logs.
        ls.logEvery = store ? arg("log-every") : 1 << 30;
        return std::make_unique<qat::TrainLoop>(
            ls, std::vector<qat::ParamGroup>{{"m", ms, 2e-3, 0.0}, {"lora", lora, 1e-3, 0.0}});
    };
    auto loss = [&](const at::Tensor& w) { return qat::nextTokenLoss(model, w, fo); };
    qat::WindowSampler sampler(data.train, seq, 1);
    const int64_t warm = arg("warmup"), iters = arg("iters");
    sink.markAt = warm;
    auto loop = makeLoop(warm + iters);
    loop->run(sampler, loss, ctx, dev);
    sync(dev);
    Measured m;
    m.sPerStep =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - sink.mark).count() / double(iters);
    m.tokensPerS = double(batch * seq) / m.sPerStep;
    m.peak = peakBytes(dev, false);
    if (stored) {
        std::printf(
            "store: perf/tokens_per_s every %lld steps against the wall clock's %.0f tokens/s (%.4f s/step):",
            (long long)arg("log-every"), m.tokensPerS, m.sPerStep);
        for (const auto& [at, rate] : stored->rates())
            std::printf(" step %lld %.0f (%.3f)", (long long)at, rate, rate / m.tokensPerS);
        std::printf("\n");
        return m;
    }
    auto step = [&] { makeLoop(1)->run(sampler, loss, ctx, dev); };
    if (fused && !g_args["profile"].empty()) profileStep(step, dev);
    return m;
}

bool runPeer(Measured& out, bool compiled)
{
    if (g_args["peer"] == "none") return false;
    std::string cmd = g_args["python"] + " " + g_args["peer"];
    for (const char* k : {"layers", "hidden", "ffn", "heads", "kv-heads", "vocab", "untied", "seq", "batch",
                          "bits", "group", "rank", "iters", "warmup"})
        cmd += std::string(" --") + k + " " + g_args[k];
    if (compiled) cmd += " --compile";
    std::fprintf(stderr, "peer: %s\n", cmd.c_str());
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((cmd + " 2>&1").c_str(), "r"), pclose);
    if (!pipe) return false;
    std::string text;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0)
        text.append(buf.data(), n);
    const auto pos = text.rfind("RESULT ");
    if (pos == std::string::npos) {
        std::fprintf(stderr, "peer failed:\n%s\n", text.c_str());
        return false;
    }
    auto j = nlohmann::json::parse(text.substr(pos + 7, text.find('\n', pos) - pos - 7));
    out.sPerStep = j["s_per_step"].get<double>();
    out.tokensPerS = j["tokens_per_s"].get<double>();
    out.peak = j["peak_bytes"].get<int64_t>();
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    bool cpu = false;
    for (int i = 1; i < argc; ++i) {
        std::string k = argv[i];
        if (k == "--cpu") {
            cpu = true;
            continue;
        }
        if (k.rfind("--", 0) == 0 && i + 1 < argc) g_args[k.substr(2)] = argv[++i];
    }
    const bool cuda = !cpu && torch::cuda::is_available();
    const at::Device dev = cuda ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
    std::printf(
        "DL-QAT step: %lld layers, hidden %lld, ffn %lld, heads %lld/%lld kv, vocab %lld (%s head), seq "
        "%lld x batch %lld, W%lld g%lld, rank %lld, bf16, checkpointing per block, AdamW; device %s; "
        "fused quantizer %s\n",
        (long long)arg("layers"), (long long)arg("hidden"), (long long)arg("ffn"), (long long)arg("heads"),
        (long long)arg("kv-heads"), (long long)arg("vocab"), arg("untied") ? "untied" : "tied",
        (long long)arg("seq"), (long long)arg("batch"), (long long)arg("bits"), (long long)arg("group"),
        (long long)arg("rank"), cuda ? "cuda:0" : "cpu", qat::fusedQuantBuilt() ? "built" : "not built");
    try {
        std::vector<std::pair<std::string, Measured>> rows;
        rows.emplace_back("qatbench", runOurs(dev, true));
        if (arg("rows")) {
            qat::setFusedQuantTiles(false);
            rows.emplace_back("qatbench-rows", runOurs(dev, true));
            qat::setFusedQuantTiles(true);
        }
        if (arg("aten")) rows.emplace_back("qatbench-aten", runOurs(dev, false));
        if (arg("store")) rows.emplace_back("qatbench-store", runOurs(dev, true, true));
        qat::setFusedQuantEnabled(true);
        Measured peer;
        if (cuda && runPeer(peer, false)) rows.emplace_back("eager-py", peer);
        if (cuda && arg("compile") && runPeer(peer, true)) rows.emplace_back("compiled-py", peer);
        std::printf("%-14s %10s %12s %10s %14s %14s\n", "", "s/step", "tokens/s", "peak GiB", "time/ours",
                    "peak/ours");
        const Measured& ours = rows.front().second;
        for (const auto& [name, m] : rows)
            std::printf("%-14s %10.4f %12.0f %10.2f %14.3f %14.3f\n", name.c_str(), m.sPerStep, m.tokensPerS,
                        double(m.peak) / (1 << 30), m.sPerStep / ours.sPerStep,
                        double(m.peak) / double(ours.peak));
        for (const auto& [name, m] : rows)
            if (name.find("-py") != std::string::npos)
                std::printf("ratio qatbench/%s: time %.3f, peak memory %.3f\n", name.c_str(),
                            ours.sPerStep / m.sPerStep, double(ours.peak) / double(m.peak));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_dlqat_step: %s\n", e.what());
        return 1;
    }
    return 0;
}

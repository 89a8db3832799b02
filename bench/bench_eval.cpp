// Perplexity throughput and peak memory: QATBench's eval against PyTorch on the same model, windows, batch
// and dtype, measured in one run and printed as ratios. The peer is bench/python/eval_peer.py: Hugging Face
// transformers on a GPU; on the CPU a plain LLaMA forward written in torch (--impl plain), run with Debian's
// python3-torch (/usr/bin/python3), the same LibTorch 1.13 as ours, and the same thread count.
//
//   build-gpu/bench/bench_eval shared/models/gutenberg-llama-22M
//       shared/data/gutenberg/valid/pg84_frankenstein.txt
//       --protocol bos-window --seq-len 512 --batch 16 --dtype bfloat16 --device cuda
//   build/bench/bench_eval ../shared/models/stories260K
//       ../shared/data/tinystories/TinyStories-validation-head.txt --device cpu --dtype float32 --batch 8
//
// Ours and the peer run alternately, --rounds times (default 3), each a full pass over the windows after a
// warm-up, so a machine shared with other work slows both alike: each round's ratio is printed, then the
// median. On the CPU also tokens per CPU-second (process CPU time; it counts only what ran). The windows are
// written to a temporary safetensors file that the peer evaluates, so both sides score the same tokens.
// --no-peer measures ours only.

#include "qatbench/device.h"
#include "qatbench/error.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/eval.h"
#include "qatbench_sdk/tensor_io.h"
#include "qatbench_sdk/trainer.h"

#include "qatbench_sdk/torch.h"
#include <torch/optim.h>

#ifdef QATBENCH_HAVE_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

using namespace qat;

namespace {

struct Options
{
    std::string model, text, protocol = "stream", device = "cuda", dtype = "bfloat16", python, impl;
    std::string peerMalloc = "kept"; // CPU peer: "kept" (glibc told to keep freed memory) or "default"
    std::string peerScript = (std::filesystem::path(__FILE__).parent_path() / "python/eval_peer.py").string();
    int64_t seqLen = 512, batch = 16, maxWindows = 0, rounds = 3;
    int64_t trainSteps = 0; // > 0: time training steps (all weights, AdamW) instead of the evaluation
    bool peer = true;
};

Options parse(int argc, char** argv)
{
    Options o;
    std::vector<std::string> pos;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw ConfigError(a, "needs a value");
            return argv[++i];
        };
        if (a == "--protocol")
            o.protocol = next();
        else if (a == "--device")
            o.device = next();
        else if (a == "--dtype")
            o.dtype = next();
        else if (a == "--python")
            o.python = next();
        else if (a == "--peer-script")
            o.peerScript = next();
        else if (a == "--seq-len")
            o.seqLen = std::stoll(next());
        else if (a == "--batch")
            o.batch = std::stoll(next());
        else if (a == "--max-windows")
            o.maxWindows = std::stoll(next());
        else if (a == "--rounds" || a == "--repeats")
            o.rounds = std::max<int64_t>(1, std::stoll(next()));
        else if (a == "--impl")
            o.impl = next();
        else if (a == "--peer-malloc")
            o.peerMalloc = next();
        else if (a == "--train-steps")
            o.trainSteps = std::stoll(next());
        else if (a == "--no-peer")
            o.peer = false;
        else
            pos.push_back(a);
    }
    if (pos.size() != 2)
        throw ConfigError("arguments", "usage: bench_eval MODEL_DIR TEXT [--protocol P] [--seq-len N] "
                                       "[--batch N] [--dtype T] [--device D] [--max-windows N] "
                                       "[--rounds N] [--no-peer] [--python EXE] [--peer-script PY] "
                                       "[--impl transformers|plain|auto] [--peer-malloc kept|default] "
                                       "[--train-steps N]");
    if (o.peerMalloc != "kept" && o.peerMalloc != "default")
        throw ConfigError("--peer-malloc", "must be kept or default");
    o.model = pos[0];
    o.text = pos[1];
    const bool cpu = o.device == "cpu";
    // Debian's python3-torch is /usr/bin/python3's, whatever python3 comes first on PATH.
    if (o.python.empty())
        o.python = cpu && std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    if (o.impl.empty()) o.impl = cpu ? "plain" : "auto";
    return o;
}

void resetPeak(const at::Device& d)
{
#ifdef QATBENCH_HAVE_CUDA
    if (d.is_cuda()) {
        torch::cuda::synchronize();
        c10::cuda::CUDACachingAllocator::resetPeakStats(d.index() < 0 ? 0 : d.index());
    }
#else
    (void)d;
#endif
}

int64_t peakBytes(const at::Device& d)
{
#ifdef QATBENCH_HAVE_CUDA
    if (d.is_cuda()) {
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(d.index() < 0 ? 0 : d.index());
        return stats.allocated_bytes[0]
            .peak; // index 0 = StatType::AGGREGATE (its namespace moved in torch 2.x)
    }
#else
    (void)d;
#endif
    return 0;
}

nlohmann::json runPeer(const Options& o, const std::string& windowsFile)
{
    // Our process keeps freed memory for reuse (configureAllocator); a CPU peer left with glibc's defaults
    // maps and unmaps every large temporary and is an order of magnitude slower, so by default it gets the
    // same through glibc's tunables, as a PyTorch user could.
    const bool kept = o.device == "cpu" && o.peerMalloc == "kept";
    const std::string cmd =
        std::string(kept
                        ? "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold="
                          "4294967295 "
                        : "") +
        o.python + " '" + o.peerScript + "' '" + o.model + "' '" + windowsFile + "' --batch " +
        std::to_string(o.batch) + " --dtype " + o.dtype + " --device " +
        (o.device.rfind("cuda", 0) == 0 ? o.device : "cpu") + " --impl " + o.impl + " --threads " +
        std::to_string(at::get_num_threads()) +
        (o.trainSteps > 0 ? " --train-steps " + std::to_string(o.trainSteps) : std::string()) + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    if (!pipe) throw Error("cannot run " + cmd);
    std::string out;
    std::array<char, 4096> buf{};
    while (fgets(buf.data(), int(buf.size()), pipe.get()))
        out += buf.data();
    const auto brace = out.rfind('{');
    const auto line = out.rfind('\n', brace == std::string::npos ? 0 : brace);
    try {
        if (brace != std::string::npos)
            return nlohmann::json::parse(out.substr(line == std::string::npos ? 0 : line + 1));
    } catch (const nlohmann::json::exception&) {
    }
    return {{"error", "the peer printed no result:\n" + out}};
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double cpuSeconds()
{
    return double(std::clock()) / CLOCKS_PER_SEC;
}

struct TrainTiming
{
    double tokensPerSecond = 0, cpuTokensPerSecond = 0, loss = 0;
};

// --train-steps: full-precision training of every weight (AdamW, lr 1e-4) on consecutive batches of the
// windows, two warm-up steps, then the timed ones; the peer does the same in torch (eval_peer.py
// --train-steps). On the CPU with more than one thread ours splits each batch over the threads as the
// engine's training loop does (qat::backwardOverThreads; QATBENCH_CPU_SPLIT=0: the whole batch through every
// op's threads).
TrainTiming trainSteps(LlamaModel& model, const at::Tensor& windows, const Options& o)
{
    std::vector<at::Tensor> params;
    auto add = [&](at::Tensor& t) {
        for (const auto& q : params)
            if (q.is_same(t)) return; // the tied head
        params.push_back(t.requires_grad_(true));
    };
    LlamaWeights& w = model.weights();
    add(w.embed);
    for (auto& layer : w.layers) {
        add(layer.inputNorm);
        for (auto& t : layer.linear)
            add(t);
        add(layer.postNorm);
    }
    add(w.norm);
    add(w.lmHead);
    torch::optim::AdamW opt(params, torch::optim::AdamWOptions(1e-4));
    const int64_t n = windows.size(0), batch = std::min(o.batch, n);
    TrainTiming t;
    auto lossOf = [&](const at::Tensor& ids) {
        const at::Tensor logits = model.forward(ids).slice(1, 0, -1);
        return at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}), ids.slice(1, 1).reshape({-1}));
    };
    const bool split = batchSplitApplies(model.weights().embed.device(), batch);
    auto step = [&](int64_t i) {
        const int64_t b = (i * batch) % (n - batch + 1);
        const at::Tensor ids = windows.slice(0, b, b + batch).to(model.weights().embed.device());
        opt.zero_grad();
        at::Tensor loss;
        if (split) {
            loss = backwardOverThreads(ids, lossOf, params, 1.0);
        } else {
            loss = lossOf(ids);
            loss.backward();
        }
        opt.step();
        t.loss = loss.item<double>();
    };
    step(0);
    step(1);
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = cpuSeconds();
    for (int64_t i = 0; i < o.trainSteps; ++i)
        step(2 + i);
    const double tokens = double(o.trainSteps * batch * windows.size(1));
    t.tokensPerSecond = tokens / std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    t.cpuTokensPerSecond = tokens / (cpuSeconds() - c0);
    return t;
}

int trainBench(const Options& o, const at::Tensor& windows, const at::Device& device)
{
    const std::string file =
        (std::filesystem::temp_directory_path() / "qatbench-bench-windows.safetensors").string();
    if (o.peer) writeSafetensors(file, {{"windows", windows}});
    const int64_t batch = std::min(o.batch, windows.size(0));
    std::printf("training: %lld steps of %lld x %lld per round, all weights, AdamW, %d threads%s\n",
                (long long)o.trainSteps, (long long)batch, (long long)windows.size(1), at::get_num_threads(),
                batchSplitApplies(device, batch) ? ", ours with the batch split over them" : "");
    std::vector<double> ratios, cpuRatios;
    std::string peerError;
    for (int64_t r = 0; r < o.rounds; ++r) {
        LlamaModel model =
            LlamaModel::load(o.model, {device, o.dtype == "bfloat16" ? at::kBFloat16 : at::kFloat});
        const TrainTiming ours = trainSteps(model, windows, o);
        std::printf("%-6lld %-10s %12.0f tokens/s %12.0f tokens/cpu-s   loss %.5f\n", (long long)r + 1,
                    "qatbench", ours.tokensPerSecond, ours.cpuTokensPerSecond, ours.loss);
        std::fflush(stdout);
        if (!o.peer || !peerError.empty()) continue;
        const auto peer = runPeer(o, file);
        if (peer.contains("error") || !peer.contains("cpu_tokens_per_second")) {
            peerError = peer.value("error", peer.dump());
            continue;
        }
        const double tps = peer.at("tokens_per_second").get<double>();
        const double cpuTps = peer.at("cpu_tokens_per_second").get<double>();
        ratios.push_back(ours.tokensPerSecond / tps);
        cpuRatios.push_back(ours.cpuTokensPerSecond / cpuTps);
        std::printf(
            "%-6lld %-10s %12.0f tokens/s %12.0f tokens/cpu-s   loss %.5f   ratio %.2fx, per CPU-second "
            "%.2fx\n",
            (long long)r + 1, "peer", tps, cpuTps, peer.at("loss").get<double>(), ratios.back(),
            cpuRatios.back());
        std::fflush(stdout);
    }
    if (o.peer) std::filesystem::remove(file);
    if (!peerError.empty()) std::printf("peer not run: %s\n", peerError.c_str());
    if (!ratios.empty())
        std::printf("ratio qatbench/peer (training): median %.2fx throughput, %.2fx per CPU-second\n",
                    median(ratios), median(cpuRatios));
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        const Options o = parse(argc, argv);
        configureThreads(0);
        PerplexityProtocol p;
        p.name = o.protocol;
        p.seqLen = o.seqLen;
        p.maxWindows = o.maxWindows;
        const Tokenizer tok = Tokenizer::load(o.model);
        const at::Tensor windows = makeWindows(tok.encode(readTextFile(o.text)), tok.bosId(), p);
        const at::Device device(checkDevice(o.device));
        if (o.trainSteps > 0) return trainBench(o, windows, device);
        const LlamaModel model =
            LlamaModel::load(o.model, {device, o.dtype == "bfloat16" ? at::kBFloat16 : at::kFloat});
        perplexity(model, windows.slice(0, 0, std::min<int64_t>(windows.size(0), 2 * o.batch)), p, {},
                   o.batch);
        resetPeak(device);
        const bool cpu = device.is_cpu();
        std::printf("model %s, text %s, %lld windows x %lld, batch %lld, %s on %s, %d threads\n",
                    o.model.c_str(), o.text.c_str(), (long long)windows.size(0), (long long)o.seqLen,
                    (long long)o.batch, o.dtype.c_str(), o.device.c_str(), at::get_num_threads());
        const std::string file =
            (std::filesystem::temp_directory_path() / "qatbench-bench-windows.safetensors").string();
        if (o.peer) writeSafetensors(file, {{"windows", windows}});
        std::printf("%-6s %-10s %12s %14s %12s %10s %10s\n", "round", "", "tokens/s", "tokens/cpu-s",
                    "peak MiB", "ppl", "seconds");
        std::vector<double> ratios, cpuRatios, ours, theirs;
        std::string peerName, peerError;
        for (int64_t r = 0; r < o.rounds; ++r) {
            const double c0 = cpuSeconds();
            const PerplexityResult res = perplexity(model, windows, p, {}, o.batch);
            const double cpuTps = double(windows.numel()) / (cpuSeconds() - c0);
            ours.push_back(res.tokensPerSecond);
            std::printf("%-6lld %-10s %12.0f %14s %12.1f %10.4f %10.3f\n", (long long)r + 1, "qatbench",
                        res.tokensPerSecond, cpu ? std::to_string(int64_t(cpuTps)).c_str() : "-",
                        double(peakBytes(device)) / 1048576, res.ppl, res.seconds);
            if (!o.peer || !peerError.empty()) continue;
            const auto peer = runPeer(o, file);
            if (peer.contains("error")) {
                peerError = peer["error"].get<std::string>();
                continue;
            }
            const double tps = peer.at("tokens_per_second").get<double>();
            const double peerCpuTps = double(windows.numel()) / peer.value("cpu_seconds", 0.0);
            peerName = peer.value("impl", "transformers") + " (torch " + peer.value("torch", "?") +
                       (peer.value("transformers", "").empty()
                            ? ""
                            : ", transformers " + peer.value("transformers", "")) +
                       ", " + std::to_string(peer.value("threads", 0)) + " threads" +
                       (cpu ? ", malloc " + o.peerMalloc : std::string()) + ")";
            theirs.push_back(tps);
            ratios.push_back(res.tokensPerSecond / tps);
            if (cpu) cpuRatios.push_back(cpuTps / peerCpuTps);
            std::printf("%-6lld %-10s %12.0f %14s %12.1f %10.4f %10.3f   ratio %.2fx", (long long)r + 1,
                        "peer", tps, cpu ? std::to_string(int64_t(peerCpuTps)).c_str() : "-",
                        peer.at("peak_bytes").get<double>() / 1048576, peer.at("ppl").get<double>(),
                        peer.at("seconds").get<double>(), ratios.back());
            if (cpu) std::printf(", per CPU-second %.2fx", cpuRatios.back());
            std::printf("   ppl difference %.2e\n", res.ppl - peer.at("ppl").get<double>());
        }
        if (o.peer) std::filesystem::remove(file);
        std::printf("qatbench: median %.0f tokens/s over %lld rounds\n", median(ours), (long long)o.rounds);
        if (!peerError.empty()) {
            std::printf("peer not run: %s\n", peerError.c_str());
            return 0;
        }
        if (ratios.empty()) return 0;
        std::printf("peer %s: median %.0f tokens/s\n", peerName.c_str(), median(theirs));
        std::printf("ratio qatbench/peer: median %.2fx throughput", median(ratios));
        if (cpu) std::printf(", %.2fx per CPU-second", median(cpuRatios));
        std::printf("\n");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_eval: %s\n", e.what());
        return 1;
    }
}

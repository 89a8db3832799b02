// Perplexity throughput and peak memory: QATBench's eval against Hugging Face transformers on the same GPU,
// model, windows, batch and dtype, measured in one run and printed as ratios.
//
//   build-gpu/bench/bench_eval shared/models/gutenberg-llama-22M
//   shared/data/gutenberg/valid/pg84_frankenstein.txt
//       --protocol bos-window --seq-len 512 --batch 16 --dtype bfloat16 --device cuda
//
// The windows are written to a temporary safetensors file that bench/python/eval_peer.py evaluates, so both
// sides score the same tokens. --no-peer measures ours only.

#include "qatbench/device.h"
#include "qatbench/error.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/eval.h"
#include "qatbench_sdk/tensor_io.h"

#include <torch/torch.h>

#ifdef QATBENCH_HAVE_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

using namespace qat;

namespace {

struct Options
{
    std::string model, text, protocol = "stream", device = "cuda", dtype = "bfloat16", python = "python3";
    std::string peerScript = (std::filesystem::path(__FILE__).parent_path() / "python/eval_peer.py").string();
    int64_t seqLen = 512, batch = 16, maxWindows = 0, repeats = 3;
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
        else if (a == "--repeats")
            o.repeats = std::stoll(next());
        else if (a == "--no-peer")
            o.peer = false;
        else
            pos.push_back(a);
    }
    if (pos.size() != 2)
        throw ConfigError("arguments", "usage: bench_eval MODEL_DIR TEXT [--protocol P] [--seq-len N] "
                                       "[--batch N] [--dtype T] [--device D] [--max-windows N] "
                                       "[--repeats N] [--no-peer] [--python EXE] [--peer-script PY]");
    o.model = pos[0];
    o.text = pos[1];
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
    const std::string cmd = o.python + " '" + o.peerScript + "' '" + o.model + "' '" + windowsFile +
                            "' --batch " + std::to_string(o.batch) + " --dtype " + o.dtype + " --device " +
                            (o.device.rfind("cuda", 0) == 0 ? o.device : "cpu");
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    if (!pipe) throw Error("cannot run " + cmd);
    std::string out;
    std::array<char, 4096> buf{};
    while (fgets(buf.data(), int(buf.size()), pipe.get()))
        out += buf.data();
    const auto brace = out.rfind("\n{");
    return nlohmann::json::parse(brace == std::string::npos ? out : out.substr(brace + 1));
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
        const LlamaModel model =
            LlamaModel::load(o.model, {device, o.dtype == "bfloat16" ? at::kBFloat16 : at::kFloat});
        PerplexityProtocol warm = p;
        perplexity(model, windows.slice(0, 0, std::min<int64_t>(windows.size(0), 2 * o.batch)), warm, {},
                   o.batch);
        resetPeak(device);
        PerplexityResult best;
        for (int64_t r = 0; r < o.repeats; ++r) {
            PerplexityResult res = perplexity(model, windows, p, {}, o.batch);
            if (r == 0 || res.seconds < best.seconds) best = res;
        }
        const int64_t ourPeak = peakBytes(device);
        std::printf("model %s, text %s, %lld windows x %lld, batch %lld, %s on %s\n", o.model.c_str(),
                    o.text.c_str(), (long long)windows.size(0), (long long)o.seqLen, (long long)o.batch,
                    o.dtype.c_str(), o.device.c_str());
        std::printf("%-14s %12s %12s %10s %10s\n", "", "tokens/s", "peak MiB", "ppl", "seconds");
        std::printf("%-14s %12.0f %12.1f %10.4f %10.3f\n", "qatbench", best.tokensPerSecond,
                    double(ourPeak) / 1048576, best.ppl, best.seconds);
        if (!o.peer) return 0;
        const std::string file =
            (std::filesystem::temp_directory_path() / "qatbench-bench-windows.safetensors").string();
        writeSafetensors(file, {{"windows", windows}});
        const auto peer = runPeer(o, file);
        std::filesystem::remove(file);
        const double peerTps = peer.at("tokens_per_second").get<double>();
        const double peerPeak = peer.at("peak_bytes").get<double>();
        std::printf("%-14s %12.0f %12.1f %10.4f %10.3f   (transformers %s, torch %s)\n", "transformers",
                    peerTps, peerPeak / 1048576, peer.at("ppl").get<double>(),
                    peer.at("seconds").get<double>(), peer.value("transformers", "?").c_str(),
                    peer.value("torch", "?").c_str());
        std::printf("ratio qatbench/transformers: throughput %.3fx, peak memory %.3fx, ppl difference %.2e\n",
                    best.tokensPerSecond / peerTps, peerPeak > 0 ? double(ourPeak) / peerPeak : 0.0,
                    best.ppl - peer.at("ppl").get<double>());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_eval: %s\n", e.what());
        return 1;
    }
}

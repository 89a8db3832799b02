// One DL-QAT training step (forward + backward + AdamW) on LLaMA-7B-shaped layers with random weights,
// through QATBench's own path (LlamaModel + QuantHook + TrainLoop's pieces), against the same step in eager
// PyTorch (bench/python/dlqat_step_peer.py) run in the same invocation, as a ratio.
//
//   bench_dlqat_step [--layers 4] [--hidden 4096] [--ffn 11008] [--heads 32] [--vocab 32000] [--seq 2048]
//                    [--batch 1] [--bits 3] [--group 128] [--rank 16] [--iters 5] [--warmup 2]
//                    [--peer bench/python/dlqat_step_peer.py | --peer none] [--python python3] [--cpu]
// Prints time per step, tokens/s, peak memory for both and ours/peer. Run it on the GPU machine, e.g.
//   build-gpu/bench/bench_dlqat_step --layers 4  and  --layers 32
#include "qatbench_sdk/llama.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/trainer.h"

#include <torch/torch.h>

#ifdef QATBENCH_HAVE_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace {

std::map<std::string, std::string> g_args = {
    {"layers", "4"},
    {"hidden", "4096"},
    {"ffn", "11008"},
    {"heads", "32"},
    {"vocab", "32000"},
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
    c.numKvHeads = c.numHeads;
    c.headDim = c.hiddenSize / c.numHeads;
    c.vocabSize = arg("vocab");
    c.maxPositions = std::max<int64_t>(4096, arg("seq"));
    c.tieWordEmbeddings = true;
    const auto opts = at::TensorOptions().device(dev).dtype(at::kBFloat16);
    auto r = [&](int64_t o, int64_t i) {
        return (torch::randn({o, i}, opts.dtype(at::kFloat)) * 0.02).to(opts);
    };
    qat::LlamaWeights w;
    w.embed = r(c.vocabSize, c.hiddenSize);
    for (int64_t l = 0; l < c.numLayers; ++l) {
        qat::LlamaLayerWeights L;
        L.inputNorm = torch::ones({c.hiddenSize}, opts);
        L.postNorm = torch::ones({c.hiddenSize}, opts);
        for (auto k : {qat::LinearKind::Q, qat::LinearKind::K, qat::LinearKind::V, qat::LinearKind::O})
            L[k] = r(c.hiddenSize, c.hiddenSize);
        L[qat::LinearKind::Gate] = r(c.intermediateSize, c.hiddenSize);
        L[qat::LinearKind::Up] = r(c.intermediateSize, c.hiddenSize);
        L[qat::LinearKind::Down] = r(c.hiddenSize, c.intermediateSize);
        w.layers.push_back(std::move(L));
    }
    w.norm = torch::ones({c.hiddenSize}, opts);
    w.lmHead = w.embed;
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

struct Measured
{
    double sPerStep = 0;
    double tokensPerS = 0;
    int64_t peak = -1;
};

Measured runOurs(const at::Device& dev)
{
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
    }
    qat::QuantHook hook(mods);
    qat::ForwardOptions fo;
    fo.hook = &hook;
    fo.checkpointBlocks = true;
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(ms, std::make_unique<torch::optim::AdamWOptions>(2e-3));
    groups.emplace_back(lora, std::make_unique<torch::optim::AdamWOptions>(1e-3));
    for (auto& g : groups)
        static_cast<torch::optim::AdamWOptions&>(g.options()).weight_decay(0.0);
    torch::optim::AdamW opt(groups, torch::optim::AdamWOptions(1e-3));
    std::vector<at::Tensor> all = ms;
    all.insert(all.end(), lora.begin(), lora.end());
    at::Tensor ids = torch::randint(0, arg("vocab"), {arg("batch"), arg("seq") + 1},
                                    at::TensorOptions().dtype(at::kLong).device(dev));
    auto step = [&] {
        opt.zero_grad();
        at::Tensor loss = qat::nextTokenLoss(model, ids, fo);
        loss.backward();
        torch::nn::utils::clip_grad_norm_(all, 1.0);
        opt.step();
    };
    for (int64_t i = 0; i < arg("warmup"); ++i)
        step();
    sync(dev);
    peakBytes(dev, true);
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < arg("iters"); ++i)
        step();
    sync(dev);
    Measured m;
    m.sPerStep =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / double(arg("iters"));
    m.tokensPerS = double(arg("batch") * arg("seq")) / m.sPerStep;
    m.peak = peakBytes(dev, false);
    return m;
}

bool runPeer(Measured& out)
{
    if (g_args["peer"] == "none") return false;
    std::string cmd = g_args["python"] + " " + g_args["peer"];
    for (const char* k : {"layers", "hidden", "ffn", "heads", "vocab", "seq", "batch", "bits", "group",
                          "rank", "iters", "warmup"})
        cmd += std::string(" --") + k + " " + g_args[k];
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
        "DL-QAT step: %lld layers, hidden %lld, ffn %lld, seq %lld x batch %lld, W%lld g%lld, rank %lld, "
        "bf16, checkpointing per block, AdamW; device %s\n",
        (long long)arg("layers"), (long long)arg("hidden"), (long long)arg("ffn"), (long long)arg("seq"),
        (long long)arg("batch"), (long long)arg("bits"), (long long)arg("group"), (long long)arg("rank"),
        cuda ? "cuda:0" : "cpu");
    try {
        Measured ours = runOurs(dev);
        std::printf("%-10s %10s %12s %12s\n", "", "s/step", "tokens/s", "peak GiB");
        std::printf("%-10s %10.4f %12.0f %12.2f\n", "qatbench", ours.sPerStep, ours.tokensPerS,
                    double(ours.peak) / (1 << 30));
        Measured peer;
        if (cuda && runPeer(peer)) {
            std::printf("%-10s %10.4f %12.0f %12.2f\n", "eager-py", peer.sPerStep, peer.tokensPerS,
                        double(peer.peak) / (1 << 30));
            std::printf("ratio qatbench/eager: time %.3f, peak memory %.3f\n", ours.sPerStep / peer.sPerStep,
                        double(ours.peak) / double(peer.peak));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_dlqat_step: %s\n", e.what());
        return 1;
    }
    return 0;
}

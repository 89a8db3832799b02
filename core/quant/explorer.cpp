// The quantization explorer's numbers, computed with core's quantizer so the GUI shows what training uses.
#include "qatbench/explorer.h"

#include "qatbench/error.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/llama.h"
#include "qatbench_sdk/quantizer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <random>
#include <sstream>

namespace qat {

const char* const kDefaultSampleText =
    "Once upon a time, in a small town by the sea, there lived an old clockmaker. Every morning he opened "
    "his shop, wound the clocks on the wall and listened to them tick together. Children stopped at the "
    "window to watch the brass wheels turn. One day a girl brought him a broken music box that had belonged "
    "to her grandmother. He worked on it for a week, and when it played again, she laughed and thanked him.";

namespace {

// Thrown by the capturing hook once it has the activations it wants: the blocks after it need not run.
struct CaptureDone
{
};

class CaptureHook final : public LinearHook
{
public:
    CaptureHook(int layer, LinearKind kind) : m_layer(layer), m_kind(kind) {}
    at::Tensor linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& weight) override
    {
        if (layer == m_layer && kind == m_kind) {
            captured = x.detach().reshape({-1, x.size(-1)}).to(at::kFloat).contiguous();
            throw CaptureDone{};
        }
        return at::linear(x, weight);
    }
    at::Tensor captured;

private:
    int m_layer;
    LinearKind m_kind;
};

std::vector<int64_t> defaultSample(const ModelConfig& cfg, int64_t n)
{
    std::mt19937_64 rng(20240521);
    std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(0, cfg.vocabSize - 1));
    std::vector<int64_t> ids;
    ids.reserve(size_t(n));
    if (cfg.bosTokenId >= 0 && cfg.bosTokenId < cfg.vocabSize) ids.push_back(cfg.bosTokenId);
    while (int64_t(ids.size()) < n)
        ids.push_back(pick(rng));
    return ids;
}

void checkQuery(const ExplorerQuery& q, const ModelConfig& cfg)
{
    if (q.layer < 0 || q.layer >= cfg.numLayers)
        throw ConfigError("explorer.layer", "is " + std::to_string(q.layer) + "; the model has layers 0.." +
                                                std::to_string(cfg.numLayers - 1));
    if (q.spec.bits < 2 || q.spec.bits > 8)
        throw ConfigError("method.options.bits", "is " + std::to_string(q.spec.bits) + "; allowed: 2..8");
    if (q.spec.groupSize < 0)
        throw ConfigError("method.options.group_size", "must be 0 (per-channel) or positive");
}

bool keepGoing(const ProgressFn& progress, const ProgressClock& clock, int64_t done, int64_t total)
{
    return !progress || progress(clock.make("explorer", done, total, "steps"));
}

} // namespace

struct QuantExplorer::Impl
{
    std::string dir;
    ExplorerOptions options;
    std::unique_ptr<LlamaModel> model;
    std::vector<int64_t> sample;
    std::string sampleSource;
    mutable std::mutex mutex; // guards activations
    mutable std::map<std::pair<int, int>, at::Tensor> activations;

    const at::Tensor& weight(int layer, LinearKind k) const
    {
        return model->weights().layers[size_t(layer)][k];
    }

    at::Tensor activationsFor(int layer, LinearKind kind) const
    {
        {
            std::lock_guard lock(mutex);
            auto it = activations.find({layer, int(kind)});
            if (it != activations.end()) return it->second;
        }
        at::NoGradGuard noGrad;
        CaptureHook hook(layer, kind);
        ForwardOptions fo;
        fo.hook = &hook;
        at::Tensor ids = at::tensor(sample, at::kLong).unsqueeze(0);
        try {
            model->forward(ids, fo);
        } catch (const CaptureDone&) {
        }
        if (!hook.captured.defined())
            throw Error("explorer: the forward never reached layer " + std::to_string(layer) + " " +
                        linearName(kind));
        std::lock_guard lock(mutex);
        activations[{layer, int(kind)}] = hook.captured;
        return hook.captured;
    }
};

QuantExplorer::QuantExplorer(const std::string& modelDir, const ExplorerOptions& options)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->dir = modelDir;
    m_impl->options = options;
    if (options.threads > 0) at::set_num_threads(options.threads);
    m_impl->model = std::make_unique<LlamaModel>(LlamaModel::load(modelDir, {at::kCPU, at::kFloat}));
    const ModelConfig& cfg = m_impl->model->config();
    std::vector<int64_t> ids = options.sampleTokens;
    std::string source = "given tokens";
    if (ids.empty() && !options.sampleText.empty() && !findTokenizerFile(modelDir).empty()) {
        const Tokenizer tok = Tokenizer::load(modelDir);
        for (int32_t id : tok.encode(options.sampleText, true))
            ids.push_back(id);
        source = "text";
    }
    if (ids.empty()) {
        ids = defaultSample(cfg, kDefaultSampleTokens);
        source = "random tokens";
    }
    for (int64_t id : ids)
        if (id < 0 || id >= cfg.vocabSize)
            throw ConfigError("explorer.sample_tokens", "holds token id " + std::to_string(id) +
                                                            " outside the vocabulary 0.." +
                                                            std::to_string(cfg.vocabSize - 1));
    if (options.maxSampleTokens > 0 && int64_t(ids.size()) > options.maxSampleTokens)
        ids.resize(size_t(options.maxSampleTokens));
    m_impl->sampleSource = source + " (" + std::to_string(ids.size()) + ")";
    m_impl->sample = std::move(ids);
}

QuantExplorer::~QuantExplorer() = default;

const std::string& QuantExplorer::modelDir() const
{
    return m_impl->dir;
}

const std::string& QuantExplorer::sampleSource() const
{
    return m_impl->sampleSource;
}

const ModelConfig& QuantExplorer::config() const
{
    return m_impl->model->config();
}

std::pair<int64_t, int64_t> QuantExplorer::linearShape(int layer, LinearKind module) const
{
    if (layer < 0 || layer >= config().numLayers)
        throw ConfigError("explorer.layer", "is " + std::to_string(layer) + "; the model has layers 0.." +
                                                std::to_string(config().numLayers - 1));
    const at::Tensor& w = m_impl->weight(layer, module);
    return {w.size(0), w.size(1)};
}

namespace {

template <typename T> std::vector<T> toVector(const at::Tensor& t)
{
    at::Tensor c = t.contiguous().cpu();
    return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
}

ExplorerGroup describeGroup(const at::Tensor& w, const QuantParams& p, const at::Tensor& wq,
                            const at::Tensor& codes, const GroupLayout& lay, const ExplorerQuery& q,
                            const QuantSpec& spec)
{
    ExplorerGroup g;
    g.row = q.row;
    g.group = q.group;
    g.firstColumn = q.group * lay.group;
    const int64_t len = std::min(lay.group, lay.cols - g.firstColumn);
    g.scale = p.scale[q.row][q.group].item<double>();
    g.zero = p.zero[q.row][q.group].item<double>();
    for (int64_t k = 0; k <= spec.levels(); ++k)
        g.levels.push_back(g.scale * (double(k) - g.zero));

    at::Tensor wr = w[q.row].narrow(0, g.firstColumn, len).to(at::kFloat);
    at::Tensor qr = wq[q.row].narrow(0, g.firstColumn, len);
    at::Tensor cr = codes[q.row].narrow(0, g.firstColumn, len).to(at::kInt);
    // Clamped exactly where the unclamped code leaves the grid: same expression as the quantizer's.
    at::Tensor raw = at::round(wr / p.scale[q.row][q.group]) + p.zero[q.row][q.group];
    at::Tensor clip = (raw < 0) | (raw > double(spec.levels()));
    at::Tensor err = qr - wr;

    g.weights = toVector<float>(wr);
    g.quantized = toVector<float>(qr);
    g.codes = toVector<int>(cr);
    g.clipped = toVector<uint8_t>(clip.to(at::kByte));
    g.error = toVector<float>(err);
    g.rmsError = len ? std::sqrt(err.pow(2).mean().item<double>()) : 0.0;
    g.maxAbsError = len ? err.abs().max().item<double>() : 0.0;
    return g;
}

} // namespace

ExplorerResult QuantExplorer::compute(const ExplorerQuery& query, const ProgressFn& progress) const
{
    const auto t0 = std::chrono::steady_clock::now();
    const ProgressClock clock;
    checkQuery(query, config());
    at::NoGradGuard noGrad;
    const QuantSpec& spec = query.spec;
    const at::Tensor w = m_impl->weight(query.layer, query.module).to(at::kFloat);
    const GroupLayout lay = groupLayout(w.size(0), w.size(1), spec);
    if (query.row < 0 || query.row >= lay.rows)
        throw ConfigError("explorer.row", "is " + std::to_string(query.row) + "; the layer has rows 0.." +
                                              std::to_string(lay.rows - 1));
    if (query.group < 0 || query.group >= lay.groups)
        throw ConfigError("explorer.group", "is " + std::to_string(query.group) + "; a row has groups 0.." +
                                                std::to_string(lay.groups - 1));

    const QuantParams p = initQuantParams(w, spec);
    const at::Tensor wq = fakeQuant(w, p.scale, p.zero, spec);
    const at::Tensor codes = quantCodes(w, p, spec);
    if (!keepGoing(progress, clock, 1, 3)) throw Cancelled();

    ExplorerResult r;
    r.query = query;
    r.group = describeGroup(w, p, wq, codes, lay, query, spec);

    ExplorerLayer& L = r.layer;
    L.rows = lay.rows;
    L.cols = lay.cols;
    L.groupSize = lay.group;
    L.groupsPerRow = lay.groups;
    L.codeUsage = toVector<int64_t>(at::bincount(codes.flatten().to(at::kLong), {}, spec.levels() + 1));
    at::Tensor unclamped = at::round(toGroups(w, lay) / p.scale.unsqueeze(-1)) + p.zero.unsqueeze(-1);
    at::Tensor clipped = fromGroups((unclamped < 0) | (unclamped > double(spec.levels())), lay);
    L.clippedFraction = clipped.to(at::kDouble).mean().item<double>();
    L.weightRelError = ((wq - w).norm() / w.norm().clamp_min(1e-30)).item<double>();
    L.bitsPerWeight = double(spec.bits) + (16.0 + double(spec.bits)) / double(lay.group);
    if (!keepGoing(progress, clock, 2, 3)) throw Cancelled();

    const at::Tensor x = m_impl->activationsFor(query.layer, query.module);
    const at::Tensor y = at::linear(x, w);
    L.outputRelError = ((at::linear(x, wq) - y).norm() / y.norm().clamp_min(1e-30)).item<double>();
    L.sampleTokens = x.size(0);
    if (!keepGoing(progress, clock, 3, 3)) throw Cancelled();

    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

std::string explorerCsv(const ExplorerResult& r)
{
    std::ostringstream out;
    out.precision(9);
    const ExplorerLayer& L = r.layer;
    out << "# layer=" << r.query.layer << ",module=" << linearName(r.query.module) << ",row=" << r.query.row
        << ",group=" << r.query.group << ",bits=" << r.query.spec.bits << ",group_size=" << L.groupSize
        << "\n"
        << "# scale=" << r.group.scale << ",zero=" << r.group.zero << "\n"
        << "# weight_rel_error=" << L.weightRelError << ",output_rel_error=" << L.outputRelError
        << ",clipped_fraction=" << L.clippedFraction << ",sample_tokens=" << L.sampleTokens << "\n"
        << "column,weight,code,quantized,error,clipped\n";
    const ExplorerGroup& g = r.group;
    for (size_t i = 0; i < g.weights.size(); ++i)
        out << g.firstColumn + int64_t(i) << ',' << g.weights[i] << ',' << g.codes[i] << ',' << g.quantized[i]
            << ',' << g.error[i] << ',' << int(g.clipped[i]) << "\n";
    return out.str();
}

} // namespace qat

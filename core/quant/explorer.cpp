// The quantization explorer's numbers, computed with core's quantizer so the GUI shows what training uses.
#include "qatbench/explorer.h"

#include "qatbench/error.h"
#include "qatbench/experiment.h"
#include "qatbench/safetensors.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/export.h"
#include "qatbench_sdk/llama.h"
#include "qatbench_sdk/quantizer.h"
#include "qatbench_sdk/tensor_io.h"
#include "qatbench_sdk/trainer.h"

#include "qatbench_sdk/torch.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
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
        return linearOp(x, weight);
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

// ---- A trained run --------------------------------------------------------------------------------------

struct ExplorerRun::Impl
{
    struct Linear
    {
        GroupLayout lay;
        at::Tensor codes;      // final codes [out, in], float32 (integer values)
        at::Tensor scale;      // final m * s [out, groups]
        at::Tensor zero;       // z [out, groups]
        at::Tensor calibrated; // s after calibration [out, groups]; undefined without a checkpoint
        at::Tensor loraDelta; // (alpha / r) B A at the checkpoint, in weight units [out, in]; undefined: none
    };
    QuantSpec spec;
    std::string method;
    std::string workDir;
    std::string phase;
    int64_t step = -1;
    std::map<std::pair<int, int>, Linear> linears;

    const Linear& linear(int layer, LinearKind kind) const
    {
        auto it = linears.find({layer, int(kind)});
        if (it == linears.end())
            throw ConfigError("explorer.module", std::string("layer ") + std::to_string(layer) + " " +
                                                     linearName(kind) + " is not quantized by this run");
        return it->second;
    }
};

ExplorerRun::ExplorerRun(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ExplorerRun::~ExplorerRun() = default;
const QuantSpec& ExplorerRun::spec() const
{
    return m_impl->spec;
}
const std::string& ExplorerRun::method() const
{
    return m_impl->method;
}
const std::string& ExplorerRun::workDir() const
{
    return m_impl->workDir;
}
bool ExplorerRun::hasCheckpoint() const
{
    return m_impl->step >= 0;
}
int64_t ExplorerRun::checkpointStep() const
{
    return m_impl->step;
}
const std::string& ExplorerRun::checkpointPhase() const
{
    return m_impl->phase;
}
bool ExplorerRun::quantizes(int layer, LinearKind module) const
{
    return m_impl->linears.count({layer, int(module)}) > 0;
}

namespace {

at::Tensor checkedTensor(const std::map<std::string, at::Tensor>& byName, const std::string& file,
                         const std::string& name, at::IntArrayRef shape)
{
    auto it = byName.find(name);
    if (it == byName.end()) return {};
    if (it->second.sizes() != shape)
        throw InputError(file, name,
                         "has another shape than this model's layer: a checkpoint of another model?");
    return it->second.to(at::kFloat);
}

} // namespace

std::shared_ptr<const ExplorerRun> QuantExplorer::loadRun(const std::string& workDir,
                                                          const std::string& experimentJson) const
{
    namespace fs = std::filesystem;
    const auto exp = nlohmann::json::parse(experimentJson, nullptr, false);
    if (exp.is_discarded() || !exp.is_object() || !exp.contains("method") || !exp["method"].is_object())
        throw ConfigError("method", "the run's experiment JSON has no method section");
    const nlohmann::json opts = exp["method"].value("options", nlohmann::json::object());
    auto impl = std::make_unique<ExplorerRun::Impl>();
    impl->spec = quantSpecFromOptions(opts);
    impl->method = exp["method"].value("name", std::string());
    impl->workDir = workDir;
    const auto kinds = parseModuleList(opts.value("modules", std::string("all")));
    const double rank = opts.value("rank", 0.0);
    const double loraScale = rank > 0 ? opts.value("alpha", 16.0) / rank : 1.0;
    const bool loraInGrid = opts.value("lora_in_grid", false);

    const std::string path = (fs::path(workDir) / "export" / "quantized.safetensors").string();
    std::error_code ec;
    if (workDir.empty() || !fs::is_regular_file(path, ec))
        throw InputError(path, "",
                         "missing: the run has no quantized export (only a completed run writes one)");
    const SafetensorsFile file(path);
    const auto meta = file.metadata();
    if (meta.count("bits") && meta.at("bits") != std::to_string(impl->spec.bits))
        throw InputError(path, "__metadata__.bits",
                         "is " + meta.at("bits") + ", the run's experiment says " +
                             std::to_string(impl->spec.bits));

    std::map<std::string, at::Tensor> saved;
    const bool withCheckpoint = hasCheckpoint(workDir);
    if (withCheckpoint) {
        CheckpointState st = peekCheckpoint(workDir);
        impl->phase = st.phase;
        impl->step = st.step;
        saved.insert(st.tensors.begin(), st.tensors.end());
    }
    const std::string ckpt = checkpointPath(workDir);
    at::NoGradGuard noGrad;
    size_t index = 0; // the method's modules in makeQuantLinears' order: layer-major, then kinds
    for (int l = 0; l < config().numLayers; ++l)
        for (LinearKind k : kinds) {
            const std::string base = hfLinearName(l, k, "");
            const std::string prefix = std::to_string(index++) + ".";
            const StTensorInfo* packed = file.find(base + ".qweight");
            if (!packed) continue; // written dequantized: not on the grid
            const auto [rows, cols] = linearShape(l, k);
            ExplorerRun::Impl::Linear L;
            L.lay = groupLayout(rows, cols, impl->spec);
            L.codes = unpackCodes(readTensor(file, base + ".qweight"), impl->spec.bits, cols).to(at::kFloat);
            L.scale = readTensor(file, base + ".scales").to(at::kFloat);
            L.zero = readTensor(file, base + ".zeros").to(at::kFloat);
            if (L.codes.sizes() != at::IntArrayRef({rows, cols}))
                throw InputError(path, base + ".qweight",
                                 "does not hold " + std::to_string(rows) + " x " + std::to_string(cols) +
                                     " codes: another model?");
            if (L.scale.sizes() != at::IntArrayRef({rows, L.lay.groups}) || L.zero.sizes() != L.scale.sizes())
                throw InputError(path, base + ".scales",
                                 "is not [" + std::to_string(rows) + ", " + std::to_string(L.lay.groups) +
                                     "]: another group size than the run's experiment?");
            const at::Tensor logScale =
                checkedTensor(saved, ckpt, prefix + "log_scale", {rows, L.lay.groups});
            if (logScale.defined()) L.calibrated = logScale.to(at::kDouble).exp().to(at::kFloat);
            auto a = saved.find(prefix + "A");
            auto b = saved.find(prefix + "B");
            if (a != saved.end() && b != saved.end() && a->second.dim() == 2 && b->second.dim() == 2 &&
                a->second.size(1) == cols && b->second.size(0) == rows &&
                a->second.size(0) == b->second.size(1)) {
                L.loraDelta = at::matmul(b->second.to(at::kFloat), a->second.to(at::kFloat)) * loraScale;
                // LoRA inside the grid adds integer units: in weight units that is s times as much.
                if (loraInGrid && L.calibrated.defined())
                    L.loraDelta = L.loraDelta * expandGroups(L.calibrated, L.lay);
            }
            impl->linears[{l, int(k)}] = std::move(L);
        }
    if (impl->linears.empty()) throw InputError(path, "", "holds no quantized linear of this model's layers");
    return std::make_shared<const ExplorerRun>(std::move(impl));
}

namespace {

double relError(const at::Tensor& x, const at::Tensor& w, const at::Tensor& reference)
{
    const at::Tensor y = at::linear(x, reference);
    return ((at::linear(x, w) - y).norm() / y.norm().clamp_min(1e-30)).item<double>();
}

// The three weights of a trained linear: the initial grid (RTN), the calibrated grid (m = 1, no LoRA) and the
// final trained one; calibrated and codesBefore are undefined without a checkpoint.
struct TrainedWeights
{
    QuantParams initial;
    at::Tensor rtn, calibrated, codesBefore, final;
};

TrainedWeights trainedWeights(const at::Tensor& w, const ExplorerRun::Impl::Linear& L, const QuantSpec& spec)
{
    TrainedWeights t;
    t.initial = initQuantParams(w, spec);
    t.rtn = fakeQuant(w, t.initial.scale, t.initial.zero, spec);
    t.final = expandGroups(L.scale, L.lay) * (L.codes - expandGroups(L.zero, L.lay));
    if (L.calibrated.defined()) {
        const QuantParams cal{L.calibrated, L.zero};
        t.codesBefore = quantCodes(w, cal, spec).to(at::kFloat);
        t.calibrated = expandGroups(L.calibrated, L.lay) * (t.codesBefore - expandGroups(L.zero, L.lay));
    }
    return t;
}

void describeTraining(ExplorerResult& r, const at::Tensor& w, const ExplorerRun::Impl::Linear& L,
                      const TrainedWeights& t, const at::Tensor& x)
{
    const int64_t row = r.query.row, group = r.query.group;
    const ExplorerGroup& g = r.group;
    const int64_t len = int64_t(g.weights.size());
    ExplorerTrainedGroup tg;
    tg.initScale = t.initial.scale[row][group].item<double>();
    tg.initZero = t.initial.zero[row][group].item<double>();
    tg.effectiveScale = L.scale[row][group].item<double>();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    tg.magnitude = L.calibrated.defined() ? tg.effectiveScale / L.calibrated[row][group].item<double>() : nan;
    if (t.codesBefore.defined()) {
        tg.codesBefore = toVector<int>(t.codesBefore[row].narrow(0, g.firstColumn, len).to(at::kInt));
        for (int64_t i = 0; i < len; ++i)
            tg.movedCodes += tg.codesBefore[size_t(i)] != g.codes[size_t(i)];
    }
    if (L.loraDelta.defined()) tg.loraDelta = toVector<float>(L.loraDelta[row].narrow(0, g.firstColumn, len));
    r.group.trained = std::move(tg);

    ExplorerTrainedLayer tl;
    tl.rtnOutputRelError = relError(x, t.rtn, w);
    tl.calibOutputRelError = t.calibrated.defined() ? relError(x, t.calibrated, w) : nan;
    tl.movedCodesFraction =
        t.codesBefore.defined() ? (t.codesBefore != L.codes).to(at::kDouble).mean().item<double>() : nan;
    if (L.calibrated.defined()) {
        const at::Tensor m = L.scale / L.calibrated;
        tl.magnitudeMin = m.min().item<double>();
        tl.magnitudeMean = m.mean().item<double>();
        tl.magnitudeMax = m.max().item<double>();
        tl.meanScaleRatio = (L.calibrated / t.initial.scale).mean().item<double>();
    } else {
        tl.magnitudeMin = tl.magnitudeMean = tl.magnitudeMax = tl.meanScaleRatio = nan;
    }
    tl.loraRelNorm =
        L.loraDelta.defined() ? (L.loraDelta.norm() / w.norm().clamp_min(1e-30)).item<double>() : 0.0;
    r.layer.trained = tl;
}

} // namespace

ExplorerResult QuantExplorer::compute(const ExplorerQuery& query, const ProgressFn& progress) const
{
    const auto t0 = std::chrono::steady_clock::now();
    const ProgressClock clock;
    ExplorerQuery q = query;
    const ExplorerRun::Impl::Linear* trained = nullptr;
    if (q.run) {
        q.spec = q.run->spec();
        trained = &q.run->m_impl->linear(q.layer, q.module);
    }
    checkQuery(q, config());
    at::NoGradGuard noGrad;
    const QuantSpec& spec = q.spec;
    const at::Tensor w = m_impl->weight(q.layer, q.module).to(at::kFloat);
    const GroupLayout lay = groupLayout(w.size(0), w.size(1), spec);
    if (q.row < 0 || q.row >= lay.rows)
        throw ConfigError("explorer.row", "is " + std::to_string(q.row) + "; the layer has rows 0.." +
                                              std::to_string(lay.rows - 1));
    if (q.group < 0 || q.group >= lay.groups)
        throw ConfigError("explorer.group", "is " + std::to_string(q.group) + "; a row has groups 0.." +
                                                std::to_string(lay.groups - 1));

    // A trained run's grid: the final levels are m s (k - z); its codes are the exported ones.
    std::optional<TrainedWeights> tw;
    if (trained) tw = trainedWeights(w, *trained, spec);
    const QuantParams p = trained ? QuantParams{trained->scale, trained->zero} : initQuantParams(w, spec);
    const at::Tensor wq = trained ? tw->final : fakeQuant(w, p.scale, p.zero, spec);
    const at::Tensor codes = trained ? trained->codes.to(at::kByte) : quantCodes(w, p, spec);
    if (!keepGoing(progress, clock, 1, 3)) throw Cancelled();

    ExplorerResult r;
    r.query = q;
    r.group = describeGroup(w, p, wq, codes, lay, q, spec);

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

    const at::Tensor x = m_impl->activationsFor(q.layer, q.module);
    L.outputRelError = relError(x, wq, w);
    L.sampleTokens = x.size(0);
    if (trained) describeTraining(r, w, *trained, *tw, x);
    if (!keepGoing(progress, clock, 3, 3)) throw Cancelled();

    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

namespace {

// Records each quantized linear's output error as the forward passes it and returns the full-precision
// output, so every linear is measured on full-precision inputs (as compute() measures one).
class MeasureHook final : public LinearHook
{
public:
    MeasureHook(const QuantSpec& spec, const ExplorerRun::Impl* run) : m_spec(spec), m_run(run) {}
    at::Tensor linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& weight) override
    {
        at::Tensor y = at::linear(x, weight);
        if (m_run && !m_run->linears.count({layer, int(kind)})) return y;
        const at::Tensor w = weight.to(at::kFloat);
        const at::Tensor xf = x.reshape({-1, x.size(-1)}).to(at::kFloat);
        ExplorerLinearError e;
        e.layer = layer;
        e.module = kind;
        at::Tensor wq;
        if (m_run) {
            const TrainedWeights t = trainedWeights(w, m_run->linear(layer, kind), m_spec);
            wq = t.final;
            e.rtnOutputRelError = relError(xf, t.rtn, w);
            if (t.calibrated.defined()) e.calibOutputRelError = relError(xf, t.calibrated, w);
        } else {
            const QuantParams p = initQuantParams(w, m_spec);
            wq = fakeQuant(w, p.scale, p.zero, m_spec);
        }
        e.outputRelError = relError(xf, wq, w);
        e.weightRelError = ((wq - w).norm() / w.norm().clamp_min(1e-30)).item<double>();
        errors.push_back(e);
        if (progress && !progress()) throw Cancelled();
        return y;
    }
    std::vector<ExplorerLinearError> errors;
    std::function<bool()> progress;

private:
    QuantSpec m_spec;
    const ExplorerRun::Impl* m_run;
};

} // namespace

std::vector<ExplorerLinearError> QuantExplorer::overview(const QuantSpec& spec,
                                                         const std::shared_ptr<const ExplorerRun>& run,
                                                         const ProgressFn& progress) const
{
    const QuantSpec used = run ? run->spec() : spec;
    if (!run) {
        ExplorerQuery check;
        check.spec = spec;
        checkQuery(check, config());
    }
    at::NoGradGuard noGrad;
    MeasureHook hook(used, run ? run->m_impl.get() : nullptr);
    const ProgressClock clock;
    const int64_t total = int64_t(config().numLayers) * kLinearKinds;
    hook.progress = [&] { return keepGoing(progress, clock, int64_t(hook.errors.size()), total); };
    ForwardOptions fo;
    fo.hook = &hook;
    (void)m_impl->model->forward(at::tensor(m_impl->sample, at::kLong).unsqueeze(0), fo);
    std::sort(hook.errors.begin(), hook.errors.end(), [](const auto& a, const auto& b) {
        return std::make_pair(a.layer, int(a.module)) < std::make_pair(b.layer, int(b.module));
    });
    return hook.errors;
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

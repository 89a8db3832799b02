// GPTQ (Frantar et al., 2022) with core's quantizer: the Hessian per linear from calibration inputs captured
// through a LinearHook, then column-wise rounding with error feedback (README.md has the formula).
#include "gptq.h"

#include "method_kit.h"

#include "qatbench/error.h"
#include "qatbench/quantizer.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/trainer.h"

#include "qatbench_sdk/torch.h"

#include <chrono>
#include <map>

namespace qat::plugins {

namespace {

// Accumulates X^T X of the inputs of one layer's quantized linears; computes with the layer's own weights.
class HessianHook final : public LinearHook
{
public:
    explicit HessianHook(int layer) : m_layer(layer) {}
    at::Tensor linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& weight) override
    {
        if (layer == m_layer) {
            at::Tensor x2 = x.reshape({-1, x.size(-1)}).to(at::kFloat);
            at::Tensor& h = m_h[int(kind)];
            at::Tensor xtx = at::matmul(x2.t(), x2);
            h = h.defined() ? h.add_(xtx) : xtx;
            m_rows[int(kind)] += x2.size(0);
        }
        return linearOp(x, weight);
    }
    // 2 X^T X / n, the GPTQ Hessian of the layer-wise squared error.
    at::Tensor hessian(LinearKind k) const
    {
        auto it = m_h.find(int(k));
        if (it == m_h.end()) throw Error("GPTQ: no calibration input reached a linear");
        return it->second * (2.0 / double(m_rows.at(int(k))));
    }

private:
    int m_layer;
    std::map<int, at::Tensor> m_h;
    std::map<int, int64_t> m_rows;
};

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The group's s, z from the current (error-updated) columns, with the method's range init.
QuantParams groupParams(const at::Tensor& cols, const QuantSpec& spec)
{
    QuantSpec g = spec;
    g.groupSize = cols.size(1);
    g.allowPartialGroup = false;
    return initQuantParams(cols, g);
}

} // namespace

std::vector<OptionSpec> gptqOptions(const std::string& prefix, const std::string& group)
{
    std::vector<OptionSpec> o{
        OptionSpec::integer("calib_windows", 128, 1, 1'000'000)
            .withLabel("Calibration windows")
            .withHelp("Windows of the calibration text whose inputs form each layer's Hessian."),
        OptionSpec::integer("calib_seq_len", 0, 0, 65536)
            .withLabel("Calibration window length")
            .withHelp("Tokens per calibration window; 0 = data.seq_len."),
        OptionSpec::real("damp", 0.01, 0.0, 10.0)
            .withLabel("Damping")
            .withHelp("Added to the Hessian's diagonal, as a fraction of its mean (GPTQ's percdamp)."),
        OptionSpec::boolean("act_order", false)
            .withLabel("Act-order")
            .withHelp("Round columns by decreasing Hessian diagonal; the groups' s, z are then fixed "
                      "from W before rounding (static groups), so the result keeps contiguous groups."),
        OptionSpec::integer("block_size", 128, 1, 65536)
            .withLabel("Block size")
            .withHelp("Columns whose error updates are applied to the rest together (lazy batch).")};
    for (auto& x : o) {
        x.name = prefix + x.name;
        x.group = group;
    }
    return o;
}

std::vector<OptionSpec> initFromOptions()
{
    std::vector<OptionSpec> o{
        OptionSpec::choice("init_from", "rtn", {"rtn", "gptq"})
            .withLabel("Starting grid")
            .withHelp("rtn = s, z from each group's range (the init option); gptq = GPTQ's s, z and "
                      "codes (its weight s (q - z) replaces W0 as the starting point).")
            .inGroup("Initialization")};
    for (auto& g : gptqOptions("gptq_", "Initialization"))
        o.push_back(std::move(g));
    return o;
}

void initGrid(RunContext& ctx, std::vector<QuantLinear>& modules, const nlohmann::json& options)
{
    if (options.value("init_from", std::string("rtn")) != "gptq") return; // makeModules did RTN
    runGptq(ctx, modules, gptqSettingsFrom(ctx.experiment, options, "gptq_"));
}

GptqSettings gptqSettingsFrom(const Experiment& experiment, const nlohmann::json& options,
                              const std::string& prefix)
{
    GptqSettings s;
    s.calibWindows = options.value(prefix + "calib_windows", s.calibWindows);
    s.seqLen = options.value(prefix + "calib_seq_len", int64_t(0));
    if (s.seqLen <= 0) s.seqLen = experiment.data.seqLen;
    s.damp = options.value(prefix + "damp", s.damp);
    s.actOrder = options.value(prefix + "act_order", s.actOrder);
    s.blockSize = options.value(prefix + "block_size", s.blockSize);
    s.seed = experiment.seed * 2 + 7;
    return s;
}

GptqLinearResult gptqQuantizeLinear(const at::Tensor& w, const at::Tensor& hessian, const QuantSpec& spec,
                                    const GptqSettings& st)
{
    at::NoGradGuard noGrad;
    at::Tensor W = w.detach().to(at::kFloat).clone();
    at::Tensor H = hessian.detach().to(at::kDouble).clone();
    const GroupLayout lay = groupLayout(W.size(0), W.size(1), spec);
    const int64_t cols = lay.cols;
    // Inputs that are always zero: any value is exact there; GPTQ sets them to 0.
    at::Tensor dead = H.diagonal() == 0;
    H.diagonal().masked_fill_(dead, 1.0);
    W.masked_fill_(dead.unsqueeze(0), 0.0);

    const bool staticGroups = st.actOrder || lay.group >= cols;
    at::Tensor scale = at::empty({lay.rows, lay.groups}, W.options());
    at::Tensor zero = at::empty_like(scale);
    if (staticGroups) {
        QuantParams p = initQuantParams(W, spec);
        scale.copy_(p.scale);
        zero.copy_(p.zero);
    }
    at::Tensor perm;
    if (st.actOrder) {
        perm = std::get<1>(H.diagonal().sort(0, true));
        W = W.index_select(1, perm);
        H = H.index_select(0, perm).index_select(1, perm);
    }
    H.diagonal().add_(st.damp * H.diagonal().mean().item<double>());
    // The upper Cholesky factor of H^-1: row i holds the error-feedback weights of column i.
    at::Tensor hinv = at::cholesky_inverse(at::linalg_cholesky(H));
    hinv = at::linalg_cholesky(hinv, /*upper=*/true).to(at::kFloat);

    std::vector<int64_t> order(static_cast<size_t>(cols));
    if (st.actOrder) {
        at::Tensor p = perm.cpu();
        for (int64_t i = 0; i < cols; ++i)
            order[size_t(i)] = p[i].item<int64_t>();
    } else {
        for (int64_t i = 0; i < cols; ++i)
            order[size_t(i)] = i;
    }
    // Dynamic groups are found on the updated columns of the block: blocks hold whole groups.
    const int64_t block = staticGroups ? std::max<int64_t>(1, st.blockSize)
                                       : std::max<int64_t>(1, st.blockSize / lay.group) * lay.group;
    QuantSpec colSpec = spec;
    colSpec.groupSize = 1;
    colSpec.allowPartialGroup = false;
    at::Tensor Q = at::zeros_like(W);
    for (int64_t i1 = 0; i1 < cols; i1 += block) {
        const int64_t n = std::min(block, cols - i1);
        at::Tensor W1 = W.narrow(1, i1, n).clone();
        at::Tensor E1 = at::zeros_like(W1);
        at::Tensor Hi = hinv.narrow(0, i1, n).narrow(1, i1, n);
        for (int64_t i = 0; i < n; ++i) {
            const int64_t col = order[size_t(i1 + i)];
            const int64_t g = col / lay.group;
            if (!staticGroups && col % lay.group == 0) {
                QuantParams p = groupParams(W1.narrow(1, i, std::min(lay.group, n - i)), spec);
                scale.select(1, g).copy_(p.scale.select(1, 0));
                zero.select(1, g).copy_(p.zero.select(1, 0));
            }
            at::Tensor wc = W1.narrow(1, i, 1);
            at::Tensor qc = fakeQuant(wc, scale.narrow(1, g, 1), zero.narrow(1, g, 1), colSpec);
            Q.narrow(1, i1 + i, 1).copy_(qc);
            at::Tensor err = (wc - qc) / Hi[i][i];
            W1.narrow(1, i, n - i).sub_(err * Hi.select(0, i).narrow(0, i, n - i).unsqueeze(0));
            E1.narrow(1, i, 1).copy_(err);
        }
        if (i1 + n < cols)
            W.narrow(1, i1 + n, cols - i1 - n)
                .sub_(at::matmul(E1, hinv.narrow(0, i1, n).narrow(1, i1 + n, cols - i1 - n)));
    }
    if (st.actOrder) Q = Q.index_select(1, at::argsort(perm));
    return {Q, scale, zero};
}

void runGptq(RunContext& ctx, std::vector<QuantLinear>& modules, const GptqSettings& st)
{
    at::NoGradGuard noGrad;
    const LlamaModel& model = ctx.model;
    const at::Device dev = model.options().device;
    const auto& text = ctx.data.calib.empty() ? ctx.data.train : ctx.data.calib;
    WindowSampler sampler(text, st.seqLen, st.seed, ctx.data.bos);
    // Hidden states of the calibration windows at the current layer's input, in chunks of 8 windows.
    std::vector<at::Tensor> xs;
    for (int64_t done = 0; done < st.calibWindows; done += 8) {
        at::Tensor ids = sampler.next(std::min<int64_t>(8, st.calibWindows - done), dev);
        xs.push_back(model.embed(ids.narrow(1, 0, st.seqLen)));
    }
    const RopeTables rope = model.rope(st.seqLen);
    QuantHook quantized(modules);
    const int layers = int(model.config().numLayers);
    const double t0 = now();
    ctx.sink.phase("gptq");
    for (int l = 0; l < layers; ++l) {
        HessianHook capture(l);
        for (const auto& x : xs)
            (void)model.block(x, l, rope, &capture);
        for (auto& q : modules) {
            if (q.layer != l) continue;
            GptqLinearResult r = gptqQuantizeLinear(q.w0, capture.hessian(q.kind), q.spec, st);
            q.w0 = r.weight;
            q.setScale(r.scale);
            q.zero = r.zero;
        }
        quantized.invalidate();
        for (auto& x : xs)
            x = model.block(x, l, rope, &quantized);
        const double el = now() - t0;
        if (!ctx.sink.progress(
                Progress{"gptq", l + 1, layers, el, el / (l + 1) * (layers - l - 1), "layers"}))
            throw Cancelled();
    }
}

namespace {

class GptqMethod final : public QuantMethod
{
public:
    RunOutcome run(RunContext& ctx) override
    {
        const auto& opts = methodOptions(ctx);
        const QuantSpec spec = quantSpecFromOptions(opts);
        std::vector<QuantLinear> mods = makeModules(ctx);
        const GptqSettings st = gptqSettingsFrom(ctx.experiment, opts, "");
        ctx.sink.message("info", "GPTQ: " + std::to_string(mods.size()) + " linears, W" +
                                     std::to_string(spec.bits) + " g" + std::to_string(spec.groupSize) +
                                     ", " + std::to_string(st.calibWindows) + " x " +
                                     std::to_string(st.seqLen) + " calibration tokens" +
                                     (st.actOrder ? ", act-order" : ""));
        reportTrainable(ctx, "GPTQ", 0, mods.size());
        runGptq(ctx, mods, st);
        finishMethod(ctx, mods);
        return RunOutcome::Completed;
    }
};

} // namespace

MethodInfo gptqMethodInfo()
{
    MethodInfo m;
    m.id = "gptq";
    m.title = "GPTQ";
    m.summary =
        "Post-training quantization with second-order error feedback: layer by layer, the inputs of each "
        "linear give a Hessian H = 2 X^T X; columns are rounded one at a time and each rounding error "
        "is spread over the remaining columns through H^-1. No training.";
    m.citation = "Frantar et al., 2022, GPTQ: Accurate Post-Training Quantization for Generative Pre-trained "
                 "Transformers";
    m.trains = false;
    m.options = quantizerOptions(4, 128, RangeInit::MinMax);
    for (auto& o : gptqOptions("", "GPTQ"))
        m.options.push_back(std::move(o));
    return m;
}

void registerGptq()
{
    registerMethod(gptqMethodInfo(), [] { return std::make_unique<GptqMethod>(); });
}

} // namespace qat::plugins

#include "qatbench_sdk/quant_linear.h"

#include "qatbench/error.h"
#include "qatbench/series_context.h"
#include "qatbench_sdk/fused_quant.h"

#include "qatbench_sdk/torch.h"

#include <cmath>

namespace qat {

namespace {

const char* moduleName(LinearKind k)
{
    static const char* names[kLinearKinds] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                              "gate_proj", "up_proj", "down_proj"};
    return names[int(k)];
}

} // namespace

std::vector<int64_t> QuantLinear::versionState() const
{
    std::vector<int64_t> state;
    for (const at::Tensor* t : {&w0, &logScale, &zero, &m, &A, &B, &zeroShift, &gridScale, &gridZero}) {
        state.push_back(t->defined() ? reinterpret_cast<int64_t>(t->unsafeGetTensorImpl()) : 0);
        state.push_back(t->defined() ? int64_t(t->_version()) : -1);
    }
    return state;
}

std::string QuantLinear::context() const
{
    SeriesContext c;
    c.layer = layer;
    c.module = moduleName(kind);
    return c.key();
}

at::Tensor QuantLinear::latent() const
{
    at::Tensor w = w0.to(at::kFloat);
    if (!A.defined() || loraInGrid) return w;
    return w + at::matmul(B, A) * loraScale;
}

at::Tensor QuantLinear::zeroPoint() const
{
    at::NoGradGuard noGrad;
    return gridZero.defined() ? gridZero.to(at::kFloat) : at::round(zero.detach());
}

void QuantLinear::freezeGrid()
{
    if (gridScale.defined() || spec.bits > 8) return;
    at::NoGradGuard noGrad;
    const at::Tensor z = at::round(zero.detach());
    if (!(z.ge(0) & z.le(double(spec.levels()))).all().item<bool>()) return; // one read-back
    const at::Device dev = w0.device();
    gridScale = scale().to(dev).contiguous();
    gridZero = z.to(at::kByte).to(dev).contiguous();
    if (dev.is_cpu()) return;
    logScale = logScale.detach().to(at::kCPU);
    zero = zero.detach().to(at::kCPU);
}

void QuantLinear::thawGrid()
{
    if (!gridScale.defined()) return;
    const at::Device dev = w0.device();
    logScale = logScale.to(dev);
    zero = zero.to(dev);
    gridScale = at::Tensor();
    gridZero = at::Tensor();
}

at::Tensor QuantLinear::weight() const
{
    at::Tensor s = scale();
    at::Tensor z = gridZero.defined() ? zeroPoint() : roundSte(zero);
    at::Tensor q;
    if (A.defined() && loraInGrid) {
        // The update lives in integer units: round(W0/s + (alpha/r) B A).
        at::Tensor u = w0.to(at::kFloat) / expandGroups(s, lay) + at::matmul(B, A) * loraScale;
        q = fakeQuantUnits(u, s, z, spec);
    } else {
        q = fakeQuant(latent(), s, z, spec);
    }
    if (zeroShift.defined()) q = q - expandGroups(s * zeroShift, lay);
    if (!m.defined()) return q;
    return q * expandGroups(m, lay);
}

at::Tensor QuantLinear::weight(at::ScalarType dtype) const
{
    if (fusedQuantApplies(*this, dtype)) return fusedQuantWeight(*this, dtype);
    return weight().to(dtype);
}

void QuantLinear::clampZero()
{
    if (gridZero.defined()) return; // frozen inside the range
    at::NoGradGuard noGrad;
    zero.clamp_(0, double((int64_t(1) << spec.bits) - 1));
}

at::Tensor QuantLinear::codes() const
{
    at::NoGradGuard noGrad;
    if (fusedQuantApplies(*this, at::kBFloat16)) return fusedQuantCodes(*this);
    QuantParams p{scale(), zeroPoint()};
    if (A.defined() && loraInGrid) {
        at::Tensor u = w0.to(at::kFloat) / expandGroups(p.scale, lay) + at::matmul(B, A) * loraScale;
        QuantParams unit{at::ones_like(p.scale), p.zero};
        return quantCodes(u, unit, spec);
    }
    return quantCodes(latent(), p, spec);
}

at::Tensor QuantLinear::exportScale() const
{
    at::NoGradGuard noGrad;
    return m.defined() ? (m * scale()).detach() : scale().detach();
}

void QuantLinear::enableMagnitude()
{
    m = at::ones_like(logScale, at::kFloat);
}

void QuantLinear::enableLora(int64_t rank, double alpha, const std::string& init)
{
    const auto opts = at::TensorOptions().dtype(at::kFloat).device(w0.device());
    const int64_t in = w0.size(1), out = w0.size(0);
    if (init == "gaussian") {
        A = at::randn({rank, in}, opts) / std::sqrt(double(rank));
    } else {
        // PEFT's default: kaiming_uniform(a = sqrt(5)) = uniform(+-1/sqrt(in)).
        const double bound = 1.0 / std::sqrt(double(in));
        A = at::rand({rank, in}, opts) * (2 * bound) - bound;
    }
    B = at::zeros({out, rank}, opts);
    loraScale = alpha / double(rank);
}

int64_t QuantLinear::trainableCount(bool withScaleZero) const
{
    int64_t n = 0;
    if (m.defined()) n += m.numel();
    if (A.defined()) n += A.numel() + B.numel();
    if (withScaleZero) n += logScale.numel() + zero.numel();
    return n;
}

std::vector<QuantLinear> makeQuantLinears(const LlamaModel& model, const std::vector<LinearKind>& kinds,
                                          const QuantSpec& spec)
{
    std::vector<QuantLinear> out;
    const auto& layers = model.weights().layers;
    for (int l = 0; l < int(layers.size()); ++l)
        for (auto k : kinds) {
            QuantLinear q;
            q.layer = l;
            q.kind = k;
            q.spec = spec;
            q.w0 = layers[size_t(l)][k].detach();
            q.lay = groupLayout(q.w0.size(0), q.w0.size(1), spec);
            QuantParams p = initQuantParams(q.w0, spec);
            q.setScale(p.scale);
            q.zero = p.zero;
            out.push_back(std::move(q));
        }
    return out;
}

QuantHook::QuantHook(std::vector<QuantLinear>& modules) : m_modules(modules)
{
    for (size_t i = 0; i < modules.size(); ++i)
        m_index[{modules[i].layer, int(modules[i].kind)}] = i;
}

at::Tensor QuantHook::linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& weight)
{
    const auto key = std::make_pair(layer, int(kind));
    auto it = m_index.find(key);
    if (it == m_index.end()) return linearOp(x, weight);
    const QuantLinear& q = m_modules[it->second];
    at::Tensor w;
    if (!at::GradMode::is_enabled() && !x.is_cuda()) {
        // Checked against the tensors' versions: a checkpointed block's forward runs in no-grad mode too, and
        // must see this step's weights, not the first step's.
        std::vector<int64_t> state = q.versionState();
        auto c = m_cache.find(key);
        if (c == m_cache.end() || c->second.state != state ||
            c->second.weight.scalar_type() != x.scalar_type())
            c = m_cache.insert_or_assign(key, CachedWeight{std::move(state), q.weight(x.scalar_type())})
                    .first;
        w = c->second.weight;
    } else {
        w = q.weight(x.scalar_type());
    }
    at::Tensor y = linearOp(x, w);
    if (m_collectMse && at::GradMode::is_enabled()) {
        at::Tensor ref;
        {
            at::NoGradGuard noGrad;
            ref = at::linear(x.detach(), weight).to(at::kFloat);
        }
        at::Tensor term = (y.to(at::kFloat) - ref).pow(2).mean() / ref.pow(2).mean().clamp_min(1e-12);
        m_aux = m_aux.defined() ? m_aux + term : term;
        ++m_auxCount;
    }
    return y;
}

at::Tensor QuantHook::takeAuxLoss()
{
    if (!m_aux.defined())
        throw Error("block-output MSE: no quantized linear ran (is the module list empty?)");
    at::Tensor out = m_aux / double(m_auxCount);
    m_aux = at::Tensor();
    m_auxCount = 0;
    return out;
}

void applyToModel(LlamaModel& model, const std::vector<QuantLinear>& modules, bool consume)
{
    at::NoGradGuard noGrad;
    auto& layers = model.weights().layers;
    for (const auto& q : modules) {
        at::Tensor& w = layers[size_t(q.layer)][q.kind];
        at::Tensor wHat = q.weight(q.w0.scalar_type()).detach().contiguous();
        if (consume && q.w0.is_alias_of(w) && q.w0.is_contiguous() && w.is_contiguous() &&
            q.w0.sizes() == wHat.sizes() && q.w0.scalar_type() == wHat.scalar_type()) {
            w.copy_(wHat); // into W0's own memory: no second copy of the model's weights
        } else {
            w = wHat;
        }
    }
}

int64_t modelParamCount(const LlamaModel& model)
{
    const auto& w = model.weights();
    int64_t n = w.embed.numel() + w.norm.numel();
    if (w.lmHead.defined() && !w.lmHead.is_same(w.embed)) n += w.lmHead.numel();
    for (const auto& l : w.layers) {
        n += l.inputNorm.numel() + l.postNorm.numel();
        for (const auto& t : l.linear)
            n += t.numel();
    }
    return n;
}

} // namespace qat

#include "qatbench_sdk/fused_quant.h"

#include "qatbench/error.h"
#include "util/switches.h"

#include "qatbench_sdk/torch.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#ifdef QATBENCH_HAVE_FUSED_QUANT
#include "quant/cuda/fused_quant.h"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace qat {

namespace {

std::atomic<bool>& enabledFlag()
{
    static std::atomic<bool> flag(detail::onUnlessZero("QATBENCH_FUSED_QUANT"));
    return flag;
}

std::atomic<bool>& tilesFlag()
{
    static std::atomic<bool> flag(detail::onUnlessZero("QATBENCH_FUSED_TILES"));
    return flag;
}

std::atomic<bool>& loraPartsFlag()
{
    static std::atomic<bool> flag(detail::onUnlessZero("QATBENCH_FUSED_LORA_PARTS"));
    return flag;
}

bool aligned(const at::Tensor& t, uintptr_t bytes)
{
    return reinterpret_cast<uintptr_t>(t.data_ptr()) % bytes == 0;
}

bool floatOn(const at::Tensor& t, const at::Device& dev)
{
    return t.scalar_type() == at::kFloat && t.device() == dev && t.is_contiguous() && aligned(t, 16);
}

#ifdef QATBENCH_HAVE_FUSED_QUANT

// QATBENCH_FUSED_LORA_GRAD=float32: the LoRA products of the backward (dA, dB) from float32 d latent, A and B
// (at::mm) even when W0 is not trained; default bf16 operands with float32 accumulation (as PEFT's bf16
// training). Read once. Issue 17 measures whether float32 runs need the float32 products.
bool loraGradFloat32()
{
    static const bool on = [] {
        const char* v = std::getenv("QATBENCH_FUSED_LORA_GRAD");
        return v && std::strcmp(v, "float32") == 0;
    }();
    return on;
}

cuda::FqType fqType(at::ScalarType t)
{
    return t == at::kFloat ? cuda::FqType::Float32 : cuda::FqType::BFloat16;
}

// Absent optional inputs (A, B, m) travel as empty tensors: autograd records every input's device.
bool present(const at::Tensor& t)
{
    return t.defined() && t.numel() > 0;
}

const float* floatPtr(const at::Tensor& t)
{
    return present(t) ? t.data_ptr<float>() : nullptr;
}

cuda::FqArgs fqArgs(const at::Tensor& w0, const at::Tensor& A, const at::Tensor& B, const at::Tensor& s,
                    const at::Tensor& z, const at::Tensor& m, double loraScale, int64_t bits, int64_t group)
{
    cuda::FqArgs a;
    a.rows = w0.size(0);
    a.cols = w0.size(1);
    a.group = group;
    a.groups = s.size(1);
    a.levels = float((int64_t(1) << bits) - 1);
    a.loraScale = float(loraScale);
    a.rank = present(A) ? int(A.size(0)) : 0;
    a.w0 = w0.data_ptr();
    a.w0Type = fqType(w0.scalar_type());
    a.A = floatPtr(A);
    a.B = floatPtr(B);
    a.s = floatPtr(s);
    if (z.scalar_type() == at::kByte)
        a.zq = z.data_ptr<uint8_t>(); // the frozen grid's integer z
    else
        a.z = floatPtr(z);
    a.m = floatPtr(m);
    a.stream = c10::cuda::getCurrentCUDAStream(w0.device().index()).stream();
    a.device = w0.device().index();
    a.kernels = tilesFlag() ? cuda::FqKernels::Any : cuda::FqKernels::Rows;
    return a;
}

// The z the kernels read: the frozen grid's uint8 z, else the learned float z (rounded in the kernel,
// straight-through as roundSte(zero)).
at::Tensor kernelZero(const QuantLinear& q)
{
    return q.gridZero.defined() ? q.gridZero : q.zero.contiguous();
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Inputs 0..5: w0, A, B, s, z, m (A, B, m may be empty); then loraScale, bits, group, output dtype.
class FusedQuantFn : public torch::autograd::Function<FusedQuantFn>
{
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& w0, const at::Tensor& A,
                              const at::Tensor& B, const at::Tensor& s, const at::Tensor& z,
                              const at::Tensor& m, double loraScale, int64_t bits, int64_t group,
                              int64_t dtype)
    {
        const c10::cuda::CUDAGuard guard(w0.device());
        ctx->save_for_backward({w0, A, B, s, z, m});
        ctx->saved_data["lora_scale"] = loraScale;
        ctx->saved_data["bits"] = bits;
        ctx->saved_data["group"] = group;
        at::Tensor out = at::empty(w0.sizes(), w0.options().dtype(at::ScalarType(dtype)));
        cuda::fqForward(fqArgs(w0, A, B, s, z, m, loraScale, bits, group), out.data_ptr(),
                        fqType(out.scalar_type()), nullptr);
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &w0 = saved[0], &A = saved[1], &B = saved[2], &s = saved[3], &z = saved[4],
                         &m = saved[5];
        variable_list out(10);
        if (!grads[0].defined()) return out;
        const c10::cuda::CUDAGuard guard(w0.device());
        const double c = ctx->saved_data["lora_scale"].toDouble();
        const cuda::FqArgs a =
            fqArgs(w0, A, B, s, z, m, c, ctx->saved_data["bits"].toInt(), ctx->saved_data["group"].toInt());
        const bool needW0 = ctx->needs_input_grad(0);
        const bool needLora = present(A) && (ctx->needs_input_grad(1) || ctx->needs_input_grad(2));
        const auto fopts = s.options().dtype(at::kFloat);
        at::Tensor g = grads[0].contiguous();
        if (g.scalar_type() != at::kFloat && g.scalar_type() != at::kBFloat16) g = g.to(at::kFloat);
        if (!aligned(g, 16)) g = g.clone(); // the kernel reads 8 or 16 bytes at a time
        cuda::FqGrads gr;
        gr.grad = g.data_ptr();
        gr.gradType = fqType(g.scalar_type());
        at::Tensor dlat, dm, ds, dz, dBparts, dAparts;
        // The LoRA gradients from the tile kernel's own pass (partial sums, no d latent in memory), unless
        // W0 is trained or float32 products are asked for.
        const bool inPass =
            needLora && !needW0 && !loraGradFloat32() && loraPartsFlag() && cuda::fqLoraPartsApply(a);
        if (inPass) {
            const cuda::FqLoraParts shape = cuda::fqLoraParts(a);
            dBparts = at::empty({shape.strips, a.rows, 16}, fopts);
            dAparts = at::empty({shape.blockRows, 16, a.cols}, fopts);
            gr.dBparts = dBparts.data_ptr<float>();
            gr.dAparts = dAparts.data_ptr<float>();
        } else if (needW0 || needLora) {
            // W0's own gradient needs float32; the LoRA products take bf16 operands unless
            // QATBENCH_FUSED_LORA_GRAD=float32.
            const bool floatLatent = needW0 || loraGradFloat32();
            dlat = at::empty(w0.sizes(), fopts.dtype(floatLatent ? at::kFloat : at::kBFloat16));
            gr.dlat = dlat.data_ptr();
            gr.dlatType = fqType(dlat.scalar_type());
        }
        if (present(m) && ctx->needs_input_grad(5))
            gr.dm = (dm = at::zeros(s.sizes(), fopts)).data_ptr<float>();
        if (ctx->needs_input_grad(3)) gr.ds = (ds = at::zeros(s.sizes(), fopts)).data_ptr<float>();
        if (ctx->needs_input_grad(4)) gr.dz = (dz = at::zeros(s.sizes(), fopts)).data_ptr<float>();
        cuda::fqBackward(a, gr);
        if (needLora) {
            if (inPass) {
                const int64_t r = A.size(0);
                out[1] = dAparts.sum(0).narrow(0, 0, r).contiguous();
                out[2] = dBparts.sum(0).narrow(1, 0, r).contiguous();
            } else if (dlat.scalar_type() == at::kBFloat16) {
                at::Tensor a16 = A.to(at::kBFloat16).contiguous(), b16 = B.to(at::kBFloat16).contiguous();
                out[1] = at::empty(A.sizes(), fopts);
                out[2] = at::empty(B.sizes(), fopts);
                cuda::fqLoraGrads(a, dlat.data_ptr(), a16.data_ptr(), b16.data_ptr(),
                                  out[1].data_ptr<float>(), out[2].data_ptr<float>());
            } else {
                at::Tensor d = dlat * c;
                out[1] = at::mm(B.t(), d);
                out[2] = at::mm(d, A.t());
            }
            if (!ctx->needs_input_grad(1)) out[1] = at::Tensor();
            if (!ctx->needs_input_grad(2)) out[2] = at::Tensor();
        }
        if (needW0) out[0] = dlat.to(w0.scalar_type());
        out[3] = ds;
        out[4] = dz;
        out[5] = dm;
        return out;
    }
};

#endif

} // namespace

bool fusedQuantBuilt()
{
#ifdef QATBENCH_HAVE_FUSED_QUANT
    return true;
#else
    return false;
#endif
}

void setFusedQuantEnabled(bool on)
{
    enabledFlag() = on;
}

bool fusedQuantEnabled()
{
    return enabledFlag();
}

void setFusedQuantTiles(bool on)
{
    tilesFlag() = on;
}

bool fusedQuantTiles()
{
    return tilesFlag();
}

void setFusedLoraPartsEnabled(bool on)
{
    loraPartsFlag() = on;
}

bool fusedLoraPartsEnabled()
{
    return loraPartsFlag();
}

bool fusedQuantApplies(const QuantLinear& q, at::ScalarType dtype)
{
    if (!fusedQuantBuilt() || !fusedQuantEnabled()) return false;
    if (!q.w0.defined() || !q.w0.is_cuda() || q.w0.dim() != 2 || !q.w0.is_contiguous()) return false;
    const auto wt = q.w0.scalar_type();
    if ((wt != at::kBFloat16 && wt != at::kFloat) || (dtype != at::kBFloat16 && dtype != at::kFloat))
        return false;
    if (!aligned(q.w0, 16) || q.loraInGrid || q.zeroShift.defined() || q.spec.bits < 1 || q.spec.bits > 8)
        return false;
    const int64_t rows = q.w0.size(0), cols = q.w0.size(1);
    if (q.lay.rows != rows || q.lay.cols != cols || cols % 4 != 0 || q.lay.group % 4 != 0) return false;
    // The kernels index s, z, m, A and B by these shapes: other shapes stay on the ATen path, which reports
    // them.
    const std::vector<int64_t> perGroup{rows, q.lay.groups};
    const at::Device dev = q.w0.device();
    if (q.gridScale.defined()) { // frozen: float32 s and uint8 z on the device
        if (!floatOn(q.gridScale, dev) || q.gridScale.sizes().vec() != perGroup) return false;
        const at::Tensor& z = q.gridZero;
        if (!z.defined() || z.scalar_type() != at::kByte || z.device() != dev || !z.is_contiguous())
            return false;
        if (z.sizes().vec() != perGroup) return false;
    } else {
        if (!q.logScale.defined() || !q.zero.defined() || q.zero.scalar_type() != at::kFloat) return false;
        if (q.zero.device() != dev || q.logScale.device() != dev) return false;
        if (q.logScale.sizes().vec() != perGroup || q.zero.sizes().vec() != perGroup) return false;
    }
    if (q.m.defined() && !(floatOn(q.m, dev) && q.m.sizes().vec() == perGroup)) return false;
    if (q.A.defined() != q.B.defined()) return false;
    if (q.A.defined()) {
        if (!floatOn(q.A, dev) || !floatOn(q.B, dev) || q.A.dim() != 2 || q.B.dim() != 2) return false;
        if (q.A.size(1) != cols || q.B.size(0) != rows || q.A.size(0) != q.B.size(1)) return false;
    }
    return true;
}

at::Tensor fusedQuantWeight(const QuantLinear& q, at::ScalarType dtype)
{
    if (!fusedQuantApplies(q, dtype))
        throw Error("fused quantizer: " + q.context() + " does not fit the CUDA kernels");
#ifdef QATBENCH_HAVE_FUSED_QUANT
    at::Tensor s = q.scale().contiguous();
    at::Tensor z = kernelZero(q);
    const at::Tensor none = at::empty({0}, s.options());
    auto orNone = [&](const at::Tensor& t) { return t.defined() ? t : none; };
    return FusedQuantFn::apply(q.w0, orNone(q.A), orNone(q.B), s, z, orNone(q.m), q.loraScale,
                               int64_t(q.spec.bits), q.lay.group, int64_t(dtype));
#else
    return at::Tensor();
#endif
}

at::Tensor fusedQuantCodes(const QuantLinear& q)
{
    if (!fusedQuantApplies(q, at::kBFloat16))
        throw Error("fused quantizer: " + q.context() + " does not fit the CUDA kernels");
#ifdef QATBENCH_HAVE_FUSED_QUANT
    at::NoGradGuard noGrad;
    const c10::cuda::CUDAGuard guard(q.w0.device());
    at::Tensor s = q.scale().contiguous();
    at::Tensor z = kernelZero(q);
    at::Tensor codes = at::empty(q.w0.sizes(), q.w0.options().dtype(at::kByte));
    cuda::fqForward(fqArgs(q.w0, q.A, q.B, s, z, q.m, q.loraScale, q.spec.bits, q.lay.group), nullptr,
                    cuda::FqType::BFloat16, codes.data_ptr<uint8_t>());
    return codes;
#else
    return at::Tensor();
#endif
}

bool fusedQuantUsesTiles(const QuantLinear& q)
{
    if (!fusedQuantApplies(q, at::kBFloat16)) return false;
#ifdef QATBENCH_HAVE_FUSED_QUANT
    const at::Tensor s = q.scale().contiguous();
    return cuda::fqUsesTiles(
        fqArgs(q.w0, q.A, q.B, s, kernelZero(q), q.m, q.loraScale, q.spec.bits, q.lay.group));
#else
    return false;
#endif
}

} // namespace qat

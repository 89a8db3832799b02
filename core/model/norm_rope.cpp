// RMSNorm, RoPE and SwiGLU: the ATen ops in transformers' order (the reference and the CPU path), and the
// CUDA kernels (core/model/cuda/norm_rope.cu) as autograd functions.
#include "qatbench_sdk/norm_rope.h"

#include "util/switches.h"

#include "qatbench_sdk/torch.h"

#include <atomic>

#ifdef QATBENCH_HAVE_CUDA_KERNELS
#include "model/cuda/norm_rope.h"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace qat {

namespace {

std::atomic<bool>& enabledFlag()
{
    static std::atomic<bool> flag(detail::onUnlessZero("QATBENCH_FUSED_NORM_ROPE"));
    return flag;
}

std::atomic<bool>& swiGluFlag()
{
    static std::atomic<bool> flag(detail::onUnlessZero("QATBENCH_FUSED_SWIGLU"));
    return flag;
}

bool kernelsBuilt()
{
#ifdef QATBENCH_HAVE_CUDA_KERNELS
    return true;
#else
    return false;
#endif
}

bool kernelDtype(at::ScalarType t)
{
    return t == at::kFloat || t == at::kBFloat16 || t == at::kHalf;
}

at::Tensor rmsNormAten(const at::Tensor& x, const at::Tensor& weight, double eps)
{
    at::Tensor xf = x.to(at::kFloat);
    xf = xf * at::rsqrt(xf.pow(2).mean(-1, true) + eps);
    return weight * xf.to(x.scalar_type());
}

at::Tensor rotateHalf(const at::Tensor& x)
{
    const int64_t half = x.size(-1) / 2;
    return at::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

#ifdef QATBENCH_HAVE_CUDA_KERNELS

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

cuda::NrType nrType(at::ScalarType t)
{
    return t == at::kFloat  ? cuda::NrType::Float32
           : t == at::kHalf ? cuda::NrType::Float16
                            : cuda::NrType::BFloat16;
}

void* streamOf(const at::Tensor& t)
{
    return c10::cuda::getCurrentCUDAStream(t.device().index()).stream();
}

// Saves x, the weight and each row's r (float32) for backward: less than the ATen ops keep (two float32
// copies of x).
class RmsNormFn : public torch::autograd::Function<RmsNormFn>
{
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight, double eps)
    {
        const c10::cuda::CUDAGuard guard(x.device());
        at::Tensor xc = x.contiguous();
        const int64_t cols = xc.size(-1), rows = cols > 0 ? xc.numel() / cols : 0;
        at::Tensor y = at::empty_like(xc);
        at::Tensor r = at::empty({rows}, xc.options().dtype(at::kFloat));
        cuda::nrRmsNormForward(xc.data_ptr(), weight.data_ptr(), y.data_ptr(), r.data_ptr<float>(), rows,
                               cols, float(eps), nrType(xc.scalar_type()), streamOf(xc));
        ctx->save_for_backward({xc, weight, r});
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &x = saved[0], &weight = saved[1], &r = saved[2];
        variable_list out(3);
        if (!grads[0].defined()) return out;
        const c10::cuda::CUDAGuard guard(x.device());
        const at::Tensor g = grads[0].to(x.scalar_type()).contiguous();
        const int64_t cols = x.size(-1), rows = r.numel();
        if (ctx->needs_input_grad(0)) {
            out[0] = at::empty_like(x);
            cuda::nrRmsNormBackward(g.data_ptr(), x.data_ptr(), weight.data_ptr(), r.data_ptr<float>(),
                                    out[0].data_ptr(), rows, cols, nrType(x.scalar_type()), streamOf(x));
        }
        if (ctx->needs_input_grad(1)) { // trained norms (full fine-tuning): the ATen ops' product and sum
            at::Tensor xhat = (x.reshape({rows, cols}).to(at::kFloat) * r.unsqueeze(1)).to(x.scalar_type());
            out[1] = (g.reshape({rows, cols}) * xhat).sum(0).to(weight.scalar_type());
        }
        return out;
    }
};

cuda::RopeView ropeView(const at::Tensor& t)
{
    cuda::RopeView v;
    v.batch = t.size(0);
    v.heads = t.size(1);
    v.length = t.size(2);
    v.dim = t.size(3);
    v.strideB = t.stride(0);
    v.strideH = t.stride(1);
    v.strideT = t.stride(2);
    return v;
}

// Nothing of x is needed for backward: cos, sin and the layout dx takes (x's, when dense, so that the
// caller's view back to [B, T, H D] does not copy).
class RopeFn : public torch::autograd::Function<RopeFn>
{
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& cos,
                              const at::Tensor& sin)
    {
        const c10::cuda::CUDAGuard guard(x.device());
        at::Tensor y = at::empty_like(x);
        cuda::nrRopeForward(x.data_ptr(), ropeView(x), cos.data_ptr(), sin.data_ptr(), y.data_ptr(),
                            ropeView(y), nrType(x.scalar_type()), streamOf(x));
        ctx->save_for_backward({cos, sin});
        ctx->saved_data["sizes"] = x.sizes().vec();
        ctx->saved_data["strides"] = (x.is_non_overlapping_and_dense() ? x : y).strides().vec();
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &cos = saved[0], &sin = saved[1];
        variable_list out(3);
        if (!grads[0].defined() || !ctx->needs_input_grad(0)) return out;
        const c10::cuda::CUDAGuard guard(cos.device());
        at::Tensor g = grads[0].to(cos.scalar_type());
        if (g.stride(3) != 1) g = g.contiguous();
        out[0] = at::empty_strided(ctx->saved_data["sizes"].toIntVector(),
                                   ctx->saved_data["strides"].toIntVector(), g.options());
        cuda::nrRopeBackward(g.data_ptr(), ropeView(g), cos.data_ptr(), sin.data_ptr(), out[0].data_ptr(),
                             ropeView(out[0]), nrType(g.scalar_type()), streamOf(g));
        return out;
    }
};

// Saves g and u; silu(g) is recomputed in backward (one kernel each way).
class SwiGluFn : public torch::autograd::Function<SwiGluFn>
{
public:
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& gate, const at::Tensor& up)
    {
        const c10::cuda::CUDAGuard guard(gate.device());
        at::Tensor g = gate.contiguous(), u = up.contiguous();
        at::Tensor y = at::empty_like(g);
        cuda::nrSwiGluForward(g.data_ptr(), u.data_ptr(), y.data_ptr(), g.numel(), nrType(g.scalar_type()),
                              streamOf(g));
        ctx->save_for_backward({g, u});
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &g = saved[0], &u = saved[1];
        variable_list out(2);
        if (!grads[0].defined()) return out;
        const c10::cuda::CUDAGuard guard(g.device());
        const at::Tensor dy = grads[0].to(g.scalar_type()).contiguous();
        if (ctx->needs_input_grad(0)) out[0] = at::empty_like(g);
        if (ctx->needs_input_grad(1)) out[1] = at::empty_like(u);
        auto ptr = [](at::Tensor& t) { return t.defined() ? t.data_ptr() : nullptr; };
        cuda::nrSwiGluBackward(dy.data_ptr(), g.data_ptr(), u.data_ptr(), ptr(out[0]), ptr(out[1]), g.numel(),
                               nrType(g.scalar_type()), streamOf(g));
        return out;
    }
};

#endif

} // namespace

void setFusedNormRopeEnabled(bool on)
{
    enabledFlag() = on;
}

bool fusedNormRopeEnabled()
{
    return enabledFlag();
}

bool fusedRmsNormApplies(const at::Tensor& x, const at::Tensor& weight)
{
    return kernelsBuilt() && fusedNormRopeEnabled() && x.defined() && weight.defined() && x.is_cuda() &&
           x.dim() >= 1 && kernelDtype(x.scalar_type()) && weight.scalar_type() == x.scalar_type() &&
           weight.device() == x.device() && weight.dim() == 1 && weight.size(0) == x.size(-1) &&
           weight.is_contiguous();
}

at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps)
{
#ifdef QATBENCH_HAVE_CUDA_KERNELS
    if (fusedRmsNormApplies(x, weight)) return RmsNormFn::apply(x, weight, eps);
#endif
    return rmsNormAten(x, weight, eps);
}

bool fusedRopeApplies(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin)
{
    if (!kernelsBuilt() || !fusedNormRopeEnabled() || !x.defined() || !cos.defined() || !sin.defined())
        return false;
    if (!x.is_cuda() || x.dim() != 4 || x.size(3) % 2 != 0 || x.stride(3) != 1 ||
        !kernelDtype(x.scalar_type()))
        return false;
    const std::vector<int64_t> table{1, 1, x.size(2), x.size(3)};
    for (const at::Tensor* t : {&cos, &sin})
        if (t->scalar_type() != x.scalar_type() || t->device() != x.device() || t->sizes().vec() != table ||
            !t->is_contiguous())
            return false;
    return true;
}

at::Tensor applyRope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin)
{
#ifdef QATBENCH_HAVE_CUDA_KERNELS
    if (fusedRopeApplies(x, cos, sin)) return RopeFn::apply(x, cos, sin);
#endif
    return x * cos + rotateHalf(x) * sin;
}

void setFusedSwiGluEnabled(bool on)
{
    swiGluFlag() = on;
}

bool fusedSwiGluEnabled()
{
    return swiGluFlag();
}

bool fusedSwiGluApplies(const at::Tensor& gate, const at::Tensor& up)
{
    return kernelsBuilt() && fusedSwiGluEnabled() && gate.defined() && up.defined() && gate.is_cuda() &&
           kernelDtype(gate.scalar_type()) && up.scalar_type() == gate.scalar_type() &&
           up.device() == gate.device() && up.sizes() == gate.sizes();
}

at::Tensor swiGlu(const at::Tensor& gate, const at::Tensor& up)
{
#ifdef QATBENCH_HAVE_CUDA_KERNELS
    if (fusedSwiGluApplies(gate, up)) return SwiGluFn::apply(gate, up);
#endif
    return at::silu(gate) * up;
}

} // namespace qat

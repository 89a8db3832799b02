// Next-token cross-entropy without the full logits tensor: the head's product is taken a chunk of rows at a
// time, and the gradient is formed in the same pass (Liger-style fused linear cross-entropy, written with
// ATen ops). The logits of a chunk are computed exactly as LlamaModel::forward computes them (the head
// product in the compute dtype, then float32), so a chunked loss equals the unchunked one up to the order of
// the sum.
#include "qatbench_sdk/trainer.h"

#include "qatbench/error.h"

#include "qatbench_sdk/torch.h"

#include <algorithm>

namespace qat {

namespace {

int64_t rowsPerChunk(int64_t requested, int64_t vocab)
{
    if (requested > 0) return requested;
    return std::max<int64_t>(1, kCrossEntropyChunkElements / std::max<int64_t>(vocab, 1));
}

at::Tensor chunkLogits(const at::Tensor& h, const at::Tensor& head)
{
    return at::linear(h, head).to(at::kFloat);
}

class ChunkedCrossEntropy : public torch::autograd::Function<ChunkedCrossEntropy>
{
public:
    // h [N, H], head [V, H], targets int64 [N]. Returns the sum of the N losses times scale (float32 scalar).
    // When a gradient is wanted, it is computed here, chunk by chunk, while the chunk's logits exist (d loss
    // / d logits = scale * (softmax - onehot)); backward only multiplies it by the incoming gradient. So no
    // chunk's logits are kept and none is computed twice: the FLOPs are those of the unchunked loss.
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& h,
                              const at::Tensor& head, const at::Tensor& targets, int64_t chunk, double scale)
    {
        const bool needH = h.requires_grad(), needHead = head.requires_grad();
        at::NoGradGuard noGrad;
        const int64_t n = h.size(0);
        at::Tensor dh = needH ? at::empty_like(h) : at::Tensor();
        at::Tensor dHead =
            needHead ? at::zeros(head.sizes(), head.options().dtype(at::kFloat)) : at::Tensor();
        at::Tensor total = at::zeros({}, h.options().dtype(at::kFloat));
        for (int64_t r = 0; r < n; r += chunk) {
            const int64_t e = std::min(n, r + chunk);
            at::Tensor hc = h.slice(0, r, e);
            at::Tensor tc = targets.slice(0, r, e).unsqueeze(1);
            at::Tensor logits = chunkLogits(hc, head);
            at::Tensor lse = at::logsumexp(logits, {1}, true);
            total.add_((lse.squeeze(1) - logits.gather(1, tc).squeeze(1)).sum());
            if (!needH && !needHead) continue;
            at::Tensor p = logits.sub_(lse).exp_(); // softmax, in place of the logits
            p.scatter_add_(1, tc, at::full({e - r, 1}, -1.0f, p.options()));
            if (scale != 1.0) p.mul_(scale);
            // The backward of the compute-dtype head product, as autograd would run it after the float32
            // cast.
            at::Tensor pc = p.to(h.scalar_type());
            if (needH) dh.slice(0, r, e).copy_(at::mm(pc, head));
            if (needHead) dHead.add_(at::mm(pc.t(), hc).to(at::kFloat));
        }
        ctx->save_for_backward({dh, needHead ? dHead.to(head.scalar_type()) : at::Tensor()});
        return scale != 1.0 ? total.mul_(scale) : total;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor& g = grads[0];
        at::Tensor dh = saved[0].defined() ? saved[0] * g.to(saved[0].scalar_type()) : at::Tensor();
        at::Tensor dHead = saved[1].defined() ? saved[1] * g.to(saved[1].scalar_type()) : at::Tensor();
        return {dh, dHead, at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

} // namespace

at::Tensor chunkedCrossEntropy(const at::Tensor& hidden, const at::Tensor& head, const at::Tensor& targets,
                               bool mean, int64_t chunkRows)
{
    if (hidden.size(-1) != head.size(1))
        throw Error("chunkedCrossEntropy: hidden size " + std::to_string(hidden.size(-1)) +
                    " does not match the head's " + std::to_string(head.size(1)));
    at::Tensor h = hidden.reshape({-1, hidden.size(-1)});
    at::Tensor t = targets.reshape({-1}).to(at::kLong);
    if (t.size(0) != h.size(0))
        throw Error("chunkedCrossEntropy: " + std::to_string(t.size(0)) + " targets for " +
                    std::to_string(h.size(0)) + " positions");
    const double scale = mean ? 1.0 / double(std::max<int64_t>(h.size(0), 1)) : 1.0;
    return ChunkedCrossEntropy::apply(h, head, t, rowsPerChunk(chunkRows, head.size(0)), scale);
}

} // namespace qat

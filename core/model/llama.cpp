// The LLaMA forward, written to match transformers' LlamaForCausalLM op for op where it matters for parity:
// RMSNorm in float32 then cast back before the weight, RoPE in the rotate_half layout with inv_freq computed
// in float32 (both in norm_rope.cpp, with their CUDA kernels), attention softmax in float32.

#include "qatbench_sdk/llama.h"

#include "model/weights.h"
#include "qatbench/device.h"
#include "qatbench/error.h"
#include "qatbench_sdk/cpu_attention.h"
#include "qatbench_sdk/norm_rope.h"
#include "qatbench_sdk/tensor_io.h"
#include "util/switches.h"

#include "qatbench_sdk/torch.h"
#include <torch/version.h>

#include <atomic>
#include <mutex>

namespace qat {

namespace {

// transformers' _compute_default_rope_parameters / _compute_llama3_parameters, in float32 as they are there.
at::Tensor ropeInvFreq(const ModelConfig& c)
{
    const int64_t dim = c.headDim;
    at::Tensor exponent = at::arange(0, dim, 2, at::kLong).to(at::kFloat) / double(dim);
    at::Tensor inv = 1.0 / at::pow(c.ropeTheta, exponent);
    const RopeScaling& s = c.ropeScaling;
    if (s.type == "linear") return inv / s.factor;
    if (s.type != "llama3") return inv;
    const double oldLen = double(s.originalMaxPositions);
    const double lowWavelen = oldLen / s.lowFreqFactor;
    const double highWavelen = oldLen / s.highFreqFactor;
    at::Tensor wavelen = 2 * M_PI / inv;
    at::Tensor invLlama = at::where(wavelen > lowWavelen, inv / s.factor, inv);
    at::Tensor smooth = (oldLen / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    at::Tensor smoothed = (1 - smooth) * invLlama / s.factor + smooth * invLlama;
    at::Tensor medium = (wavelen >= highWavelen).logical_and(wavelen <= lowWavelen);
    return at::where(medium, smoothed, invLlama);
}

// Softmax attention. q [B, H, Tq, D], k/v [B, H, Tk, D]; query i sits at absolute position offset + i.
at::Tensor causalAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t offset)
{
    const int64_t tq = q.size(2), tk = k.size(2);
#if TORCH_VERSION_MAJOR >= 2
    if (offset == 0 && tq == tk) return at::scaled_dot_product_attention(q, k, v, {}, 0.0, true);
    if (tq == 1) return at::scaled_dot_product_attention(q, k, v, {}, 0.0, false);
#endif
    // baddbmm folds the scale and the causal mask into the matmul: on the CPU the [B*H, T, T] score tensor is
    // what costs time, so it is written once and read once by the softmax.
    const int64_t b = q.size(0), h = q.size(1), d = q.size(3);
    const double scale = 1.0 / std::sqrt(double(d));
    at::Tensor bias = at::zeros({tq, tk}, q.options());
    if (tq > 1) {
        const auto opts = at::TensorOptions().device(q.device()).dtype(at::kLong);
        at::Tensor qi = at::arange(tq, opts).unsqueeze(1) + offset;
        at::Tensor kj = at::arange(tk, opts).unsqueeze(0);
        bias.masked_fill_(kj > qi, -std::numeric_limits<float>::infinity());
    }
    at::Tensor scores = at::baddbmm(bias.unsqueeze(0), q.reshape({b * h, tq, d}),
                                    k.reshape({b * h, tk, d}).transpose(1, 2), 1.0, scale);
    at::Tensor probs = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
    return at::bmm(probs, v.reshape({b * h, tk, d})).view({b, h, tq, d});
}

// GQA: each KV head serves numHeads / numKvHeads consecutive query heads (transformers' repeat_kv).
at::Tensor repeatKv(const at::Tensor& x, int64_t rep)
{
    if (rep == 1) return x;
    const auto b = x.size(0), h = x.size(1), t = x.size(2), d = x.size(3);
    return x.unsqueeze(2).expand({b, h, rep, t, d}).reshape({b, h * rep, t, d});
}

// Set on the thread that runs a checkpointed block again for its backward (BlockCheckpoint::backward), and on
// it, around the block's last projection, the flag that makes linearOp skip the product's value.
thread_local bool t_recomputing = false;
thread_local bool t_valueUnread = false;

std::atomic<bool>& skipDownFlag()
{
    static std::atomic<bool> flag(detail::onUnlessZero("QATBENCH_SKIP_DOWN_RECOMPUTE"));
    return flag;
}

struct ScopedFlag
{
    ScopedFlag(bool& flag, bool value) : m_flag(flag), m_old(flag) { m_flag = value; }
    ~ScopedFlag() { m_flag = m_old; }
    ScopedFlag(const ScopedFlag&) = delete;
    ScopedFlag& operator=(const ScopedFlag&) = delete;

private:
    bool& m_flag;
    bool m_old;
};

// y = x W^T whose value is never read: forward returns zeros (a real tensor, so that a hook may still add to
// it in place), backward what at::linear's backward computes, dX = g W and dW = g^T x (the product laid out
// as W, as autograd's mm backward does for a transposed operand).
class GradientOnlyLinear : public torch::autograd::Function<GradientOnlyLinear>
{
public:
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w)
    {
        ctx->save_for_backward({x, w});
        std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
        shape.back() = w.size(0);
        return at::zeros(shape, x.options());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor &x = saved[0], &w = saved[1];
        const at::Tensor g = grads[0].reshape({-1, w.size(0)});
        at::Tensor dx, dw;
        if (ctx->needs_input_grad(0)) dx = g.mm(w).view(x.sizes());
        if (ctx->needs_input_grad(1)) dw = g.t().mm(x.reshape({-1, x.size(-1)}));
        return {dx, dw};
    }
};

// Gradient checkpointing per block: forward runs the block without building a graph; backward runs it again
// with grad enabled and backpropagates through that copy. The hook's trainable tensors are leaves reached by
// the inner backward, so their .grad accumulates there (torch.utils.checkpoint's reentrant scheme).
class BlockCheckpoint : public torch::autograd::Function<BlockCheckpoint>
{
public:
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                              const at::Tensor& anchor, const at::Tensor& cos, const at::Tensor& sin,
                              int64_t model, int64_t layer, int64_t hook)
    {
        (void)anchor;
        ctx->save_for_backward({x, cos, sin});
        ctx->saved_data["model"] = model;
        ctx->saved_data["layer"] = layer;
        ctx->saved_data["hook"] = hook;
        const auto* m = reinterpret_cast<const LlamaModel*>(model);
        return m->block(x, int(layer), {cos, sin}, reinterpret_cast<LinearHook*>(hook));
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto* m = reinterpret_cast<const LlamaModel*>(ctx->saved_data["model"].toInt());
        auto* hook = reinterpret_cast<LinearHook*>(ctx->saved_data["hook"].toInt());
        const int layer = int(ctx->saved_data["layer"].toInt());
        at::Tensor x = saved[0].detach().requires_grad_(true);
        at::Tensor out;
        {
            at::AutoGradMode enable(true);
            const ScopedFlag recomputing(t_recomputing, true);
            out = m->block(x, layer, {saved[1], saved[2]}, hook);
        }
        torch::autograd::backward({out}, {grads[0]});
        return {x.grad(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

void checkWeight(const at::Tensor& t, const std::vector<int64_t>& shape, const std::string& name)
{
    if (!t.defined()) throw ConfigError("weights." + name, "tensor missing");
    if (t.sizes().vec() != shape) throw ConfigError("weights." + name, "has the wrong shape");
}

} // namespace

LlamaModel::LlamaModel(ModelConfig config, LlamaWeights weights, LoadOptions options)
    : m_config(std::move(config)), m_weights(std::move(weights)), m_options(options)
{
    if (options.dtype != at::kFloat && options.dtype != at::kBFloat16 && options.dtype != at::kHalf)
        throw ConfigError("dtype", "compute dtype must be float32, bfloat16 or float16");
    if (int64_t(m_weights.layers.size()) != m_config.numLayers)
        throw ConfigError("weights.layers", "has " + std::to_string(m_weights.layers.size()) +
                                                " blocks, config says " + std::to_string(m_config.numLayers));
    if (!m_weights.lmHead.defined() && m_config.tieWordEmbeddings) m_weights.lmHead = m_weights.embed;
    auto place = [&](at::Tensor& t) {
        if (t.defined()) t = t.to(options.device, options.dtype);
    };
    const bool tiedSame = m_weights.lmHead.defined() && m_weights.lmHead.is_same(m_weights.embed);
    const auto expected = detail::expectedTensors(m_config);
    size_t e = 0;
    auto check = [&](at::Tensor& t) {
        const auto& x = expected[e++];
        checkWeight(t, x.shape, x.name);
        place(t);
    };
    check(m_weights.embed);
    for (auto& layer : m_weights.layers) {
        check(layer.inputNorm);
        for (auto& w : layer.linear)
            check(w);
        check(layer.postNorm);
    }
    check(m_weights.norm);
    if (tiedSame)
        m_weights.lmHead = m_weights.embed;
    else
        check(m_weights.lmHead);
    m_ropeInvFreq = ropeInvFreq(m_config).to(options.device);
}

LlamaModel LlamaModel::load(const std::string& modelDir, const LoadOptions& options)
{
    configureThreadsOnce();
    ModelConfig config = loadModelConfig(modelDir);
    detail::WeightFiles files(findWeightFiles(modelDir));
    std::vector<std::string> ignored;
    detail::checkWeightsMatchConfig(config, files, modelDir, ignored); // before anything is allocated
    // A NaN in the weights would only show as "perplexity nan" at the end of an evaluation. Checked after the
    // read, in the stored dtype: on the CPU by a scan of the bits just read (a mask tensor per weight made
    // loading 3x slower), on a GPU there, one flag per weight, read back once at the end.
    struct Pending
    {
        at::Tensor finite;
        std::string path, name;
    };
    std::vector<Pending> pending;
    const auto damaged = [](const std::string& path, const std::string& name) {
        return InputError(path, name, "holds NaN or infinite values: the checkpoint is damaged");
    };
    auto get = [&](const detail::ExpectedTensor& e) {
        const SafetensorsFile* f = nullptr;
        const StTensorInfo& info = files.require(e, &f);
        if (options.device.is_cpu()) {
            at::Tensor t = readTensor(*f, info);
            if (!valuesFinite(t)) throw damaged(f->path(), e.name);
            return t.to(options.dtype);
        }
        at::Tensor t = readTensor(*f, info, options.device);
        pending.push_back({at::isfinite(t).all(), f->path(), e.name});
        return t.to(options.dtype);
    };
    LlamaWeights w;
    const auto expected = detail::expectedTensors(config);
    size_t e = 0;
    w.embed = get(expected[e++]);
    for (int l = 0; l < int(config.numLayers); ++l) {
        LlamaLayerWeights layer;
        layer.inputNorm = get(expected[e++]);
        for (auto& lin : layer.linear)
            lin = get(expected[e++]);
        layer.postNorm = get(expected[e++]);
        w.layers.push_back(std::move(layer));
    }
    w.norm = get(expected[e++]);
    // transformers ties lm_head to the embedding whenever tie_word_embeddings is set, stored or not.
    w.lmHead = config.tieWordEmbeddings ? w.embed : get(expected[e]);
    if (!pending.empty()) {
        std::vector<at::Tensor> flags;
        for (const auto& p : pending)
            flags.push_back(p.finite);
        const at::Tensor finite = at::stack(flags).cpu(); // waits for every copy
        for (size_t i = 0; i < pending.size(); ++i)
            if (!finite[int64_t(i)].item<bool>()) throw damaged(pending[i].path, pending[i].name);
    }
    LlamaModel model(std::move(config), std::move(w), options);
    model.m_ignoredTensors = std::move(ignored);
    return model;
}

RopeTables LlamaModel::rope(int64_t length, int64_t offset) const
{
    const auto opts = at::TensorOptions().device(m_ropeInvFreq.device()).dtype(at::kFloat);
    at::Tensor pos = at::arange(offset, offset + length, opts);
    at::Tensor freqs = at::outer(pos, m_ropeInvFreq);
    at::Tensor emb = at::cat({freqs, freqs}, -1).view({1, 1, length, m_config.headDim});
    return {emb.cos().to(m_options.dtype), emb.sin().to(m_options.dtype)};
}

at::Tensor LlamaModel::embed(const at::Tensor& ids) const
{
    if (ids.dim() != 2) throw ConfigError("ids", "token ids must be [batch, length]");
    return at::embedding(m_weights.embed, ids.to(m_weights.embed.device(), at::kLong));
}

at::Tensor LlamaModel::attention(const at::Tensor& x, int layer, const RopeTables& rope, LinearHook* hook,
                                 KvCache* cache) const
{
    const auto& w = m_weights.layers[size_t(layer)];
    auto lin = [&](const at::Tensor& in, LinearKind k) {
        return hook ? hook->linear(in, layer, k, w[k]) : linearOp(in, w[k]);
    };
    const int64_t b = x.size(0), t = x.size(1), d = m_config.headDim;
    at::Tensor q = lin(x, LinearKind::Q).view({b, t, m_config.numHeads, d}).transpose(1, 2);
    at::Tensor k = lin(x, LinearKind::K).view({b, t, m_config.numKvHeads, d}).transpose(1, 2);
    at::Tensor v = lin(x, LinearKind::V).view({b, t, m_config.numKvHeads, d}).transpose(1, 2);
    q = applyRope(q, rope.cos, rope.sin);
    k = applyRope(k, rope.cos, rope.sin);
    int64_t offset = 0;
    if (cache) {
        offset = cache->length;
        auto& ck = cache->keys[size_t(layer)];
        auto& cv = cache->values[size_t(layer)];
        ck = ck.defined() ? at::cat({ck, k}, 2) : k;
        cv = cv.defined() ? at::cat({cv, v}, 2) : v;
        k = ck;
        v = cv;
    }
    at::Tensor o;
    if (cpuAttentionApplies(q, k, v)) {
        o = cpuCausalAttention(q, k, v, offset);
    } else {
        const int64_t rep = m_config.numHeads / m_config.numKvHeads;
        o = causalAttention(q, repeatKv(k, rep), repeatKv(v, rep), offset);
    }
    o = o.transpose(1, 2).reshape({b, t, m_config.numHeads * d});
    return lin(o, LinearKind::O);
}

at::Tensor LlamaModel::block(const at::Tensor& x, int layer, const RopeTables& rope, LinearHook* hook,
                             KvCache* cache) const
{
    const auto& w = m_weights.layers[size_t(layer)];
    auto lin = [&](const at::Tensor& in, LinearKind k) {
        return hook ? hook->linear(in, layer, k, w[k]) : linearOp(in, w[k]);
    };
    const double eps = m_config.rmsNormEps;
    at::Tensor h = x + attention(rmsNorm(x, w.inputNorm, eps), layer, rope, hook, cache);
    at::Tensor n = rmsNorm(h, w.postNorm, eps);
    // Up before gate, explicitly: the order GCC gave the unsequenced operands of the earlier silu(gate) * up
    // (a hook's block-output MSE adds its terms in it).
    const at::Tensor up = lin(n, LinearKind::Up);
    at::Tensor mlp = swiGlu(lin(n, LinearKind::Gate), up);
    // Recomputed for backward: only the gradient flows through down_proj (linearOp skips its GEMM).
    const ScopedFlag unread(t_valueUnread, t_recomputing && !cache && skipDownRecompute());
    return h + lin(mlp, LinearKind::Down);
}

at::Tensor linearOp(const at::Tensor& x, const at::Tensor& weight)
{
    if (t_valueUnread && at::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad()))
        return GradientOnlyLinear::apply(x, weight);
    return at::linear(x, weight);
}

void setSkipDownRecompute(bool on)
{
    skipDownFlag() = on;
}

bool skipDownRecompute()
{
    return skipDownFlag();
}

at::Tensor LlamaModel::runBlocks(at::Tensor x, const RopeTables& rope, const ForwardOptions& options,
                                 KvCache* cache) const
{
    const bool checkpoint = options.checkpointBlocks && !cache && at::GradMode::is_enabled();
    for (int l = 0; l < int(m_config.numLayers); ++l) {
        if (!checkpoint) {
            x = block(x, l, rope, options.hook, cache);
            continue;
        }
        // The anchor requires grad so backward reaches the block even when x does not (frozen embeddings).
        at::Tensor anchor = at::zeros({1}, at::TensorOptions().device(x.device())).requires_grad_(true);
        x = BlockCheckpoint::apply(x, anchor, rope.cos, rope.sin, reinterpret_cast<int64_t>(this), int64_t(l),
                                   reinterpret_cast<int64_t>(options.hook));
    }
    return rmsNorm(x, m_weights.norm, m_config.rmsNormEps);
}

at::Tensor LlamaModel::hidden(const at::Tensor& ids, const ForwardOptions& options) const
{
    at::Tensor x = embed(ids);
    return runBlocks(x, rope(ids.size(1)), options, nullptr);
}

at::Tensor LlamaModel::forward(const at::Tensor& ids, const ForwardOptions& options) const
{
    at::Tensor logits = at::linear(hidden(ids, options), m_weights.lmHead);
    return options.float32Logits ? logits.to(at::kFloat) : logits;
}

at::Tensor LlamaModel::forwardCached(const at::Tensor& ids, KvCache& cache,
                                     const ForwardOptions& options) const
{
    if (cache.keys.empty()) {
        cache.keys.resize(size_t(m_config.numLayers));
        cache.values.resize(size_t(m_config.numLayers));
    }
    at::Tensor x = embed(ids);
    at::Tensor h = runBlocks(x, rope(ids.size(1), cache.length), options, &cache);
    cache.length += ids.size(1);
    at::Tensor logits = at::linear(h, m_weights.lmHead);
    return options.float32Logits ? logits.to(at::kFloat) : logits;
}

} // namespace qat

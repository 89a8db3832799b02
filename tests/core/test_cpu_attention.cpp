// The fused CPU attention (qatbench_sdk/cpu_attention.h) against plain ATen attention in float64 on random
// inputs: outputs and all three gradients, with GQA, KV-cache offsets, single-token decoding, head sizes that
// are not a multiple of the vector width and sequences past one key chunk; and a whole model's logits and
// LoRA gradients with the kernel on and switched off.

#include "qat_test.h"
#include "torch_test.h"

#include "qatbench_sdk/cpu_attention.h"
#include "qatbench_sdk/llama.h"

#include <cmath>
#include <iostream>
#include <string>

using namespace qat;

namespace {

// softmax(q k^T / sqrt(D) + causal mask) v in float64, key/value heads repeated as transformers' repeat_kv.
at::Tensor reference(at::Tensor q, at::Tensor k, at::Tensor v, int64_t offset)
{
    const int64_t rep = q.size(1) / k.size(1);
    k = k.repeat_interleave(rep, 1);
    v = v.repeat_interleave(rep, 1);
    at::Tensor s = at::matmul(q, k.transpose(-1, -2)) / std::sqrt(double(q.size(3)));
    at::Tensor qi = at::arange(q.size(2)).unsqueeze(1) + offset, kj = at::arange(k.size(2)).unsqueeze(0);
    s = s.masked_fill(kj > qi, -INFINITY);
    return at::matmul(at::softmax(s, -1), v);
}

struct Case
{
    int64_t batch, heads, kvHeads, tq, tk, dim, offset;
};

} // namespace

QAT_TEST(fusedMatchesAtenOnRandomInputs)
{
    torch::manual_seed(11);
    const Case cases[] = {{2, 4, 2, 12, 12, 8, 0},   {1, 8, 4, 200, 200, 8, 0}, {2, 4, 4, 5, 37, 24, 32},
                          {1, 4, 2, 1, 40, 16, 39},  {3, 6, 2, 33, 33, 64, 0},  {2, 2, 1, 17, 17, 3, 0},
                          {1, 2, 2, 130, 130, 72, 0}};
    for (const Case& c : cases) {
        const std::string name = "B" + std::to_string(c.batch) + " H" + std::to_string(c.heads) + "/" +
                                 std::to_string(c.kvHeads) + " T" + std::to_string(c.tq) + "/" +
                                 std::to_string(c.tk) + " D" + std::to_string(c.dim);
        // q as the model makes it: a [B, T, H, D] tensor seen as [B, H, T, D]
        at::Tensor q = at::randn({c.batch, c.tq, c.heads, c.dim}, at::kDouble).transpose(1, 2);
        at::Tensor k = at::randn({c.batch, c.kvHeads, c.tk, c.dim}, at::kDouble);
        at::Tensor v = at::randn({c.batch, c.kvHeads, c.tk, c.dim}, at::kDouble);
        at::Tensor g = at::randn({c.batch, c.heads, c.tq, c.dim}, at::kDouble);
        std::vector<at::Tensor> in{q, k, v};
        for (auto& t : in)
            t = t.requires_grad_(true);
        const at::Tensor want = reference(in[0], in[1], in[2], c.offset);
        const auto wantGrads = torch::autograd::grad({want}, in, {g});

        std::vector<at::Tensor> f;
        for (const auto& t : in)
            f.push_back(t.detach().to(at::kFloat).requires_grad_(true));
        QAT_CHECK(cpuAttentionApplies(f[0], f[1], f[2]));
        const at::Tensor got = cpuCausalAttention(f[0], f[1], f[2], c.offset);
        const auto grads = torch::autograd::grad({got}, f, {g.to(at::kFloat)});
        at::Tensor noGrad;
        {
            at::NoGradGuard guard;
            noGrad = cpuCausalAttention(f[0], f[1], f[2], c.offset);
        }
        const double out = test::maxAbsDiff(got, want);
        std::cout << "  " << name << ": |out| " << out << ", |dq| "
                  << test::maxAbsDiff(grads[0], wantGrads[0]) << ", |dk| "
                  << test::maxAbsDiff(grads[1], wantGrads[1]) << ", |dv| "
                  << test::maxAbsDiff(grads[2], wantGrads[2]) << "\n";
        QAT_CHECK_MSG(out <= 2e-6, name + " output");
        QAT_CHECK_MSG(test::maxAbsDiff(noGrad, got) == 0, name + " no-grad output differs");
        for (int i = 0; i < 3; ++i)
            QAT_CHECK_MSG(test::maxAbsDiff(grads[size_t(i)], wantGrads[size_t(i)]) <= 2e-5,
                          name + " gradient " + std::to_string(i));
    }
}

QAT_TEST(bfloat16InputsComputeInFloat32)
{
    torch::manual_seed(12);
    at::Tensor q = at::randn({2, 4, 50, 16}).to(at::kBFloat16),
               k = at::randn({2, 2, 50, 16}).to(at::kBFloat16);
    at::Tensor v = at::randn({2, 2, 50, 16}).to(at::kBFloat16);
    at::NoGradGuard guard;
    const at::Tensor got = cpuCausalAttention(q, k, v, 0);
    QAT_CHECK(got.scalar_type() == at::kBFloat16);
    const at::Tensor want = reference(q.to(at::kDouble), k.to(at::kDouble), v.to(at::kDouble), 0);
    QAT_CHECK(test::maxAbsDiff(got, want) <= 1e-2); // one bf16 rounding of values of magnitude ~1
}

QAT_TEST(switchedOffMeansAtenPath)
{
    at::Tensor q = at::randn({1, 2, 4, 8}), k = at::randn({1, 2, 4, 8});
    setCpuAttentionEnabled(false);
    QAT_CHECK(!cpuAttentionApplies(q, k, k));
    QAT_CHECK_THROWS_WITH(cpuCausalAttention(q, k, k, 0), "does not apply");
    setCpuAttentionEnabled(true);
    QAT_CHECK(cpuAttentionApplies(q, k, k));
    QAT_CHECK(!cpuAttentionApplies(q, k.slice(1, 0, 1).repeat({1, 3, 1, 1}), k)); // 2 heads over 3 kv heads
}

QAT_TEST(modelLogitsAndGradientsWithAndWithoutKernel)
{
    ModelConfig c;
    c.hiddenSize = 48;
    c.intermediateSize = 80;
    c.numLayers = 2;
    c.numHeads = 6;
    c.numKvHeads = 2;
    c.headDim = 8;
    c.vocabSize = 40;
    c.maxPositions = 128;
    c.tieWordEmbeddings = true;
    torch::manual_seed(5);
    LlamaWeights w;
    w.embed = at::randn({c.vocabSize, c.hiddenSize}) * 0.5;
    const int64_t h = c.hiddenSize, q = c.numHeads * c.headDim, kv = c.numKvHeads * c.headDim,
                  f = c.intermediateSize;
    for (int l = 0; l < int(c.numLayers); ++l) {
        LlamaLayerWeights lw;
        lw.inputNorm = at::ones({h});
        lw.postNorm = at::ones({h});
        const std::vector<std::vector<int64_t>> shapes{{q, h}, {kv, h}, {kv, h}, {h, q},
                                                       {f, h}, {f, h},  {h, f}};
        for (int k = 0; k < kLinearKinds; ++k)
            lw.linear[k] = at::randn(shapes[size_t(k)]) * 0.3;
        w.layers.push_back(lw);
    }
    w.norm = at::ones({h});
    for (auto& layer : w.layers)
        for (int k :
             {0, 1, 2}) // q, k and v projections: their gradients pass through every attention backward
            layer.linear[k].requires_grad_(true);
    LlamaModel model(c, w, {});
    at::Tensor ids = at::randint(0, c.vocabSize, {3, 100}, at::TensorOptions().dtype(at::kLong));
    std::vector<at::Tensor> logits, grads;
    for (bool fused : {true, false}) {
        setCpuAttentionEnabled(fused);
        at::Tensor out = model.forward(ids);
        at::cross_entropy_loss(out.view({-1, c.vocabSize}), ids.view({-1})).backward();
        logits.push_back(out.detach());
        std::vector<at::Tensor> g;
        for (auto& layer : model.weights().layers)
            for (int k : {0, 1, 2}) {
                g.push_back(layer.linear[k].grad().clone().view({-1}));
                layer.linear[k].mutable_grad().zero_();
            }
        grads.push_back(at::cat(g));
    }
    setCpuAttentionEnabled(true);
    std::cout << "  logits |fused - aten| " << test::maxAbsDiff(logits[0], logits[1])
              << ", q/k/v weight grads " << test::maxAbsDiff(grads[0], grads[1]) << "\n";
    QAT_CHECK(test::maxAbsDiff(logits[0], logits[1]) <= 1e-4);
    QAT_CHECK(grads[0].abs().max().item<double>() > 0);
    QAT_CHECK(test::maxAbsDiff(grads[0], grads[1]) <= 1e-5 * grads[1].abs().max().item<double>());
}

QAT_TEST_MAIN()

#pragma once
// The LLaMA forward in LibTorch, for the engine and the method plugins (torch-facing; never included by Qt
// code).
//
// Intended usage:
//   1. auto model = LlamaModel::load(dir, {torch::kCUDA, torch::kBFloat16});
//   2. at::Tensor logits = model.forward(ids);                 // ids int64 [B, T] -> logits float32 [B, T,
//   V]
//   3. A quantization method sets ForwardOptions::hook to replace y = x W^T of the block linears
//      (fake-quantized weights, LoRA, capturing inputs for GPTQ) without touching the model code.

#include "qatbench/model.h"

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

namespace qat {

struct LlamaLayerWeights
{
    at::Tensor inputNorm;            // [hidden]
    at::Tensor linear[kLinearKinds]; // indexed by LinearKind; [out, in] as stored by HF
    at::Tensor postNorm;             // [hidden]
    at::Tensor& operator[](LinearKind k) { return linear[int(k)]; }
    const at::Tensor& operator[](LinearKind k) const { return linear[int(k)]; }
};

struct LlamaWeights
{
    at::Tensor embed; // [vocab, hidden]
    std::vector<LlamaLayerWeights> layers;
    at::Tensor norm;   // [hidden]
    at::Tensor lmHead; // [vocab, hidden]; the same tensor as embed when tied
};

// Replaces y = x W^T for the block linears. Called once per linear per forward, in block order.
// With ForwardOptions::checkpointBlocks the block is run again in backward, so linear() is called a second
// time per block (with grad enabled); trainable tensors used inside it receive their gradients through .grad
// as with torch.utils.checkpoint's reentrant variant (use tensor.backward(), not torch::autograd::grad()).
// A hook computes its product x W^T with linearOp (below), not at::linear: the recompute then skips the GEMM
// of the block's last projection, whose value nothing reads there.
class LinearHook
{
public:
    virtual ~LinearHook() = default;
    virtual at::Tensor linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& weight) = 0;
};

// x W^T, as at::linear. When a checkpointed block is run again for its backward, the output of its last
// projection (down_proj) only feeds the block's output, whose gradient is already known: there linearOp
// returns zeros without a GEMM and computes dX = g W and dW = g^T x in backward (as at::linear's backward
// does). Everywhere else it is at::linear. QATBENCH_SKIP_DOWN_RECOMPUTE=0 / setSkipDownRecompute(false) turns
// the skip off.
at::Tensor linearOp(const at::Tensor& x, const at::Tensor& weight);
void setSkipDownRecompute(bool on);
bool skipDownRecompute();

struct LoadOptions
{
    at::Device device = at::kCPU;
    at::ScalarType dtype = at::kFloat; // compute dtype: kFloat or kBFloat16
};

struct ForwardOptions
{
    LinearHook* hook = nullptr;    // nullptr: plain x W^T
    bool checkpointBlocks = false; // recompute each block in backward (training memory)
    bool float32Logits = true;     // logits upcast to float32
};

// cos/sin of the rotary embedding for a run of positions, [1, 1, T, headDim] in the compute dtype.
struct RopeTables
{
    at::Tensor cos;
    at::Tensor sin;
};

// Keys and values of the positions seen so far, per layer (incremental decoding).
struct KvCache
{
    std::vector<at::Tensor> keys; // [B, kvHeads, T, headDim] per layer
    std::vector<at::Tensor> values;
    int64_t length = 0; // positions cached
};

class LlamaModel
{
public:
    LlamaModel(ModelConfig config, LlamaWeights weights, LoadOptions options);
    static LlamaModel load(const std::string& modelDir, const LoadOptions& options = {});

    // ids: int64 [B, T] on any device. Returns logits [B, T, vocab].
    at::Tensor forward(const at::Tensor& ids, const ForwardOptions& options = {}) const;
    // The final hidden states after the last norm, [B, T, hidden] (for losses that avoid full logits).
    at::Tensor hidden(const at::Tensor& ids, const ForwardOptions& options = {}) const;

    // Logits [B, T, vocab] for ids that continue the cached positions; appends their keys and values to
    // cache.
    at::Tensor forwardCached(const at::Tensor& ids, KvCache& cache, const ForwardOptions& options = {}) const;

    // One decoder block (pre-norm attention + SwiGLU MLP with residuals) on hidden states [B, T, hidden];
    // for layer-wise methods. cache may be nullptr.
    at::Tensor block(const at::Tensor& x, int layer, const RopeTables& rope, LinearHook* hook,
                     KvCache* cache = nullptr) const;
    RopeTables rope(int64_t length, int64_t offset = 0) const;
    at::Tensor embed(const at::Tensor& ids) const; // [B, T, hidden] in the compute dtype

    const ModelConfig& config() const { return m_config; }
    // Tensors in the model's files that no part of a LLaMA uses (load() warns about nothing itself: callers
    // show these to the user).
    const std::vector<std::string>& ignoredTensors() const { return m_ignoredTensors; }
    const LoadOptions& options() const { return m_options; }
    LlamaWeights& weights() { return m_weights; }
    const LlamaWeights& weights() const { return m_weights; }

private:
    at::Tensor attention(const at::Tensor& x, int layer, const RopeTables& rope, LinearHook* hook,
                         KvCache* cache) const;
    at::Tensor runBlocks(at::Tensor x, const RopeTables& rope, const ForwardOptions& options,
                         KvCache* cache) const;

    ModelConfig m_config;
    LlamaWeights m_weights;
    LoadOptions m_options;
    at::Tensor m_ropeInvFreq; // [headDim / 2], float32, rope scaling applied
    std::vector<std::string> m_ignoredTensors;
};

} // namespace qat

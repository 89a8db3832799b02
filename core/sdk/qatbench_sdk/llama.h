#pragma once
// The LLaMA forward in LibTorch, for the engine and the method plugins (torch-facing; never included by Qt code).
//
// Intended usage:
//   1. auto model = LlamaModel::load(dir, {torch::kCUDA, torch::kBFloat16});
//   2. at::Tensor logits = model.forward(ids);                 // ids int64 [B, T] -> logits float32 [B, T, V]
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
    at::Tensor inputNorm;              // [hidden]
    at::Tensor linear[kLinearKinds];   // indexed by LinearKind; [out, in] as stored by HF
    at::Tensor postNorm;               // [hidden]
    at::Tensor& operator[](LinearKind k) { return linear[int(k)]; }
    const at::Tensor& operator[](LinearKind k) const { return linear[int(k)]; }
};

struct LlamaWeights
{
    at::Tensor embed;                  // [vocab, hidden]
    std::vector<LlamaLayerWeights> layers;
    at::Tensor norm;                   // [hidden]
    at::Tensor lmHead;                 // [vocab, hidden]; the same tensor as embed when tied
};

// Replaces y = x W^T for the block linears. Called once per linear per forward, in block order.
class LinearHook
{
public:
    virtual ~LinearHook() = default;
    virtual at::Tensor linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& weight) = 0;
};

struct LoadOptions
{
    at::Device device = at::kCPU;
    at::ScalarType dtype = at::kFloat; // compute dtype: kFloat or kBFloat16
};

struct ForwardOptions
{
    LinearHook* hook = nullptr;        // nullptr: plain x W^T
    bool checkpointBlocks = false;     // recompute each block in backward (training memory)
    bool float32Logits = true;         // logits upcast to float32
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

    const ModelConfig& config() const { return m_config; }
    const LoadOptions& options() const { return m_options; }
    LlamaWeights& weights() { return m_weights; }
    const LlamaWeights& weights() const { return m_weights; }

private:
    ModelConfig m_config;
    LlamaWeights m_weights;
    LoadOptions m_options;
    at::Tensor m_ropeInvFreq; // [headDim / 2], float32, rope scaling applied
};

} // namespace qat

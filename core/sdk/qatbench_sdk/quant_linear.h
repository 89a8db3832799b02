#pragma once
// A quantized block linear as the training methods hold it, and the LinearHook that runs the model with it
// (torch-facing; never included by Qt code).
//
//     W_hat = m (.) Q(W0 + (alpha / r) B A)           (DL-QAT, DESIGN.md §4; m broadcast over each group)
//     W_hat = m (.) s (clamp(round(W0/s + (alpha/r) B A) + z, 0, 2^N-1) - z)    (loraInGrid ablation)
//
// Without m and LoRA it is plain fake quantization (RTN, calibration). s is kept as log s (so a learning rate
// is a relative step), z as a float rounded straight-through.
//
// Intended usage:
//   1. auto mods = makeQuantLinears(model, kinds, spec);      // s, z initialized from W0 (spec.init)
//   2. QuantHook hook(mods); model.forward(ids, {&hook});     // y = x W_hat^T for the selected linears
//   3. mods[i].enableLora(rank, alpha, init) / enableMagnitude(); train their tensors.
//   4. applyToModel(model, mods): write W_hat into the model's weights (the result is an ordinary model).

#include "qatbench_sdk/llama.h"
#include "qatbench_sdk/quantizer.h"

#include <ATen/ATen.h>

#include <map>
#include <string>
#include <vector>

namespace qat {

struct QuantLinear
{
    int layer = 0;
    LinearKind kind = LinearKind::Q;
    QuantSpec spec;
    GroupLayout lay;
    at::Tensor w0; // the frozen full-precision weight [out, in] (the model's tensor, its dtype)
    // float64 [out, groups]: log s, so that exp gives back the float32 s exactly (see setScale)
    at::Tensor logScale;
    at::Tensor zero;      // float32 [out, groups]; integer values once frozen
    at::Tensor m;         // float32 [out, groups]; undefined = 1
    at::Tensor A;         // float32 [r, in]; undefined = no LoRA
    at::Tensor B;         // float32 [out, r]
    double loraScale = 1; // alpha / r
    bool loraInGrid = false;
    // float32 [out, groups]; undefined = 0. A fractional shift of the zero-point applied after rounding,
    // W_hat = s (q - z - zeroShift): QA-LoRA merges its group-pooled LoRA here (exported as float zeros).
    at::Tensor zeroShift;
    // The frozen grid (freezeGrid(); undefined otherwise): float32 s and uint8 z on w0's device, what every
    // forward computes from log s and z anyway, made once.
    at::Tensor gridScale;
    at::Tensor gridZero;

    std::string context() const; // "layer=3,module=q_proj"
    // s in float32. log s is kept in float64: in float32, exp(log s) misses s by an ulp often enough to move
    // codes that sit near a rounding boundary (0.27 % of gutenberg-llama-22M's codes at W2 g64).
    at::Tensor scale() const { return gridScale.defined() ? gridScale : logScale.exp().to(at::kFloat); }
    void setScale(const at::Tensor& s) { logScale = s.detach().to(at::kDouble).log(); }
    // z rounded to the grid, float32, without gradient.
    at::Tensor zeroPoint() const;

    // While s and z are not trained (DL-QAT's second stage) the forward reads them as gridScale and gridZero,
    // and on a GPU log s (float64) and z (float32) wait in host memory, unchanged, until thawGrid() brings
    // them back to w0's device: 7 bytes less GPU memory per group (0.66 GiB for a 7B model at g64). W_hat,
    // the codes and every gradient are the same bit for bit. A z outside the code range or more than 8 bits
    // leave the grid as it is (no-op).
    void freezeGrid();
    void thawGrid();
    // The (W0 + update) the quantizer sees, float32 [out, in]; without LoRA just W0.
    at::Tensor latent() const;
    // W_hat in float32, differentiable in every trainable tensor (the ATen path, the reference).
    at::Tensor weight() const;
    // W_hat in dtype: through the fused CUDA kernels where they apply (qatbench_sdk/fused_quant.h), else
    // weight().to(dtype).
    at::Tensor weight(at::ScalarType dtype) const;
    // What W_hat depends on: each tensor's identity and version counter (bumped by every in-place update, the
    // optimizer's included). A cached W_hat is valid while this is unchanged.
    std::vector<int64_t> versionState() const;
    // Integer codes [out, in] uint8 of the current state (no gradient).
    at::Tensor codes() const;
    // The deployable per-group scale m * s and zero-point, float32 [out, groups].
    at::Tensor exportScale() const;

    // Keeps a learned zero-point inside the code range [0, 2^bits - 1], in place and without gradient.
    // Outside it every code of the group clamps to one end, and an integer zero-point (GPTQ, the deployable
    // file) cannot hold it: a calibration that trains z projects it back after each step.
    void clampZero();
    void enableMagnitude();                                               // m = 1
    void enableLora(int64_t rank, double alpha, const std::string& init); // A random, B = 0
    int64_t trainableCount(bool withScaleZero) const;
};

// One QuantLinear per (layer, kind) in layer-major order; s, z from W0 by spec.init.
std::vector<QuantLinear> makeQuantLinears(const LlamaModel& model, const std::vector<LinearKind>& kinds,
                                          const QuantSpec& spec);

// y = x W_hat^T for the linears it holds, plain x W^T for the others. W_hat lives only while its linear runs
// (a checkpointed block recomputes it in backward). On the CPU, in no-grad mode, the weights are cached while
// the tensors they come from are unchanged (same tensors, same version counters) or until invalidate(), so
// evaluation does not re-quantize per batch; on CUDA the fused kernel recomputes W_hat instead of holding a
// second copy of the model.
class QuantHook : public LinearHook
{
public:
    explicit QuantHook(std::vector<QuantLinear>& modules);
    at::Tensor linear(const at::Tensor& x, int layer, LinearKind kind, const at::Tensor& weight) override;
    void invalidate() { m_cache.clear(); }

    // Block-output MSE mode (calibration objective): every quantized linear also computes the full-precision
    // output and accumulates ||y_q - y||^2 / ||y||^2; takeAuxLoss() returns the mean and resets it.
    void setCollectMse(bool on) { m_collectMse = on; }
    at::Tensor takeAuxLoss();

private:
    std::vector<QuantLinear>& m_modules;
    std::map<std::pair<int, int>, size_t> m_index;
    struct CachedWeight
    {
        std::vector<int64_t> state; // tensor identities and version counters W_hat was made from
        at::Tensor weight;
    };
    std::map<std::pair<int, int>, CachedWeight> m_cache;
    bool m_collectMse = false;
    at::Tensor m_aux;
    int m_auxCount = 0;
};

// Writes W_hat (in the model's dtype) into the model's weights: afterwards a plain forward is the
// fake-quantized model. The modules' w0 keep the full-precision tensors, unless consume: then W_hat is
// written into the memory of a w0 that is the model's own tensor (the modules are spent: their w0 hold
// W_hat), so the model is not held twice (a 7B model's final evaluation needed 27.8 GiB instead of training's
// 16).
void applyToModel(LlamaModel& model, const std::vector<QuantLinear>& modules, bool consume = false);

// Every parameter of the model (embeddings, norms, linears, head; a tied head counted once).
int64_t modelParamCount(const LlamaModel& model);

} // namespace qat

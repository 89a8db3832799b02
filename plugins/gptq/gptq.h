#pragma once
// GPTQ (Frantar et al., 2022): post-training quantization that rounds one input column at a time and spreads
// each column's rounding error over the columns not yet rounded, weighted by the inverse Hessian
// H = 2 X^T X of the layer's calibration inputs X. Formula and options: plugins/gptq/README.md.
//
// Intended usage:
//   1. GptqSettings s = gptqSettingsFrom(ctx.experiment, opts, "");      // or "gptq_" inside a QAT method
//   2. auto mods = makeQuantLinears(model, kinds, spec);
//   3. runGptq(ctx, mods, s);   // each module: w0 = the GPTQ weight s (q - z), s and z its grid
//   The modules then hold the GPTQ codes exactly (codes() == q), so a QAT method can start from them:
//
// GPTQ's start grid, the public API of this plugin for the QAT methods that offer it:
//   1. declare initFromOptions() among the method's options ("init_from" rtn | gptq and the gptq_* options);
//   2. after makeModules(ctx): initGrid(ctx, mods, options) (nothing to do for rtn).
#include "qatbench/method.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/run_context.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace qat::plugins {

struct GptqSettings
{
    int64_t calibWindows = 128; // calibration windows of seqLen tokens
    int64_t seqLen = 256;       // tokens per calibration window
    double damp = 0.01;         // added to H's diagonal, relative to its mean
    bool actOrder = false;      // columns by decreasing H_ii (groups stay contiguous: static groups)
    int64_t blockSize = 128;    // columns updated lazily together (a multiple of the group size is used)
    uint64_t seed = 0;          // which calibration windows
};

// The declared GPTQ options, names prefixed (e.g. "gptq_" when a QAT method offers a GPTQ start).
std::vector<OptionSpec> gptqOptions(const std::string& prefix, const std::string& group);
GptqSettings gptqSettingsFrom(const Experiment& experiment, const nlohmann::json& options,
                              const std::string& prefix);

struct GptqLinearResult
{
    at::Tensor weight; // float32 [out, in], s (q - z)
    at::Tensor scale;  // float32 [out, groups]
    at::Tensor zero;   // float32 [out, groups], integers
};

// One linear: w [out, in], hessian [in, in] (any positive scale).
GptqLinearResult gptqQuantizeLinear(const at::Tensor& w, const at::Tensor& hessian, const QuantSpec& spec,
                                    const GptqSettings& settings);

// Every module, layer by layer: each layer's Hessians come from inputs that went through the already
// quantized earlier layers. Reports phase "gptq" progress per layer; throws qat::Cancelled when asked to
// stop (GPTQ keeps no checkpoint: a resumed run repeats it).
void runGptq(RunContext& ctx, std::vector<QuantLinear>& modules, const GptqSettings& settings);

// "init_from" (rtn | gptq) and the gptq_* options, in the group "Initialization".
std::vector<OptionSpec> initFromOptions();
// With init_from gptq: every module's s, z from GPTQ and w0 = the GPTQ weight, so codes() are GPTQ's codes.
void initGrid(RunContext& ctx, std::vector<QuantLinear>& modules, const nlohmann::json& options);

MethodInfo gptqMethodInfo();
void registerGptq();

} // namespace qat::plugins

#pragma once
// Writing quantized models (torch-facing; never included by Qt code). Layout: qatbench/export.h.
//
// Intended usage (at the end of a method's run):
//   exportRunResult(ctx, modules);   // or exportQuantized(model, modules, sourceModelDir, dir) directly

#include "qatbench/export.h"
#include "qatbench_sdk/llama.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/run_context.h"

#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace qat {

// The deployable file, then the dequantized HF checkpoint made from it (so the HF checkpoint is exactly what
// the deployable form computes). sourceModelDir supplies config.json and tokenizer files ("" = generated
// config).
// dequantized false: the deployable file only (dequantizedDir left empty).
ExportResult exportQuantized(const LlamaModel& model, const std::vector<QuantLinear>& modules,
                             const std::string& sourceModelDir, const std::string& outDir,
                             bool dequantized = true);

// The end of a method's run (every method calls it before applyToModel): with a work folder, the deployable
// file into <workDir>/export (artifact "export") and the dequantized Hugging Face checkpoint (artifact
// "export_hf"), the latter only when the experiment has no export section; with one, it is written only when
// export.formats lists "hf" (by the engine, after the final evaluation: issue 14, docs/EXPORT.md).
void exportRunResult(RunContext& ctx, const std::vector<QuantLinear>& modules);

// config.json + model.safetensors (in the model's dtype) + tokenizer files of a plain model.
void writeHfCheckpoint(const LlamaModel& model, const std::string& sourceModelDir, const std::string& outDir);

// config.json (its torch_dtype set to dtype: "float32", "bfloat16", "float16") + model.safetensors of
// the tensors converted to dtype, into outDir (created).
void writeHfTensors(const std::string& outDir, const std::string& configText,
                    std::vector<std::pair<std::string, at::Tensor>> tensors, const std::string& dtype);
// Copies tokenizer.model / tokenizer.json / tokenizer_config.json / special_tokens_map.json /
// generation_config.json where present ("" from: nothing).
void copyTokenizerFiles(const std::string& from, const std::string& to);

// Codes uint8 [rows, cols] (< 2^bits) <-> the packed bit stream uint8 [rows, ceil(cols * bits / 8)], each row
// lowest bits first. Both return CPU tensors, whatever device they are given.
at::Tensor packCodes(const at::Tensor& codes, int bits);
at::Tensor unpackCodes(const at::Tensor& packed, int bits, int64_t cols);
// The grid's weights W = s * (code - z), one scale and zero per group of `group` columns, computed in float32
// and rounded once to `type` (float32, bfloat16 or float16), in one pass on the CPU: codes [rows, cols],
// scales and zeros [rows, ceil(cols / group)].
at::Tensor dequantizeCodes(const at::Tensor& codes, const at::Tensor& scales, const at::Tensor& zeros,
                           int64_t group, at::ScalarType type);

// The Hugging Face tensor name of a block linear: "model.layers.3.self_attn.q_proj.weight" (with suffix
// "weight").
std::string hfLinearName(int layer, LinearKind kind, const std::string& suffix = "weight");

} // namespace qat

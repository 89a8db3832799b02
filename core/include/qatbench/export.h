#pragma once
// Exporting a quantized model (no torch types; Qt code includes this). The torch-facing writer is
// core/sdk/qatbench_sdk/export.h. Two forms, both under one output directory:
//
//   <out>/quantized.safetensors   the deployable form: integer codes packed, per-group scale m*s, zero-point
//   <out>/hf/                     a dequantized Hugging Face checkpoint (config.json + model.safetensors +
//                                 tokenizer files) that our loader and transformers load as a plain LLaMA
//
// Layout of quantized.safetensors (format "qatbench-gq-v1", documented in docs/DLQAT.md):
//   <linear>.qweight  U8  [out, ceil(in * bits / 8)]  row-wise little-endian bit stream: code j of a row
//   occupies
//                                                      bits [j*bits, (j+1)*bits) counted from bit 0 of byte 0
//   <linear>.scales   F32 [out, groups]               m * s per group (groups = ceil(in / group_size))
//   <linear>.zeros    U8  [out, groups]               zero-point z per group (F32 when fractional: QA-LoRA)
//   every other tensor under its Hugging Face name, unquantized (embeddings, norms, lm_head unless tied)
//   metadata: format, bits, group_size, config (the config.json text)
// with <linear> = model.layers.<i>.self_attn.{q,k,v,o}_proj or model.layers.<i>.mlp.{gate,up,down}_proj, and
//   W[r, j] = scales[r, j / group_size] * (code[r, j] - zeros[r, j / group_size]).

#include <cstdint>
#include <string>

namespace qat {

struct ExportResult
{
    std::string deployablePath; // <out>/quantized.safetensors
    std::string dequantizedDir; // <out>/hf
    int64_t quantizedLinears = 0;
    int64_t deployableBytes = 0;
};

// Rebuilds the dequantized Hugging Face checkpoint from a deployable file (tokenizer files copied from
// tokenizerDir when given). Throws qat::InputError naming the file and tensor on a malformed file.
void dequantizeDeployable(const std::string& deployablePath, const std::string& outDir,
                          const std::string& tokenizerDir = {});

} // namespace qat

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

#include "qatbench/progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qat {

struct ExportResult
{
    std::string deployablePath; // <out>/quantized.safetensors
    std::string dequantizedDir; // <out>/hf
    int64_t quantizedLinears = 0;
    int64_t deployableBytes = 0;
};

// Rebuilds the dequantized Hugging Face checkpoint from a deployable file (tokenizer files copied from
// tokenizerDir when given), in dtype ("float32", "bfloat16", "float16"; "" = the model's own, from its
// config). Throws qat::InputError naming the file and tensor on a malformed file.
void dequantizeDeployable(const std::string& deployablePath, const std::string& outDir,
                          const std::string& tokenizerDir = {}, const std::string& dtype = {});

// ---- GGUF for llama.cpp (docs/EXPORT.md) ----------------------------------------------------------------
// The trained grid w = m*s*(q - z) is written exactly as Q4_1 (2-4 bits) or Q5_1 (5 bits): blocks of 32
// along the input dimension with fp16 d = m*s and min = -m*s*z, so w = d*q + min; only the fp16 rounding of
// d and min changes the weights (measured in GgufResult). q_proj / k_proj rows are permuted as llama.cpp's
// converter does (rows only: input-dimension groups stay intact). A linear whose row is not a multiple of 32
// (a partial last group) and every linear at 6-8 bits is written in the fallback type, with a warning that
// names it. Embeddings are F32 for a float32 model, else F16 (as llama.cpp's converter writes them); norms
// F32.
//
// Intended usage:
//   GgufResult r = exportGguf(run.workDir + "/export/quantized.safetensors", modelDir, "model.gguf", {});
//   for (auto& w : r.warnings) print(w);

struct GgufOptions
{
    // auto (Q4_1 for 2-4 bits, Q5_1 for 5, the fallback for 6-8), q4_1, q5_1, q4_k, f16, bf16, f32. q4_k
    // (2-4 bits) is approximate: Q4_K super-blocks of 256 inputs keep the trained codes, but each 32-input
    // scale and min becomes a 6-bit multiple of an fp16 super-block factor; rows that are not a multiple of
    // 256 are written as the exact Q4_1. An explicit
    // q4_1/q5_1 that cannot hold the grid (too many bits, a group size that is not a multiple of 32) is
    // refused with a ConfigError; so is auto with such a group size.
    std::string type = "auto";
    std::string fallback = "f16"; // f16, bf16 or f32: for the linears the block type cannot hold exactly
    std::string name;             // general.name; "" = the model directory's name
    // When set: also writes a float32 Hugging Face checkpoint of exactly the weights the GGUF holds (fp16 d
    // and min applied, rows in HF order), for checking the file against QATBench's own evaluation.
    std::string equivalentHfDir;
    ProgressFn progress; // phase "export", one unit per tensor
};

struct GgufResult
{
    std::string path;
    std::string fileType; // "Q4_1", "Q5_1", "F16", ... (the type of most block linears)
    int64_t bytes = 0;
    int64_t tensors = 0;
    int64_t blockLinears = 0;       // block linears written
    int64_t exactLinears = 0;       // of those, written as Q4_1 / Q5_1 blocks of the trained grid
    int64_t fallbackLinears = 0;    // written in the fallback type (named in warnings)
    int64_t approximateLinears = 0; // written as Q4_K fitted from the grid (--type q4_k): codes kept, scales
                                    // and mins rounded to 6 bits per 32 inputs
    double approximateRelRmsError = 0; // ||w_q4k - w|| / ||w|| over those linears
    std::vector<std::string> warnings;
    double linearBitsPerWeight = 0; // bits of the block linears' data / their weights
    double fileBitsPerWeight = 0;   // file bits / every parameter of the model
    // The fp16 rounding of d and min over every exact block: the largest relative change of d, and the
    // change of the weights as ||w16 - w|| / ||w|| over those linears and as the largest |w16 - w|.
    double maxScaleRelError = 0;
    double weightRelRmsError = 0;
    double maxWeightAbsError = 0;
    int64_t subnormalScales = 0; // blocks whose d fell below fp16's normal range (less precise)
};

// Writes a GGUF v3 file for llama.cpp from a deployable file (quantized.safetensors) and the model directory
// that supplies the tokenizer. Written to a temporary name and renamed when complete. Throws InputError
// naming the file and field on malformed input, ConfigError on an impossible type.
GgufResult exportGguf(const std::string& deployablePath, const std::string& modelDir,
                      const std::string& outPath, const GgufOptions& options = {});

// What exportGguf would write, from the file's header alone (no tensor data read, nothing written): the
// exact file size, the type, the exact / fallback linears, bits per weight and the warnings. path is empty
// and the fp16 rounding figures are 0 (they need the data).
GgufResult planGguf(const std::string& deployablePath, const std::string& modelDir,
                    const GgufOptions& options = {});

// ---- GPTQ v2 checkpoint for GPTQModel-based loaders (docs/EXPORT.md) --------------------------------------
// checkpoint_format "gptq_v2", sym false, desc_act false, 2/3/4/8-bit codes packed in int32 words; fp16
// scales m*s, integer zero-points; quantization_config in config.json (and quantize_config.json). A linear
// that GPTQ's words cannot hold (a partial last group; in or out not filling whole words) is written
// dequantized and listed as unquantized in quantization_config.dynamic, with a warning. Fractional
// zero-points (QA-LoRA) and 5-7 bits are refused with a ConfigError.

struct GptqResult
{
    std::string dir;
    int64_t bytes = 0; // model.safetensors
    int64_t quantizedLinears = 0;
    std::vector<std::string> warnings;
    double linearBitsPerWeight = 0; // qweight + qzeros + scales + g_idx of the block linears / their weights
};

// Writes config.json, quantize_config.json, model.safetensors and the tokenizer files into outDir.
GptqResult exportGptq(const std::string& deployablePath, const std::string& modelDir,
                      const std::string& outDir, const ProgressFn& progress = {});

// What exportGptq would write, from the file's header alone (dir empty; bytes: model.safetensors without its
// header). Refuses what exportGptq refuses.
GptqResult planGptq(const std::string& deployablePath);

// ---- One export in any format: what `qatbench-cli export`, the experiment's export section and the GUI's
// Export dialog (through the CLI) call ----------------------------------------------------------------------
//
// Intended usage:
//   if (auto why = exportTypeProblem("gguf", "q4_1", bits, groupSize); !why.empty()) refuse(why);  // early
//   DeployResult e = estimateDeployable(file, modelDir, {.format = "gguf"});   // size, bits/weight, exact?
//   DeployResult r = exportDeployable(file, modelDir, "model.gguf", {.format = "gguf"});

struct DeployOptions
{
    std::string format = "gguf";  // gguf, gptq or hf
    std::string type = "auto";    // gguf only: auto, q4_1, q5_1, q4_k, f16, bf16, f32 (GgufOptions::type)
    std::string fallback = "f16"; // gguf only: f16, bf16, f32
    std::string dtype;            // hf only: float32, bfloat16, float16; "" = the model's own
    std::string equivalentHfDir;  // gguf only: also the GGUF's own weights as float32 HF (GgufOptions)
    bool replace = false;         // replace an existing output; false: an existing output is refused
    ProgressFn progress;          // phase "export", one unit per tensor; returning false cancels
};

struct DeployResult
{
    std::string path;   // the file (gguf) or folder (gptq, hf); empty for an estimate
    std::string format; // gguf, gptq, hf
    std::string type;   // "Q4_1", "F16", ... (gguf), "GPTQ 4-bit" (gptq), "bfloat16" (hf)
    int64_t bytes = 0;  // the file, or the folder's model.safetensors (estimates: without its small header)
    int64_t quantizedLinears = 0; // block linears holding a trained grid
    int64_t exactLinears = 0;     // of those, stored as the grid itself (codes + fp16 scale/offset)
    double linearBitsPerWeight = 0;
    double fileBitsPerWeight = 0; // gguf: the file's bits / every parameter of the model (0 otherwise)
    // "exact": every quantized linear is the trained grid up to the fp16 rounding of its scales (or float32);
    // "partly exact": some linears are written dequantized (named in warnings); "rounded": dequantized in
    // a 16-bit type; "approximate": refitted (Q4_K), the change measured in notes.
    std::string exactness;
    std::vector<std::string> warnings;
    std::vector<std::string> notes; // what the user should know, e.g. the measured fp16 rounding
};

// "" when format/type can hold a trained grid of `bits` with groups of `groupSize` (0 = per-channel), else
// the reason. Checks what is known before a run: the experiment's export section and the CLI use it, and
// the writers refuse the same combinations.
std::string exportTypeProblem(const std::string& format, const std::string& type, int bits,
                              int64_t groupSize);

// Writes one export of a deployable file (the model dir supplies tokenizer and config files). The output is
// written under a temporary name (PATH.partial-<pid>) and renamed when complete; an error or a cancel
// leaves nothing behind. Throws ConfigError for an impossible combination, Cancelled when progress said
// stop, InputError / Error otherwise (naming the file).
DeployResult exportDeployable(const std::string& deployablePath, const std::string& modelDir,
                              const std::string& outPath, const DeployOptions& options);

// What exportDeployable would write (no tensor data read, nothing written); throws what it would throw
// before writing.
DeployResult estimateDeployable(const std::string& deployablePath, const std::string& modelDir,
                                const DeployOptions& options);

} // namespace qat

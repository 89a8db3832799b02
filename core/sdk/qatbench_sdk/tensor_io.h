#pragma once
// safetensors <-> LibTorch tensors (torch-facing; never included by Qt code).
//
// Intended usage:
//   1. SafetensorsFile f(path); at::Tensor w = readTensor(f, "model.norm.weight");   // CPU copy, stored
//   dtype
//   2. writeSafetensors(path, {{"a", a}, {"b", b}});                                 // e.g. an exported
//   model

#include "qatbench/safetensors.h"

#include <ATen/ATen.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace qat {

at::ScalarType toScalarType(StDType t);

// A CPU copy of one tensor in its stored dtype; InputError(file, name) when it is missing.
at::Tensor readTensor(const SafetensorsFile& file, const std::string& name);
at::Tensor readTensor(const SafetensorsFile& file, const StTensorInfo& info);
// The same tensor on `device`, stored dtype. For a GPU through pinned staging chunks: the host threads read
// one chunk from the file (pread) while the GPU takes the previous one, asynchronously on the current stream
// (the file is not read after this returns; the GPU's copy may still be running, ordered before any later
// work on that stream).
at::Tensor readTensor(const SafetensorsFile& file, const StTensorInfo& info, const at::Device& device);
// False when a floating-point tensor holds a NaN or an infinity: a scan of the stored bits in the mapping,
// in parallel, allocating nothing (integer tensors are always finite).
bool storedValuesFinite(const SafetensorsFile& file, const StTensorInfo& info);
// The same scan of a contiguous CPU tensor's elements (e.g. one just read with readTensor).
bool valuesFinite(const at::Tensor& t);

// Every tensor of a file, as CPU copies.
std::map<std::string, at::Tensor> readSafetensors(const std::string& path);

// Writes tensors (any device; contiguous copies are made) in the given order, with optional string metadata.
// The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
void writeSafetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

} // namespace qat

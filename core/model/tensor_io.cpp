// safetensors <-> at::Tensor. Reading copies out of the mapping so a tensor never outlives its file.

#include "qatbench_sdk/tensor_io.h"

#include "qatbench/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace qat {

at::ScalarType toScalarType(StDType t)
{
    switch (t) {
    case StDType::F64:
        return at::kDouble;
    case StDType::F32:
        return at::kFloat;
    case StDType::F16:
        return at::kHalf;
    case StDType::BF16:
        return at::kBFloat16;
    case StDType::I64:
        return at::kLong;
    case StDType::I32:
        return at::kInt;
    case StDType::I16:
        return at::kShort;
    case StDType::I8:
        return at::kChar;
    case StDType::U8:
        return at::kByte;
    case StDType::Bool:
        return at::kBool;
    }
    return at::kFloat;
}

static const char* stName(at::ScalarType t)
{
    switch (t) {
    case at::kDouble:
        return "F64";
    case at::kFloat:
        return "F32";
    case at::kHalf:
        return "F16";
    case at::kBFloat16:
        return "BF16";
    case at::kLong:
        return "I64";
    case at::kInt:
        return "I32";
    case at::kShort:
        return "I16";
    case at::kChar:
        return "I8";
    case at::kByte:
        return "U8";
    case at::kBool:
        return "BOOL";
    default:
        return nullptr;
    }
}

at::Tensor readTensor(const SafetensorsFile& file, const StTensorInfo& info)
{
    at::Tensor out = at::empty(info.shape, at::TensorOptions().dtype(toScalarType(info.dtype)));
    // memcpy rather than from_blob: the data area need not be aligned for the element type. In 1 MiB pieces on
    // every thread: one thread faulting in a multi-GiB model's fresh pages took most of its load time.
    auto* dst = static_cast<std::byte*>(out.data_ptr());
    const std::byte* src = file.data(info);
    constexpr int64_t kPiece = int64_t(1) << 20;
    const int64_t bytes = info.end - info.begin;
    at::parallel_for(0, (bytes + kPiece - 1) / kPiece, 1, [&](int64_t begin, int64_t end) {
        const int64_t from = begin * kPiece, to = std::min(bytes, end * kPiece);
        std::memcpy(dst + from, src + from, size_t(to - from));
    });
    return out;
}

at::Tensor readTensor(const SafetensorsFile& file, const StTensorInfo& info, const at::Device& device)
{
    const auto dtype = toScalarType(info.dtype);
    const void* src = file.data(info);
    if (device.is_cpu() || info.end <= info.begin ||
        reinterpret_cast<uintptr_t>(src) % uintptr_t(c10::elementSize(dtype)) != 0)
        return readTensor(file, info).to(device);
    // A pageable host-to-device copy straight out of the mapping: synchronous, so the view never outlives it.
    return at::from_blob(const_cast<void*>(src), info.shape, at::TensorOptions().dtype(dtype)).to(device);
}

namespace {

// True when no element's exponent bits are all ones (NaN or infinity). Bits: the element's unsigned type.
template <class Bits> bool exponentsFinite(const std::byte* data, int64_t n, Bits exponentMask)
{
    std::atomic<bool> finite{true};
    at::parallel_for(0, n, int64_t(1) << 16, [&](int64_t begin, int64_t end) {
        Bits bad = 0;
        for (int64_t i = begin; i < end; ++i) {
            Bits v;
            std::memcpy(&v, data + i * int64_t(sizeof(Bits)), sizeof(Bits)); // unaligned-safe
            bad |= Bits((v & exponentMask) == exponentMask);
        }
        if (bad) finite = false;
    });
    return finite;
}

} // namespace

bool storedValuesFinite(const SafetensorsFile& file, const StTensorInfo& info)
{
    const std::byte* data = file.data(info);
    const int64_t n = info.numel();
    switch (info.dtype) {
    case StDType::BF16:
        return exponentsFinite<uint16_t>(data, n, 0x7F80);
    case StDType::F16:
        return exponentsFinite<uint16_t>(data, n, 0x7C00);
    case StDType::F32:
        return exponentsFinite<uint32_t>(data, n, 0x7F800000u);
    case StDType::F64:
        return exponentsFinite<uint64_t>(data, n, 0x7FF0000000000000ull);
    default:
        return true;
    }
}

at::Tensor readTensor(const SafetensorsFile& file, const std::string& name)
{
    const StTensorInfo* info = file.find(name);
    if (!info) throw InputError(file.path(), name, "tensor missing");
    return readTensor(file, *info);
}

std::map<std::string, at::Tensor> readSafetensors(const std::string& path)
{
    SafetensorsFile f(path);
    std::map<std::string, at::Tensor> out;
    for (const auto& t : f.tensors())
        out[t.name] = readTensor(f, t);
    return out;
}

void writeSafetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata)
{
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::vector<at::Tensor> cpu;
    int64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        const char* dt = stName(t.scalar_type());
        if (!dt) throw Error("writeSafetensors: tensor '" + name + "' has a dtype safetensors cannot hold");
        at::Tensor c = t.detach().to(at::kCPU).contiguous();
        const int64_t bytes = c.numel() * int64_t(c.element_size());
        header[name] = {
            {"dtype", dt}, {"shape", c.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        cpu.push_back(c);
    }
    std::string h = header.dump();
    h.append((8 - h.size() % 8) % 8, ' ');
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path, "", "cannot write");
    uint8_t len[8];
    for (int i = 0; i < 8; ++i)
        len[i] = uint8_t(uint64_t(h.size()) >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(h.data(), std::streamsize(h.size()));
    for (const auto& c : cpu)
        out.write(static_cast<const char*>(c.data_ptr()), std::streamsize(c.numel() * c.element_size()));
    if (!out) throw InputError(path, "", "write failed (disk full?)");
}

} // namespace qat

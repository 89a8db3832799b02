// safetensors <-> at::Tensor. Reading copies out of the mapping so a tensor never outlives its file.

#include "qatbench_sdk/tensor_io.h"

#include "qatbench/error.h"
#include "util/threads.h"

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

namespace {

// Bytes [offset, offset + n) of the tensor into dst, read in 1 MiB pieces on every thread (pread: one thread
// copying a multi-GiB model out of its files, or faulting in the mapping's pages, took most of its load
// time). Read rather than from_blob: the data area need not be aligned for the element type.
void readPieces(const SafetensorsFile& file, const StTensorInfo& info, int64_t offset, int64_t n,
                std::byte* dst)
{
    constexpr int64_t kPiece = int64_t(1) << 20;
    detail::parallelRanges((n + kPiece - 1) / kPiece, false, [&](int64_t begin, int64_t end) {
        const int64_t from = begin * kPiece, to = std::min(n, end * kPiece);
        file.read(info, offset + from, to - from, dst + from);
    });
}

} // namespace

at::Tensor readTensor(const SafetensorsFile& file, const StTensorInfo& info)
{
    at::Tensor out = at::empty(info.shape, at::TensorOptions().dtype(toScalarType(info.dtype)));
    readPieces(file, info, 0, info.end - info.begin, static_cast<std::byte*>(out.data_ptr()));
    return out;
}

at::Tensor readTensor(const SafetensorsFile& file, const StTensorInfo& info, const at::Device& device)
{
    if (device.is_cpu() || info.end <= info.begin) return readTensor(file, info).to(device);
    // Through 64 MiB pinned chunks, the threads reading chunk k + 1 while the copy engine takes chunk k (a
    // pageable copy straight out of the mapping, the driver's one thread through its own bounce buffer, after
    // a host scan for NaN: 4.2 s for a 7B model where reading its files takes 1.8; this: 0.8 s;
    // docs/GPU-LOG.md, session 11). The CUDA host allocator hands a chunk out again only once the copy
    // recorded on it is done.
    constexpr int64_t kChunk = int64_t(64) << 20;
    at::Tensor out =
        at::empty(info.shape, at::TensorOptions().dtype(toScalarType(info.dtype)).device(device));
    at::Tensor raw = out.view({-1}).view(at::kByte);
    const int64_t bytes = info.end - info.begin;
    for (int64_t off = 0; off < bytes; off += kChunk) {
        const int64_t n = std::min(kChunk, bytes - off);
        at::Tensor stage = at::empty({n}, at::TensorOptions().dtype(at::kByte).pinned_memory(true));
        readPieces(file, info, off, n, static_cast<std::byte*>(stage.data_ptr()));
        raw.narrow(0, off, n).copy_(stage, /*non_blocking=*/true);
    }
    return out;
}

namespace {

// True when no element's exponent bits are all ones (NaN or infinity). Bits: the element's unsigned type.
template <class Bits> bool exponentsFinite(const std::byte* data, int64_t n, Bits exponentMask)
{
    std::atomic<bool> finite{true};
    detail::parallelRanges(n, false, [&](int64_t begin, int64_t end) {
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

bool bitsFinite(const std::byte* data, int64_t n, at::ScalarType dtype)
{
    switch (dtype) {
    case at::kBFloat16:
        return exponentsFinite<uint16_t>(data, n, 0x7F80);
    case at::kHalf:
        return exponentsFinite<uint16_t>(data, n, 0x7C00);
    case at::kFloat:
        return exponentsFinite<uint32_t>(data, n, 0x7F800000u);
    case at::kDouble:
        return exponentsFinite<uint64_t>(data, n, 0x7FF0000000000000ull);
    default:
        return true;
    }
}

} // namespace

bool storedValuesFinite(const SafetensorsFile& file, const StTensorInfo& info)
{
    return bitsFinite(file.data(info), info.numel(), toScalarType(info.dtype));
}

bool valuesFinite(const at::Tensor& t)
{
    if (!t.is_cpu() || !t.is_contiguous()) throw Error("valuesFinite: expects a contiguous CPU tensor");
    return bitsFinite(static_cast<const std::byte*>(t.data_ptr()), t.numel(), t.scalar_type());
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

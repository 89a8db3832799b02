// safetensors <-> at::Tensor. Reading copies out of the mapping so a tensor never outlives its file.

#include "qatbench_sdk/tensor_io.h"

#include "qatbench/error.h"

#include <nlohmann/json.hpp>

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
    // memcpy rather than from_blob: the data area need not be aligned for the element type.
    if (info.end > info.begin) std::memcpy(out.data_ptr(), file.data(info), size_t(info.end - info.begin));
    return out;
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

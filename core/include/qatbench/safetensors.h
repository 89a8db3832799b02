#pragma once
// A safetensors file, memory-mapped and validated (no torch types; torch conversion:
// qatbench_sdk/tensor_io.h).
//
// Intended usage:
//   1. SafetensorsFile f(path);                    // maps the file, checks every header field, reads no data
//   2. for (const auto& t : f.tensors()) ...       // name, dtype, shape, byte range
//   3. const std::byte* p = f.data(*f.find("model.norm.weight"));
// Checked before anything is used: header length (>= 2, <= 100 MB, inside the file), JSON, every dtype, shape
// (non-negative, no overflow), data_offsets (inside the data area, end - begin == dtype size x elements) and
// that no two tensors overlap. Every error is an InputError naming the file and the tensor/field.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace qat {

enum class StDType
{
    F64,
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    Bool,
};
const char* stDTypeName(StDType t); // "F32", ...
int64_t stDTypeSize(StDType t);     // bytes per element

struct StTensorInfo
{
    std::string name;
    StDType dtype = StDType::F32;
    std::vector<int64_t> shape;
    int64_t begin = 0; // byte offset inside the data area
    int64_t end = 0;   // one past the last byte
    int64_t numel() const;
};

class SafetensorsFile
{
public:
    explicit SafetensorsFile(const std::string& path);
    ~SafetensorsFile();
    SafetensorsFile(SafetensorsFile&&) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    const std::string& path() const { return m_path; }
    const std::vector<StTensorInfo>& tensors() const { return m_tensors; }
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    const StTensorInfo* find(const std::string& name) const; // nullptr when absent
    const std::byte* data(const StTensorInfo& t) const;      // the tensor's bytes (little-endian), mapped
    // Bytes [offset, offset + n) of the tensor's data into dst with pread(2), past the mapping (a one-time
    // read need not fault the mapping's pages in); safe from several threads at once. InputError when the
    // file has shrunk since it was opened.
    void read(const StTensorInfo& t, int64_t offset, int64_t n, void* dst) const;
    int64_t fileSize() const { return m_size; }

private:
    void parseHeader(const std::string& header, int64_t dataSize);

    std::string m_path;
    std::vector<StTensorInfo> m_tensors;
    std::map<std::string, size_t> m_index;
    std::map<std::string, std::string> m_metadata;
    const std::byte* m_map = nullptr;
    int m_fd = -1; // kept open for read()
    int64_t m_size = 0;
    int64_t m_dataStart = 0;
};

} // namespace qat

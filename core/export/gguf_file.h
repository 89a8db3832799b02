#pragma once
// Internal to core/export: the GGUF container, version 3 (ggml's docs/gguf.md), written in one pass.
//
// A GGUF file is: magic "GGUF", version, tensor count, key/value count; the key/value pairs; one info per
// tensor (name, dims innermost first, ggml type, offset into the data area); padding to the alignment; the
// tensor data, each tensor starting at a multiple of the alignment. Everything little-endian.
//
// Intended usage:
//   GgufWriter w;
//   w.add("general.architecture", "llama"); ...            // key/values in the order they are added
//   w.addTensor("token_embd.weight", {hidden, vocab}, GgmlType::F32);   // dims as ggml's ne[]: ne[0] first
//   AtomicFile out(path); w.writeHeader(out.stream());
//   for each tensor in the same order: w.writeTensorData(out.stream(), i, bytes);
//   out.commit();                                          // renames the temporary file into place

#include <cstdint>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

namespace qat::gguf {

// ggml's tensor types that this writer produces (values from ggml.h).
enum class GgmlType : uint32_t
{
    F32 = 0,
    F16 = 1,
    Q4_1 = 3,
    Q5_1 = 7,
    Q4_K = 12,
    BF16 = 30,
};
const char* ggmlTypeName(GgmlType t); // "Q4_1", ...
int64_t ggmlBlockSize(GgmlType t);    // elements per block: 32 for Q4_1 / Q5_1, 256 for Q4_K, 1 otherwise
int64_t ggmlTypeSize(GgmlType t);     // bytes per block: Q4_1 20, Q5_1 24, Q4_K 144, F16/BF16 2, F32 4

// GGUF metadata value types (docs/gguf.md).
enum class ValueType : uint32_t
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
};

using Value = std::variant<uint32_t, int32_t, float, bool, std::string, std::vector<std::string>,
                           std::vector<float>, std::vector<int32_t>>;

constexpr uint32_t kAlignment = 32; // general.alignment's default; we do not write the key

class GgufWriter
{
public:
    void add(const std::string& key, Value value);
    // Returns the tensor's index. dims are ggml's ne[] (ne[0] = the contiguous, innermost dimension).
    size_t addTensor(const std::string& name, std::vector<int64_t> dims, GgmlType type);

    int64_t tensorBytes(size_t index) const;
    int64_t fileSize() const; // header + data, known before anything is written
    void writeHeader(std::ostream& out) const;
    // bytes must be exactly tensorBytes(index); tensors must be written in index order.
    void writeTensorData(std::ostream& out, size_t index, const void* bytes, int64_t size);

private:
    struct Tensor
    {
        std::string name;
        std::vector<int64_t> dims;
        GgmlType type;
        uint64_t offset = 0;
    };
    int64_t headerSize() const;
    std::vector<std::pair<std::string, Value>> m_kv;
    std::vector<Tensor> m_tensors;
    uint64_t m_dataSize = 0;
    size_t m_next = 0;
};

// A file written under a temporary name next to its destination and renamed into place by commit(); the
// destructor removes the temporary file when commit() was not reached (an exception, a full disk), so a
// failed export never leaves a file that looks finished. Write errors throw qat::Error naming the path.
class AtomicFile
{
public:
    explicit AtomicFile(std::string path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    std::ostream& stream() { return m_out; }
    void check(); // throws when a write has failed so far
    void commit();
    const std::string& temporaryPath() const { return m_tmp; }

private:
    std::string m_path;
    std::string m_tmp;
    std::ofstream m_out;
    bool m_done = false;
};

} // namespace qat::gguf

// The GGUF v3 container (see gguf_file.h).
#include "export/gguf_file.h"

#include "qatbench/error.h"

#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace qat::gguf {

namespace {

static_assert(sizeof(float) == 4);

template <typename T> void put(std::ostream& out, T v)
{
    // The format is little-endian; so are the machines QATBench builds for (x86-64, aarch64).
    out.write(reinterpret_cast<const char*>(&v), sizeof v);
}

void putString(std::ostream& out, const std::string& s)
{
    put<uint64_t>(out, s.size());
    out.write(s.data(), std::streamsize(s.size()));
}

int64_t stringSize(const std::string& s)
{
    return 8 + int64_t(s.size());
}

uint64_t alignUp(uint64_t n)
{
    return (n + kAlignment - 1) / kAlignment * kAlignment;
}

// The on-disk size of a value (its type tag not included) and the writer, from one visitor each.
struct ValueSize
{
    int64_t operator()(uint32_t) const { return 4; }
    int64_t operator()(int32_t) const { return 4; }
    int64_t operator()(float) const { return 4; }
    int64_t operator()(bool) const { return 1; }
    int64_t operator()(const std::string& s) const { return stringSize(s); }
    int64_t operator()(const std::vector<std::string>& v) const
    {
        int64_t n = 12;
        for (const auto& s : v)
            n += stringSize(s);
        return n;
    }
    int64_t operator()(const std::vector<float>& v) const { return 12 + 4 * int64_t(v.size()); }
    int64_t operator()(const std::vector<int32_t>& v) const { return 12 + 4 * int64_t(v.size()); }
};

struct ValueWriter
{
    std::ostream& out;
    void operator()(uint32_t v) const { tagged(ValueType::UInt32, v); }
    void operator()(int32_t v) const { tagged(ValueType::Int32, v); }
    void operator()(float v) const { tagged(ValueType::Float32, v); }
    void operator()(bool v) const { tagged(ValueType::Bool, uint8_t(v ? 1 : 0)); }
    void operator()(const std::string& s) const
    {
        put(out, uint32_t(ValueType::String));
        putString(out, s);
    }
    void operator()(const std::vector<std::string>& v) const
    {
        array(ValueType::String, v.size());
        for (const auto& s : v)
            putString(out, s);
    }
    void operator()(const std::vector<float>& v) const
    {
        array(ValueType::Float32, v.size());
        out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(4 * v.size()));
    }
    void operator()(const std::vector<int32_t>& v) const
    {
        array(ValueType::Int32, v.size());
        out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(4 * v.size()));
    }
    template <typename T> void tagged(ValueType t, T v) const
    {
        put(out, uint32_t(t));
        put(out, v);
    }
    void array(ValueType element, size_t n) const
    {
        put(out, uint32_t(ValueType::Array));
        put(out, uint32_t(element));
        put<uint64_t>(out, n);
    }
};

} // namespace

const char* ggmlTypeName(GgmlType t)
{
    switch (t) {
    case GgmlType::F32:
        return "F32";
    case GgmlType::F16:
        return "F16";
    case GgmlType::Q4_1:
        return "Q4_1";
    case GgmlType::Q5_1:
        return "Q5_1";
    case GgmlType::Q4_K:
        return "Q4_K";
    case GgmlType::BF16:
        return "BF16";
    }
    return "?";
}

int64_t ggmlBlockSize(GgmlType t)
{
    if (t == GgmlType::Q4_K) return 256;
    return t == GgmlType::Q4_1 || t == GgmlType::Q5_1 ? 32 : 1;
}

int64_t ggmlTypeSize(GgmlType t)
{
    switch (t) {
    case GgmlType::F32:
        return 4;
    case GgmlType::F16:
    case GgmlType::BF16:
        return 2;
    case GgmlType::Q4_1:
        return 20; // fp16 d, fp16 m, 16 bytes of nibbles
    case GgmlType::Q5_1:
        return 24; // fp16 d, fp16 m, 4 bytes of fifth bits, 16 bytes of nibbles
    case GgmlType::Q4_K:
        return 144; // fp16 d, fp16 dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles
    }
    return 0;
}

void GgufWriter::add(const std::string& key, Value value)
{
    m_kv.emplace_back(key, std::move(value));
}

size_t GgufWriter::addTensor(const std::string& name, std::vector<int64_t> dims, GgmlType type)
{
    if (dims.empty() || dims[0] % ggmlBlockSize(type) != 0)
        throw Error("GGUF tensor " + name + ": its row of " + std::to_string(dims.empty() ? 0 : dims[0]) +
                    " is not a multiple of " + ggmlTypeName(type) + "'s block of " +
                    std::to_string(ggmlBlockSize(type)));
    Tensor t{name, std::move(dims), type, m_dataSize};
    m_tensors.push_back(std::move(t));
    m_dataSize = alignUp(m_dataSize + uint64_t(tensorBytes(m_tensors.size() - 1)));
    return m_tensors.size() - 1;
}

int64_t GgufWriter::tensorBytes(size_t index) const
{
    const Tensor& t = m_tensors.at(index);
    int64_t n = 1;
    for (auto d : t.dims)
        n *= d;
    return n / ggmlBlockSize(t.type) * ggmlTypeSize(t.type);
}

int64_t GgufWriter::headerSize() const
{
    int64_t n = 4 + 4 + 8 + 8;
    for (const auto& [k, v] : m_kv)
        n += stringSize(k) + 4 + std::visit(ValueSize{}, v);
    for (const auto& t : m_tensors)
        n += stringSize(t.name) + 4 + 8 * int64_t(t.dims.size()) + 4 + 8;
    return int64_t(alignUp(uint64_t(n)));
}

int64_t GgufWriter::fileSize() const
{
    return headerSize() + int64_t(m_dataSize);
}

void GgufWriter::writeHeader(std::ostream& out) const
{
    out.write("GGUF", 4);
    put<uint32_t>(out, 3);
    put<uint64_t>(out, m_tensors.size());
    put<uint64_t>(out, m_kv.size());
    for (const auto& [k, v] : m_kv) {
        putString(out, k);
        std::visit(ValueWriter{out}, v);
    }
    for (const auto& t : m_tensors) {
        putString(out, t.name);
        put<uint32_t>(out, uint32_t(t.dims.size()));
        for (auto d : t.dims)
            put<uint64_t>(out, uint64_t(d));
        put<uint32_t>(out, uint32_t(t.type));
        put<uint64_t>(out, t.offset);
    }
    const int64_t pos = int64_t(out.tellp());
    const int64_t pad = headerSize() - pos;
    if (pad < 0 || pad >= int64_t(kAlignment)) throw Error("GGUF writer: header size mismatch (a bug)");
    static const char zeros[kAlignment] = {};
    out.write(zeros, pad);
}

void GgufWriter::writeTensorData(std::ostream& out, size_t index, const void* bytes, int64_t size)
{
    if (index != m_next) throw Error("GGUF writer: tensors written out of order (a bug)");
    if (size != tensorBytes(index))
        throw Error("GGUF writer: tensor " + m_tensors[index].name + " has " + std::to_string(size) +
                    " bytes; expected " + std::to_string(tensorBytes(index)) + " (a bug)");
    out.write(static_cast<const char*>(bytes), std::streamsize(size));
    const uint64_t end = m_tensors[index].offset + uint64_t(size);
    static const char zeros[kAlignment] = {};
    out.write(zeros, std::streamsize(alignUp(end) - end));
    ++m_next;
}

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path))
{
    m_tmp = m_path + ".partial-" + std::to_string(::getpid());
    m_out.open(m_tmp, std::ios::binary | std::ios::trunc);
    if (!m_out) throw InputError(m_tmp, "", std::string("cannot create: ") + std::strerror(errno));
}

AtomicFile::~AtomicFile()
{
    if (m_done) return;
    m_out.close();
    std::error_code ec;
    std::filesystem::remove(m_tmp, ec);
}

void AtomicFile::check()
{
    if (!m_out) throw InputError(m_tmp, "", "write failed (disk full?); the partial file is removed");
}

void AtomicFile::commit()
{
    m_out.flush();
    check();
    m_out.close();
    if (m_out.fail()) throw InputError(m_tmp, "", "closing failed (disk full?); the partial file is removed");
    std::error_code ec;
    std::filesystem::rename(m_tmp, m_path, ec);
    if (ec) throw InputError(m_path, "", "cannot rename the finished file into place: " + ec.message());
    m_done = true;
}

} // namespace qat::gguf

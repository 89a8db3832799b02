// The safetensors reader: mmap + a header that is checked field by field before any byte of data is used, so
// a truncated or lying file ends in an InputError instead of a read past the mapping.

#include "qatbench/safetensors.h"

#include "qatbench/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace qat {

namespace {

constexpr int64_t kMaxHeader = 100 * 1024 * 1024; // the reference implementation's limit

struct DTypeEntry
{
    const char* name;
    StDType type;
    int64_t size;
};
constexpr DTypeEntry kDTypes[] = {
    {"F64", StDType::F64, 8},   {"F32", StDType::F32, 4}, {"F16", StDType::F16, 2},
    {"BF16", StDType::BF16, 2}, {"I64", StDType::I64, 8}, {"I32", StDType::I32, 4},
    {"I16", StDType::I16, 2},   {"I8", StDType::I8, 1},   {"U8", StDType::U8, 1},
    {"BOOL", StDType::Bool, 1},
};

bool mulOverflows(int64_t a, int64_t b)
{
    return a != 0 && b > std::numeric_limits<int64_t>::max() / a;
}

} // namespace

const char* stDTypeName(StDType t)
{
    for (const auto& d : kDTypes)
        if (d.type == t) return d.name;
    return "?";
}

int64_t stDTypeSize(StDType t)
{
    for (const auto& d : kDTypes)
        if (d.type == t) return d.size;
    return 0;
}

int64_t StTensorInfo::numel() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : m_path(path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(path, "", std::string("cannot open: ") + std::strerror(errno));
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw InputError(path, "", "not a regular file");
    }
    m_size = int64_t(st.st_size);
    if (m_size < 8) {
        ::close(fd);
        throw InputError(path, "header length",
                         "file is " + std::to_string(m_size) +
                             " bytes, too short for a safetensors header (truncated?)");
    }
    void* p = ::mmap(nullptr, size_t(m_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        const int e = errno;
        ::close(fd);
        throw InputError(path, "", std::string("cannot map: ") + std::strerror(e));
    }
    m_map = static_cast<const std::byte*>(p);
    m_fd = fd;
    try {
        uint64_t headerLen = 0;
        for (int i = 7; i >= 0; --i)
            headerLen = (headerLen << 8) | uint64_t(std::to_integer<uint8_t>(m_map[i]));
        if (headerLen < 2 || headerLen > uint64_t(kMaxHeader) || int64_t(headerLen) > m_size - 8)
            throw InputError(path, "header length",
                             std::to_string(headerLen) + " bytes does not fit a " + std::to_string(m_size) +
                                 "-byte file (truncated or not a safetensors file)");
        m_dataStart = 8 + int64_t(headerLen);
        parseHeader(std::string(reinterpret_cast<const char*>(m_map) + 8, headerLen), m_size - m_dataStart);
    } catch (...) {
        ::munmap(const_cast<std::byte*>(m_map), size_t(m_size));
        ::close(m_fd);
        m_map = nullptr;
        m_fd = -1;
        throw;
    }
}

SafetensorsFile::~SafetensorsFile()
{
    if (m_map) ::munmap(const_cast<std::byte*>(m_map), size_t(m_size));
    if (m_fd >= 0) ::close(m_fd);
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& o) noexcept
    : m_path(std::move(o.m_path)), m_tensors(std::move(o.m_tensors)), m_index(std::move(o.m_index)),
      m_metadata(std::move(o.m_metadata)), m_map(o.m_map), m_fd(o.m_fd), m_size(o.m_size),
      m_dataStart(o.m_dataStart)
{
    o.m_map = nullptr;
    o.m_fd = -1;
}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& o) noexcept
{
    if (this != &o) {
        if (m_map) ::munmap(const_cast<std::byte*>(m_map), size_t(m_size));
        if (m_fd >= 0) ::close(m_fd);
        m_path = std::move(o.m_path);
        m_tensors = std::move(o.m_tensors);
        m_index = std::move(o.m_index);
        m_metadata = std::move(o.m_metadata);
        m_map = o.m_map;
        m_fd = o.m_fd;
        m_size = o.m_size;
        m_dataStart = o.m_dataStart;
        o.m_map = nullptr;
        o.m_fd = -1;
    }
    return *this;
}

void SafetensorsFile::parseHeader(const std::string& header, int64_t dataSize)
{
    using nlohmann::json;
    json root;
    try {
        root = json::parse(header);
    } catch (const json::exception& e) { // parse errors, and numbers beyond double (out_of_range 406)
        throw InputError(m_path, "header", std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object()) throw InputError(m_path, "header", "must be a JSON object");
    for (auto it = root.begin(); it != root.end(); ++it) {
        const std::string& name = it.key();
        const json& v = it.value();
        if (name == "__metadata__") {
            if (!v.is_object()) throw InputError(m_path, "__metadata__", "must be an object of strings");
            for (auto m = v.begin(); m != v.end(); ++m)
                if (m.value().is_string()) m_metadata[m.key()] = m.value().get<std::string>();
            continue;
        }
        auto fail = [&](const std::string& field, const std::string& msg) {
            throw InputError(m_path, name + "." + field, msg);
        };
        if (!v.is_object()) fail("", "tensor entry must be an object");
        StTensorInfo t;
        t.name = name;
        const auto dt = v.find("dtype");
        if (dt == v.end() || !dt->is_string()) fail("dtype", "missing or not a string");
        const auto known = std::find_if(std::begin(kDTypes), std::end(kDTypes), [&](const DTypeEntry& d) {
            return dt->get<std::string>() == d.name;
        });
        if (known == std::end(kDTypes)) fail("dtype", "unsupported dtype " + dt->dump());
        t.dtype = known->type;
        const auto shape = v.find("shape");
        if (shape == v.end() || !shape->is_array()) fail("shape", "missing or not a list");
        int64_t bytes = known->size;
        for (const auto& d : *shape) {
            if (!d.is_number_integer() || d.get<int64_t>() < 0)
                fail("shape", "dimensions must be integers >= 0");
            const int64_t n = d.get<int64_t>();
            if (mulOverflows(bytes, n)) fail("shape", "too large");
            t.shape.push_back(n);
            bytes *= n;
        }
        const auto off = v.find("data_offsets");
        if (off == v.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_integer() ||
            !(*off)[1].is_number_integer())
            fail("data_offsets", "must be a list of two integers [begin, end]");
        t.begin = (*off)[0].get<int64_t>();
        t.end = (*off)[1].get<int64_t>();
        if (t.begin < 0 || t.end < t.begin || t.end > dataSize)
            fail("data_offsets", "[" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                                     "] lies outside the data area of " + std::to_string(dataSize) +
                                     " bytes (truncated file or lying header)");
        if (t.end - t.begin != bytes)
            fail("data_offsets", "holds " + std::to_string(t.end - t.begin) + " bytes but " + known->name +
                                     " x shape needs " + std::to_string(bytes));
        m_index[name] = m_tensors.size();
        m_tensors.push_back(std::move(t));
    }
    std::vector<const StTensorInfo*> sorted;
    for (const auto& t : m_tensors)
        sorted.push_back(&t);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
    for (size_t i = 1; i < sorted.size(); ++i)
        if (sorted[i]->begin < sorted[i - 1]->end)
            throw InputError(m_path, sorted[i]->name + ".data_offsets",
                             "overlaps tensor '" + sorted[i - 1]->name + "' (lying header)");
}

const StTensorInfo* SafetensorsFile::find(const std::string& name) const
{
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

const std::byte* SafetensorsFile::data(const StTensorInfo& t) const
{
    return m_map + m_dataStart + t.begin;
}

void SafetensorsFile::read(const StTensorInfo& t, int64_t offset, int64_t n, void* dst) const
{
    auto* out = static_cast<std::byte*>(dst);
    int64_t at = m_dataStart + t.begin + offset;
    while (n > 0) {
        const ssize_t got = ::pread(m_fd, out, size_t(n), off_t(at));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0)
            throw InputError(m_path, t.name,
                             got < 0 ? std::string("read failed: ") + std::strerror(errno)
                                     : std::string("the file ends early: it changed since it was opened"));
        out += got;
        at += got;
        n -= got;
    }
}

} // namespace qat

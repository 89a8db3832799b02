// safetensors: the 8-byte header length, the JSON header and every tensor's dtype, shape and data_offsets
// (qat::SafetensorsFile, core/model/safetensors.cpp). The reader takes a path and maps the file, so the bytes
// go through a scratch file.
#include "fuzz_target.h"

#include "qatbench/safetensors.h"

#include <algorithm>
#include <limits>
#include <vector>

QAT_FUZZ_TARGET(safetensors)
{
    static const std::string path = qat::fuzz::scratchFile("safetensors", "model.safetensors");
    qat::fuzz::writeScratch(path, data, size);
    const qat::SafetensorsFile f(path);

    // What an accepted file promises (safetensors.h): every tensor lies inside the data area, holds exactly
    // dtype size x elements bytes, and no two overlap.
    QAT_FUZZ_REQUIRE(size >= 8, "a file shorter than the length field was accepted");
    uint64_t headerLen = 0;
    for (int i = 7; i >= 0; --i)
        headerLen = (headerLen << 8) | data[i];
    QAT_FUZZ_REQUIRE(headerLen <= size - 8, "the header runs past the end of the file");
    const int64_t dataSize = int64_t(size - 8 - headerLen);
    QAT_FUZZ_REQUIRE(f.fileSize() == int64_t(size), "fileSize() is not the file's size");

    std::vector<std::pair<int64_t, int64_t>> ranges;
    uint64_t checksum = 0;
    for (const auto& t : f.tensors()) {
        QAT_FUZZ_REQUIRE(0 <= t.begin && t.begin <= t.end && t.end <= dataSize, t.name);
        int64_t numel = 1;
        for (int64_t d : t.shape) {
            QAT_FUZZ_REQUIRE(d >= 0, t.name);
            QAT_FUZZ_REQUIRE(d == 0 || numel <= std::numeric_limits<int64_t>::max() / d, t.name);
            numel *= d;
        }
        QAT_FUZZ_REQUIRE(numel == t.numel(), t.name);
        QAT_FUZZ_REQUIRE(t.end - t.begin == numel * qat::stDTypeSize(t.dtype), t.name);
        QAT_FUZZ_REQUIRE(f.find(t.name) == &t, t.name);
        // Every byte the reader hands out is read once: a range past the mapping would fault here.
        const std::byte* p = f.data(t);
        for (int64_t i = 0; i < t.end - t.begin; ++i)
            checksum += std::to_integer<uint8_t>(p[i]);
        ranges.emplace_back(t.begin, t.end);
    }
    // Uses the sum, so the reads stay: the tensors' bytes are distinct bytes of the file.
    QAT_FUZZ_REQUIRE(checksum <= uint64_t(size) * 255, "the tensors hold more bytes than the file");
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i)
        QAT_FUZZ_REQUIRE(ranges[i].first >= ranges[i - 1].second, "two tensors overlap");
}

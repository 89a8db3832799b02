// What every fuzz target shares: the refusal contract, scratch files, the replay registry.
#include "fuzz_replay.h"
#include "fuzz_target.h"

#include "qatbench/error.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ftw.h>
#include <map>
#include <unistd.h>

namespace qat::fuzz {

namespace fs = std::filesystem;

void runOne(Body body, const uint8_t* data, size_t size)
{
    try {
        body(data, size);
    } catch (const InputError& e) {
        if (e.file().empty()) throw Violation(std::string("an InputError that names no file: ") + e.what());
    } catch (const ConfigError&) {
        // Its field is a JSON path; empty for the document itself ("must be a JSON object").
    }
}

namespace {

int removeEntry(const char* path, const struct stat*, int, struct FTW*)
{
    return ::remove(path);
}

struct Scratch
{
    fs::path root;
    Scratch()
    {
        // Memory-backed by default: a write per input to a disk folder made the file targets 6x slower.
        const char* base = std::getenv("QAT_FUZZ_SCRATCH");
        fs::path dir = base && *base                     ? fs::path(base)
                       : ::access("/dev/shm", W_OK) == 0 ? fs::path("/dev/shm")
                                                         : fs::temp_directory_path();
        root = dir / ("qatfuzz-" + std::to_string(::getpid()));
        fs::create_directories(root);
    }
    // Not std::filesystem::remove_all (see tests/support/qat_test.cpp); nftw is plain libc.
    ~Scratch() { ::nftw(root.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS); }
};

Scratch& scratch()
{
    static Scratch s;
    return s;
}

std::vector<std::pair<std::string, Body>>& registry()
{
    static std::vector<std::pair<std::string, Body>> r;
    return r;
}

} // namespace

std::string scratchFile(const std::string& target, const std::string& name)
{
    const fs::path dir = scratch().root / target;
    if (!fs::is_directory(dir)) fs::create_directories(dir);
    return (dir / name).string();
}

const std::string& writeScratch(const std::string& path, const uint8_t* data, size_t size)
{
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("fuzz harness: cannot write " + path);
    if (size) std::fwrite(data, 1, size, f);
    std::fclose(f);
    return path;
}

Registrar::Registrar(const char* name, Body body)
{
    registry().emplace_back(name, body);
}

const std::vector<std::pair<std::string, Body>>& registeredTargets()
{
    return registry();
}

} // namespace qat::fuzz

#include "qat_test.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include <ftw.h>

namespace qat::test {

namespace fs = std::filesystem;

std::string dataPath(const std::string& rel)
{
    const char* root = std::getenv("QATBENCH_TEST_DATA");
    if (!root || !*root)
        throw Skip{"QATBENCH_TEST_DATA is not set: this test needs the shared test data (e.g. "
                   "QATBENCH_TEST_DATA=../shared)"};
    fs::path p = fs::path(root) / rel;
    if (!fs::exists(p))
        throw Failure{"QATBENCH_TEST_DATA=" + std::string(root) + " but " + p.string() + " does not exist"};
    return p.string();
}

namespace {
int removeEntry(const char* path, const struct stat*, int, struct FTW*) { return ::remove(path); }

struct TempDirs
{
    std::vector<fs::path> dirs;
    ~TempDirs()
    {
        for (const auto& d : dirs) removeTree(d.string());
    }
};
TempDirs& tempDirs()
{
    static TempDirs dirs;
    return dirs;
}
} // namespace

// Not std::filesystem::remove_all: Python torch's libtorch.so (2.11) exports its own std::filesystem symbols,
// and its remove_all, bound in place of libstdc++'s, jumps to address 0 (seen on the CUDA machine under
// cuda-gdb). nftw is plain libc.
void removeTree(const std::string& path)
{
    ::nftw(path.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
}

std::string tempDir()
{
    static std::mt19937_64 rng{std::random_device{}()};
    fs::path p = fs::temp_directory_path() / ("qatbench-test-" + std::to_string(rng()));
    fs::create_directories(p);
    tempDirs().dirs.push_back(p);
    return p.string();
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Failure{"cannot read " + path};
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const std::string& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) throw Failure{"cannot write " + path};
}

int runAll(int argc, char** argv)
{
    std::string only = argc > 1 ? argv[1] : "";
    int passed = 0, failed = 0, skipped = 0;
    const std::string exe = fs::path(argv[0]).filename().string();
    std::cout << "********* Start testing of " << exe << " *********\n";
    for (const auto& [name, fn] : Registry::instance().tests) {
        if (!only.empty() && name != only) continue;
        try {
            fn();
            ++passed;
            std::cout << "PASS   : " << exe << "::" << name << "()\n";
        } catch (const Skip& s) {
            ++skipped;
            std::cout << "SKIP   : " << exe << "::" << name << "() " << s.message << "\n";
        } catch (const Failure& f) {
            ++failed;
            std::cout << "FAIL!  : " << exe << "::" << name << "() " << f.message << "\n";
        } catch (const std::exception& e) {
            ++failed;
            std::cout << "FAIL!  : " << exe << "::" << name << "() unexpected exception: " << e.what() << "\n";
        }
        std::cout.flush();
    }
    std::cout << "Totals: " << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
    std::cout << "********* Finished testing of " << exe << " *********\n";
    if (failed > 0) return 1;
    if (passed == 0 && skipped > 0) return 77; // CTest: SKIP_RETURN_CODE
    return 0;
}

} // namespace qat::test

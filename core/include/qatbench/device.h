#pragma once
// Compute devices as plain data (no torch types: the GUI lists them), and the CPU thread count.

#include <cstdint>
#include <string>
#include <vector>

namespace qat {

struct DeviceInfo
{
    std::string id;          // "cpu", "cuda:0", ...
    std::string name;        // "CPU (16 threads)", "NVIDIA H100 80GB HBM3"
    int64_t memoryBytes = 0; // total memory of a GPU; 0 for the CPU
    bool cuda = false;
};

// The CPU first, then every CUDA GPU LibTorch sees.
std::vector<DeviceInfo> listDevices();

// Sets LibTorch's intra-op threads: threads > 0 as given; 0 = $QATBENCH_THREADS when set, else the hardware's
// count (LibTorch may start with one). OpenBLAS, when loaded, gets the same count. Returns the count set.
int configureThreads(int threads = 0);
// configureThreads(0) unless configureThreads was called before or LibTorch already runs several threads
// (LlamaModel::load calls it: LibTorch may start with one thread, and a count the caller chose must stay).
void configureThreadsOnce();
// Configures glibc's malloc to keep freed memory for reuse instead of mapping and unmapping every large
// temporary tensor (once per process; configureThreads calls it). Linux/glibc only.
void configureAllocator();

// Checks "cpu", "cuda" or "cuda:N" against what is available; throws ConfigError(field) otherwise.
std::string checkDevice(const std::string& device, const std::string& field = "device");

} // namespace qat

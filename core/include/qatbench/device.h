#pragma once
// Compute devices as plain data (no torch types: the GUI lists them), and the CPU thread count.

#include <cstdint>
#include <string>
#include <utility>
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

// Variables an engine process should be started with, beyond this process's environment (name, value):
// GOMP_SPINCOUNT=1000 unless GOMP_SPINCOUNT or OMP_WAIT_POLICY is set. libgomp spins ~300,000 rounds at every
// parallel region's barrier before it sleeps, so on a machine with few cores the engine's other threads wait
// behind spinning workers; it reads the setting once, when it is loaded, so a process cannot change it for
// itself, only for the processes it starts (the workbench's engine, the ranks of a data-parallel run).
// stories260K DL-QAT on 2 cores trained 2.1x faster with it (docs/GPU.md, CPU path).
std::vector<std::pair<std::string, std::string>> engineEnvironment();

// Checks "cpu", "cuda" or "cuda:N" against what is available; throws ConfigError(field) otherwise.
std::string checkDevice(const std::string& device, const std::string& field = "device");

} // namespace qat

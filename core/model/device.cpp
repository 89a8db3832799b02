// Devices and threads for the model code.

#include "qatbench/device.h"

#include "qatbench/error.h"
#include "util/threads.h"

#include "qatbench_sdk/torch.h"

#include <atomic>
#include <cstdlib>
#include <limits>
#include <malloc.h>
#include <mutex>
#include <thread>

#ifdef QATBENCH_HAVE_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

namespace qat {

std::vector<DeviceInfo> listDevices()
{
    std::vector<DeviceInfo> out;
    const int threads = at::get_num_threads();
    out.push_back({"cpu",
                   "CPU (" + std::to_string(std::thread::hardware_concurrency()) + " hardware threads, " +
                       std::to_string(threads) + " in use)",
                   0, false});
#ifdef QATBENCH_HAVE_CUDA
    if (torch::cuda::is_available()) {
        for (int i = 0; i < int(torch::cuda::device_count()); ++i) {
            DeviceInfo d;
            d.id = "cuda:" + std::to_string(i);
            const auto* props = at::cuda::getDeviceProperties(i);
            d.name = props->name;
            d.memoryBytes = int64_t(props->totalGlobalMem);
            d.cuda = true;
            out.push_back(d);
        }
    }
#else
    if (torch::cuda::is_available())
        for (int i = 0; i < int(torch::cuda::device_count()); ++i)
            out.push_back({"cuda:" + std::to_string(i), "CUDA GPU " + std::to_string(i), 0, true});
#endif
    return out;
}

void configureAllocator()
{
    // glibc serves blocks over its mmap threshold (at most 32 MiB) with fresh mappings and returns them at
    // free(): every large temporary tensor (attention scores, logits) was mapped, faulted in page by page and
    // unmapped at every op, and 18 of 24 s of a CPU evaluation were system time (issue 13, item 7). Served
    // from the heap and never trimmed, freed blocks are reused as they are. GLIBC_TUNABLES or a set
    // MALLOC_MMAP_MAX_ from the user wins.
    static std::once_flag once;
    std::call_once(once, [] {
        if (std::getenv("GLIBC_TUNABLES") || std::getenv("MALLOC_MMAP_MAX_")) return;
        mallopt(M_MMAP_MAX, 0);
        mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
        mallopt(M_TOP_PAD, 64 << 20);
        // One arena for all threads: a thread's own arena lives in mapped heaps of at most 64 MiB that are
        // mapped, faulted in and given back as above, and a larger block falls back to the main arena anyway.
        // Measured with the CPU evaluation split over two threads (gutenberg-llama-22M, 32 windows, logits of
        // 262 MB per part): 29.5 s with 8.9 s of system time, 19.3 s with 4.5 s in one arena.
        mallopt(M_ARENA_MAX, 1);
    });
}

namespace {
std::atomic<bool> g_threadsConfigured{false};
}

int configureThreads(int threads)
{
    g_threadsConfigured = true;
    configureAllocator();
    if (threads <= 0) {
        // $QATBENCH_THREADS wins over the hardware count: on a shared, oversubscribed machine OpenMP barriers
        // between many tiny ops can cost more than the ops.
        const char* env = std::getenv("QATBENCH_THREADS");
        threads = env && std::atoi(env) > 0 ? std::atoi(env)
                                            : int(std::max(1u, std::thread::hardware_concurrency()));
    }
    at::set_num_threads(threads);
    // LibTorch on Debian runs its GEMMs through OpenBLAS, whose own thread pool ignores the count above: on a
    // busy machine its threads spin in sched_yield. When OpenBLAS is loaded, it gets the same count.
    detail::setBlasThreads(threads);
    return threads;
}

std::vector<std::pair<std::string, std::string>> engineEnvironment()
{
    if (std::getenv("GOMP_SPINCOUNT") || std::getenv("OMP_WAIT_POLICY")) return {};
    return {{"GOMP_SPINCOUNT", "1000"}};
}

void configureThreadsOnce()
{
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    if (!g_threadsConfigured && at::get_num_threads() <= 1) configureThreads(0);
}

std::string checkDevice(const std::string& device, const std::string& field)
{
    if (device == "cpu") return device;
    if (device.rfind("cuda", 0) == 0) {
        int index = 0;
        if (device.size() > 4) {
            if (device[4] != ':' || device.size() == 5 ||
                device.find_first_not_of("0123456789", 5) != std::string::npos)
                throw ConfigError(field, "'" + device + "' is not a device (cpu, cuda or cuda:N)");
            index = std::stoi(device.substr(5));
        }
        if (!torch::cuda::is_available())
            throw ConfigError(field, "'" + device + "' requested but this build/machine has no CUDA GPU");
        if (index >= int(torch::cuda::device_count()))
            throw ConfigError(field, "'" + device + "': only " + std::to_string(torch::cuda::device_count()) +
                                         " CUDA device(s)");
        // QATBENCH_TF32=1: float32 matmuls and convolutions on TF32 tensor cores (10-bit mantissa inputs,
        // float32 accumulation), as torch.backends.cuda.matmul.allow_tf32 does; LibTorch's default is off.
        if (const char* tf32 = std::getenv("QATBENCH_TF32"); tf32 && std::string(tf32) == "1") {
            at::globalContext().setAllowTF32CuBLAS(true);
            at::globalContext().setAllowTF32CuDNN(true);
        }
        return device;
    }
    throw ConfigError(field, "'" + device + "' is not a device (cpu, cuda or cuda:N)");
}

} // namespace qat

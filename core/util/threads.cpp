// Compiled with OpenMP (core/CMakeLists.txt) and without the torch precompiled header, which is built
// without it.

#include "util/threads.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <dlfcn.h>
#include <exception>
#include <optional>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace qat::detail {

namespace {

#ifdef _OPENMP
// Whether LibTorch's at::in_parallel_region() sees a region opened here: false when this file's OpenMP
// runtime is not the one LibTorch's ops use (a wheel that bundles its own libgomp), so ops in the region
// would each start a team of their own.
bool torchSeesOurRegions()
{
    static const bool seen = [] {
        std::atomic<bool> inside{false};
#pragma omp parallel num_threads(2)
        {
            if (omp_get_thread_num() == 0) inside = omp_get_num_threads() > 1 && at::in_parallel_region();
        }
        return inside.load();
    }();
    return seen;
}
#endif

using GetThreads = int (*)();
using SetThreads = void (*)(int);

} // namespace

void parallelRanges(int64_t n, bool withTorchOps, const std::function<void(int64_t, int64_t)>& fn)
{
    if (n <= 0) return;
#ifdef _OPENMP
    const int64_t threads = std::min<int64_t>(at::get_num_threads(), n);
    if (threads > 1 && !omp_in_parallel() && !at::in_parallel_region() &&
        (!withTorchOps || torchSeesOurRegions())) {
        std::optional<ScopedBlasThreads> blas;
        if (withTorchOps) blas.emplace(1);
        std::exception_ptr error;
        std::atomic_flag failed = ATOMIC_FLAG_INIT;
#pragma omp parallel num_threads(int(threads))
        {
            const int64_t t = omp_get_thread_num(), count = omp_get_num_threads();
            const int64_t begin = n * t / count, end = n * (t + 1) / count;
            try {
                if (begin < end) fn(begin, end);
            } catch (...) {
                if (!failed.test_and_set()) error = std::current_exception();
            }
        }
        if (error) std::rethrow_exception(error);
        return;
    }
#else
    (void)withTorchOps;
#endif
    fn(0, n);
}

int blasThreads()
{
    static const auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return get ? get() : 0;
}

void setBlasThreads(int threads)
{
    static const auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (set && threads > 0) set(threads);
}

ScopedBlasThreads::ScopedBlasThreads(int threads) : m_previous(blasThreads())
{
    if (m_previous > 0 && m_previous != threads) setBlasThreads(threads);
}

ScopedBlasThreads::~ScopedBlasThreads()
{
    if (m_previous > 0 && m_previous != blasThreads()) setBlasThreads(m_previous);
}

} // namespace qat::detail

#pragma once
// Internal to core: work split over LibTorch's threads in one parallel region, and OpenBLAS's thread pool,
// which LibTorch's thread count does not reach.

#include <cstdint>
#include <functional>

namespace qat::detail {

// Calls fn(begin, end) on contiguous pieces of [0, n), one piece per thread of LibTorch's count, all in one
// OpenMP parallel region on LibTorch's OpenMP runtime; fn(0, n) on the caller's thread when there is one
// thread, when already inside a parallel region, or when the build has no OpenMP. Rethrows the first
// exception of any piece. at::parallel_for cannot do this from core: it is a header template that runs
// serially unless its translation unit is compiled with OpenMP, and this file is core's only one that is.
//
// withTorchOps: fn calls LibTorch ops. Inside the region they run single-threaded and OpenBLAS is held at one
// thread meanwhile. On a machine whose cores are shared with other processes this is what keeps a CPU
// forward fast: hundreds of small ops, each its own parallel region, wait at each barrier for a thread the
// scheduler has taken away. Grad mode is per thread and the region's threads do not inherit it: fn sets what
// it needs. When LibTorch's ops would not see the region (an OpenMP runtime other than LibTorch's), the work
// runs serially on the caller's thread instead, with LibTorch's own threading.
void parallelRanges(int64_t n, bool withTorchOps, const std::function<void(int64_t, int64_t)>& fn);

// OpenBLAS's thread count when OpenBLAS is loaded (Debian's LibTorch runs its GEMMs there), 0 otherwise.
int blasThreads();
void setBlasThreads(int threads); // no-op without OpenBLAS

// Holds OpenBLAS at a thread count for a scope: GEMMs called from several threads at once must not each start
// OpenBLAS's pool (calls from different threads are serialized on its one pool).
class ScopedBlasThreads
{
public:
    explicit ScopedBlasThreads(int threads);
    ~ScopedBlasThreads();
    ScopedBlasThreads(const ScopedBlasThreads&) = delete;
    ScopedBlasThreads& operator=(const ScopedBlasThreads&) = delete;

private:
    int m_previous = 0;
};

} // namespace qat::detail

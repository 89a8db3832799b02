#include "qatbench/version.h"
#include "qatbench/version_info.h"

#include <torch/version.h>

namespace qat {

std::string version() { return QATBENCH_VERSION_STRING; }

std::string buildSummary()
{
#ifdef QATBENCH_HAVE_CUDA
    const char* accel = "CUDA";
#else
    const char* accel = "CPU only";
#endif
    return std::string("QATBench ") + QATBENCH_VERSION_STRING + " (LibTorch " + TORCH_VERSION + ", " + accel + ")";
}

} // namespace qat

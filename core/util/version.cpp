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
    std::string s = "QATBench ";
    s += QATBENCH_VERSION_STRING;
    s += " (LibTorch ";
    s += TORCH_VERSION;
    s += ", ";
    s += accel;
    s += ")";
    return s;
}

} // namespace qat

// Fuzz build only: the two symbols core/engine/sweep.cpp and core/store reference beyond what the sweep
// target runs (the engine needs LibTorch; the version string comes from a CMake-generated header). The sweep
// target only expands grids, so reaching either is itself a finding.
#include "fuzz_target.h"

#include "qatbench/engine.h"
#include "qatbench/version.h"

namespace qat {

std::string version()
{
    return "fuzz";
}

EngineResult runExperiment(const EngineOptions&, EngineControl&)
{
    throw fuzz::Violation("the sweep target ran an experiment");
}

} // namespace qat

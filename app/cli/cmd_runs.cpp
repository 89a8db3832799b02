#include "commands.h"

#include <iostream>

namespace qat::cli {

const char* const kRunsUsage = "Usage: qatbench-cli runs ...\n(not available in this build yet)\n";

int cmdRuns(const Argv&)
{
    std::cerr << "qatbench-cli runs: not available in this build yet\n";
    return 2;
}

} // namespace qat::cli

#include "commands.h"

#include <iostream>

namespace qat::cli {

const char* const kSweepUsage = "Usage: qatbench-cli sweep ...\n(not available in this build yet)\n";

int cmdSweep(const Argv&)
{
    std::cerr << "qatbench-cli sweep: not available in this build yet\n";
    return 2;
}

} // namespace qat::cli

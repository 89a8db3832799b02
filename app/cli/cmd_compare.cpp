#include "commands.h"

#include <iostream>

namespace qat::cli {

const char* const kCompareUsage = "Usage: qatbench-cli compare ...\n(not available in this build yet)\n";

int cmdCompare(const Argv&)
{
    std::cerr << "qatbench-cli compare: not available in this build yet\n";
    return 2;
}

} // namespace qat::cli

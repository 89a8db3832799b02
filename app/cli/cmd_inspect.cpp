#include "commands.h"

#include <iostream>

namespace qat::cli {

const char* const kInspectUsage = "Usage: qatbench-cli inspect ...\n(not available in this build yet)\n";

int cmdInspect(const Argv&)
{
    std::cerr << "qatbench-cli inspect: not available in this build yet\n";
    return 2;
}

} // namespace qat::cli

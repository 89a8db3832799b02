#include "commands.h"

#include <iostream>

namespace qat::cli {

const char* const kDemoUsage = "Usage: qatbench-cli demo ...\n(not available in this build yet)\n";

int cmdDemo(const Argv&)
{
    std::cerr << "qatbench-cli demo: not available in this build yet\n";
    return 2;
}

} // namespace qat::cli

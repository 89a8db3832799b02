#include "commands.h"

#include <iostream>

namespace qat::cli {

const char* const kRunUsage = "Usage: qatbench-cli run ...\n(not available in this build yet)\n";

int cmdRun(const Argv&)
{
    std::cerr << "qatbench-cli run: not available in this build yet\n";
    return 2;
}

} // namespace qat::cli

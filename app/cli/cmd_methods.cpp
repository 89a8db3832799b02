#include "commands.h"

#include <iostream>

namespace qat::cli {

const char* const kMethodsUsage = "Usage: qatbench-cli methods ...\n(not available in this build yet)\n";

int cmdMethods(const Argv&)
{
    std::cerr << "qatbench-cli methods: not available in this build yet\n";
    return 2;
}

} // namespace qat::cli

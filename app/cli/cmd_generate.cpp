#include "commands.h"

#include <iostream>

namespace qat::cli {

const char* const kGenerateUsage = "Usage: qatbench-cli generate ...\n(not available in this build yet)\n";

int cmdGenerate(const Argv&)
{
    std::cerr << "qatbench-cli generate: not available in this build yet\n";
    return 2;
}

} // namespace qat::cli

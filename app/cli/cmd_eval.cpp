#include "commands.h"

#include <iostream>

namespace qat::cli {

const char* const kEvalUsage = "Usage: qatbench-cli eval ...\n(not available in this build yet)\n";

int cmdEval(const Argv&)
{
    std::cerr << "qatbench-cli eval: not available in this build yet\n";
    return 2;
}

} // namespace qat::cli

#include "util/switches.h"

#include <cstdlib>
#include <cstring>

namespace qat::detail {

bool onUnlessZero(const char* variable)
{
    const char* v = std::getenv(variable);
    return !(v && std::strcmp(v, "0") == 0);
}

} // namespace qat::detail

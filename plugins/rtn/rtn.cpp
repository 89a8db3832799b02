#include "qatbench_sdk/quant_method.h"

namespace qat::plugins {

void registerRtn()
{
    MethodInfo info;
    info.id = "rtn";
    info.title = "rtn";
    registerMethod(std::move(info), nullptr);
}

} // namespace qat::plugins

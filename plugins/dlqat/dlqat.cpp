#include "qatbench_sdk/quant_method.h"

namespace qat::plugins {

void registerDlqat()
{
    MethodInfo info;
    info.id = "dlqat";
    info.title = "dlqat";
    registerMethod(std::move(info), nullptr);
}

} // namespace qat::plugins

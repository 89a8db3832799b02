#include "dlqat.h"

#include "qatbench_sdk/quant_method.h"

namespace qat::plugins {

void registerDlqat()
{
    registerMethod(dlqatMethodInfo(), nullptr);
}

} // namespace qat::plugins

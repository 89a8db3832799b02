// The built-in quantization methods, listed explicitly.
#include "qatbench/method.h"

namespace qat::plugins {
void registerRtn();
void registerDlqat();
} // namespace qat::plugins

namespace qat {

void registerBuiltinMethods()
{
    static const bool once = [] {
        plugins::registerRtn();
        plugins::registerDlqat();
        return true;
    }();
    (void)once;
}

} // namespace qat

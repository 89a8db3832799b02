// The built-in quantization methods, listed explicitly.
#include "qatbench_plugins/builtin.h"

#include "qatbench/method.h"

namespace qat::plugins {
void registerRtn();
void registerDlqat();
void registerGptq();
void registerLlmQat();
void registerQaLora();
void registerL4q();
void registerLrQat();
} // namespace qat::plugins

namespace qat {

void registerBuiltinMethods()
{
    static const bool once = [] {
        plugins::registerRtn();
        plugins::registerDlqat();
        plugins::registerGptq();
        plugins::registerLlmQat();
        plugins::registerQaLora();
        plugins::registerL4q();
        plugins::registerLrQat();
        setDefaultMethod("dlqat"); // what the project is about (DESIGN.md §4)
        return true;
    }();
    (void)once;
}

} // namespace qat

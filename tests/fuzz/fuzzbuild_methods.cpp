// Fuzz build only: the methods the experiment and sweep targets validate against, registered through the real
// registry (core/quant/registry.cpp) without LibTorch: DL-QAT's own declaration
// (plugins/dlqat/dlqat_info.cpp) and RTN's (the shared quantizer options, as plugins/rtn/rtn.cpp declares
// them; rtn.cpp itself needs LibTorch).
#include "fuzz_target.h"

#include "dlqat.h"
#include "qatbench/quantizer.h"
#include "qatbench_sdk/quant_method.h"

namespace qat::fuzz {

void registerMethodsForFuzzing()
{
    static const bool once = [] {
        registerMethod(plugins::dlqatMethodInfo(), nullptr);
        MethodInfo rtn;
        rtn.id = "rtn";
        rtn.title = "RTN";
        rtn.trains = false;
        rtn.options = quantizerOptions(4, 128, RangeInit::MinMaxZero);
        registerMethod(rtn, nullptr);
        return true;
    }();
    (void)once;
}

} // namespace qat::fuzz

#include "qatbench/quantizer.h"
#include "qatbench_sdk/quant_method.h"

namespace qat::plugins {

MethodInfo rtnMethodInfo()
{
    MethodInfo m;
    m.id = "rtn";
    m.title = "RTN";
    m.summary = "Post-training round-to-nearest: every group's scale and zero-point from its min and max (0 "
                "included by default, the reference protocol), weights rounded once. No training.";
    m.citation = "the standard baseline (e.g. Frantar et al., 2022, GPTQ, Table 1)";
    m.trains = false;
    m.options = quantizerOptions(4, 128, RangeInit::MinMaxZero);
    return m;
}

void registerRtn()
{
    registerMethod(rtnMethodInfo(), nullptr);
}

} // namespace qat::plugins

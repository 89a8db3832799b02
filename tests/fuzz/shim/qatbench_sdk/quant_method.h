#pragma once
// Fuzz build only (scripts/fuzz.sh puts tests/fuzz/shim first on the include path): the declarations
// core/quant/registry.cpp needs from core/sdk/qatbench_sdk/quant_method.h, without the LibTorch types that
// header brings in, so the method registry and its option validation are fuzzed as they are without linking
// LibTorch. If registry.cpp starts using more of the real header, the fuzz build fails to compile (not
// silently differs).

#include "qatbench/method.h"

#include <functional>
#include <memory>
#include <string_view>

namespace qat {

class QuantMethod
{
public:
    virtual ~QuantMethod() = default;
};

using QuantMethodFactory = std::function<std::unique_ptr<QuantMethod>()>;

void registerMethod(MethodInfo info, QuantMethodFactory factory);
std::unique_ptr<QuantMethod> createMethod(std::string_view id);

} // namespace qat

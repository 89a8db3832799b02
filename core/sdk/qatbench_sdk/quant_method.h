#pragma once
// The torch-facing side of a quantization method (see qatbench/method.h for the declared side).
// A plugin implements QuantMethod and registers a factory once, from plugins/builtin.cpp.

#include "qatbench/method.h"

#include <functional>
#include <memory>

namespace qat {

class QuantMethod
{
public:
    virtual ~QuantMethod() = default;
};

using QuantMethodFactory = std::function<std::unique_ptr<QuantMethod>()>;

// Registers a method; a second registration of the same id is ignored.
void registerMethod(MethodInfo info, QuantMethodFactory factory);
// nullptr when the id is unknown.
std::unique_ptr<QuantMethod> createMethod(std::string_view id);

} // namespace qat

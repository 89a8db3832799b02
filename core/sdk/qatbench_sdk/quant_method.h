#pragma once
// The torch-facing side of a quantization method (see qatbench/method.h for the declared side).
// A plugin implements QuantMethod and registers a factory once, from plugins/builtin.cpp.

#include "qatbench/method.h"
#include "qatbench_sdk/run_context.h"

#include <functional>
#include <memory>

namespace qat {

class QuantMethod
{
public:
    virtual ~QuantMethod() = default;
    // Runs the whole method (calibration, training, ...) on ctx.model. Throws qat::Error with a readable
    // message on failure; returns Stopped when ctx.sink.progress() asked it to stop.
    virtual RunOutcome run(RunContext& ctx) = 0;
};

using QuantMethodFactory = std::function<std::unique_ptr<QuantMethod>()>;

// Registers a method; a second registration of the same id is ignored.
void registerMethod(MethodInfo info, QuantMethodFactory factory);
// nullptr when the id is unknown.
std::unique_ptr<QuantMethod> createMethod(std::string_view id);

} // namespace qat

#pragma once
// The engine's RunSink: what a method reports goes to the store (batched) and out as events (private to
// core/engine; torch-facing).

#include "qatbench/engine.h"
#include "qatbench/error.h"
#include "qatbench_sdk/run_context.h"

#include <algorithm>
#include <chrono>

namespace qat::engine {

// A loss that is NaN or infinite: the run fails with advice instead of training on garbage.
class NonFiniteLoss : public Error
{
public:
    using Error::Error;
};

class EngineSink final : public RunSink
{
public:
    EngineSink(RunStore& store, RunWriter& writer, EngineControl& control, const EngineOptions& options,
               int64_t tokensPerStep, std::string deviceId);

    void scalar(const std::string& name, int64_t step, double value,
                const std::string& context = {}) override;
    void histogram(const std::string& name, int64_t step, const at::Tensor& values,
                   const std::string& context = {}) override;
    void phase(const std::string& phase) override;
    void message(const std::string& level, const std::string& text) override;
    void artifact(const std::string& kind, const std::string& path) override;
    bool progress(const Progress& p) override;

    void emit(const std::string& name, nlohmann::json fields);
    // The highest step seen in a training phase's progress or in any logged scalar (methods differ in whether
    // progress reports steps before or after they are done; points carry steps done).
    int64_t lastStep() const { return std::max(m_lastStep, m_maxStep); }
    const std::string& currentPhase() const { return m_phase; }
    int64_t memoryBytes() const;
    // The most memory held since the previous call (CUDA: the caching allocator's allocated peak, then reset;
    // CPU: the process's peak resident set size).
    int64_t takePeakMemoryBytes();
    // A perf/* point written to the store only (not sent as a metric event; docs/EVENTS.md).
    void perf(const std::string& name, int64_t step, double value, const std::string& context);
    void setLogEvery(int64_t n) { m_logEvery = std::max<int64_t>(1, n); }

private:
    void waitWhilePaused();
    void logPerf(const Progress& p);
    void restartRates() { m_rateStep = m_perfFromStep = -1; }

    RunStore& m_store;
    RunWriter& m_writer;
    EngineControl& m_control;
    const EngineOptions& m_options;
    int64_t m_tokensPerStep;
    std::string m_device;
    std::string m_phase;
    int64_t m_lastStep = 0;
    int64_t m_maxStep = 0;
    int64_t m_logEvery = 10;
    double m_lastEvent = 0;
    // Throughput for the progress events: over the steps since the last rate sample (at least 0.5 s apart).
    double m_rateTime = 0;
    int64_t m_rateStep = -1;
    double m_tokensPerSecond = 0;
    // Throughput for the perf/tokens_per_s records: over the steps since the phase's previous record (or its
    // first step). Records fall on logging steps, where the trainer has just read the loss back: on a GPU the
    // device has finished those steps at both ends, so the host's lead between logs (up to a launch queue of
    // kernels) does not enter the interval.
    double m_perfFromTime = 0;
    int64_t m_perfFromStep = -1;
    int64_t m_lastPerfStep = -1;
};

double nowSeconds();

} // namespace qat::engine

#include "engine/sink.h"

#include "qatbench/error.h"
#include "qatbench/series_context.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

#if defined(QATBENCH_HAVE_CUDA) && __has_include(<c10/cuda/CUDACachingAllocator.h>)
#include <c10/cuda/CUDACachingAllocator.h>
#define QAT_ENGINE_CUDA_STATS 1
#endif

namespace qat::engine {

double nowSeconds()
{
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

EngineSink::EngineSink(RunStore& store, RunWriter& writer, EngineControl& control,
                       const EngineOptions& options, int64_t tokensPerStep, std::string deviceId)
    : m_store(store), m_writer(writer), m_control(control), m_options(options),
      m_tokensPerStep(tokensPerStep), m_device(std::move(deviceId))
{}

void EngineSink::emit(const std::string& name, nlohmann::json fields)
{
    if (m_options.onEvent) m_options.onEvent(makeEvent(name, std::move(fields)));
}

static bool isLoss(const std::string& name)
{
    return name.size() >= 5 && name.compare(name.size() - 5, 5, "/loss") == 0;
}

void EngineSink::scalar(const std::string& name, int64_t step, double value, const std::string& context)
{
    m_writer.scalar(name, step, value, context);
    m_maxStep = std::max(m_maxStep, step);
    if (m_options.metricEvents)
        emit(event::kMetric, {{"name", name},
                              {"step", step},
                              {"value", value},
                              {"context", SeriesContext::parse(context).toJson()},
                              {"context_key", context}});
    if (isLoss(name) && context.empty() && !std::isfinite(value)) {
        m_writer.flush(); // the bad point is part of the record
        throw NonFiniteLoss(name + " is " + (std::isnan(value) ? "NaN" : "infinite") + " at step " +
                            std::to_string(step));
    }
}

void EngineSink::histogram(const std::string& name, int64_t step, const at::Tensor& values,
                           const std::string& context)
{
    at::Tensor flat = values.detach().to(at::kCPU, at::kFloat).contiguous().reshape({-1});
    m_writer.histogram(name, step, makeHistogram(flat.data_ptr<float>(), size_t(flat.numel())), context);
}

void EngineSink::phase(const std::string& phase)
{
    // The steps a training phase ran after its last perf record: their peak is that phase's (the counter
    // restarts here), so the next phase's first record covers its own steps only. The 7B product run's first
    // training record used to carry calibration's last steps (16.11 GiB against 15.22 for the steps after).
    if ((m_phase == "training" || m_phase == "calibration") && m_lastStep > 0 && m_lastStep != m_lastPerfStep)
        m_writer.scalar("perf/peak_mem_bytes", m_lastStep, double(takePeakMemoryBytes()), "phase=" + m_phase);
    m_lastPerfStep = -1; // steps count anew: the next phase's step 5 is not the last one's
    m_phase = phase;
    restartRates();
    m_lastStep = m_maxStep = 0; // each phase counts its own steps
    emit(event::kPhase, {{"phase", phase}});
}

void EngineSink::message(const std::string& level, const std::string& text)
{
    emit(event::kMessage, {{"level", level}, {"text", text}});
}

void EngineSink::artifact(const std::string& kind, const std::string& path)
{
    // Points up to the checkpoint are on disk before the checkpoint is announced: a resume starts there.
    m_writer.flush();
    std::error_code ec;
    int64_t bytes = -1;
    if (std::filesystem::is_regular_file(path, ec)) bytes = int64_t(std::filesystem::file_size(path, ec));
    m_writer.artifact({.kind = kind, .path = path, .step = lastStep(), .bytes = bytes});
    if (kind == "checkpoint")
        emit(event::kCheckpoint, {{"path", path}, {"step", lastStep()}});
    else
        emit(event::kMessage, {{"level", "info"}, {"text", kind + " written: " + path}});
}

void EngineSink::perf(const std::string& name, int64_t step, double value, const std::string& context)
{
    m_writer.scalar(name, step, value, context);
}

int64_t EngineSink::takePeakMemoryBytes()
{
#ifdef QAT_ENGINE_CUDA_STATS
    if (m_device.rfind("cuda", 0) == 0) {
        const int index = m_device.size() > 5 ? std::stoi(m_device.substr(5)) : 0;
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index);
        c10::cuda::CUDACachingAllocator::resetPeakStats(index);
        return int64_t(stats.allocated_bytes[0].peak);
    }
#endif
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
    return memoryBytes();
}

int64_t EngineSink::memoryBytes() const
{
#ifdef QAT_ENGINE_CUDA_STATS
    if (m_device.rfind("cuda", 0) == 0) {
        const int index = m_device.size() > 5 ? std::stoi(m_device.substr(5)) : 0;
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index);
        return int64_t(stats.allocated_bytes[0].current);
    }
#endif
    // CPU: resident set size of the process.
    std::ifstream statm("/proc/self/statm");
    long long pages = 0, resident = 0;
    if (statm >> pages >> resident) return int64_t(resident) * int64_t(sysconf(_SC_PAGESIZE));
    return 0;
}

void EngineSink::waitWhilePaused()
{
    if (!m_control.pauseRequested() || m_control.stopRequested()) return;
    m_writer.flush();
    m_store.setStatus(m_writer.runId(), RunStatus::Paused);
    emit(event::kPaused, {{"step", lastStep()}});
    while (m_control.pauseRequested() && !m_control.stopRequested())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    m_store.setStatus(m_writer.runId(), RunStatus::Running);
    restartRates(); // the pause is not throughput
    emit(event::kResumed, {{"step", lastStep()}});
}

void EngineSink::logPerf(const Progress& p)
{
    const double now = nowSeconds();
    const bool training = p.phase == "training" || p.phase == "calibration";
    if (!training) {
        restartRates(); // an evaluation (tasks during training: evaluation.tasks_every) is not throughput
        return;
    }
    if (m_perfFromStep < 0 || p.done < m_perfFromStep) {
        m_perfFromStep = p.done;
        m_perfFromTime = now;
    }
    if (m_rateStep < 0 || p.done < m_rateStep) {
        m_rateStep = p.done;
        m_rateTime = now;
        return;
    }
    if (p.done > m_rateStep && now - m_rateTime >= 0.5) {
        m_tokensPerSecond = double(p.done - m_rateStep) * double(m_tokensPerStep) / (now - m_rateTime);
        m_rateStep = p.done;
        m_rateTime = now;
    }
    if (p.done > 0 && p.done % m_logEvery == 0 && p.done != m_lastPerfStep) {
        m_lastPerfStep = p.done;
        if (p.done > m_perfFromStep && now > m_perfFromTime)
            m_writer.scalar("perf/tokens_per_s", p.done,
                            double(p.done - m_perfFromStep) * double(m_tokensPerStep) /
                                (now - m_perfFromTime),
                            "phase=" + p.phase);
        m_perfFromStep = p.done;
        m_perfFromTime = now;
        m_writer.scalar("perf/mem_bytes", p.done, double(memoryBytes()), "phase=" + p.phase);
        m_writer.scalar("perf/peak_mem_bytes", p.done, double(takePeakMemoryBytes()), "phase=" + p.phase);
    }
}

bool EngineSink::progress(const Progress& p)
{
    if (p.phase == "training" || p.phase == "calibration") m_lastStep = p.done;
    logPerf(p);
    const double now = nowSeconds();
    const bool training = p.phase == "training" || p.phase == "calibration";
    if (now - m_lastEvent >= m_options.progressEverySeconds || (p.total > 0 && p.done >= p.total)) {
        m_lastEvent = now;
        nlohmann::json f = {{"phase", p.phase},
                            {"step", p.done},
                            {"total", p.total},
                            {"eta_s", p.etaSeconds >= 0 ? nlohmann::json(p.etaSeconds) : nlohmann::json()},
                            {"tokens_per_s", training && m_tokensPerSecond > 0
                                                 ? nlohmann::json(m_tokensPerSecond)
                                                 : nlohmann::json()},
                            {"mem_bytes", memoryBytes()}};
        emit(event::kProgress, std::move(f));
    }
    // A long stretch without new points still reaches the store on time.
    if ((now - m_writer.lastFlushTime()) * 1000.0 >= m_options.writer.flushEveryMs && m_writer.pending() > 0)
        m_writer.flush();
    waitWhilePaused();
    return !m_control.stopRequested();
}

} // namespace qat::engine

#pragma once
// The background engine: one experiment config -> one recorded run. No torch types (the GUI may include this;
// normally it runs the engine as `qatbench-cli run` in a child process, DESIGN.md §2).
//
// Intended usage:
//   1. qat::registerBuiltinMethods();
//   2. EngineControl control;                     // pause()/resume()/stop() from any thread or a signal
//   handler
//      EngineOptions opt; opt.experiment = json; opt.onEvent = [](const EngineEvent& e) { ... };
//   3. EngineResult r = runExperiment(opt, control); // blocks; returns when the run is completed, stopped
//                                                    // (cancelled, resumable) or failed
//   4. Continue a cancelled or interrupted run: opt.resumeRunId = r.runId; runExperiment(opt, control).
// Everything the run logs goes to the store (opt.dbPath) in batches; events are for live display only.

#include "qatbench/events.h"
#include "qatbench/store.h"

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace qat {

// Thread-safe controls of a running engine. stop() is async-signal-safe (lock-free atomics only).
class EngineControl
{
public:
    void pause() { m_paused.store(true); }
    void resume() { m_paused.store(false); }
    void stop() { m_stop.store(true); }
    bool pauseRequested() const { return m_paused.load(); }
    bool stopRequested() const { return m_stop.load(); }

private:
    std::atomic<bool> m_paused{false};
    std::atomic<bool> m_stop{false};
};

struct EngineOptions
{
    nlohmann::json experiment;   // the experiment document (qatbench/experiment.h); ignored when resuming
    std::string configPath;      // where it came from (for messages); may be empty
    std::string dbPath;          // "" = defaultDatabasePath()
    std::string workDir;         // "" = <folder of the db>/work/<store id>/run-<id>; must be empty or absent
    int64_t resumeRunId = 0;     // > 0: continue this cancelled or interrupted run (same id, same config)
    bool restart = false;        // with resumeRunId: start that run again from step 1, clearing what it stored
    WriterOptions writer;        // batching of the store writes
    double heartbeatSeconds = 2; // how often the run's heartbeat is refreshed (a thread)
    double progressEverySeconds = 0.25; // at most this often a progress event (the last one always)
    bool metricEvents = true;           // emit a metric event per scalar (train/loss, ... not histograms)
    int threads = 0; // LibTorch's threads for a run on the CPU; 0 = $QATBENCH_THREADS, else every core
    std::function<void(const EngineEvent&)> onEvent; // called on the engine thread
};

struct EngineResult
{
    int64_t runId = 0;                    // 0 when no run was created (bad config, foreign database)
    RunStatus status = RunStatus::Failed; // Completed, Cancelled or Failed
    std::string message;                  // what happened
    std::string hint;                     // what to change (failures)
    int exitCode() const;                 // 0 completed, 3 cancelled, 1 failed, 2 bad config (no run)
};

// Runs one experiment to its end. Never throws for run failures (they are recorded and returned); throws
// qat::Error only when the store cannot be opened.
EngineResult runExperiment(const EngineOptions& options, EngineControl& control);

// Registers the hidden test method "selftest" (no real training; see core/engine/selftest.cpp). Called by
// runExperiment when the environment has QATBENCH_ENABLE_SELFTEST=1; tests may call it directly.
void registerSelftestMethod();

// A cheap fingerprint of a model directory's weight files (sizes + first and last 64 KiB), hex.
std::string modelFingerprint(const std::string& modelDir);

} // namespace qat

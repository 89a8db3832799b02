// qatbench-cli run: the background engine as a process (DESIGN.md §2). Events on stdout, commands on stdin.
#include "args.h"
#include "commands.h"

#include "qatbench/engine.h"
#include "qatbench/error.h"
#include "qatbench/experiment.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace qat::cli {

const char* const kRunUsage =
    "Usage: qatbench-cli run --config EXP.json [--db FILE] [--events jsonl] [--work-dir DIR]\n"
    "       qatbench-cli run --resume RUN_ID [--restart] [--db FILE] [--events jsonl]\n"
    "\n"
    "Runs one experiment and records it in the run store.\n"
    "  --config FILE    the experiment JSON (see qatbench/experiment.h, resources/ examples)\n"
    "  --db FILE        the run store (default: $QATBENCH_DB, else ~/.local/share/QATBench/runs.db)\n"
    "  --events jsonl   one JSON object per line on stdout for every event (docs/EVENTS.md)\n"
    "  --resume RUN_ID  continue a cancelled or interrupted run from its last checkpoint (same id); refused\n"
    "                   when the checkpoint is missing or is not the run's own, or the model changed\n"
    "  --restart        with --resume: start that run again from step 1, clearing what it stored\n"
    "  --work-dir DIR   checkpoints and exports; must be empty or absent\n"
    "                   (default: <db folder>/work/<store id>/run-<id>)\n"
    "\n"
    "While it runs, lines on stdin control it: 'pause', 'resume', 'stop'. SIGINT/SIGTERM = stop: the\n"
    "current step finishes, a checkpoint is written, the run is marked cancelled (resumable); a second\n"
    "SIGINT ends the process at once.\n"
    "Exit status: 0 completed, 3 stopped (cancelled), 1 failed, 2 bad arguments or config (no run).\n";

namespace {

EngineControl* g_control = nullptr;

extern "C" void onStopSignal(int sig)
{
    if (g_control) g_control->stop();
    std::signal(sig, SIG_DFL); // a second signal ends the process
}

// Reads pause/resume/stop lines. Detached: it may stay blocked in read() until the process exits. End of
// input is not a stop: a run survives the GUI that started it. It reads fd 0 with read(2), not std::cin: a
// thread blocked inside stdio holds stdin's FILE lock, and glibc >= 2.38 takes every stream's lock in exit(),
// so the finished engine hung at exit on Ubuntu 24.04 (seen on the CUDA machine; Debian 12's glibc 2.36 does not).
bool readLine(std::string& line)
{
    static std::string pending;
    line.clear();
    for (;;) {
        if (auto nl = pending.find('\n'); nl != std::string::npos) {
            line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            return true;
        }
        char buf[256];
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            line.swap(pending);
            return !line.empty();
        }
        pending.append(buf, size_t(n));
    }
}

void readCommands(EngineControl& control, bool jsonEvents)
{
    std::string line;
    while (readLine(line)) {
        const auto cmd = parseEngineCommand(line);
        if (!cmd) {
            if (!jsonEvents && !line.empty())
                std::cerr << "unknown command '" << line << "' (pause, resume, stop)\n";
            continue;
        }
        if (*cmd == EngineCommand::Pause) control.pause();
        if (*cmd == EngineCommand::Resume) control.resume();
        if (*cmd == EngineCommand::Stop) control.stop();
    }
}

class HumanOutput
{
public:
    void operator()(const EngineEvent& e)
    {
        const auto& f = e.fields;
        if (e.name == event::kStarted) {
            std::cerr << (f.value("resumed", false) ? "resuming run " : "run ") << f["run_id"].dump() << " ("
                      << f["method"].get<std::string>() << ", " << f["total_steps"].dump() << " steps) in "
                      << f["db"].get<std::string>() << "\n";
        } else if (e.name == event::kProgress) {
            const double eta = f["eta_s"].is_number() ? f["eta_s"].get<double>() : -1.0;
            std::string extra;
            if (f["tokens_per_s"].is_number())
                extra = std::to_string(int64_t(f["tokens_per_s"].get<double>())) + " tok/s";
            if (f["mem_bytes"].is_number() && f["mem_bytes"].get<int64_t>() > 0)
                extra += (extra.empty() ? "" : ", ") + formatBytes(f["mem_bytes"].get<int64_t>());
            if (!m_loss.empty() && f["phase"] != "eval") extra += (extra.empty() ? "" : ", ") + m_loss;
            m_bar.update(f["phase"].get<std::string>(), f["step"].get<int64_t>(), f["total"].get<int64_t>(),
                         eta, extra);
        } else if (e.name == event::kMetric) {
            if (f["name"] == "train/loss" && f["value"].is_number()) {
                char buf[48];
                std::snprintf(buf, sizeof buf, "loss %.4f", f["value"].get<double>());
                m_loss = buf;
            }
        } else if (e.name == event::kEval) {
            m_bar.finish();
            std::cerr << "perplexity " << f["ppl"].dump() << " (" << f["tokens"].dump() << " tokens)\n";
        } else if (e.name == event::kMessage) {
            m_bar.finish();
            std::cerr << f["level"].get<std::string>() << ": " << f["text"].get<std::string>() << "\n";
        } else if (e.name == event::kPaused || e.name == event::kResumed) {
            m_bar.finish();
            std::cerr << e.name << " at step " << f["step"].dump() << "\n";
        } else if (e.name == event::kFailed) {
            m_bar.finish();
            std::cerr << "failed: " << f["message"].get<std::string>() << "\n";
            if (!f["hint"].get<std::string>().empty())
                std::cerr << "what to change: " << f["hint"].get<std::string>() << "\n";
        } else if (e.name == event::kFinished) {
            m_bar.finish();
            const std::string status = f["status"].get<std::string>(), text = f["message"].get<std::string>();
            std::cerr << "run " << f["run_id"].dump() << " " << status << (text == status ? "" : ": " + text)
                      << "\n";
        }
    }

private:
    ProgressPrinter m_bar;
    std::string m_loss;
};

} // namespace

int cmdRun(const Argv& argv)
{
    Args args(argv, {"config", "db", "events", "resume", "work-dir"}, {"restart"});
    if (!args.positional().empty())
        throw UsageError("run: unexpected argument '" + args.positional()[0] + "' (see --help)");
    const std::string events = args.get("events", "");
    if (!events.empty() && events != "jsonl") throw UsageError("run: --events supports only 'jsonl'");
    const bool json = events == "jsonl";
    if (!args.has("config") && !args.has("resume"))
        throw UsageError("run: give --config EXP.json or --resume RUN_ID");

    EngineOptions opt;
    opt.dbPath = args.get("db", "");
    opt.workDir = args.get("work-dir", "");
    opt.resumeRunId = args.getInt("resume", 0);
    opt.restart = args.has("restart");
    if (opt.restart && opt.resumeRunId <= 0) throw UsageError("run: --restart goes with --resume RUN_ID");
    if (args.has("config") && !args.has("resume")) {
        opt.configPath = *args.get("config");
        opt.experiment = loadExperimentFile(opt.configPath);
    }
    std::signal(SIGPIPE, SIG_IGN); // a vanished reader of stdout must not kill the run
    HumanOutput human;
    if (json) {
        opt.onEvent = [](const EngineEvent& e) {
            const std::string line = toJsonLine(e) + "\n";
            std::fwrite(line.data(), 1, line.size(), stdout);
            std::fflush(stdout);
        };
    } else {
        opt.metricEvents = true;
        opt.onEvent = [&human](const EngineEvent& e) { human(e); };
    }

    static EngineControl control; // outlives the detached stdin reader
    g_control = &control;
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    std::thread(readCommands, std::ref(control), json).detach();
    try {
        const EngineResult r = runExperiment(opt, control);
        g_control = nullptr;
        return r.exitCode();
    } catch (const std::exception& e) {
        // No run exists (the store could not be opened): still one failed event for a GUI reading stdout.
        if (!json) throw;
        opt.onEvent(makeEvent(
            event::kFailed,
            {{"message", e.what()}, {"hint", "choose another database file (--db)"}, {"run_id", nullptr}}));
        std::cerr << "qatbench-cli run: error: " << e.what() << "\n";
        return 1;
    }
}

} // namespace qat::cli

// The engine's two channels for the commands that run it: events out (JSON lines or text), commands in.
#include "engine_io.h"

#include "args.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace qat::cli {

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
// so the finished engine hung at exit on Ubuntu 24.04 (seen on the CUDA machine; Debian 12's glibc 2.36 does
// not).
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
            // run_id is null for the end of work that is no run (the demo stopped in its pretraining).
            std::cerr << (f["run_id"].is_null() ? std::string() : "run " + f["run_id"].dump() + " ") << status
                      << (text == status ? "" : ": " + text) << "\n";
        }
    }

private:
    ProgressPrinter m_bar;
    std::string m_loss;
};

} // namespace

EventSink jsonEventWriter()
{
    return [](const EngineEvent& e) {
        const std::string line = toJsonLine(e) + "\n";
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fflush(stdout);
    };
}

EventSink humanEventWriter()
{
    auto human = std::make_shared<HumanOutput>();
    return [human](const EngineEvent& e) { (*human)(e); };
}

void connectControl(EngineControl& control, bool jsonEvents)
{
    std::signal(SIGPIPE, SIG_IGN); // a vanished reader of stdout must not stop the work
    g_control = &control;
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    std::thread(readCommands, std::ref(control), jsonEvents).detach();
}

void disconnectControl()
{
    g_control = nullptr;
}

} // namespace qat::cli

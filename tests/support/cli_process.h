#pragma once
// A child `qatbench-cli` with its stdin and stdout on pipes, read as engine events: for the tests that drive
// the real engine process (run, stop, kill, resume). The child has QATBENCH_ENABLE_SELFTEST=1.
#include "qat_test.h"

#include "qatbench/events.h"
#include "qatbench/store.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace qat::test {

// `qatbench-cli ARGS` through the shell, its stdout and stderr together, and its exit status.
struct CliOutput
{
    int code = -1;
    std::string text;
};

inline CliOutput runCli(const std::string& args)
{
    const std::string cmd = std::string(QATBENCH_CLI_PATH) + " " + args + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) QAT_FAIL_AT("cannot run " + cmd);
    CliOutput out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
        out.text.append(buf, n);
    const int status = pclose(pipe);
    out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

// Every stored series of a run except those whose name starts with one of skipPrefixes: name|context ->
// (step, value) in step order, histograms by their sums; what a rerun must reproduce bit for bit.
using StoredHistory = std::map<std::string, std::vector<std::pair<int64_t, double>>>;
inline StoredHistory storedHistory(const std::string& db, int64_t run,
                                   const std::vector<std::string>& skipPrefixes = {"perf/"})
{
    RunStore store(db, {.readOnly = true});
    StoredHistory out;
    for (const auto& info : store.series(run)) {
        bool skip = false;
        for (const auto& prefix : skipPrefixes)
            skip = skip || info.name.rfind(prefix, 0) == 0;
        if (skip) continue;
        auto& v = out[info.name + "|" + info.context];
        if (info.kind == SeriesKind::Scalar) {
            for (const auto& p : store.scalars(info.id, {.maxPoints = 0}))
                v.emplace_back(p.step, p.value);
        } else {
            for (int64_t step : store.histogramSteps(info.id))
                v.emplace_back(step, store.histogramAt(info.id, step)->sum);
        }
    }
    return out;
}

inline double now()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// A child qatbench-cli with its stdin and stdout on pipes.
class Cli
{
public:
    explicit Cli(const std::vector<std::string>& args)
    {
        int in[2], out[2];
        QAT_CHECK(pipe(in) == 0 && pipe(out) == 0);
        m_pid = fork();
        if (m_pid == 0) {
            dup2(in[0], 0);
            dup2(out[1], 1);
            close(in[1]);
            close(out[0]);
            std::vector<char*> argv{const_cast<char*>(QATBENCH_CLI_PATH)};
            for (const auto& a : args)
                argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            setenv("QATBENCH_ENABLE_SELFTEST", "1", 1);
            execv(QATBENCH_CLI_PATH, argv.data());
            _exit(127);
        }
        close(in[0]);
        close(out[1]);
        m_in = in[1];
        m_out = out[0];
    }
    ~Cli()
    {
        if (m_pid > 0 && !m_exited) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
        }
        close(m_in);
        close(m_out);
    }

    pid_t pid() const { return m_pid; }
    void send(const std::string& line)
    {
        const std::string l = line + "\n";
        QAT_CHECK(write(m_in, l.data(), l.size()) == ssize_t(l.size()));
    }

    // The next event, or nullopt at end of output / after timeout seconds.
    std::optional<EngineEvent> next(double timeout = 60)
    {
        const double deadline = now() + timeout;
        for (;;) {
            if (auto nl = m_buf.find('\n'); nl != std::string::npos) {
                const std::string line = m_buf.substr(0, nl);
                m_buf.erase(0, nl + 1);
                auto e = parseEventLine(line);
                QAT_CHECK_MSG(e.has_value(), "not an event line: " + line);
                QAT_CHECK_MSG(e->time > 1e9, "event without t: " + line);
                events.push_back(*e);
                return e;
            }
            pollfd p{m_out, POLLIN, 0};
            const int wait = int(std::max(0.0, deadline - now()) * 1000);
            if (poll(&p, 1, wait) <= 0) return std::nullopt;
            char chunk[4096];
            const ssize_t n = read(m_out, chunk, sizeof chunk);
            if (n <= 0) return std::nullopt;
            m_buf.append(chunk, size_t(n));
        }
    }

    // Reads events until one named `name` (and matching pred) arrives; fails on timeout.
    EngineEvent waitFor(const std::string& name, const std::function<bool(const nlohmann::json&)>& pred = {},
                        double timeout = 60)
    {
        const double deadline = now() + timeout;
        while (now() < deadline) {
            auto e = next(deadline - now());
            if (!e) break;
            if (e->name == name && (!pred || pred(e->fields))) return *e;
        }
        QAT_FAIL_AT("no '" + name + "' event within " + std::to_string(timeout) + " s");
    }

    int wait()
    {
        while (next(60)) {
        }
        int status = 0;
        waitpid(m_pid, &status, 0);
        m_exited = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    void markKilled()
    {
        waitpid(m_pid, nullptr, 0);
        m_exited = true;
    }

    std::vector<EngineEvent> events;

private:
    pid_t m_pid = -1;
    int m_in = -1, m_out = -1;
    bool m_exited = false;
    std::string m_buf;
};

// A temp folder with small train/eval texts cut from the TinyStories validation head, and a config of the
// hidden selftest method (no real training) that runs `steps` steps.
struct Setup
{
    std::string dir, db, config, train;
};

inline Setup setup(const nlohmann::json& options, int64_t steps, int64_t checkpointEvery = 50)
{
    Setup s;
    const std::string model = test::dataPath("models/stories260K");
    const std::string text =
        test::readFile(test::dataPath("data/tinystories/TinyStories-validation-head.txt"));
    s.dir = test::tempDir();
    s.db = s.dir + "/runs.db";
    s.train = s.dir + "/train.txt";
    test::writeFile(s.train, text.substr(0, 20000));
    test::writeFile(s.dir + "/eval.txt", text.substr(20000, 20000));
    nlohmann::json exp = {{"name", "cli-test"},
                          {"seed", 1},
                          {"device", "cpu"},
                          {"model", {{"path", model}}},
                          {"data",
                           {{"train", s.train},
                            {"eval", s.dir + "/eval.txt"},
                            {"seq_len", 32},
                            {"batch_size", 1},
                            {"eval_seq_len", 64},
                            {"eval_max_windows", 4}}},
                          {"method", {{"name", "selftest"}, {"options", options}}},
                          {"training",
                           {{"steps", steps},
                            {"checkpoint_every", checkpointEvery},
                            {"log_every", 10},
                            {"histogram_every", 25}}}};
    s.config = s.dir + "/exp.json";
    test::writeFile(s.config, exp.dump(2));
    return s;
}

inline std::vector<std::string> runArgs(const Setup& s)
{
    return {"run", "--config", s.config, "--db", s.db, "--events", "jsonl"};
}

inline int64_t lossPoints(RunStore& store, int64_t run, int64_t* lastStep = nullptr)
{
    auto s = store.findSeries(run, "train/loss");
    if (!s) return 0;
    if (lastStep) *lastStep = s->lastStep;
    return s->count;
}

// Stops a fresh selftest run of `steps` steps after at least `after` steps (it checkpoints on stop).
// The run completed with train/loss at every step 1..steps exactly once.
inline void checkCompletedWithEveryStep(const std::string& db, int64_t runId, int64_t steps)
{
    RunStore store(db, {.readOnly = true});
    QAT_CHECK(store.run(runId)->status == RunStatus::Completed);
    const auto pts = store.scalars(store.findSeries(runId, "train/loss")->id, {.maxPoints = 0});
    QAT_CHECK_EQ(pts.size(), size_t(steps));
    for (size_t i = 0; i < pts.size(); ++i)
        QAT_CHECK_EQ(pts[i].step, int64_t(i + 1));
}

inline int64_t runAndStop(const Setup& s, int64_t after)
{
    Cli cli(runArgs(s));
    const int64_t runId = cli.waitFor("started").fields["run_id"].get<int64_t>();
    cli.waitFor("progress", [&](const nlohmann::json& f) { return f.value("step", int64_t(0)) >= after; });
    cli.send("stop");
    QAT_CHECK_EQ(cli.wait(), 3);
    return runId;
}

inline std::string failedMessage(Cli& cli)
{
    const auto f = cli.waitFor("failed");
    return f.fields["message"].get<std::string>();
}

inline std::vector<std::string> resumeArgs(const Setup& s, int64_t runId, bool restart = false)
{
    std::vector<std::string> a{"run", "--resume", std::to_string(runId), "--db", s.db, "--events", "jsonl"};
    if (restart) a.push_back("--restart");
    return a;
}

} // namespace qat::test

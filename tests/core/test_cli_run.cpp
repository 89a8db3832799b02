// `qatbench-cli run` as a process, with the hidden "selftest" method (no real training): events, stdin
// control, signals, SIGKILL + resume, and failures that end the run with advice.
#include "qat_test.h"

#include "qatbench/eval.h"
#include "qatbench/events.h"
#include "qatbench/store.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <poll.h>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

using namespace qat;
using nlohmann::json;

namespace {

double now()
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
    EngineEvent waitFor(const std::string& name, const std::function<bool(const json&)>& pred = {},
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

struct Setup
{
    std::string dir, db, config, train;
};

// A temp folder with small train/eval texts cut from the TinyStories validation head, and a selftest config.
Setup setup(const json& options, int64_t steps, int64_t checkpointEvery = 50)
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
    json exp = {{"name", "cli-test"},
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

std::vector<std::string> runArgs(const Setup& s)
{
    return {"run", "--config", s.config, "--db", s.db, "--events", "jsonl"};
}

int64_t lossPoints(RunStore& store, int64_t run, int64_t* lastStep = nullptr)
{
    auto s = store.findSeries(run, "train/loss");
    if (!s) return 0;
    if (lastStep) *lastStep = s->lastStep;
    return s->count;
}

} // namespace

QAT_TEST(aRunRecordsItsMetricsHistogramsEvalAndEvents)
{
    const Setup s = setup({{"step_ms", 8}}, 100);
    Cli cli(runArgs(s));
    const int rc = cli.wait();
    QAT_CHECK_EQ(rc, 0);
    std::set<std::string> names;
    for (const auto& e : cli.events)
        names.insert(e.name);
    for (const char* n : {"started", "phase", "progress", "metric", "checkpoint", "eval", "finished"})
        QAT_CHECK_MSG(names.count(n), std::string("missing event ") + n);
    QAT_CHECK_EQ(cli.events.front().name, std::string("started"));
    QAT_CHECK_EQ(cli.events.front().fields["total_steps"].get<int64_t>(), int64_t(100));
    QAT_CHECK_EQ(cli.events.back().name, std::string("finished"));
    QAT_CHECK_EQ(cli.events.back().fields["status"].get<std::string>(), std::string("completed"));

    RunStore store(s.db);
    const auto runs = store.runs();
    QAT_CHECK_EQ(runs.size(), size_t(1));
    const RunInfo& r = runs[0];
    QAT_CHECK(r.status == RunStatus::Completed);
    QAT_CHECK(r.method == "selftest" && !r.modelHash.empty() &&
              r.config.find("selftest") != std::string::npos);
    QAT_CHECK_EQ(lossPoints(store, r.id), int64_t(100));
    QAT_CHECK(store.findSeries(r.id, "train/lr").has_value());
    QAT_CHECK(store.findSeries(r.id, "perf/mem_bytes", "phase=training").has_value());
    QAT_CHECK(store.findSeries(r.id, "perf/tokens_per_s", "phase=training").has_value());
    const auto hist = store.findSeries(r.id, "selftest/m", "layer=0,module=q_proj", SeriesKind::Histogram);
    QAT_CHECK(hist && hist->count == 4);
    const auto ev = store.evalResults(r.id);
    QAT_CHECK_EQ(ev.size(), size_t(1));
    QAT_CHECK(ev[0].value > 1 && ev[0].value < 100 && ev[0].tokens == 4 * 63);
    QAT_CHECK(ev[0].protocol.find("\"seq_len\":64") != std::string::npos);
    QAT_CHECK(!store.artifacts(r.id).empty());
}

QAT_TEST(windowBosEvaluatesWithTheBosWindowProtocol)
{
    // data.window_bos: the engine's final perplexity is the bos-window protocol's on the same file, and the
    // store records that protocol.
    Setup s = setup({{"step_ms", 1}}, 5);
    json exp = json::parse(test::readFile(s.config));
    exp["data"]["window_bos"] = true;
    test::writeFile(s.config, exp.dump(2));
    Cli cli(runArgs(s));
    QAT_CHECK_EQ(cli.wait(), 0);
    RunStore store(s.db);
    const auto ev = store.evalResults(store.runs().at(0).id);
    QAT_CHECK_EQ(ev.size(), size_t(1));
    PerplexityProtocol p;
    p.name = "bos-window";
    p.seqLen = 64;
    p.maxWindows = 4;
    const auto ref = evaluatePerplexity(test::dataPath("models/stories260K"), s.dir + "/eval.txt", p, {});
    QAT_CHECK_EQ(ev[0].tokens, ref.tokensScored);
    QAT_CHECK_NEAR(ev[0].value, ref.ppl, ref.ppl * 1e-6);
    QAT_CHECK(ev[0].protocol.find("bos-window") != std::string::npos);
}

QAT_TEST(stdinPausesResumesAndStopsAndTheRunResumes)
{
    const Setup s = setup({{"step_ms", 10}}, 300);
    int64_t runId = 0;
    {
        Cli cli(runArgs(s));
        runId = cli.waitFor("started").fields["run_id"].get<int64_t>();
        cli.waitFor("progress", [](const json& f) { return f["step"].get<int64_t>() >= 20; });
        cli.send("pause");
        const int64_t pausedAt = cli.waitFor("paused").fields["step"].get<int64_t>();
        {
            RunStore reader(s.db, {.readOnly = true});
            QAT_CHECK(reader.run(runId)->status == RunStatus::Paused);
        }
        QAT_CHECK(!cli.next(0.5).has_value()); // nothing happens while paused
        cli.send("resume");
        QAT_CHECK_EQ(cli.waitFor("resumed").fields["step"].get<int64_t>(), pausedAt);
        cli.waitFor("progress", [&](const json& f) { return f["step"].get<int64_t>() > pausedAt + 5; });
        cli.send("stop");
        cli.waitFor("checkpoint");
        const auto fin = cli.waitFor("finished");
        QAT_CHECK_EQ(fin.fields["status"].get<std::string>(), std::string("cancelled"));
        QAT_CHECK_EQ(cli.wait(), 3);
    }
    {
        RunStore store(s.db);
        QAT_CHECK(store.run(runId)->status == RunStatus::Cancelled);
    }
    Cli again({"run", "--resume", std::to_string(runId), "--db", s.db, "--events", "jsonl"});
    QAT_CHECK(again.waitFor("started").fields["resumed"].get<bool>());
    QAT_CHECK_EQ(again.wait(), 0);
    RunStore store(s.db);
    QAT_CHECK(store.run(runId)->status == RunStatus::Completed);
    QAT_CHECK_EQ(store.runs().size(), size_t(1)); // the same run, not a new one
    QAT_CHECK_EQ(lossPoints(store, runId), int64_t(300));
}

QAT_TEST(sigtermStopsAfterTheStepWithACheckpoint)
{
    const Setup s = setup({{"step_ms", 10}}, 1000, 0);
    Cli cli(runArgs(s));
    cli.waitFor("progress", [](const json& f) { return f["step"].get<int64_t>() >= 10; });
    kill(cli.pid(), SIGTERM);
    const auto ck = cli.waitFor("checkpoint");
    QAT_CHECK(std::filesystem::exists(ck.fields["path"].get<std::string>()));
    QAT_CHECK_EQ(cli.waitFor("finished").fields["status"].get<std::string>(), std::string("cancelled"));
    QAT_CHECK_EQ(cli.wait(), 3);
    RunStore store(s.db);
    const RunInfo r = store.runs().at(0);
    QAT_CHECK(r.status == RunStatus::Cancelled);
    QAT_CHECK(r.message.find("--resume") != std::string::npos);
    int64_t last = -1;
    lossPoints(store, r.id, &last);
    QAT_CHECK_EQ(last, ck.fields["step"].get<int64_t>()); // every step up to the checkpoint is stored
}

QAT_TEST(sigkillLeavesAnInterruptedRunThatResumesFromItsCheckpoint)
{
    const int64_t steps = 400;
    const Setup s = setup({{"step_ms", 10}}, steps, 50);
    int64_t runId = 0, killedAt = 0, lastCheckpoint = 0;
    {
        Cli cli(runArgs(s));
        runId = cli.waitFor("started").fields["run_id"].get<int64_t>();
        killedAt = cli.waitFor("progress", [](const json& f) { return f["step"].get<int64_t>() >= 175; })
                       .fields["step"]
                       .get<int64_t>();
        kill(cli.pid(), SIGKILL);
        cli.markKilled();
        for (const auto& e : cli.events)
            if (e.name == "checkpoint") lastCheckpoint = e.fields["step"].get<int64_t>();
    }
    {
        RunStore store(s.db); // opening marks the dead run
        const RunInfo r = *store.run(runId);
        QAT_CHECK(r.status == RunStatus::Interrupted);
        QAT_CHECK(r.message.find("--resume " + std::to_string(runId)) != std::string::npos);
        int64_t last = -1;
        lossPoints(store, runId, &last);
        const int64_t lost = killedAt - last;
        std::printf(
            "    killed after step %lld, last stored step %lld, last checkpoint %lld: %lld steps lost\n",
            (long long)killedAt, (long long)last, (long long)lastCheckpoint,
            (long long)std::max<int64_t>(lost, 0));
        QAT_CHECK(last >= lastCheckpoint); // nothing before the checkpoint is lost
        QAT_CHECK(lost <= 100);            // at most one flush interval (1 s at 10 ms/step)
    }
    Cli again({"run", "--resume", std::to_string(runId), "--db", s.db, "--events", "jsonl"});
    QAT_CHECK_EQ(again.wait(), 0);
    RunStore store(s.db);
    QAT_CHECK(store.run(runId)->status == RunStatus::Completed);
    const auto pts = store.scalars(store.findSeries(runId, "train/loss")->id, {.maxPoints = 0});
    QAT_CHECK_EQ(pts.size(), size_t(steps));
    for (size_t i = 0; i < pts.size(); ++i)
        QAT_CHECK_EQ(pts[i].step, int64_t(i + 1));
}

QAT_TEST(aNanLossFailsTheRunWithAdvice)
{
    const Setup s = setup({{"fail", "nan"}, {"fail_at", 20}}, 100);
    Cli cli(runArgs(s));
    const auto failed = cli.waitFor("failed");
    QAT_CHECK(failed.fields["message"].get<std::string>().find("NaN") != std::string::npos);
    QAT_CHECK(failed.fields["hint"].get<std::string>().find("learning rate") != std::string::npos);
    QAT_CHECK_EQ(cli.wait(), 1);
    RunStore store(s.db);
    const RunInfo r = store.runs().at(0);
    QAT_CHECK(r.status == RunStatus::Failed);
    QAT_CHECK(r.message.find("learning rate") != std::string::npos);
}

QAT_TEST(outOfMemoryFailsTheRunWithAdvice)
{
    for (const char* kind : {"oom", "cuda_oom"}) {
        const Setup s = setup({{"fail", kind}, {"fail_at", 5}}, 100);
        Cli cli(runArgs(s));
        const auto failed = cli.waitFor("failed");
        QAT_CHECK(failed.fields["message"].get<std::string>().find("out of memory") != std::string::npos);
        QAT_CHECK(failed.fields["hint"].get<std::string>().find("data.batch_size") != std::string::npos);
        QAT_CHECK_EQ(cli.wait(), 1);
        RunStore store(s.db);
        QAT_CHECK(store.runs().at(0).status == RunStatus::Failed);
    }
}

QAT_TEST(aVanishedDataFileFailsTheResumedRunNamingTheFile)
{
    const Setup s = setup({{"step_ms", 5}}, 1000);
    int64_t runId = 0;
    {
        Cli cli(runArgs(s));
        runId = cli.waitFor("started").fields["run_id"].get<int64_t>();
        cli.waitFor("progress", [](const json& f) { return f["step"].get<int64_t>() >= 5; });
        cli.send("stop");
        QAT_CHECK_EQ(cli.wait(), 3);
    }
    std::filesystem::remove(s.train);
    Cli again({"run", "--resume", std::to_string(runId), "--db", s.db, "--events", "jsonl"});
    const auto failed = again.waitFor("failed");
    const std::string msg = failed.fields["message"].get<std::string>();
    QAT_CHECK_MSG(msg.find("data.train") != std::string::npos && msg.find("train.txt") != std::string::npos,
                  msg);
    QAT_CHECK(failed.fields["hint"].get<std::string>().find("data.train") != std::string::npos);
    QAT_CHECK_EQ(again.wait(), 1);
    RunStore store(s.db);
    QAT_CHECK(store.run(runId)->status == RunStatus::Failed);
}

QAT_TEST(aBadConfigCreatesNoRun)
{
    Setup s = setup({{"step_ms", 0}}, 10);
    json exp = json::parse(test::readFile(s.config));
    exp["data"]["seq_len"] = -3;
    test::writeFile(s.config, exp.dump());
    Cli cli(runArgs(s));
    const auto failed = cli.waitFor("failed");
    QAT_CHECK(failed.fields["message"].get<std::string>().find("data.seq_len") != std::string::npos);
    QAT_CHECK(failed.fields["run_id"].is_null());
    QAT_CHECK_EQ(cli.wait(), 2);
    RunStore store(s.db);
    QAT_CHECK(store.runs().empty());
}

QAT_TEST(aForeignDatabaseIsRefusedUntouched)
{
    const Setup s = setup({{"step_ms", 0}}, 10);
    test::writeFile(s.db, std::string(4096, 'x'));
    Cli cli(runArgs(s));
    QAT_CHECK_EQ(cli.wait(), 1);
    QAT_CHECK_EQ(test::readFile(s.db), std::string(4096, 'x'));
}

QAT_TEST_MAIN()

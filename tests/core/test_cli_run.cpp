// `qatbench-cli run` as a process, with the hidden "selftest" method (no real training): events, stdin
// control, signals, SIGKILL + resume, and failures that end the run with advice.
#include "cli_process.h"
#include "qat_test.h"

#include "qatbench/eval.h"
#include "qatbench/events.h"
#include "qatbench/store.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <poll.h>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace qat;
using nlohmann::json;
using namespace qat::test;

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

QAT_TEST(readersInOtherProcessesDuringARunLoseNothing)
{
    // Issue 12's data loss: `runs list` (or the GUI's Refresh) during a run made the engine's -wal and -shm
    // disappear once the engine's heartbeat thread had opened its own connection (after 2 s); the run then
    // "completed" with only its first steps stored. Read the store from other processes many times during a
    // real run, then find every step, evaluation, histogram and artifact.
    const int64_t steps = 300;
    const Setup s = setup({{"step_ms", 10}}, steps, 100);
    const double start = now();
    Cli cli(runArgs(s));
    const int64_t runId = cli.waitFor("started").fields["run_id"].get<int64_t>();
    int reads = 0, walMissing = 0;
    auto read = [&] {
        const pid_t pid = fork();
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout)) _exit(126);
            const std::string id = std::to_string(runId);
            if (reads % 2)
                execl(QATBENCH_CLI_PATH, QATBENCH_CLI_PATH, "runs", "show", id.c_str(), "--db", s.db.c_str(),
                      (char*)nullptr);
            else
                execl(QATBENCH_CLI_PATH, QATBENCH_CLI_PATH, "runs", "list", "--db", s.db.c_str(),
                      (char*)nullptr);
            _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        QAT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        ++reads;
    };
    // Paused past the heartbeat's first beat, so that the reads certainly meet its connection however slow
    // the machine is; then reads while the run goes on to its end.
    cli.waitFor("progress", [](const json& f) { return f.value("step", int64_t(0)) >= 10; });
    cli.send("pause");
    cli.waitFor("paused");
    while (now() - start < 2.5)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int i = 0; i < 4; ++i) {
        read();
        walMissing += !std::filesystem::exists(s.db + "-wal");
    }
    cli.send("resume");
    bool finished = false;
    while (!finished) {
        read();
        while (auto e = cli.next(0.05))
            if (e->name == "finished") finished = true;
        if (!finished && !std::filesystem::exists(s.db + "-wal")) ++walMissing;
    }
    QAT_CHECK_EQ(cli.wait(), 0);
    std::printf("    %d reads from other processes during the run\n", reads);
    QAT_CHECK_EQ(walMissing, 0);
    checkCompletedWithEveryStep(s.db, runId, steps);
    RunStore store(s.db, {.readOnly = true});
    const auto hist = store.findSeries(runId, "selftest/m", "layer=0,module=q_proj", SeriesKind::Histogram);
    QAT_CHECK(hist && hist->count == steps / 25);
    QAT_CHECK_EQ(store.evalResults(runId).size(), size_t(1));
    size_t checkpoints = 0;
    for (const auto& a : store.artifacts(runId))
        checkpoints += a.kind == "checkpoint";
    QAT_CHECK_EQ(checkpoints, size_t(steps / 100));
}

QAT_TEST(stdinPausesResumesAndStopsAndTheRunResumes)
{
    const Setup s = setup({{"step_ms", 10}}, 300);
    int64_t runId = 0;
    {
        Cli cli(runArgs(s));
        runId = cli.waitFor("started").fields["run_id"].get<int64_t>();
        cli.waitFor("progress", [](const json& f) { return f.value("step", int64_t(0)) >= 20; });
        cli.send("pause");
        const int64_t pausedAt = cli.waitFor("paused").fields["step"].get<int64_t>();
        {
            RunStore reader(s.db, {.readOnly = true});
            QAT_CHECK(reader.run(runId)->status == RunStatus::Paused);
        }
        QAT_CHECK(!cli.next(0.5).has_value()); // nothing happens while paused
        cli.send("resume");
        QAT_CHECK_EQ(cli.waitFor("resumed").fields["step"].get<int64_t>(), pausedAt);
        cli.waitFor("progress", [&](const json& f) { return f.value("step", int64_t(0)) > pausedAt + 5; });
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

// The demo (issue 18, item 9): every method it compares is a real run in the store, sent with the events and
// controlled through the stdin commands of `run`, and readable from another process while the demo runs.
QAT_TEST(theDemoRecordsRealRunsAndObeysPauseAndStop)
{
    const std::string dir = test::tempDir(), db = dir + "/runs.db";
    Cli cli(
        {"demo", "--quick", "--qat-steps", "12", "--db", db, "--events", "jsonl", "--out", dir + "/demo"});
    cli.waitFor(
        "progress", [](const json& f) { return f["phase"] == "pretraining"; }, 120);
    std::vector<int64_t> ids;
    std::vector<std::string> methods;
    std::set<std::string> sent; // the run-level metric names of the first DL-QAT run's events
    int64_t dlqat = 0;
    for (;;) { // RTN W3 and W2, DL-QAT W3, until the last run (DL-QAT W2) starts
        const auto e = cli.next(120);
        QAT_CHECK_MSG(e.has_value(), "the demo ended early");
        if (e->name == "started") {
            ids.push_back(e->fields["run_id"].get<int64_t>());
            methods.push_back(e->fields["method"].get<std::string>());
            QAT_CHECK_EQ(e->fields["experiment"]["method"]["name"].get<std::string>(), methods.back());
            RunStore reader(db, {.readOnly = true});
            QAT_CHECK(reader.run(ids.back())->status == RunStatus::Running);
            if (methods.back() == "dlqat" && dlqat > 0) break;
            if (methods.back() == "dlqat") dlqat = ids.back();
        } else if (e->name == "metric" && !ids.empty() && ids.back() == dlqat &&
                   e->fields["context_key"] == "") {
            sent.insert(e->fields["name"].get<std::string>());
        } else if (e->name == "finished") {
            QAT_CHECK_EQ(e->fields["status"].get<std::string>(), std::string("completed"));
        }
    }
    cli.send("pause");
    cli.waitFor("paused");
    {
        RunStore reader(db, {.readOnly = true});
        QAT_CHECK(reader.run(ids.back())->status == RunStatus::Paused);
    }
    cli.send("resume");
    cli.waitFor("resumed");
    cli.send("stop");
    const auto fin = cli.waitFor("finished");
    QAT_CHECK_EQ(fin.fields["status"].get<std::string>(), std::string("cancelled"));
    QAT_CHECK_EQ(fin.fields["run_id"].get<int64_t>(), ids.back());
    QAT_CHECK_EQ(cli.wait(), 3);
    bool table = false;
    for (const auto& e : cli.events)
        table = table || (e.name == "message" &&
                          e.fields["text"].get<std::string>().find("full precision") != std::string::npos &&
                          e.fields["text"].get<std::string>().find("DL-QAT") != std::string::npos);
    QAT_CHECK_MSG(table, "no message with the perplexity table");

    RunStore store(db, {.readOnly = true});
    QAT_CHECK_EQ(store.runs().size(), size_t(4));
    QAT_CHECK(methods == std::vector<std::string>({"rtn", "rtn", "dlqat", "dlqat"}));
    for (size_t i = 0; i < 3; ++i) {
        const auto run = store.run(ids[i]);
        QAT_CHECK(run->status == RunStatus::Completed);
        QAT_CHECK_EQ(run->modelPath, dir + "/demo/demo-model"); // a model folder any tool can open
        double ppl = 0;
        for (const auto& r : store.evalResults(ids[i]))
            if (r.metric == "ppl") ppl = r.value;
        QAT_CHECK_MSG(std::isfinite(ppl) && ppl > 1, "run " + std::to_string(ids[i]) + " has no perplexity");
    }
    QAT_CHECK(store.run(ids[3])->status == RunStatus::Cancelled); // resumable like any stopped run
    // The live curves are the stored series under the same names: calibration and training loss, the
    // evaluations during training; and the magnitudes' histograms for the Histograms view.
    std::set<std::string> stored;
    bool histograms = false;
    for (const auto& series : store.series(dlqat)) {
        if (series.kind == SeriesKind::Scalar && series.context.empty()) stored.insert(series.name);
        histograms = histograms || series.kind == SeriesKind::Histogram;
    }
    for (const char* name : {"calib/loss", "train/loss", "eval/ppl"})
        QAT_CHECK_MSG(sent.count(name), std::string("no live ") + name);
    for (const auto& name : sent)
        QAT_CHECK_MSG(stored.count(name), name + " was sent live but is not in the store");
    QAT_CHECK(histograms);
}

// The demo's pretraining is no run, but it obeys the same commands; a stop there ends the demo with no run.
QAT_TEST(theDemoPausesAndStopsInItsPretraining)
{
    const std::string dir = test::tempDir(), db = dir + "/runs.db";
    Cli cli({"demo", "--quick", "--pretrain-steps", "5000", "--db", db, "--events", "jsonl", "--out",
             dir + "/demo"});
    cli.waitFor(
        "progress", [](const json& f) { return f["phase"] == "pretraining"; }, 120);
    cli.send("pause");
    const int64_t at = cli.waitFor("paused").fields["step"].get<int64_t>();
    QAT_CHECK(!cli.next(0.5).has_value()); // nothing happens while paused
    cli.send("resume");
    QAT_CHECK_EQ(cli.waitFor("resumed").fields["step"].get<int64_t>(), at);
    cli.send("stop");
    const auto fin = cli.waitFor("finished");
    QAT_CHECK_EQ(fin.fields["status"].get<std::string>(), std::string("cancelled"));
    QAT_CHECK(fin.fields["run_id"].is_null());
    QAT_CHECK_EQ(cli.wait(), 3);
    QAT_CHECK(!std::filesystem::exists(db) || RunStore(db, {.readOnly = true}).runs().empty()); // no run
}

QAT_TEST(sigtermStopsAfterTheStepWithACheckpoint)
{
    const Setup s = setup({{"step_ms", 10}}, 1000, 0);
    Cli cli(runArgs(s));
    cli.waitFor("progress", [](const json& f) { return f.value("step", int64_t(0)) >= 10; });
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
        killedAt = cli.waitFor("progress", [](const json& f) { return f.value("step", int64_t(0)) >= 175; })
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
    checkCompletedWithEveryStep(s.db, runId, steps);
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
        cli.waitFor("progress", [](const json& f) { return f.value("step", int64_t(0)) >= 5; });
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

// Resuming a run through the binary the user runs (issue 12, items 1 and 2): a resume continues only the
// run's own last checkpoint; work folders are unique per store and run; --restart redoes a run from step 1.
#include "cli_process.h"
#include "qat_test.h"

#include "qatbench/distributed.h"
#include "qatbench/files.h"
#include "qatbench/store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

using namespace qat;
using namespace qat::test;
using nlohmann::json;

QAT_TEST(aResumeNeverContinuesADeletedRunsCheckpoint)
{
    // Issue 12: `runs delete` of a stopped run, a new run that got the same id and was killed before its
    // first checkpoint, then --resume continued from the deleted run's trained state and ended "completed".
    const Setup s = setup({{"step_ms", 5}}, 2000, 0);
    const int64_t first = runAndStop(s, 20);
    {
        RunStore store(s.db);
        store.deleteRun(first);
    }
    int64_t second = 0;
    {
        Cli cli(runArgs(s));
        second = cli.waitFor("started").fields["run_id"].get<int64_t>();
        cli.waitFor("progress", [](const json& f) { return f.value("step", int64_t(0)) >= 5; });
        kill(cli.pid(), SIGKILL);
        cli.markKilled();
    }
    QAT_CHECK(second != first); // ids are never given out twice
    Cli again(resumeArgs(s, second));
    const std::string msg = failedMessage(again);
    QAT_CHECK_MSG(
        msg.find("no checkpoint") != std::string::npos && msg.find("--restart") != std::string::npos, msg);
    QAT_CHECK_EQ(again.wait(), 2);
    RunStore store(s.db);
    QAT_CHECK(store.run(second)->status == RunStatus::Interrupted); // untouched by the refused resume
}

QAT_TEST(aResumeWithItsCheckpointGoneIsRefusedAndRestartRedoesTheSteps)
{
    // Issue 12: with the checkpoint folder gone --resume silently started again at step 1 and left the old
    // steps above it in the store (a spliced curve).
    const int64_t steps = 200; // stopped after 25: far from the end even on a fast machine
    const Setup s = setup({{"step_ms", 5}}, steps, 0);
    const int64_t runId = runAndStop(s, 25);
    std::string workDir;
    {
        RunStore store(s.db);
        workDir = store.run(runId)->workDir;
    }
    QAT_CHECK(std::filesystem::exists(workDir + "/run-identity.json"));
    qat::removeTree(workDir); // not std::filesystem::remove_all (qatbench/files.h)
    {
        Cli again(resumeArgs(s, runId));
        const std::string msg = failedMessage(again);
        QAT_CHECK_MSG(msg.find("missing") != std::string::npos && msg.find("--restart") != std::string::npos,
                      msg);
        QAT_CHECK_EQ(again.wait(), 2);
    }
    Cli restart(resumeArgs(s, runId, true));
    QAT_CHECK_EQ(restart.wait(), 0);
    checkCompletedWithEveryStep(s.db, runId, steps);
}

QAT_TEST(twoStoresInOneFolderNeverShareAWorkFolderNorACheckpoint)
{
    // Issue 12: two stores in one folder shared work/run-1, and one store's run resumed from the other's
    // checkpoint and overwrote that run's export.
    Setup a = setup({{"step_ms", 5}}, 2000, 0);
    Setup b = a;
    b.db = a.dir + "/other.db";
    const int64_t ra = runAndStop(a, 10);
    const int64_t rb = runAndStop(b, 10);
    QAT_CHECK_EQ(ra, rb); // both are run 1 of their own store
    std::string wa, wb;
    {
        RunStore sa(a.db), sb(b.db);
        wa = sa.run(ra)->workDir;
        wb = sb.run(rb)->workDir;
    }
    QAT_CHECK_MSG(wa != wb, wa);
    // The other store's folder copied over this one's: the resume refuses it, naming the identity file.
    qat::removeTree(wb);
    std::filesystem::copy(wa, wb, std::filesystem::copy_options::recursive);
    Cli again(resumeArgs(b, rb));
    const std::string msg = failedMessage(again);
    QAT_CHECK_MSG(msg.find("another run") != std::string::npos &&
                      msg.find("run-identity.json") != std::string::npos,
                  msg);
    QAT_CHECK_EQ(again.wait(), 2);
}

QAT_TEST(aResumeNoticesThatTheModelChanged)
{
    Setup s = setup({{"step_ms", 5}}, 2000, 0);
    const std::string model = s.dir + "/model";
    std::filesystem::copy(test::dataPath("models/stories260K"), model,
                          std::filesystem::copy_options::recursive);
    json exp = json::parse(test::readFile(s.config));
    exp["model"]["path"] = model;
    test::writeFile(s.config, exp.dump(2));
    const int64_t runId = runAndStop(s, 10);
    std::string w = test::readFile(model + "/model.safetensors");
    w[w.size() / 2] ^= 0x01; // one bit in the middle of the weights
    test::writeFile(model + "/model.safetensors", w);
    Cli again(resumeArgs(s, runId));
    const std::string msg = failedMessage(again);
    QAT_CHECK_MSG(msg.find("model changed") != std::string::npos && msg.find(model) != std::string::npos,
                  msg);
    QAT_CHECK_EQ(again.wait(), 2);
}

QAT_TEST(aNewRunRefusesAWorkFolderThatIsNotEmpty)
{
    const Setup s = setup({{"step_ms", 0}}, 10);
    const std::string dir = s.dir + "/used";
    std::filesystem::create_directories(dir);
    test::writeFile(dir + "/checkpoint.pt", "someone else's");
    auto args = runArgs(s);
    args.insert(args.end(), {"--work-dir", dir});
    Cli cli(args);
    const std::string msg = failedMessage(cli);
    QAT_CHECK_MSG(msg.find("not empty") != std::string::npos, msg);
    QAT_CHECK_EQ(cli.wait(), 2);
    QAT_CHECK_EQ(test::readFile(dir + "/checkpoint.pt"), std::string("someone else's"));
    RunStore store(s.db);
    QAT_CHECK(store.runs().empty());
}

// Data-parallel runs (issue 19, docs/SCALE.md): `run --ranks N` starts N engine processes on c10d's Gloo
// group.

namespace {

// A DL-QAT W3 run of stories260K: `calib` calibration and `steps` training steps of batch 4 x 32 tokens,
// every step logged, an evaluation every `evalEvery` steps.
Setup dlqatSetup(int64_t calib, int64_t steps, int64_t evalEvery = 3)
{
    Setup s = setup({}, steps);
    json exp = json::parse(test::readFile(s.config));
    exp["method"] = {{"name", "dlqat"},
                     {"options",
                      {{"bits", 3},
                       {"group_size", 32},
                       {"allow_partial_group", true},
                       {"rank", 4},
                       {"calib_steps", calib}}}};
    exp["data"]["batch_size"] = 4;
    exp["training"] = {{"steps", steps},          {"warmup_steps", 2},     {"log_every", 1},
                       {"eval_every", evalEvery}, {"checkpoint_every", 0}, {"histogram_every", 0}};
    test::writeFile(s.config, exp.dump(2));
    return s;
}

void skipWithoutGloo()
{
    if (!dist::available(dist::Backend::Gloo))
        QAT_SKIP("this build has no c10d Gloo process group (gloo's headers were not found)");
}

std::vector<std::string> withRanks(std::vector<std::string> args, int ranks)
{
    args.insert(args.end(), {"--ranks", std::to_string(ranks)});
    return args;
}

std::map<int64_t, double> series(const RunStore& store, int64_t run, const std::string& name)
{
    std::map<int64_t, double> out;
    if (auto s = store.findSeries(run, name))
        for (const auto& p : store.scalars(s->id, {.maxPoints = 0}))
            out[p.step] = p.value;
    return out;
}

std::string readProc(const std::string& path) // "" when the process is gone
{
    std::ifstream in(path, std::ios::binary);
    return in ? std::string(std::istreambuf_iterator<char>(in), {}) : std::string();
}

// The rank processes the launcher started, by rank (from their environment).
std::map<int, pid_t> ranksOf(pid_t launcher)
{
    std::map<int, pid_t> out;
    DIR* d = opendir("/proc");
    QAT_CHECK(d != nullptr);
    while (dirent* e = readdir(d)) {
        const pid_t pid = pid_t(std::atoi(e->d_name));
        if (pid <= 0) continue;
        const std::string stat = readProc("/proc/" + std::to_string(pid) + "/stat");
        const size_t paren = stat.rfind(')');
        if (paren == std::string::npos) continue;
        char state = 0;
        int ppid = 0;
        if (std::sscanf(stat.c_str() + paren + 1, " %c %d", &state, &ppid) != 2 || ppid != launcher) continue;
        const std::string env = readProc("/proc/" + std::to_string(pid) + "/environ");
        for (size_t at = 0; at < env.size(); at = env.find('\0', at) + 1) {
            if (env.compare(at, 14, "QATBENCH_RANK=") == 0) out[std::atoi(env.c_str() + at + 14)] = pid;
            if (env.find('\0', at) == std::string::npos) break;
        }
    }
    closedir(d);
    return out;
}

bool alive(pid_t pid)
{
    return kill(pid, 0) == 0 || errno != ESRCH;
}

// Every calibration and training loss, gradient norm and evaluation of two runs: the largest difference
// relative to the value (to 1 below 1).
double curveDifference(const std::string& dbA, const std::string& dbB, const std::string& what)
{
    RunStore a(dbA, {.readOnly = true}), b(dbB, {.readOnly = true});
    QAT_CHECK(a.runs().size() == 1 && b.runs().size() == 1); // rank 0 alone wrote the store: one run
    const int64_t ra = a.runs().at(0).id, rb = b.runs().at(0).id;
    QAT_CHECK(a.run(ra)->status == RunStatus::Completed && b.run(rb)->status == RunStatus::Completed);
    double worst = 0;
    for (const char* name : {"calib/loss", "train/loss", "train/grad_norm", "eval/ppl"}) {
        const auto x = series(a, ra, name), y = series(b, rb, name);
        QAT_CHECK_MSG(!x.empty() && x.size() == y.size(), std::string(name) + ": different steps");
        for (const auto& [step, v] : x) {
            QAT_CHECK_MSG(y.count(step), std::string(name) + " has no step " + std::to_string(step));
            worst = std::max(worst, std::fabs(v - y.at(step)) / std::max(1.0, std::fabs(v)));
        }
    }
    double pa = 0, pb = 0;
    for (const auto& r : a.evalResults(ra))
        if (r.metric == "ppl") pa = r.value;
    for (const auto& r : b.evalResults(rb))
        if (r.metric == "ppl") pb = r.value;
    QAT_CHECK(pa > 1 && pb > 1);
    worst = std::max(worst, std::fabs(pa - pb) / pa);
    std::printf("    %s: max relative difference %.3g (final perplexity %.9f vs %.9f)\n", what.c_str(), worst,
                pa, pb);
    return worst;
}

// A stored param's JSON text ("" when the run has none).
std::string param(const std::string& db, int64_t run, const std::string& key)
{
    RunStore store(db, {.readOnly = true});
    for (const RunParam& p : store.params(run))
        if (p.key == key) return p.text;
    return {};
}

} // namespace

QAT_TEST(twoRanksTrainExactlyAsOneProcessWithTheWholeBatch)
{
    skipWithoutGloo();
    setenv("QATBENCH_THREADS", "1", 1); // every run alike: one thread per process
    const Setup s = dlqatSetup(1, 6);
    auto variant = [&](const std::string& name, int64_t batch, int64_t accum) {
        json exp = json::parse(test::readFile(s.config));
        exp["data"]["batch_size"] = batch;
        exp["data"]["grad_accum"] = accum;
        Setup v = s;
        v.config = s.dir + "/" + name + ".json";
        v.db = s.dir + "/" + name + ".db";
        test::writeFile(v.config, exp.dump(2));
        return v;
    };
    const Setup two = variant("two-ranks", 4, 1), whole = variant("batch4", 4, 1),
                accum = variant("accum", 2, 2);
    Cli cli(withRanks(runArgs(two), 2));
    QAT_CHECK_EQ(cli.wait(), 0);
    int started = 0; // rank 0 alone sent the events
    for (const auto& e : cli.events)
        started += e.name == "started";
    QAT_CHECK_EQ(started, 1);
    for (const Setup* one : {&whole, &accum}) {
        Cli c(runArgs(*one));
        QAT_CHECK_EQ(c.wait(), 0);
    }
    // Two ranks of 2 windows are one process's two micro-batches of 2 (gradient accumulation): the same sums
    // in the same order, so the same numbers.
    QAT_CHECK(curveDifference(accum.db, two.db, "1 process x 2 windows x 2 micro-batches vs 2 ranks x 2") <
              1e-6);
    // One process with the batch of 4 in one pass sums in another order: float rounding only.
    QAT_CHECK(curveDifference(whole.db, two.db, "1 process x 4 windows vs 2 ranks x 2") < 1e-4);
}

QAT_TEST(aKilledRankEndsTheRunInterruptedWithACheckpointAndOneRankResumesIt)
{
    skipWithoutGloo();
    setenv("QATBENCH_THREADS", "1", 1);
    setenv("QATBENCH_DIST_TIMEOUT_S", "20",
           1); // a lost rank is noticed at once on Gloo; the timeout is the bound
    const int64_t steps = 60;
    const Setup s = dlqatSetup(2, steps, 20);
    int64_t runId = 0;
    {
        Cli cli(withRanks(runArgs(s), 2));
        runId = cli.waitFor("started").fields["run_id"].get<int64_t>();
        cli.waitFor("progress", [](const json& f) {
            return f["phase"] == "training" && f.value("step", int64_t(0)) >= 5;
        });
        const auto ranks = ranksOf(cli.pid());
        QAT_CHECK_MSG(ranks.size() == 2 && ranks.count(1), "the launcher's ranks not found");
        const double t0 = now();
        kill(ranks.at(1), SIGKILL);
        const auto ck = cli.waitFor("checkpoint", {}, 30);
        const auto fin = cli.waitFor("finished", {}, 30);
        QAT_CHECK_EQ(fin.fields["status"].get<std::string>(), std::string("interrupted"));
        QAT_CHECK_EQ(cli.wait(), 1);
        std::printf(
            "    rank 1 killed: rank 0 wrote its checkpoint at step %lld and the launcher ended %.2f s "
            "later\n",
            (long long)ck.fields["step"].get<int64_t>(), now() - t0);
        QAT_CHECK(!alive(ranks.at(0)) && !alive(ranks.at(1))); // nobody is left behind
    }
    {
        RunStore store(s.db, {.readOnly = true});
        const RunInfo r = *store.run(runId);
        QAT_CHECK(r.status == RunStatus::Interrupted);
        QAT_CHECK_MSG(r.message.find("rank") != std::string::npos, r.message);
    }
    // The run's records say how many processes trained it (the Runs and Compare views, `runs show`).
    QAT_CHECK_EQ(param(s.db, runId, "distributed.world_size"), std::string("2"));
    QAT_CHECK_EQ(param(s.db, runId, "distributed.backend"), std::string("\"gloo\""));
    Cli again(resumeArgs(s, runId)); // one process continues what two began
    QAT_CHECK_EQ(again.wait(), 0);
    checkCompletedWithEveryStep(s.db, runId, steps);
    QAT_CHECK_EQ(param(s.db, runId, "distributed.world_size"), std::string("1")); // the last session's
    QAT_CHECK_EQ(param(s.db, runId, "distributed.backend"), std::string("\"none\""));
}

QAT_TEST(aRankKilledBeforeTheProcessGroupFormsEndsTheRunAtOnceNotAtTheTimeout)
{
    skipWithoutGloo();
    setenv("QATBENCH_THREADS", "1", 1);
    setenv("QATBENCH_DIST_TIMEOUT_S", "300", 1); // the default: a wait for it would look like a hang
    const Setup s = dlqatSetup(2, 40, 20);
    Cli cli(withRanks(runArgs(s), 2));
    cli.waitFor("started"); // rank 1 is still loading the model
    const auto ranks = ranksOf(cli.pid());
    QAT_CHECK_MSG(ranks.count(1), "rank 1 not found");
    const double t0 = now();
    kill(ranks.at(1), SIGKILL);
    const auto fin = cli.waitFor("finished", {}, 60);
    QAT_CHECK_EQ(fin.fields["status"].get<std::string>(), std::string("interrupted"));
    QAT_CHECK_MSG(fin.fields["message"].get<std::string>().find("rank 1 of 2 ended by signal 9") !=
                      std::string::npos,
                  fin.fields["message"].get<std::string>());
    QAT_CHECK_EQ(cli.wait(), 1);
    std::printf("    rank 1 killed while loading: the run ended %.2f s later\n", now() - t0);
    QAT_CHECK(now() - t0 < 60);
}

QAT_TEST(aPausedRankZeroHoldsEveryRankPastTheTimeoutAndSigtermStopsAllOfThem)
{
    skipWithoutGloo();
    setenv("QATBENCH_THREADS", "1", 1);
    const int64_t steps = 40;
    const Setup s = dlqatSetup(2, steps, 20);
    int64_t runId = 0;
    {
        Cli cli(runArgs(s)); // begun by one process, stopped in calibration or early in training
        runId = cli.waitFor("started").fields["run_id"].get<int64_t>();
        cli.waitFor("progress", [](const json& f) { return f["phase"] == "calibration"; });
        cli.send("stop");
        QAT_CHECK_EQ(cli.wait(), 3);
    }
    // Resumed on two ranks (the batch of 4 splits 2 + 2): paused for longer than the collectives' timeout,
    // resumed, then SIGTERM to the launcher.
    setenv("QATBENCH_DIST_TIMEOUT_S", "4", 1);
    {
        Cli cli(withRanks(resumeArgs(s, runId), 2));
        cli.waitFor("progress", [](const json& f) { return f["phase"] == "training"; });
        const auto ranks = ranksOf(cli.pid());
        QAT_CHECK_EQ(ranks.size(), size_t(2));
        cli.send("pause");
        cli.waitFor("paused");
        std::this_thread::sleep_for(std::chrono::seconds(5));
        cli.send("resume");
        cli.waitFor("resumed");
        kill(cli.pid(), SIGTERM);
        QAT_CHECK(std::filesystem::exists(cli.waitFor("checkpoint").fields["path"].get<std::string>()));
        QAT_CHECK_EQ(cli.waitFor("finished").fields["status"].get<std::string>(), std::string("cancelled"));
        QAT_CHECK_EQ(cli.wait(), 3);
        for (const auto& [rank, pid] : ranks)
            QAT_CHECK_MSG(!alive(pid), "rank " + std::to_string(rank) + " outlived the launcher");
    }
    setenv("QATBENCH_DIST_TIMEOUT_S", "120", 1);
    Cli again(withRanks(resumeArgs(s, runId), 4)); // and finished by four ranks of one window each
    QAT_CHECK_EQ(again.wait(), 0);
    checkCompletedWithEveryStep(s.db, runId, steps);
}

QAT_TEST(devicesSaysWhichDataParallelRunsThisBuildCanStart)
{
    // The GUI's device pickers decide from `devices --json` whether "k GPUs (data-parallel)" can run; the
    // answer is core's (dist::available), and a build without CUDA never claims NCCL.
    const CliOutput r = runCli("devices --json");
    QAT_CHECK_MSG(r.code == 0, r.text);
    const json j = json::parse(r.text.substr(r.text.find('{')));
    QAT_CHECK_MSG(j.contains("data_parallel") && j["data_parallel"].is_object(), r.text);
    const json& dp = j["data_parallel"];
    QAT_CHECK_MSG(dp.contains("gloo") && dp["gloo"].is_boolean(), r.text);
    QAT_CHECK_MSG(dp.contains("nccl") && dp["nccl"].is_boolean(), r.text);
    QAT_CHECK_EQ(dp["gloo"].get<bool>(), dist::available(dist::Backend::Gloo));
    QAT_CHECK_EQ(dp["nccl"].get<bool>(), dist::available(dist::Backend::Nccl));
    if (!j["cuda_build"].get<bool>()) QAT_CHECK(!dp["nccl"].get<bool>());
    // The table says the same in words, with what to do when a backend is missing.
    const CliOutput t = runCli("devices");
    QAT_CHECK_MSG(t.code == 0, t.text);
    QAT_CHECK_MSG(t.text.find("Data-parallel run --gpus N (one process per GPU, NCCL): " +
                              std::string(dp["nccl"].get<bool>() ? "available" : "no, ")) !=
                      std::string::npos,
                  t.text);
    if (!dp["nccl"].get<bool>()) QAT_CHECK_MSG(t.text.find("docs/SCALE.md") != std::string::npos, t.text);
}

QAT_TEST_MAIN()

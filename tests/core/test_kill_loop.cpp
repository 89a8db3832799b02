// A DL-QAT run killed with SIGKILL at 20 random moments, and resumed each time, ends with the model and the
// metric history of the uninterrupted run of the same seed, bit for bit: no step missing, none twice
// (issue 12, item 8).
#include "cli_process.h"
#include "qat_test.h"

#include "qatbench/store.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <random>

using namespace qat;
using nlohmann::json;
using qat::test::Cli;

namespace {

struct Store
{
    std::string db;
    int64_t run = 0;
};

std::string writeConfig(const std::string& dir)
{
    const std::string text =
        test::readFile(test::dataPath("data/tinystories/TinyStories-validation-head.txt"));
    test::writeFile(dir + "/train.txt", text.substr(0, 120000));
    test::writeFile(dir + "/eval.txt", text.substr(120000, 20000));
    const json exp = {{"name", "kill-loop"},
                      {"seed", 3},
                      {"device", "cpu"},
                      {"model", {{"path", test::dataPath("models/stories260K")}}},
                      {"data",
                       {{"train", dir + "/train.txt"},
                        {"eval", dir + "/eval.txt"},
                        {"seq_len", 64},
                        {"batch_size", 4},
                        {"eval_seq_len", 128},
                        {"eval_max_windows", 4}}},
                      {"method",
                       {{"name", "dlqat"},
                        {"options",
                         {{"bits", 3},
                          {"group_size", 32},
                          {"allow_partial_group", true},
                          {"rank", 4},
                          {"calib_steps", 30}}}}},
                      {"training",
                       {{"steps", 80},
                        {"warmup_steps", 10},
                        {"checkpoint_every", 10},
                        {"eval_every", 40},
                        {"log_every", 1},
                        {"histogram_every", 20}}}};
    test::writeFile(dir + "/exp.json", exp.dump(2));
    return dir + "/exp.json";
}

std::vector<std::string> args(const std::string& config, const Store& s, bool restart)
{
    if (s.run == 0) return {"run", "--config", config, "--db", s.db, "--events", "jsonl"};
    std::vector<std::string> a{"run", "--resume", std::to_string(s.run), "--db", s.db, "--events", "jsonl"};
    if (restart) a.push_back("--restart");
    return a;
}

// Every stored series of the run: name|context -> (step, value bits) in step order; histograms by their sums.
test::StoredHistory history(const Store& s)
{
    test::StoredHistory out = test::storedHistory(s.db, s.run); // speed and memory differ from run to run
    RunStore store(s.db, {.readOnly = true});
    for (const auto& e : store.evalResults(s.run))
        out["eval|" + e.dataset].emplace_back(e.step, e.value);
    return out;
}

std::string exportBytes(const Store& s)
{
    RunStore store(s.db, {.readOnly = true});
    for (const auto& a : store.artifacts(s.run))
        if (a.kind == "export") return test::readFile(a.path);
    return {};
}

} // namespace

QAT_TEST(twentyKillsAndResumesGiveTheUninterruptedRunBitForBit)
{
    setenv("QATBENCH_THREADS", "1", 1); // one thread: the same sums in the same order in every process
    const std::string dir = test::tempDir();
    const std::string config = writeConfig(dir);

    Store whole{dir + "/whole.db"};
    {
        Cli cli(args(config, whole, false));
        whole.run = cli.waitFor("started").fields["run_id"].get<int64_t>();
        QAT_CHECK_EQ(cli.wait(), 0);
    }

    Store killed{dir + "/killed.db"};
    std::mt19937 rng(12);
    int kills = 0, restarts = 0, lives = 0;
    bool done = false, restart = false;
    while (!done) {
        QAT_CHECK_MSG(++lives < 60, "the run did not finish after 60 lives");
        Cli cli(args(config, killed, restart));
        restart = false;
        if (kills == 20) { // the last life runs to the end
            const int rc = cli.wait();
            for (const auto& e : cli.events) {
                if (e.name == "started" && killed.run == 0) killed.run = e.fields["run_id"].get<int64_t>();
                if (e.name == "failed" &&
                    e.fields.value("message", std::string()).find("no checkpoint") != std::string::npos)
                    restart = true; // the 20th kill came before the (re)started run's first checkpoint
            }
            if (restart) {
                ++restarts;
                continue;
            }
            std::string why;
            for (const auto& e : cli.events)
                if (e.name == "failed") why += e.fields.value("message", std::string()) + "\n";
            QAT_CHECK_MSG(rc == 0, "the last life exited " + std::to_string(rc) + ": " + why);
            done = true;
            break;
        }
        // A random moment: after 1 to 60 events (loading, calibration, training, evaluation or export).
        const int after = std::uniform_int_distribution<int>(1, 60)(rng);
        int seen = 0;
        bool finished = false, refused = false;
        while (seen < after) {
            auto e = cli.next(120);
            if (!e) break;
            ++seen;
            if (e->name == "started" && killed.run == 0) killed.run = e->fields["run_id"].get<int64_t>();
            if (e->name == "failed" &&
                e->fields["message"].get<std::string>().find("no checkpoint") != std::string::npos)
                refused = true; // killed before its first checkpoint: start it again
            if (e->name == "finished") finished = true;
        }
        if (refused) {
            cli.wait();
            restart = true;
            ++restarts;
            continue;
        }
        if (finished) {
            // It ended before the chosen moment: nothing left to kill.
            QAT_CHECK_EQ(cli.wait(), 0);
            done = true;
            break;
        }
        kill(cli.pid(), SIGKILL);
        cli.markKilled();
        ++kills;
    }
    std::printf("    %d kills, %d restarts from step 1, %d lives\n", kills, restarts, lives);
    QAT_CHECK_EQ(kills, 20);
    QAT_CHECK(killed.run > 0);
    {
        RunStore store(killed.db, {.readOnly = true});
        QAT_CHECK(store.run(killed.run)->status == RunStatus::Completed);
    }
    const auto a = history(whole), b = history(killed);
    QAT_CHECK_EQ(a.size(), b.size());
    for (const auto& [name, points] : a) {
        QAT_CHECK_MSG(b.count(name), "missing series " + name);
        const auto& other = b.at(name);
        QAT_CHECK_MSG(points.size() == other.size(), name + ": " + std::to_string(points.size()) + " vs " +
                                                         std::to_string(other.size()) + " points");
        for (size_t i = 0; i < points.size(); ++i)
            QAT_CHECK_MSG(points[i] == other[i],
                          name + " differs at step " + std::to_string(points[i].first));
    }
    QAT_CHECK(a.at("train/loss|").size() == 80);
    const std::string wa = exportBytes(whole), wb = exportBytes(killed);
    QAT_CHECK(!wa.empty());
    QAT_CHECK_MSG(wa == wb, "the exported models differ");
}

QAT_TEST_MAIN()

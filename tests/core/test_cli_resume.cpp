// Resuming a run through the binary the user runs (issue 12, items 1 and 2): a resume continues only the
// run's own last checkpoint; work folders are unique per store and run; --restart redoes a run from step 1.
#include "cli_process.h"
#include "qat_test.h"

#include "qatbench/files.h"
#include "qatbench/store.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>

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

QAT_TEST_MAIN()

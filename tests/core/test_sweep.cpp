// Sweeps: cells are their whole experiment (issue 12: a cell matched by name reused an old result after the
// grid's base changed), a finished cell is reused and the table says so.
#include "qat_test.h"

#include "qatbench/engine.h"
#include "qatbench/error.h"
#include "qatbench/method.h"
#include "qatbench/sweep.h"

#include <nlohmann/json.hpp>

using namespace qat;
using nlohmann::json;

namespace {

json grid(const std::string& dir, const std::string& evalFile)
{
    return {{"name", "g"},
            {"methods", {"rtn"}},
            {"bits", {4}},
            {"group_sizes", {32}},
            {"options", {{"allow_partial_group", true}}}, // down_proj's 172 inputs
            {"base",
             {{"device", "cpu"},
              {"model", {{"path", test::dataPath("models/stories260K")}}},
              {"data",
               {{"train", dir + "/train.txt"},
                {"eval", dir + "/" + evalFile},
                {"eval_seq_len", 64},
                {"eval_max_windows", 4}}}}}};
}

} // namespace

QAT_TEST(aChangedCellRunsAgainAndAnUnchangedOneIsReused)
{
    registerBuiltinMethods();
    const std::string text =
        test::readFile(test::dataPath("data/tinystories/TinyStories-validation-head.txt"));
    const std::string dir = test::tempDir();
    test::writeFile(dir + "/train.txt", text.substr(0, 20000));
    test::writeFile(dir + "/a.txt", text.substr(20000, 8000));
    test::writeFile(dir + "/b.txt", text.substr(40000, 8000));
    EngineControl control;
    const SweepOptions opt{.dbPath = dir + "/runs.db"};

    const auto first = runSweep(grid(dir, "a.txt"), opt, control);
    QAT_CHECK_EQ(first.size(), size_t(1));
    QAT_CHECK_MSG(first[0].status == "completed", first[0].message);
    QAT_CHECK(!first[0].reused);

    const auto again = runSweep(grid(dir, "a.txt"), opt, control);
    QAT_CHECK(again[0].reused && again[0].runId == first[0].runId);
    QAT_CHECK_EQ(again[0].ppl, first[0].ppl);
    QAT_CHECK(sweepTable(again, false).find("completed (reused)") != std::string::npos);

    // The same cell name with another evaluation text is another experiment: it runs, and the table shows
    // its own perplexity, not the old one.
    const auto changed = runSweep(grid(dir, "b.txt"), opt, control);
    QAT_CHECK(!changed[0].reused);
    QAT_CHECK(changed[0].runId != first[0].runId);
    QAT_CHECK(changed[0].ppl != first[0].ppl);
    const auto table = sweepResults(grid(dir, "b.txt"), opt.dbPath);
    QAT_CHECK_EQ(table[0].runId, changed[0].runId);
    QAT_CHECK_EQ(sweepResults(grid(dir, "a.txt"), opt.dbPath)[0].runId, first[0].runId);
}

QAT_TEST(aMisspeltGridKeyIsRefused)
{
    registerBuiltinMethods();
    json g = grid(test::tempDir(), "a.txt");
    g["bit"] = {2};
    try {
        expandSweep(g, false);
        QAT_FAIL_AT("accepted grid.bit");
    } catch (const ConfigError& e) {
        QAT_CHECK_EQ(e.field(), std::string("grid.bit"));
    }
}

QAT_TEST_MAIN()

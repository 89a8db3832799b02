// Sweeps: cells are their whole experiment (issue 12: a cell matched by name reused an old result after the
// grid's base changed), a finished cell is reused and the table says so.
#include "qat_test.h"

#include "qatbench/engine.h"
#include "qatbench/error.h"
#include "qatbench/method.h"
#include "qatbench/sweep.h"
#include "qatbench_plugins/builtin.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

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

// Issue 17: `sweep --preset dlqat-lr` spans DL-QAT's declared learning rates: lr_m x lr_lora at 1/3, 1 and 3
// x the defaults and the calibration lrs at 1/3 and 3 x, every cell a valid experiment; the best completed
// cell is the lowest perplexity.
QAT_TEST(theDlqatLrPresetSpansTheDefaultLearningRates)
{
    registerBuiltinMethods();
    SweepPresetInputs in;
    in.model = test::dataPath("models/stories260K");
    in.train = in.eval = test::dataPath("data/tinystories/TinyStories-validation-head.txt");
    in.group = 32;
    in.bits = 2;
    in.options = {{"allow_partial_group", true}}; // down_proj's 172 inputs
    const auto cells = expandSweep(sweepPreset("dlqat-lr", in), true);
    QAT_CHECK_EQ(cells.size(), size_t(11));
    double lrM = 0, lrLora = 0, lrScale = 0;
    for (const auto& o : findMethod("dlqat")->options) {
        if (o.name == "lr_m") lrM = o.defaultValue.get<double>();
        if (o.name == "lr_lora") lrLora = o.defaultValue.get<double>();
        if (o.name == "lr_scale") lrScale = o.defaultValue.get<double>();
    }
    std::set<std::pair<long, long>> grid; // (lr_m, lr_lora) in units of the default / 3
    std::set<long> calib;
    for (const auto& c : cells) {
        const json& o = c.experiment["method"]["options"];
        QAT_CHECK_EQ(c.bits, 2);
        QAT_CHECK_EQ(o["calib_steps"].get<int64_t>(), int64_t(200));
        const long m = std::lround(o["lr_m"].get<double>() / lrM * 3),
                   l = std::lround(o["lr_lora"].get<double>() / lrLora * 3);
        const long sc = std::lround(o["lr_scale"].get<double>() / lrScale * 3);
        if (sc == 3) {
            grid.insert({m, l});
        } else {
            calib.insert(sc);
            QAT_CHECK(m == 3 && l == 3);
        }
    }
    QAT_CHECK_EQ(grid.size(), size_t(9));
    QAT_CHECK(grid.count({1, 9}) && grid.count({3, 3}) && grid.count({9, 1}));
    QAT_CHECK(calib == (std::set<long>{1, 9}));
    bool refused = false;
    try {
        sweepPreset("dlqat-lrr", in);
    } catch (const ConfigError& e) {
        refused = e.field() == "--preset";
    }
    QAT_CHECK(refused);
    std::vector<SweepRow> rows(3);
    rows[0].status = "completed", rows[0].ppl = 5;
    rows[1].status = "failed", rows[1].ppl = 3;
    rows[2].status = "completed", rows[2].ppl = 4;
    QAT_CHECK(bestSweepRow(rows) == &rows[2]);
}

QAT_TEST_MAIN()

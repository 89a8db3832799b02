// A sweep grid (qatbench-cli sweep --grid): qat::loadExperimentFile, then qat::expandSweep, which validates
// every cell's experiment before anything runs, and the table of the cells (core/engine/sweep.cpp).
#include "fuzz_target.h"

#include "qatbench/experiment.h"
#include "qatbench/sweep.h"

#include <limits>
#include <set>

QAT_FUZZ_TARGET(sweep)
{
    qat::fuzz::registerMethodsForFuzzing();
    static const std::string path = qat::fuzz::scratchFile("sweep", "grid.json");
    qat::fuzz::writeScratch(path, data, size);
    const nlohmann::json grid = qat::loadExperimentFile(path);
    const auto cells = qat::expandSweep(grid, false);

    QAT_FUZZ_REQUIRE(!cells.empty(), "a grid without cells was accepted");
    std::set<std::string> names;
    std::vector<qat::SweepRow> rows;
    for (const auto& c : cells) {
        QAT_FUZZ_REQUIRE(names.insert(c.name).second, "two cells named " + c.name);
        nlohmann::json exp = c.experiment;
        QAT_FUZZ_REQUIRE(qat::validateExperiment(exp, {.checkFiles = false}).empty(), c.name);
        QAT_FUZZ_REQUIRE(exp == c.experiment, "a cell's experiment was not complete: " + c.name);
        qat::SweepRow r;
        r.cell = c;
        r.status = "missing";
        r.ppl = std::numeric_limits<double>::quiet_NaN();
        rows.push_back(r);
    }
    (void)qat::sweepTable(rows, true);
    (void)qat::sweepTable(rows, false);
}

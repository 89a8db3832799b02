// qatbench-cli sweep: a grid of experiments (methods x bits x group sizes x seeds) into the run store,
// resumable, and the comparison table (qatbench/sweep.h).
#include "args.h"
#include "commands.h"

#include "qatbench/engine.h"
#include "qatbench/error.h"
#include "qatbench/experiment.h"
#include "qatbench/sweep.h"

#include <csignal>
#include <iostream>

namespace qat::cli {

const char* const kSweepUsage =
    "Usage: qatbench-cli sweep --grid GRID.json [--db FILE] [--dry-run] [--table-only] [--text] [--exports]\n"
    "\n"
    "Runs every cell of a grid (methods x bits x group sizes x seeds) into the run store, then prints the\n"
    "comparison table (perplexity, trainable parameters, peak memory, wall time). Running it again resumes:\n"
    "completed cells are skipped, stopped or interrupted ones continue from their checkpoint, failed ones "
    "run\n"
    "again.\n"
    "  --grid FILE    the grid (format: core/include/qatbench/sweep.h, example: docs/PEERS.md)\n"
    "  --db FILE      the run store (default: $QATBENCH_DB, else ~/.local/share/QATBench/runs.db)\n"
    "  --dry-run      list what would run, run nothing\n"
    "  --table-only   print the table of what the store holds, run nothing\n"
    "  --text         an aligned text table instead of Markdown\n"
    "  --exports      with --table-only: one tab-separated line per cell (label, bits, group, seed, status,\n"
    "                 run id, exported HF dir) instead of the table, for scripts\n"
    "SIGINT/SIGTERM stops the running cell with a checkpoint (resumable) and ends the sweep.\n"
    "Exit status: 0 every cell completed, 1 some cell failed or is missing, 2 bad arguments or grid, 3 "
    "stopped.\n";

namespace {

EngineControl* g_sweepControl = nullptr;

extern "C" void onSweepSignal(int sig)
{
    if (g_sweepControl) g_sweepControl->stop();
    std::signal(sig, SIG_DFL);
}

} // namespace

int cmdSweep(const Argv& argv)
{
    Args args(argv, {"grid", "db"}, {"dry-run", "table-only", "text", "exports"});
    if (!args.has("grid")) throw Error("sweep: give --grid GRID.json (see --help)");
    registerBuiltinMethods();
    const nlohmann::json grid = loadExperimentFile(*args.get("grid"));
    const std::string db = args.get("db", "");
    const bool markdown = !args.has("text");
    std::vector<SweepRow> rows;
    static EngineControl control;
    if (args.has("table-only")) {
        rows = sweepResults(grid, db);
    } else {
        SweepOptions opt;
        opt.dbPath = db;
        opt.dryRun = args.has("dry-run");
        opt.log = [](const std::string& s) { std::cerr << s << "\n"; };
        opt.onEvent = [](const EngineEvent& e) {
            if (e.name == event::kFailed) std::cerr << "  failed: " << e.fields["message"].dump() << "\n";
            if (e.name == event::kEval) std::cerr << "  perplexity " << e.fields["ppl"].dump() << "\n";
        };
        g_sweepControl = &control;
        std::signal(SIGINT, onSweepSignal);
        std::signal(SIGTERM, onSweepSignal);
        rows = runSweep(grid, opt, control);
        g_sweepControl = nullptr;
    }
    if (args.has("exports")) {
        for (const auto& r : rows)
            std::cout << r.cell.label << '\t' << r.cell.bits << '\t' << r.cell.group << '\t' << r.cell.seed
                      << '\t' << r.status << '\t' << r.runId << '\t'
                      << (r.workDir.empty() ? "-" : r.workDir + "/export/hf") << '\n';
    } else {
        std::cout << sweepTable(rows, markdown) << std::flush;
    }
    if (control.stopRequested()) return 3;
    for (const auto& r : rows)
        if (r.status != "completed") return args.has("dry-run") ? 0 : 1;
    return 0;
}

} // namespace qat::cli

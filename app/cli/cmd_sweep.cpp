// qatbench-cli sweep: a grid of experiments (methods x bits x group sizes x seeds) into the run store,
// resumable, and the comparison table (qatbench/sweep.h).
#include "args.h"
#include "commands.h"

#include "qatbench/engine.h"
#include "qatbench/error.h"
#include "qatbench/experiment.h"
#include "qatbench/sweep.h"

#include <csignal>
#include <fstream>
#include <iostream>

namespace qat::cli {

const char* const kSweepUsage =
    "Usage: qatbench-cli sweep --grid GRID.json [--db FILE] [--dry-run] [--table-only] [--text] [--exports]\n"
    "       qatbench-cli sweep --preset dlqat-lr --model DIR --train FILE --eval FILE [preset options] "
    "[...]\n"
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
    "Presets build the grid from a model and its texts (core/include/qatbench/sweep.h) and name the best\n"
    "cell after the table:\n"
    "  --preset dlqat-lr  DL-QAT lr_m x lr_lora at 1/3, 1, 3 x the defaults, and the calibration lrs\n"
    "                     (lr_scale, lr_zero) at 1/3 and 3 x: 11 runs\n"
    "  --model DIR --train FILE --eval FILE   required with --preset\n"
    "  --bits N (3)  --group N (64)  --steps N (1000)  --calib-steps N (200)  --seq-len N (256)\n"
    "  --batch N (8)  --window-bos  --device D (auto)  --dtype T (float32)  --seed N (0)\n"
    "  --options JSON     more DL-QAT options for every cell, e.g. '{\"init\": \"minmax0\"}'\n"
    "  --write-grid FILE  write the preset's grid (to edit or rerun with --grid) and run nothing\n"
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
    Args args(argv,
              {"grid", "db", "preset", "model", "train", "eval", "bits", "group", "steps", "calib-steps",
               "seq-len", "batch", "device", "dtype", "seed", "options", "write-grid"},
              {"dry-run", "table-only", "text", "exports", "window-bos"});
    if (args.has("grid") == args.has("preset"))
        throw Error("sweep: give --grid GRID.json or --preset NAME (see --help)");
    nlohmann::json grid;
    if (args.has("preset")) {
        SweepPresetInputs in;
        for (const char* key : {"model", "train", "eval"})
            if (!args.has(key)) throw Error(std::string("sweep --preset: give --") + key);
        in.model = *args.get("model");
        in.train = *args.get("train");
        in.eval = *args.get("eval");
        in.bits = int(args.getInt("bits", 3));
        in.group = args.getInt("group", 64);
        in.steps = args.getInt("steps", 1000);
        in.calibSteps = args.getInt("calib-steps", 200);
        in.seqLen = args.getInt("seq-len", 256);
        in.batch = args.getInt("batch", 8);
        in.windowBos = args.has("window-bos");
        in.device = args.get("device", "auto");
        in.dtype = args.get("dtype", "float32");
        in.seed = uint64_t(args.getInt("seed", 0));
        if (args.has("options")) {
            in.options = nlohmann::json::parse(*args.get("options"), nullptr, false);
            if (!in.options.is_object())
                throw Error("sweep --options: must be a JSON object of method options, e.g. '{\"init\": "
                            "\"minmax0\"}'");
        }
        grid = sweepPreset(*args.get("preset"), in);
        if (args.has("write-grid")) {
            std::ofstream out(*args.get("write-grid"));
            out << grid.dump(2) << "\n";
            if (!out) throw Error("sweep --write-grid: cannot write " + *args.get("write-grid"));
            std::cerr << "wrote " << *args.get("write-grid") << " (" << grid["methods"].size() << " cells)\n";
            return 0;
        }
    } else {
        grid = loadExperimentFile(*args.get("grid"));
    }
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
        if (args.has("preset")) {
            if (const SweepRow* best = bestSweepRow(rows))
                std::cout << "\nbest cell: " << best->cell.label << " w" << best->cell.bits << "g"
                          << best->cell.group << ", perplexity " << best->ppl << " (run " << best->runId
                          << ")\n";
            else
                std::cout << "\nbest cell: none completed\n";
        }
    }
    if (control.stopRequested()) return 3;
    for (const auto& r : rows)
        if (r.status != "completed") return args.has("dry-run") ? 0 : 1;
    return 0;
}

} // namespace qat::cli

#include "args.h"
#include "commands.h"
#include "engine_io.h"

#include "qatbench/demo.h"

#include <iostream>
#include <sstream>

namespace qat::cli {

const char* const kDemoUsage =
    "Usage: qatbench-cli demo [--db FILE] [--events jsonl] [--out DIR] [--seed N] [--threads N]\n"
    "                         [--pretrain-steps N] [--qat-steps N] [--calib-steps N] [--group N] [--quick]\n"
    "                         [--quiet]\n"
    "Runs the built-in demo with no download and no user data: generates a small text from a tiny grammar,\n"
    "pretrains a small LLaMA on it (character vocabulary), writes that model and the texts to a folder, "
    "prints\n"
    "its full-precision perplexity, then runs RTN and DL-QAT at 3 and 2 bits as real runs in the run store\n"
    "(see them with `qatbench-cli runs`, compare them in the GUI). A few minutes on one core (--threads 1,\n"
    "the default).\n"
    "  --db FILE        the run store (default: $QATBENCH_DB, else ~/.local/share/QATBench/runs.db)\n"
    "  --events jsonl   one JSON object per line on stdout for every event (docs/EVENTS.md): the\n"
    "                   pretraining's progress, then each run's events from 'started' to 'finished'\n"
    "  --out DIR        where the model (DIR/demo-model) and the texts go; empty or absent\n"
    "                   (default: <db folder>/work/<store id>/demo-<date>-<time>)\n"
    "  --qat-steps N    training steps of the methods that train (150)\n"
    "  --calib-steps N  calibration steps of the methods that calibrate (DL-QAT's demo setting: 40)\n"
    "  --quick          short texts and 3 steps of everything unless given (a smoke test: the numbers\n"
    "                   mean nothing)\n"
    "While it runs, lines on stdin control it as they control `run`: 'pause', 'resume', 'stop'; SIGINT and\n"
    "SIGTERM = stop. A stopped run is cancelled (resumable with `run --resume`); the demo ends there.\n"
    "Exit status: 0 every run completed, 3 stopped, 1 a run failed.\n";

int cmdDemo(const Argv& argv)
{
    Args args(
        argv,
        {"db", "events", "out", "seed", "threads", "pretrain-steps", "qat-steps", "calib-steps", "group"},
        {"quick", "quiet"});
    const std::string events = args.get("events", "");
    if (!events.empty() && events != "jsonl") throw UsageError("demo: --events supports only 'jsonl'");
    const bool json = events == "jsonl";
    DemoOptions o;
    o.dbPath = args.get("db", "");
    o.workDir = args.get("out", "");
    o.seed = uint64_t(args.getInt("seed", 1));
    o.threads = int(args.getInt("threads", o.threads));
    o.quick = args.has("quick"); // short texts and 3 steps of everything unless given
    o.pretrainSteps = args.getInt("pretrain-steps", o.quick ? 3 : o.pretrainSteps);
    o.qatSteps = args.getInt("qat-steps", o.quick ? 3 : o.qatSteps);
    o.groupSize = args.getInt("group", o.groupSize);
    // Calibration steps of the methods that calibrate (their calib_steps option; DL-QAT's demo setting: 40).
    if (args.has("calib-steps") || o.quick) o.optionOverrides["calib_steps"] = args.getInt("calib-steps", 2);
    if (json)
        o.onEvent = jsonEventWriter();
    else if (!args.has("quiet"))
        o.onEvent = humanEventWriter();
    static EngineControl control; // outlives the detached stdin reader
    connectControl(control, json);
    const DemoResult r = runDemo(o, control);
    disconnectControl();
    std::ostringstream out;
    out << "QATBench demo: " << r.parameters << "-parameter LLaMA pretrained on " << r.trainTokens
        << " generated characters in " << formatDuration(r.pretrainSeconds)
        << "; perplexity per character on " << r.evalTokens << " held-out characters (group size "
        << o.groupSize << "):\n\n"
        << formatDemoTable(r) << "\ntotal " << formatDuration(r.totalSeconds) << "\n";
    if (!r.modelDir.empty()) out << "pretrained model: " << r.modelDir << "\nruns: " << r.dbPath << "\n";
    if (json) // stdout carries only events: the table is the last message
        o.onEvent(makeEvent(event::kMessage, {{"level", "info"}, {"text", out.str()}}));
    else
        std::cout << out.str();
    if (r.stopped) return 3;
    for (const DemoRow& row : r.rows)
        if (row.status != "completed") return 1;
    return 0;
}

} // namespace qat::cli

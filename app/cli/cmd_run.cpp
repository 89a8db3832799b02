// qatbench-cli run: the background engine as a process (DESIGN.md §2). Events on stdout, commands on stdin.
#include "args.h"
#include "commands.h"
#include "engine_io.h"

#include "qatbench/distributed.h"
#include "qatbench/engine.h"
#include "qatbench/error.h"
#include "qatbench/experiment.h"

#include <csignal>
#include <iostream>

namespace qat::cli {

const char* const kRunUsage =
    "Usage: qatbench-cli run --config EXP.json [--db FILE] [--events jsonl] [--work-dir DIR]\n"
    "       qatbench-cli run --resume RUN_ID [--restart] [--db FILE] [--events jsonl]\n"
    "       add --ranks N (CPU processes, c10d Gloo) or --gpus N (one process per GPU, c10d NCCL)\n"
    "\n"
    "Runs one experiment and records it in the run store.\n"
    "  --config FILE    the experiment JSON (see qatbench/experiment.h, resources/ examples)\n"
    "  --db FILE        the run store (default: $QATBENCH_DB, else ~/.local/share/QATBench/runs.db)\n"
    "  --events jsonl   one JSON object per line on stdout for every event (docs/EVENTS.md)\n"
    "  --resume RUN_ID  continue a cancelled or interrupted run from its last checkpoint (same id); refused\n"
    "                   when the checkpoint is missing or is not the run's own, or the model changed\n"
    "  --restart        with --resume: start that run again from step 1, clearing what it stored\n"
    "  --work-dir DIR   checkpoints and exports; must be empty or absent\n"
    "                   (default: <db folder>/work/<store id>/run-<id>)\n"
    "  --ranks N        data-parallel on N processes (docs/SCALE.md): each takes data.batch_size / N windows "
    "of\n"
    "                   every step, gradients are averaged; rank 0 alone writes the store, events and "
    "files.\n"
    "                   The same run as one process (a resume may use another N). $QATBENCH_DIST_TIMEOUT_S\n"
    "                   (default 300) bounds every collective; a rank that ends stops the others at once\n"
    "  --gpus N         the same on GPUs 0..N-1 with NCCL (run.device cuda or auto)\n"
    "\n"
    "While it runs, lines on stdin control it: 'pause', 'resume', 'stop'. SIGINT/SIGTERM = stop: the\n"
    "current step finishes, a checkpoint is written, the run is marked cancelled (resumable); a second\n"
    "SIGINT ends the process at once.\n"
    "Exit status: 0 completed, 3 stopped (cancelled), 1 failed, 2 bad arguments or config (no run).\n";

int cmdRun(const Argv& argv)
{
    Args args(argv, {"config", "db", "events", "resume", "work-dir", "ranks", "gpus"}, {"restart"});
    if (!args.positional().empty())
        throw UsageError("run: unexpected argument '" + args.positional()[0] + "' (see --help)");
    const std::string events = args.get("events", "");
    if (!events.empty() && events != "jsonl") throw UsageError("run: --events supports only 'jsonl'");
    const bool json = events == "jsonl";
    if (!args.has("config") && !args.has("resume"))
        throw UsageError("run: give --config EXP.json or --resume RUN_ID");

    EngineOptions opt;
    opt.dbPath = args.get("db", "");
    opt.workDir = args.get("work-dir", "");
    opt.resumeRunId = args.getInt("resume", 0);
    opt.restart = args.has("restart");
    if (opt.restart && opt.resumeRunId <= 0) throw UsageError("run: --restart goes with --resume RUN_ID");
    if (args.has("config") && !args.has("resume")) {
        opt.configPath = *args.get("config");
        opt.experiment = loadExperimentFile(opt.configPath);
    }
    // Data-parallel: this process starts one copy of the command per rank and waits for them (the copies find
    // their rank in the environment).
    if (args.has("ranks") && args.has("gpus"))
        throw UsageError("run: give --ranks N (CPU, Gloo) or --gpus N (CUDA, NCCL), not both");
    const long long world = std::max(args.getInt("ranks", 1), args.getInt("gpus", 1));
    if (args.getInt("ranks", 1) < 1 || args.getInt("gpus", 1) < 1 || world > 1024)
        throw UsageError("run: --ranks and --gpus take a number of processes from 1 to 1024");
    if (world > 1 && !dist::active()) {
        std::vector<std::string> all{"run"};
        all.insert(all.end(), argv.begin(), argv.end());
        return dist::launchRanks(all, int(world),
                                 args.has("gpus") ? dist::Backend::Nccl : dist::Backend::Gloo);
    }
    opt.onEvent = json ? jsonEventWriter() : humanEventWriter();
    static EngineControl control; // outlives the detached stdin reader
    connectControl(control, json);
    if (dist::isFollower()) { // rank 0 stops the run; a follower writes nothing and may simply end
        std::signal(SIGTERM, SIG_DFL);
        std::signal(SIGINT, SIG_IGN);
    }
    try {
        const EngineResult r = runExperiment(opt, control);
        disconnectControl();
        return r.exitCode();
    } catch (const std::exception& e) {
        // No run exists (the store could not be opened): still one failed event for a GUI reading stdout.
        if (!json) throw;
        opt.onEvent(makeEvent(
            event::kFailed,
            {{"message", e.what()}, {"hint", "choose another database file (--db)"}, {"run_id", nullptr}}));
        std::cerr << "qatbench-cli run: error: " << e.what() << "\n";
        return 1;
    }
}

} // namespace qat::cli

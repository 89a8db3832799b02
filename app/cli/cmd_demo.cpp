#include "args.h"
#include "commands.h"

#include "qatbench/demo.h"

#include <iostream>
#include <memory>

namespace qat::cli {

const char* const kDemoUsage =
    "Usage: qatbench-cli demo [--out DIR] [--seed N] [--threads N] [--pretrain-steps N] [--qat-steps N]\n"
    "                         [--calib-steps N] [--group N] [--quick] [--quiet]\n"
    "Runs the built-in demo with no download and no user data: generates a small text from a tiny grammar,\n"
    "pretrains a small LLaMA on it (character vocabulary), then prints the perplexity of full precision,\n"
    "RTN and DL-QAT at 3 and 2 bits. Under two minutes on one core (--threads 1, the default).\n"
    "  --qat-steps N    training steps of the methods that train (150)\n"
    "  --calib-steps N  calibration steps of the methods that calibrate (DL-QAT's demo setting: 40)\n"
    "  --out DIR   also write the pretrained model (Hugging Face layout) and the generated texts there\n"
    "  --quick     a few steps of everything (a smoke test: the numbers mean nothing)\n";

int cmdDemo(const Argv& argv)
{
    Args args(argv, {"out", "seed", "threads", "pretrain-steps", "qat-steps", "calib-steps", "group"},
              {"quick", "quiet"});
    DemoOptions o;
    o.workDir = args.get("out", "");
    o.seed = uint64_t(args.getInt("seed", 1));
    o.threads = int(args.getInt("threads", o.threads));
    o.pretrainSteps = args.getInt("pretrain-steps", o.pretrainSteps);
    o.qatSteps = args.getInt("qat-steps", o.qatSteps);
    o.groupSize = args.getInt("group", o.groupSize);
    o.quick = args.has("quick");
    // Calibration steps of the methods that calibrate (their calib_steps option; DL-QAT's demo setting: 40).
    if (args.has("calib-steps") || o.quick) o.optionOverrides["calib_steps"] = args.getInt("calib-steps", 2);
    std::unique_ptr<ProgressPrinter> printer;
    std::string phase;
    ProgressFn progress = [&](const Progress& p) {
        if (p.phase != phase) {
            if (printer) printer->finish();
            printer = std::make_unique<ProgressPrinter>(!args.has("quiet"));
            phase = p.phase;
        }
        printer->update(p.phase, p.done, p.total, p.etaSeconds);
        return true;
    };
    DemoResult r = runDemo(o, progress, [&](const std::string& line) {
        if (printer) printer->finish();
        if (!args.has("quiet")) std::cerr << line << "\n";
    });
    if (printer) printer->finish();
    std::cout << "QATBench demo: " << r.parameters << "-parameter LLaMA pretrained on " << r.trainTokens
              << " generated characters in " << formatDuration(r.pretrainSeconds)
              << "; perplexity per character on " << r.evalTokens << " held-out characters (group size "
              << o.groupSize << "):\n\n"
              << formatDemoTable(r) << "\ntotal " << formatDuration(r.totalSeconds) << "\n";
    if (!r.modelDir.empty()) std::cout << "pretrained model: " << r.modelDir << "\n";
    return 0;
}

} // namespace qat::cli

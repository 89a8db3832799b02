// qatbench-cli: parses the command line and hands over to one command. No logic lives here.

#include "args.h"
#include "commands.h"

#include "qatbench/error.h"
#include "qatbench/method.h"
#include "qatbench/version.h"
#include "qatbench_plugins/builtin.h"

#include <cstring>
#include <iostream>

using namespace qat::cli;

static const Command kCommands[] = {
    {"inspect", "show a model's architecture, parameter counts, dtype and memory", cmdInspect, kInspectUsage},
    {"eval", "measure perplexity of a model on a text file", cmdEval, kEvalUsage},
    {"tasks", "score multiple-choice tasks (ARC, PIQA, MMLU, ...) as lm-eval does", cmdTasks, kTasksUsage},
    {"generate", "generate text from a prompt (greedy or sampled)", cmdGenerate, kGenerateUsage},
    {"run", "run an experiment config (the background engine)", cmdRun, kRunUsage},
    {"runs", "list, show and export stored runs", cmdRuns, kRunsUsage},
    {"compare", "compare stored runs: final and best metrics, differing parameters", cmdCompare, kCompareUsage},
    {"demo", "the built-in demo: make a small LLaMA, then FP vs RTN vs DL-QAT", cmdDemo, kDemoUsage},
    {"methods", "list the quantization methods and their options", cmdMethods, kMethodsUsage},
    {"sweep", "run a grid of experiments into the store (resumable)", cmdSweep, kSweepUsage},
    {"export", "export a finished run: GGUF (llama.cpp), GPTQ v2 or HF", cmdExport, kExportUsage},
    {"devices", "list the CPU and the CUDA GPUs this engine can use (--json for the GUI)", cmdDevices,
     kDevicesUsage},
};

static void printHelp()
{
    std::cout << "QATBench " << qat::version()
              << " - quantization-aware training workbench for LLaMA-family models\n\n"
                 "Usage: qatbench-cli COMMAND [ARGS...]\n"
                 "       qatbench-cli help COMMAND\n\nCommands:\n";
    for (const auto& c : kCommands) {
        std::string name = c.name;
        name.resize(10, ' ');
        std::cout << "  " << name << c.summary << "\n";
    }
    std::cout << "\nOptions:\n  --help     this text\n  --version  version and build\n"
                 "\nExit status: 0 done; 1 failed (the message names what and why); 2 bad arguments or config;\n"
                 "3 stopped by the user with a checkpoint (run, sweep); 130 cancelled.\n";
}

static const Command* findCommand(const std::string& name)
{
    for (const auto& c : kCommands)
        if (name == c.name) return &c;
    return nullptr;
}

int main(int argc, char** argv)
{
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        printHelp();
        return argc < 2 ? 2 : 0;
    }
    const std::string first = argv[1];
    if (first == "--version") {
        std::cout << qat::buildSummary() << "\n";
        return 0;
    }
    if (first == "help") {
        const Command* c = argc > 2 ? findCommand(argv[2]) : nullptr;
        if (!c) {
            printHelp();
            return argc > 2 ? 2 : 0;
        }
        std::cout << c->usage;
        return 0;
    }
    const Command* command = findCommand(first);
    if (!command) {
        std::cerr << "qatbench-cli: unknown command '" << first << "' (see qatbench-cli --help)\n";
        return 2;
    }
    Argv args(argv + 2, argv + argc);
    for (const auto& a : args)
        if (a == "--help" || a == "-h") {
            std::cout << command->usage;
            return 0;
        }
    try {
        qat::registerBuiltinMethods();
        return command->run(args);
    } catch (const qat::Cancelled&) {
        std::cerr << "qatbench-cli " << first << ": cancelled\n";
        return 130;
    } catch (const UsageError& e) {
        std::cerr << "qatbench-cli " << first << ": error: " << e.what() << "\n";
        return 2;
    } catch (const qat::ConfigError& e) {
        std::cerr << "qatbench-cli " << first << ": error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "qatbench-cli " << first << ": error: " << e.what() << "\n";
        return 1;
    }
}

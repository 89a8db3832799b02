#include "args.h"
#include "commands.h"

#include "qatbench/tasks.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace qat::cli {

const char* const kTasksUsage =
    "Usage: qatbench-cli tasks MODEL_DIR --tasks NAME[,NAME...] [options]\n"
    "Scores a LLaMA model on multiple-choice tasks as EleutherAI's lm-evaluation-harness does\n"
    "(log-likelihood of each choice; acc, acc_norm with standard errors). docs/EVAL.md has the protocol.\n"
    "  --tasks LIST         arc_easy, arc_challenge, piqa, hellaswag, winogrande, boolq, openbookqa, mmlu,\n"
    "                       or all (every task whose data file is there)\n"
    "  --data DIR           the tasks folder (layout of shared/data/tasks; default $QATBENCH_TASKS_DIR)\n"
    "  --task-file T=PATH   a task's file elsewhere, e.g. hellaswag=/data/hellaswag_val.jsonl\n"
    "                       (comma-separated for several; mmlu: the folder holding test/ and dev/)\n"
    "  --limit N            the first N questions of each task (mmlu: of each subject); default all\n"
    "  --shots K            few-shot examples (default: mmlu 5 from its dev split, the others 0)\n"
    "  --max-length N       model context in tokens (default max_position_embeddings); longer prompts\n"
    "                       lose tokens from the left, as the harness truncates, and are counted\n"
    "  --bos B              auto (default: as tokenizer_config.json's add_bos_token), yes or no\n"
    "  --device D           cpu (default), cuda, cuda:N\n"
    "  --dtype T            float32 (default) or bfloat16\n"
    "  --batch N            token sequences per forward (default 16)\n"
    "  --requests FILE      write every scored pair's token ids and log-likelihood as JSON lines\n"
    "                       (input of bench/python/tasks_peer.py, the transformers comparison)\n"
    "  --json               print the results with their protocol as JSON\n"
    "  --per-question       with --json: every question's log-likelihoods and predictions\n"
    "  --quiet              no progress bar\n";

namespace {

std::vector<std::string> splitList(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

std::string fixed(double v, int digits = 4)
{
    if (!std::isfinite(v)) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

} // namespace

int cmdTasks(const Argv& argv)
{
    Args args(argv,
              {"tasks", "data", "task-file", "limit", "shots", "max-length", "bos", "device", "dtype",
               "batch", "requests"},
              {"json", "per-question", "quiet"});
    if (args.positional().size() != 1 || !args.has("tasks")) {
        std::cerr << kTasksUsage;
        return 2;
    }
    TaskOptions o;
    const char* env = std::getenv("QATBENCH_TASKS_DIR");
    o.files.dataDir = args.get("data", env ? env : "");
    for (const auto& item : splitList(args.get("task-file", ""))) {
        const size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UsageError("--task-file: '" + item + "' is not TASK=PATH");
        findTask(item.substr(0, eq));
        o.files.files[item.substr(0, eq)] = item.substr(eq + 1);
    }
    std::vector<std::string> tasks;
    for (const auto& name : splitList(*args.get("tasks"))) {
        if (name != "all") {
            tasks.push_back(name);
            continue;
        }
        for (const auto& t : knownTasks()) {
            if (std::filesystem::exists(o.files.path(t.name)))
                tasks.push_back(t.name);
            else
                std::cerr << "note: " << t.name << " skipped: no " << o.files.path(t.name) << "\n";
        }
    }
    TaskProtocol p;
    p.limit = args.getInt("limit", 0);
    p.shots = int(args.getInt("shots", -1));
    p.maxLength = args.getInt("max-length", 0);
    p.bos = args.get("bos", "auto");
    o.device = args.get("device", "cpu");
    o.dtype = args.get("dtype", "float32");
    o.batch = args.getInt("batch", 16);
    o.requestsFile = args.get("requests", "");
    ProgressPrinter printer(!args.has("quiet"));
    o.progress = [&](const Progress& pr) {
        printer.update(pr.phase, pr.done, pr.total, pr.etaSeconds);
        return true;
    };
    const auto results = evaluateTasks(args.positional()[0], tasks, p, o);
    printer.finish();
    for (const auto& r : results)
        if (r.truncated > 0)
            std::cerr << "note: " << r.truncated << " of " << r.questions << " " << r.task
                      << " prompts were longer than the model's context of " << r.maxLength
                      << " tokens and lost tokens from the left (as the harness truncates)\n";
    if (args.has("json")) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& r : results)
            j.push_back(r.toJson(args.has("per-question")));
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::vector<std::vector<std::string>> rows = {
        {"task", "shots", "n", "acc", "stderr", "acc_norm", "stderr", "chance", "truncated", "seconds"}};
    double seconds = 0;
    int64_t questions = 0;
    for (const auto& r : results) {
        rows.push_back({r.task, std::to_string(r.shots), std::to_string(r.questions), fixed(r.acc),
                        fixed(r.accStderr), r.hasAccNorm ? fixed(r.accNorm) : "-",
                        r.hasAccNorm ? fixed(r.accNormStderr) : "-", fixed(r.chance),
                        std::to_string(r.truncated), fixed(r.seconds, 1)});
        for (const auto& c : r.categories)
            rows.push_back({"  " + c.name, "", std::to_string(c.questions), fixed(c.acc), fixed(c.accStderr),
                            "", "", "", "", ""});
        if (r.task == "mmlu")
            rows.push_back({"  macro (subjects)", "", std::to_string(r.subjects.size()), fixed(r.macroAcc),
                            fixed(r.macroStderr), "", "", "", "", ""});
        seconds += r.seconds;
        questions += r.questions;
    }
    printTable(rows, std::cout);
    std::printf("\ncompute  %s %s, %.1f s, %.1f questions/s", o.device.c_str(), o.dtype.c_str(), seconds,
                seconds > 0 ? double(questions) / seconds : 0.0);
    if (p.limit > 0) std::printf(", --limit %lld", (long long)p.limit);
    std::printf("\nchance = mean of 1/choices over the questions scored");
    for (const auto& r : results)
        if (r.task == "mmlu") std::printf("; mmlu's acc is the harness's (weighted by subject size)");
    std::printf("\n");
    return 0;
}

} // namespace qat::cli

#pragma once
// Task results as the run store holds them (issue 16, docs/EVAL.md "In an experiment"): the engine writes one
// EvalResult per task and metric (dataset = the task, metric = "acc" or "acc_norm", tokens = questions,
// protocol = the task's `qatbench-cli tasks --json` object). This header turns those rows back into one score
// per task, for the GUI's task table and compare columns and for any other reader of the store. No torch, no
// Qt.
//
// Intended usage:
//   1. RunStore store(db);  auto evals = store.evalResults(runId);
//   2. for (const StoredTaskScore& s : storedTaskScores(evals)) ... s.task, s.acc, s.accStderr, s.shots
//   3. Perplexity readers skip the task rows with isTaskEval(e).

#include <cstdint>
#include <string>
#include <vector>

namespace qat {

struct EvalResult;

// True for a row the engine's task evaluation wrote: metric acc / acc_norm on a known task name.
bool isTaskEval(const EvalResult& e);

struct StoredTaskScore
{
    std::string task;      // "arc_easy", ...
    std::string title;     // "ARC-Easy" ("" when the protocol does not say)
    int64_t step = 0;      // training step the model was scored at
    int64_t questions = 0; // n
    double acc = 0;        // 0..1
    double accStderr = 0;  // NaN when undefined (n = 1) or not recorded
    bool hasAccNorm = false;
    double accNorm = 0, accNormStderr = 0;
    double chance = -1;    // mean of 1 / choices; -1 when not recorded
    int shots = -1;        // few-shot examples; -1 when not recorded
    int64_t limit = 0;     // --limit the engine ran with (0 = every question)
    int64_t truncated = 0; // questions whose prompt lost tokens on the left
    double accMacro = -1;  // MMLU: the unweighted mean over subjects; -1 otherwise
    std::string protocol;  // the stored JSON text, as written
};

// One score per task at the latest step it was scored (several steps: the last), in the order of
// knownTasks(). Rows that are not task rows are ignored; a protocol that does not parse leaves the fields the
// row itself does not carry at their "not recorded" values instead of failing.
std::vector<StoredTaskScore> storedTaskScores(const std::vector<EvalResult>& evals);

} // namespace qat

#pragma once
// Comparing runs: the one home of the rules that `qatbench-cli compare` and the GUI's Compare view share
// (issue 15 item 4): which way a metric is better, a metric's final / best / min / max / last value, a run's
// metrics read cheaply from the store, the parameters that differ between runs, and short labels for them.
// No torch, no Qt.
//
// Intended usage:
//   1. RunStore store(db);  RunSummary s = summarizeRun(store, runId);  // series summaries, no points read
//   2. for (const RunMetric& m : s.metrics) ... m.key, m.goal, m.stats.last, m.stats.best
//   3. metricStats(points, metricGoal(name), runEnded) for points already in memory (the GUI's curves)
//   4. differingParams({a.params, b.params}) for a config diff; paramLabel(params, keys) for a legend entry
//      that fits ("method=dlqat, bits=3, g=32") and paramLabelFull(...) for its tooltip.

#include "qatbench/store.h"

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qat {

// Which way a metric is better. Decided by its name (case-insensitive), first match wins:
//   Higher: acc (acc, acc_norm, accuracy), tokens_per_s, tokens/s, samples_per_s, throughput, score, f1,
//           exact_match, bleu, rouge, reward
//   Lower:  loss, ppl, perplexity, nll, error, mse, mae, bpc, bits_per, mem (memory, peak_mem_bytes),
//           latency, time, and durations ending in _s, _ms, _sec, _seconds (perf/load_s)
//   None:   everything else (lr, grad_norm, trainable_fraction, code_usage, ...): no "best" value.
enum class MetricGoal
{
    Lower,
    Higher,
    None,
};
MetricGoal metricGoal(std::string_view metricName);
const char* metricGoalName(MetricGoal goal); // "lower", "higher", "none"

// The summary of one metric of one run. Values are NaN (steps -1) when there is nothing to report.
struct MetricStats
{
    int64_t count = 0;                                      // points
    double last = std::numeric_limits<double>::quiet_NaN(); // the latest point (NaN when it is not finite)
    int64_t lastStep = -1;
    double final =
        std::numeric_limits<double>::quiet_NaN(); // == last once the run has ended; NaN while active
    double best = std::numeric_limits<double>::quiet_NaN(); // min for Lower, max for Higher, NaN for None
    int64_t bestStep = -1;                                  // -1 also when only summaries were read
    double min = std::numeric_limits<double>::quiet_NaN();  // over the finite points
    double max = std::numeric_limits<double>::quiet_NaN();
};

// From points in step order (non-finite values never count as min, max or best).
MetricStats metricStats(std::span<const ScalarPoint> points, MetricGoal goal, bool runEnded);
// From a stored series' summary (no points read; bestStep stays -1).
MetricStats metricStats(const SeriesInfo& series, MetricGoal goal, bool runEnded);

// "name" or "name[context]": the key a metric is listed under in the Compare view and in summaries.
std::string metricKey(const std::string& name, const std::string& context);

enum class MetricSource
{
    Series, // a scalar series the engine logged
    Eval,   // an evaluation result that was not also logged as a series ("eval/<metric>")
    Task,   // a multiple-choice task score ("task/<task>/acc", "task/<task>/acc_norm")
};

struct RunMetric
{
    std::string key;     // metricKey(name, context)
    std::string name;    // "train/loss", "eval/ppl", "task/arc_easy/acc"
    std::string context; // "" or "group=m", "phase=training", ...
    std::string dataset; // evaluations and tasks: the evaluated file or task
    MetricSource source = MetricSource::Series;
    MetricGoal goal = MetricGoal::None;
    MetricStats stats;
};

struct RunSummary
{
    RunInfo run;
    std::vector<RunParam> params;
    std::vector<RunMetric> metrics; // series first (store order), then evaluations, then tasks
    const RunMetric* find(const std::string& key) const; // nullptr when the run lacks it
};

struct SummaryOptions
{
    bool perModule = false; // also series with a layer or module context (one per quantized linear)
};

// A run's metrics from the store's series summaries and evaluation rows. Throws qat::Error naming the store
// when the run does not exist.
RunSummary summarizeRun(const RunStore& store, int64_t runId, const SummaryOptions& options = {});

// --- parameters

// A parameter's value as a person reads it: JSON strings without their quotes ("cosine", not "\"cosine\"").
std::string paramText(const RunParam& p);

// Keys that never tell two experiments apart: seeds (seed, *.seed, *_seed), the run's name (the top-level
// "name"; "method.name" does tell them apart), work folders, tags.
bool isRunIdentityParam(std::string_view key);

// Keys whose value is not the same in every run (a key missing in some run counts as different): first the
// keys every run has, then the others, each sorted; the run's "name" is left out.
std::vector<std::string> differingParams(const std::vector<std::vector<RunParam>>& runs);

// The short form of a key: its last part, with method.name -> method, group_size -> g, batch_size -> bs,
// learning_rate -> lr ("method.options.bits" -> "bits").
std::string shortParamKey(std::string_view key);
// "bits=3": short key, value as paramText with a path cut to its file name and anything past 16 characters
// cut with "…".
std::string shortParamText(const RunParam& p);

// A label made of the given keys of one run's params, in a fixed order (method, bits, group size, then the
// rest in the order given), keys the run lacks left out, at most maxParts parts and then "+N":
// "method=dlqat, bits=3, g=32 +2". "" when none of the keys is present.
std::string paramLabel(const std::vector<RunParam>& params, const std::vector<std::string>& keys,
                       int maxParts = 3);
// The same keys in full, one "key = value" per line (the tooltip behind paramLabel).
std::string paramLabelFull(const std::vector<RunParam>& params, const std::vector<std::string>& keys);

} // namespace qat

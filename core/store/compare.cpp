// Comparing runs (qatbench/compare.h): the rules the CLI's `compare` and the GUI's Compare view share.

#include "qatbench/compare.h"

#include "qatbench/error.h"
#include "qatbench/tasks_stored.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace qat {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool contains(const std::string& s, std::string_view part)
{
    return s.find(part) != std::string::npos;
}

bool endsWith(const std::string& s, std::string_view tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

} // namespace

MetricGoal metricGoal(std::string_view metricName)
{
    const std::string m = lower(metricName);
    // Rates first: "tokens_per_s" ends in "_s" like a duration but is better when higher.
    for (std::string_view h : {"acc", "tokens_per_s", "tokens/s", "samples_per_s", "throughput", "score",
                               "f1", "exact_match", "bleu", "rouge", "reward"})
        if (contains(m, h)) return MetricGoal::Higher;
    for (std::string_view l : {"loss", "ppl", "perplexity", "nll", "error", "mse", "mae", "bpc", "bits_per",
                               "mem", "latency", "time"})
        if (contains(m, l)) return MetricGoal::Lower;
    for (std::string_view l : {"_s", "_ms", "_sec", "_seconds"})
        if (endsWith(m, l)) return MetricGoal::Lower;
    return MetricGoal::None;
}

const char* metricGoalName(MetricGoal goal)
{
    switch (goal) {
    case MetricGoal::Lower:
        return "lower";
    case MetricGoal::Higher:
        return "higher";
    case MetricGoal::None:
        return "none";
    }
    return "none";
}

MetricStats metricStats(std::span<const ScalarPoint> points, MetricGoal goal, bool runEnded)
{
    MetricStats s;
    s.count = int64_t(points.size());
    if (points.empty()) return s;
    const ScalarPoint& last = points.back();
    s.last = std::isfinite(last.value) ? last.value : kNaN;
    s.lastStep = last.step;
    if (runEnded) s.final = s.last;
    for (const ScalarPoint& p : points) {
        if (!std::isfinite(p.value)) continue;
        if (!(p.value >= s.min)) s.min = p.value; // also takes the first (NaN compares false)
        if (!(p.value <= s.max)) s.max = p.value;
        const bool better = goal == MetricGoal::Lower    ? !(p.value >= s.best)
                            : goal == MetricGoal::Higher ? !(p.value <= s.best)
                                                         : false;
        if (better) {
            s.best = p.value;
            s.bestStep = p.step;
        }
    }
    return s;
}

MetricStats metricStats(const SeriesInfo& series, MetricGoal goal, bool runEnded)
{
    MetricStats s;
    s.count = series.count;
    if (series.count == 0) return s;
    s.last = std::isfinite(series.lastValue) ? series.lastValue : kNaN;
    s.lastStep = series.lastStep;
    if (runEnded) s.final = s.last;
    // The store keeps min/max over finite points; a series of only non-finite points has none.
    if (std::isfinite(series.minValue) && std::isfinite(series.maxValue) &&
        series.minValue <= series.maxValue) {
        s.min = series.minValue;
        s.max = series.maxValue;
    }
    s.best = goal == MetricGoal::Lower ? s.min : goal == MetricGoal::Higher ? s.max : kNaN;
    return s;
}

std::string metricKey(const std::string& name, const std::string& context)
{
    return context.empty() ? name : name + "[" + context + "]";
}

const RunMetric* RunSummary::find(const std::string& key) const
{
    for (const RunMetric& m : metrics)
        if (m.key == key) return &m;
    return nullptr;
}

RunSummary summarizeRun(const RunStore& store, int64_t runId, const SummaryOptions& options)
{
    std::optional<RunInfo> info = store.run(runId);
    if (!info)
        throw Error("no run " + std::to_string(runId) + " in " + store.path() +
                    " (see `qatbench-cli runs list`)");
    RunSummary out;
    out.run = std::move(*info);
    out.params = store.params(runId);
    const bool ended = !isActive(out.run.status);
    std::set<std::string> logged;
    for (const SeriesInfo& s : store.series(runId)) {
        if (s.kind != SeriesKind::Scalar || s.count == 0) continue;
        if (!options.perModule && (s.layer >= 0 || !s.module.empty())) continue;
        RunMetric m;
        m.name = s.name;
        m.context = s.context;
        m.key = metricKey(s.name, s.context);
        m.goal = metricGoal(s.name);
        m.stats = metricStats(s, m.goal, ended);
        logged.insert(m.key);
        out.metrics.push_back(std::move(m));
    }
    // Evaluations the engine did not also log as a series, one metric per name, in step order.
    const std::vector<EvalResult> evals = store.evalResults(runId);
    std::map<std::string, std::vector<ScalarPoint>> evalPoints;
    std::map<std::string, std::string> evalDataset;
    for (const EvalResult& e : evals) {
        if (isTaskEval(e)) continue; // task accuracies below: one "eval/acc" across tasks would mean nothing
        const std::string name = "eval/" + e.metric;
        if (logged.count(name)) continue;
        ScalarPoint p;
        p.step = e.step;
        p.wallTime = e.wallTime;
        p.value = p.min = p.max = e.value;
        evalPoints[name].push_back(p);
        evalDataset[name] = e.dataset;
    }
    for (auto& [name, points] : evalPoints) {
        std::stable_sort(points.begin(), points.end(),
                         [](const ScalarPoint& a, const ScalarPoint& b) { return a.step < b.step; });
        RunMetric m;
        m.name = m.key = name;
        m.dataset = evalDataset[name];
        m.source = MetricSource::Eval;
        m.goal = metricGoal(name);
        m.stats = metricStats(points, m.goal, ended);
        out.metrics.push_back(std::move(m));
    }
    for (const StoredTaskScore& t : storedTaskScores(evals)) {
        auto add = [&](const char* metric, double value) {
            RunMetric m;
            m.name = m.key = "task/" + t.task + "/" + metric;
            // evaluation.tasks_every logs the scores as a series of that name too: the stored score (the
            // final model's) stands for it, so a key is one metric.
            std::erase_if(out.metrics, [&](const RunMetric& x) { return x.key == m.key; });
            m.dataset = t.task;
            m.source = MetricSource::Task;
            m.goal = metricGoal(metric);
            ScalarPoint p;
            p.step = t.step;
            p.value = p.min = p.max = value;
            m.stats = metricStats(std::span<const ScalarPoint>(&p, 1), m.goal, ended);
            out.metrics.push_back(std::move(m));
        };
        add("acc", t.acc);
        if (t.hasAccNorm) add("acc_norm", t.accNorm);
    }
    return out;
}

// ---------------------------------------------------------------- parameters

std::string paramText(const RunParam& p)
{
    const std::string& t = p.text;
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') return t.substr(1, t.size() - 2);
    return t;
}

bool isRunIdentityParam(std::string_view key)
{
    const size_t dot = key.rfind('.');
    const std::string last = lower(dot == std::string_view::npos ? key : key.substr(dot + 1));
    // Only the run's own name: "method.name" is what an experiment compares.
    return last == "seed" || endsWith(last, "_seed") || key == "name" || last == "work_dir" || last == "tags";
}

std::vector<std::string> differingParams(const std::vector<std::vector<RunParam>>& runs)
{
    std::map<std::string, std::vector<const RunParam*>> table;
    for (size_t i = 0; i < runs.size(); ++i)
        for (const RunParam& p : runs[i]) {
            auto& values = table[p.key];
            values.resize(runs.size(), nullptr);
            values[i] = &p;
        }
    std::vector<std::string> out;
    for (auto& [key, values] : table) {
        if (key == "name") continue;
        values.resize(runs.size(), nullptr);
        const bool differs = std::any_of(values.begin(), values.end(), [&](const RunParam* v) {
            return !v || !values.front() || v->text != values.front()->text;
        });
        if (differs) out.push_back(key);
    }
    // Keys every run has (bits, init) before keys only some have (one method's own options): the first are
    // what the runs were made to compare.
    std::stable_partition(out.begin(), out.end(), [&](const std::string& key) {
        const auto& values = table[key];
        return std::all_of(values.begin(), values.end(), [](const RunParam* v) { return v != nullptr; });
    });
    return out;
}

std::string shortParamKey(std::string_view key)
{
    if (key == "method.name" || key == "method.id") return "method";
    const size_t dot = key.rfind('.');
    const std::string last(dot == std::string_view::npos ? key : key.substr(dot + 1));
    static const std::map<std::string, std::string> abbreviations = {
        {"group_size", "g"}, {"batch_size", "bs"}, {"learning_rate", "lr"}, {"grad_accum", "accum"}};
    const auto it = abbreviations.find(last);
    return it == abbreviations.end() ? last : it->second;
}

std::string shortParamText(const RunParam& p)
{
    std::string v = paramText(p);
    const size_t slash = v.find_last_of('/');
    if (slash != std::string::npos && slash + 1 < v.size() && v.find(' ') == std::string::npos)
        v = v.substr(slash + 1); // a path: its file name says enough
    constexpr size_t kMax = 16;
    if (v.size() > kMax) {
        size_t cut = kMax - 1;
        while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80)
            --cut; // never split a UTF-8 sequence
        v = v.substr(0, cut) + "\u2026";
    }
    return shortParamKey(p.key) + "=" + v;
}

namespace {

// method first, then bits and group size (what a QAT reader looks for), then the rest in the caller's order.
int keyRank(const std::string& key)
{
    const std::string k = shortParamKey(key);
    if (k == "method") return 0;
    if (k == "bits") return 1;
    if (k == "g") return 2;
    return 3;
}

std::vector<const RunParam*> presentInOrder(const std::vector<RunParam>& params,
                                            const std::vector<std::string>& keys)
{
    std::vector<const RunParam*> found;
    for (const std::string& k : keys)
        for (const RunParam& p : params)
            if (p.key == k) {
                found.push_back(&p);
                break;
            }
    std::stable_sort(found.begin(), found.end(),
                     [](const RunParam* a, const RunParam* b) { return keyRank(a->key) < keyRank(b->key); });
    return found;
}

} // namespace

std::string paramLabel(const std::vector<RunParam>& params, const std::vector<std::string>& keys,
                       int maxParts)
{
    const std::vector<const RunParam*> found = presentInOrder(params, keys);
    std::string out;
    const size_t shown = std::min(found.size(), size_t(std::max(maxParts, 1)));
    for (size_t i = 0; i < shown; ++i)
        out += (i ? ", " : "") + shortParamText(*found[i]);
    if (found.size() > shown) out += " +" + std::to_string(found.size() - shown);
    return out;
}

std::string paramLabelFull(const std::vector<RunParam>& params, const std::vector<std::string>& keys)
{
    std::string out;
    for (const RunParam* p : presentInOrder(params, keys))
        out += (out.empty() ? "" : "\n") + p->key + " = " + paramText(*p);
    return out;
}

} // namespace qat

// qatbench-cli compare: final and best metrics of stored runs side by side, and the parameters that differ.
#include "args.h"
#include "commands.h"

#include "qatbench/compare.h"
#include "qatbench/error.h"
#include "qatbench/store.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

namespace qat::cli {

const char* const kCompareUsage =
    "Usage: qatbench-cli compare RUN RUN... [--db FILE] [--json]\n"
    "\n"
    "A table of each run's final and best value of every scalar metric, its evaluations and task scores, and "
    "the\n"
    "parameters whose values differ between the runs. Best = lowest for losses, perplexity, NLL, errors, "
    "memory "
    "and\n"
    "durations, highest for accuracies, scores and throughput (tokens_per_s); other metrics (lr, grad_norm) "
    "have\n"
    "no best (\"-\"; null in --json). The rule lives in core (qatbench/compare.h) and the GUI's Compare view "
    "uses it too.\n"
    "Per-module series (those with a layer/module context) are left out; see `qatbench-cli runs show`.\n";

namespace {

std::string num(double v)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.5g", v);
    return buf;
}

struct Column
{
    RunSummary summary;
    std::map<std::string, RunMetric> metrics; // as displayed: "name", "name [context]", "task t acc"
    std::map<std::string, std::string> params;
};

// The display name of a metric: the CLI's "name [context]"; task scores as "task <task> acc".
std::string displayName(const RunMetric& m)
{
    if (m.source == MetricSource::Task) {
        const std::string metric = m.name.substr(m.name.rfind('/') + 1);
        return "task " + m.dataset + " " + metric;
    }
    return m.context.empty() ? m.name : m.name + " [" + m.context + "]";
}

Column collect(const RunStore& store, int64_t id)
{
    Column c{summarizeRun(store, id), {}, {}};
    for (const RunMetric& m : c.summary.metrics)
        c.metrics[displayName(m)] = m;
    for (const auto& p : c.summary.params)
        c.params[p.key] = p.text;
    return c;
}

} // namespace

int cmdCompare(const Argv& argv)
{
    Args args(argv, {"db"}, {"json"});
    if (args.positional().size() < 2)
        throw Error("compare: give at least two run ids (see `qatbench-cli runs list`)");
    RunStore store(args.get("db", defaultDatabasePath()));
    std::vector<Column> cols;
    for (const auto& a : args.positional()) {
        char* end = nullptr;
        const long long id = std::strtoll(a.c_str(), &end, 10);
        if (!end || *end || id <= 0) throw Error("compare: '" + a + "' is not a run id");
        cols.push_back(collect(store, id));
    }
    std::set<std::string> metricNames;
    for (const auto& c : cols)
        for (const auto& [k, v] : c.metrics)
            metricNames.insert(k);
    std::vector<std::vector<RunParam>> allParams;
    for (const auto& c : cols)
        allParams.push_back(c.summary.params);
    const auto differing = differingParams(allParams);

    if (args.has("json")) {
        nlohmann::json j = {{"runs", nlohmann::json::array()}, {"differing_params", differing}};
        for (const auto& c : cols) {
            nlohmann::json jr = {{"id", c.summary.run.id},
                                 {"name", c.summary.run.name},
                                 {"status", runStatusName(c.summary.run.status)}};
            auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
            for (const RunMetric& m : c.summary.metrics)
                jr["metrics"][displayName(m)] = {
                    {"final", number(m.stats.last)}, {"best", number(m.stats.best)},
                    {"min", number(m.stats.min)},    {"max", number(m.stats.max)},
                    {"last_step", m.stats.lastStep}, {"better", metricGoalName(m.goal)}};
            for (const auto& k : differing)
                jr["params"][k] = c.params.count(k) ? c.params.at(k) : "<none>";
            j["runs"].push_back(std::move(jr));
        }
        std::cout << j.dump(1) << "\n";
        return 0;
    }

    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header{"METRIC"};
    for (const auto& c : cols)
        header.push_back("#" + std::to_string(c.summary.run.id) + " " + c.summary.run.name);
    rows.push_back(header);
    std::vector<std::string> status{"status"};
    for (const auto& c : cols)
        status.push_back(runStatusName(c.summary.run.status));
    rows.push_back(status);
    for (const auto& m : metricNames) {
        std::vector<std::string> row{m + " final/best"};
        for (const auto& c : cols) {
            auto it = c.metrics.find(m);
            if (it == c.metrics.end()) {
                row.push_back("-");
                continue;
            }
            const MetricStats& st = it->second.stats;
            row.push_back(num(st.last) + " / " + (it->second.goal == MetricGoal::None ? "-" : num(st.best)));
        }
        rows.push_back(row);
    }
    printTable(rows, std::cout);
    std::cout << "\nparameters that differ:\n";
    if (differing.empty()) std::cout << "  (none)\n";
    rows.clear();
    for (const auto& k : differing) {
        std::vector<std::string> row{"  " + k};
        for (const auto& c : cols)
            row.push_back(c.params.count(k) ? c.params.at(k) : "<none>");
        rows.push_back(row);
    }
    printTable(rows, std::cout);
    return 0;
}

} // namespace qat::cli

// qatbench-cli compare: final and best metrics of stored runs side by side, and the parameters that differ.
#include "args.h"
#include "commands.h"

#include "qatbench/error.h"
#include "qatbench/store.h"
#include "qatbench/tasks_stored.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>

namespace qat::cli {

const char* const kCompareUsage =
    "Usage: qatbench-cli compare RUN RUN... [--db FILE] [--json]\n"
    "\n"
    "A table of each run's final and best value of every scalar metric (best = lowest for losses, "
    "perplexity\n"
    "and NLL, highest otherwise), its final evaluation, and the parameters whose values differ between the "
    "runs.\n"
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

bool lowerIsBetter(const std::string& name)
{
    for (const char* s : {"loss", "ppl", "nll", "error", "mem"})
        if (name.find(s) != std::string::npos) return true;
    return false;
}

struct Summary
{
    double final = NAN;
    double best = NAN;
};

struct Column
{
    RunInfo run;
    std::map<std::string, Summary> metrics; // "name" or "name [context]"
    std::map<std::string, std::string> params;
};

Column collect(const RunStore& store, int64_t id)
{
    auto r = store.run(id);
    if (!r)
        throw Error("no run " + std::to_string(id) + " in " + store.path() +
                    " (see `qatbench-cli runs list`)");
    Column c{*r, {}, {}};
    for (const auto& s : store.series(id)) {
        if (s.kind != SeriesKind::Scalar || s.count == 0 || s.layer >= 0 || !s.module.empty()) continue;
        const std::string key = s.context.empty() ? s.name : s.name + " [" + s.context + "]";
        c.metrics[key] = {s.lastValue, lowerIsBetter(s.name) ? s.minValue : s.maxValue};
    }
    const std::vector<EvalResult> all = store.evalResults(id);
    std::vector<EvalResult> evals;
    for (const auto& e : all)
        if (!isTaskEval(e)) evals.push_back(e); // task accuracies below, not mixed into perplexity
    for (const StoredTaskScore& t : storedTaskScores(all)) {
        c.metrics["task " + t.task + " acc"] = {t.acc, t.acc};
        if (t.hasAccNorm) c.metrics["task " + t.task + " acc_norm"] = {t.accNorm, t.accNorm};
    }
    if (!evals.empty()) {
        double best = evals.front().value;
        for (const auto& e : evals)
            best = std::min(best, e.value);
        c.metrics["eval " + evals.back().metric + " (" + evals.back().dataset + ")"] = {evals.back().value,
                                                                                        best};
    }
    for (const auto& p : store.params(id))
        c.params[p.key] = p.text;
    return c;
}

// Keys whose value is not the same in every run (a key missing in one run counts as different).
std::vector<std::string> differingParams(const std::vector<Column>& cols)
{
    std::set<std::string> keys;
    for (const auto& c : cols)
        for (const auto& [k, v] : c.params)
            keys.insert(k);
    std::vector<std::string> out;
    for (const auto& k : keys) {
        if (k == "name") continue;
        std::set<std::string> values;
        for (const auto& c : cols) {
            auto it = c.params.find(k);
            values.insert(it == c.params.end() ? "<none>" : it->second);
        }
        if (values.size() > 1) out.push_back(k);
    }
    return out;
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
    const auto differing = differingParams(cols);

    if (args.has("json")) {
        nlohmann::json j = {{"runs", nlohmann::json::array()}, {"differing_params", differing}};
        for (const auto& c : cols) {
            nlohmann::json jr = {
                {"id", c.run.id}, {"name", c.run.name}, {"status", runStatusName(c.run.status)}};
            for (const auto& [k, s] : c.metrics)
                jr["metrics"][k] = {
                    {"final", std::isfinite(s.final) ? nlohmann::json(s.final) : nlohmann::json()},
                    {"best", std::isfinite(s.best) ? nlohmann::json(s.best) : nlohmann::json()}};
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
        header.push_back("#" + std::to_string(c.run.id) + " " + c.run.name);
    rows.push_back(header);
    std::vector<std::string> status{"status"};
    for (const auto& c : cols)
        status.push_back(runStatusName(c.run.status));
    rows.push_back(status);
    for (const auto& m : metricNames) {
        std::vector<std::string> row{m + " final/best"};
        for (const auto& c : cols) {
            auto it = c.metrics.find(m);
            row.push_back(it == c.metrics.end() ? "-" : num(it->second.final) + " / " + num(it->second.best));
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

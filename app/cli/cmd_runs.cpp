// qatbench-cli runs: list, show, export, rename, tag, delete stored runs.
#include "args.h"
#include "commands.h"

#include "qatbench/error.h"
#include "qatbench/store.h"
#include "qatbench/tasks_stored.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

namespace qat::cli {

const char* const kRunsUsage =
    "Usage: qatbench-cli runs list [--status S] [--method M] [--tag T] [--text TEXT] [--limit N] [--db "
    "FILE]\n"
    "       qatbench-cli runs show RUN [--db FILE]\n"
    "       qatbench-cli runs export RUN --format csv|json [--out FILE] [--db FILE]\n"
    "       qatbench-cli runs rename RUN NAME | tag RUN TAG... | untag RUN TAG... | delete RUN [--db FILE]\n"
    "\n"
    "The run store: --db FILE, else $QATBENCH_DB, else ~/.local/share/QATBench/runs.db. Opening it marks "
    "runs\n"
    "whose engine process is gone as interrupted (resume them with `qatbench-cli run --resume RUN`).\n"
    "export writes every scalar point (no downsampling): CSV columns "
    "run_id,series,context,step,wall_time,value;\n"
    "JSON holds the run, its parameters, all series (scalars and histograms), evaluations and artifacts.\n";

namespace {

std::string formatTime(double unix)
{
    if (unix <= 0) return "-";
    const std::time_t t = std::time_t(unix);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

std::string num(double v, int digits = 6)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

int64_t runIdArg(const std::string& s)
{
    try {
        size_t used = 0;
        const long long v = std::stoll(s, &used);
        if (used == s.size() && v > 0) return v;
    } catch (const std::exception&) {
    }
    throw UsageError("'" + s + "' is not a run id (see `qatbench-cli runs list`)");
}

RunInfo requireRun(const RunStore& store, int64_t id)
{
    auto r = store.run(id);
    if (!r)
        throw Error("no run " + std::to_string(id) + " in " + store.path() +
                    " (see `qatbench-cli runs list`)");
    return *r;
}

std::string finalPpl(const RunStore& store, int64_t id)
{
    std::string last = "-";
    for (const auto& e : store.evalResults(id))
        if (!isTaskEval(e)) last = num(e.value); // task accuracies are not perplexity
    return last;
}

int listRuns(RunStore& store, const Args& args)
{
    RunFilter f;
    if (auto s = args.get("status")) {
        auto st = parseRunStatus(*s);
        if (!st)
            throw UsageError(
                "--status: '" + *s +
                "' is not a status (queued, running, paused, completed, failed, cancelled, interrupted)");
        f.statuses.push_back(*st);
    }
    f.method = args.get("method", "");
    f.tag = args.get("tag", "");
    f.text = args.get("text", "");
    f.limit = int(args.getInt("limit", 0));
    std::vector<std::vector<std::string>> rows{
        {"ID", "NAME", "STATUS", "METHOD", "STEP", "PPL", "STARTED", "DURATION", "TAGS"}};
    for (const auto& r : store.runs(f)) {
        std::string tags;
        for (const auto& t : r.tags)
            tags += (tags.empty() ? "" : ",") + t;
        const double end = r.ended > 0 ? r.ended : r.heartbeat;
        rows.push_back({std::to_string(r.id), r.name, runStatusName(r.status), r.method,
                        std::to_string(std::max<int64_t>(r.lastStep, 0)) + "/" + std::to_string(r.totalSteps),
                        finalPpl(store, r.id), formatTime(r.started),
                        r.started > 0 && end > r.started ? formatDuration(end - r.started) : "-", tags});
    }
    if (rows.size() == 1)
        std::cout << "no runs in " << store.path() << "\n";
    else
        printTable(rows, std::cout);
    return 0;
}

int showRun(RunStore& store, int64_t id)
{
    const RunInfo r = requireRun(store, id);
    std::cout << "run " << r.id << ": " << printable(r.name) << "\n"
              << "  experiment  " << printable(r.experiment) << "\n"
              << "  status      " << runStatusName(r.status)
              << (r.message.empty() ? "" : " - " + printable(r.message)) << "\n"
              << "  method      " << r.method << "\n"
              << "  model       " << printable(r.modelPath) << " (fingerprint "
              << (r.modelHash.empty() ? "-" : r.modelHash) << ")\n"
              << "  started     " << formatTime(r.started) << ", ended " << formatTime(r.ended) << "\n"
              << "  steps       " << std::max<int64_t>(r.lastStep, 0) << "/" << r.totalSteps << "\n"
              << "  work dir    " << printable(r.workDir) << "\n"
              << "  version     " << r.appVersion << "\n";
    std::cout << "\nparameters:\n";
    for (const auto& p : store.params(id))
        std::cout << "  " << printable(p.key) << " = " << printable(p.text) << "\n";
    std::vector<std::vector<std::string>> rows{
        {"  SERIES", "CONTEXT", "KIND", "POINTS", "LAST STEP", "LAST", "MIN", "MAX"}};
    for (const auto& s : store.series(id)) {
        const bool scalar = s.kind == SeriesKind::Scalar;
        rows.push_back({"  " + s.name, s.context.empty() ? "-" : s.context, scalar ? "scalar" : "histogram",
                        std::to_string(s.count), std::to_string(s.lastStep), scalar ? num(s.lastValue) : "-",
                        scalar ? num(s.minValue) : "-", scalar ? num(s.maxValue) : "-"});
    }
    std::cout << "\nseries:\n";
    printTable(rows, std::cout);
    std::cout << "\nevaluations:\n";
    for (const auto& e : store.evalResults(id))
        std::cout << "  step " << e.step << "  " << e.metric << " " << num(e.value) << "  nll " << num(e.nll)
                  << "  " << e.tokens << " tokens  " << printable(e.dataset) << "  protocol "
                  << printable(e.protocol) << "\n";
    std::cout << "\nartifacts:\n";
    for (const auto& a : store.artifacts(id))
        std::cout << "  " << printable(a.kind) << "  step " << a.step << "  " << printable(a.path) << "\n";
    return 0;
}

// JSON has no NaN/inf: those become the strings "nan", "inf", "-inf".
nlohmann::json jsonNumber(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(num(v));
}

void exportCsv(RunStore& store, int64_t id, std::ostream& out)
{
    out << "run_id,series,context,step,wall_time,value\n";
    for (const auto& s : store.series(id)) {
        if (s.kind != SeriesKind::Scalar) continue;
        for (const auto& p : store.scalars(s.id, {.maxPoints = 0}))
            out << id << "," << s.name << ",\"" << s.context << "\"," << p.step << "," << num(p.wallTime, 16)
                << "," << num(p.value, 17) << "\n";
    }
}

nlohmann::json histogramJson(const HistogramPoint& h)
{
    return {{"step", h.step},        {"wall_time", h.wallTime},
            {"edges", h.edges},      {"counts", h.counts},
            {"min", h.min},          {"max", h.max},
            {"count", h.count},      {"sum", h.sum},
            {"sum_sq", h.sumSquares}};
}

nlohmann::json exportJson(RunStore& store, int64_t id)
{
    const RunInfo r = requireRun(store, id);
    nlohmann::json j;
    j["run"] = {{"id", r.id},
                {"name", r.name},
                {"experiment", r.experiment},
                {"status", runStatusName(r.status)},
                {"message", r.message},
                {"method", r.method},
                {"started", r.started},
                {"ended", r.ended},
                {"model_path", r.modelPath},
                {"model_hash", r.modelHash},
                {"app_version", r.appVersion},
                {"tags", r.tags},
                {"work_dir", r.workDir},
                {"total_steps", r.totalSteps}};
    j["config"] = nlohmann::json::parse(r.config, nullptr, false);
    j["params"] = nlohmann::json::object();
    for (const auto& p : store.params(id))
        j["params"][p.key] = nlohmann::json::parse(p.text, nullptr, false);
    j["series"] = nlohmann::json::array();
    for (const auto& s : store.series(id)) {
        nlohmann::json js = {{"name", s.name}, {"context", s.context}, {"points", nlohmann::json::array()}};
        js["kind"] = s.kind == SeriesKind::Scalar ? "scalar" : "histogram";
        if (s.kind == SeriesKind::Scalar) {
            for (const auto& p : store.scalars(s.id, {.maxPoints = 0}))
                js["points"].push_back({p.step, p.wallTime, jsonNumber(p.value)});
        } else {
            for (int64_t step : store.histogramSteps(s.id))
                if (auto h = store.histogramAt(s.id, step)) js["points"].push_back(histogramJson(*h));
        }
        j["series"].push_back(std::move(js));
    }
    j["evals"] = nlohmann::json::array();
    for (const auto& e : store.evalResults(id))
        j["evals"].push_back({{"step", e.step},
                              {"dataset", e.dataset},
                              {"metric", e.metric},
                              {"value", jsonNumber(e.value)},
                              {"nll", jsonNumber(e.nll)},
                              {"tokens", e.tokens},
                              {"protocol", nlohmann::json::parse(e.protocol, nullptr, false)}});
    j["artifacts"] = nlohmann::json::array();
    for (const auto& a : store.artifacts(id))
        j["artifacts"].push_back({{"kind", a.kind}, {"path", a.path}, {"step", a.step}, {"bytes", a.bytes}});
    return j;
}

int exportRun(RunStore& store, int64_t id, const Args& args)
{
    requireRun(store, id);
    const std::string format = args.get("format", "");
    if (format != "csv" && format != "json")
        throw UsageError("runs export: give --format csv or --format json");
    std::ostringstream buf;
    if (format == "csv")
        exportCsv(store, id, buf);
    else
        buf << exportJson(store, id).dump(1) << "\n";
    if (auto out = args.get("out")) {
        std::ofstream f(*out, std::ios::binary);
        f << buf.str();
        if (!f.flush()) throw Error("runs export: cannot write " + *out);
        std::cerr << "wrote " << *out << "\n";
    } else {
        std::cout << buf.str();
    }
    return 0;
}

// Commands that only read fall back to a read-only connection when the store cannot be written (a read-only
// folder or file, issue 12): listing never needs write access.
RunStore openForCommand(const std::string& db, bool readsOnly)
{
    try {
        return RunStore(db);
    } catch (const Error& e) {
        if (!readsOnly) throw;
        try {
            return RunStore(db, {.readOnly = true});
        } catch (const Error&) {
            throw e;
        }
    }
}

} // namespace

int cmdRuns(const Argv& argv)
{
    Args args(argv, {"db", "status", "method", "tag", "text", "limit", "format", "out"}, {});
    const auto& pos = args.positional();
    if (pos.empty())
        throw UsageError("runs: give a subcommand: list, show, export, rename, tag, untag, delete");
    const std::string sub = pos[0];
    const std::string db = args.get("db", defaultDatabasePath());
    const bool reads = sub == "list" || sub == "show" || sub == "export";
    RunStore store = openForCommand(db, reads);
    auto needId = [&](size_t n) {
        if (pos.size() < n) throw UsageError("runs " + sub + ": missing arguments (see --help)");
        return runIdArg(pos[1]);
    };
    if (sub == "list") return listRuns(store, args);
    if (sub == "show") return showRun(store, needId(2));
    if (sub == "export") return exportRun(store, needId(2), args);
    if (sub == "rename") {
        const int64_t id = needId(3);
        store.renameRun(id, pos[2]);
        return 0;
    }
    if (sub == "tag" || sub == "untag") {
        const int64_t id = needId(3);
        requireRun(store, id);
        for (size_t i = 2; i < pos.size(); ++i) {
            if (sub == "tag")
                store.addTag(id, pos[i]);
            else
                store.removeTag(id, pos[i]);
        }
        return 0;
    }
    if (sub == "delete") {
        const RunInfo r = requireRun(store, needId(2));
        // Opening the store marked dead engines' runs interrupted: an active run here has a live engine.
        if (isActive(r.status))
            throw Error("run " + std::to_string(r.id) + " is " + runStatusName(r.status) + " (engine pid " +
                        std::to_string(r.pid) + " on " + r.host +
                        "); stop it first (the GUI's Stop, or 'stop' on the engine's stdin, or SIGTERM)");
        store.deleteRun(r.id);
        return 0;
    }
    throw UsageError("runs: unknown subcommand '" + sub +
                     "' (list, show, export, rename, tag, untag, delete)");
}

} // namespace qat::cli

// Sweeps: a grid file expanded into experiments, run through the engine into the store, resumable; and the
// comparison table read back from the store (qatbench/sweep.h).
#include "qatbench/sweep.h"

#include "qatbench/error.h"
#include "qatbench/experiment.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <type_traits>

namespace qat {

namespace {

using nlohmann::json;

struct MethodEntry
{
    std::string label;
    std::string name;
    json options = json::object();
};

std::vector<MethodEntry> methodEntries(const json& grid)
{
    if (!grid.contains("methods") || !grid["methods"].is_array() || grid["methods"].empty())
        throw ConfigError("grid.methods", "must be a non-empty list of method ids or {label, name, options}");
    std::vector<MethodEntry> out;
    for (size_t i = 0; i < grid["methods"].size(); ++i) {
        const json& m = grid["methods"][i];
        const std::string field = "grid.methods[" + std::to_string(i) + "]";
        MethodEntry e;
        if (m.is_string()) {
            e.name = m.get<std::string>();
        } else if (m.is_object() && m.contains("name") && m["name"].is_string()) {
            e.name = m["name"].get<std::string>();
            if (m.contains("label") && !m["label"].is_string())
                throw ConfigError(field + ".label", "must be a string");
            e.label = m.value("label", std::string());
            if (m.contains("options") && !m["options"].is_null() && !m["options"].is_object())
                throw ConfigError(field + ".options", "must be an object of the method's options");
            if (m.contains("options") && m["options"].is_object()) e.options = m["options"];
        } else {
            throw ConfigError(field, "must be a method id or an object with \"name\"");
        }
        if (!findMethod(e.name)) throw ConfigError(field + ".name", "unknown method '" + e.name + "'");
        if (e.label.empty()) e.label = e.name;
        for (const auto& o : out)
            if (o.label == e.label)
                throw ConfigError(field + ".label",
                                  "'" + e.label + "' appears twice; give each variant a label");
        out.push_back(std::move(e));
    }
    return out;
}

template <typename T> std::vector<T> listOf(const json& grid, const char* key, std::vector<T> fallback)
{
    if (!grid.contains(key)) return fallback;
    const json& v = grid[key];
    const std::string field = std::string("grid.") + key;
    if (!v.is_array() || v.empty()) throw ConfigError(field, "must be a non-empty list");
    std::vector<T> out;
    std::set<T> seen;
    for (const auto& x : v) {
        if (!x.is_number_integer()) throw ConfigError(field, "must hold integers");
        // Refused rather than wrapped into T (a negative seed, bits past int); a repeat would repeat cells.
        const bool negative = !x.is_number_unsigned() && x.get<int64_t>() < 0;
        if (negative ? !std::is_signed_v<T> || x.get<int64_t>() < int64_t(std::numeric_limits<T>::min())
                     : x.get<uint64_t>() > uint64_t(std::numeric_limits<T>::max()))
            throw ConfigError(field, x.dump() + " is out of range");
        const T value = negative ? T(x.get<int64_t>()) : T(x.get<uint64_t>());
        if (!seen.insert(value).second) throw ConfigError(field, "lists " + x.dump() + " twice");
        out.push_back(value);
    }
    return out;
}

bool declares(const MethodInfo& m, const std::string& option)
{
    for (const auto& o : m.options)
        if (o.name == option) return true;
    return false;
}

json cellExperiment(const json& grid, const MethodEntry& m, int bits, int64_t group, uint64_t seed,
                    const std::string& name)
{
    const MethodInfo* info = findMethod(m.name);
    json e = grid.value("base", json::object());
    e["name"] = name;
    e["seed"] = seed;
    json opts = json::object();
    const json common = grid.value("options", json::object()); // items() must not outlive it
    for (const auto& [k, v] : common.items())
        if (declares(*info, k)) opts[k] = v;
    opts.update(m.options);
    opts["bits"] = bits;
    opts["group_size"] = group;
    e["method"] = {{"name", m.name}, {"options", opts}};
    if (!info->trains) e["training"]["steps"] = 0;
    return e;
}

double nan()
{
    return std::numeric_limits<double>::quiet_NaN();
}

// The hash of a stored experiment as a cell's (validated) document is written: a run stored before a
// real-valued setting was written as a real ("grad_clip": 1) is still its cell's.
std::string storedHash(const json& cfg)
{
    try {
        return experimentHash(toJson(Experiment(cfg)));
    } catch (const std::exception&) {
        return experimentHash(cfg);
    }
}

// The newest run of each cell, and the row the table shows for it.
SweepRow rowFor(const SweepCell& cell, RunStore& store)
{
    SweepRow row;
    row.cell = cell;
    row.status = "missing";
    row.ppl = nan();
    RunFilter f;
    f.experiment = cell.name;
    // A cell is its whole experiment, not its name: a run of the same name with another experiment (the
    // grid's base changed, say) is not this cell's result (issue 12).
    const std::string hash = experimentHash(cell.experiment);
    std::vector<RunInfo> runs;
    for (auto& r : store.runs(f)) {
        const json cfg = json::parse(r.config, nullptr, false);
        if (!cfg.is_discarded() && storedHash(cfg) == hash) runs.push_back(std::move(r));
    }
    if (runs.empty()) return row;
    const RunInfo* best = &runs.front(); // newest first; a completed run wins
    for (const auto& r : runs)
        if (r.status == RunStatus::Completed) {
            best = &r;
            break;
        }
    row.runId = best->id;
    row.status = runStatusName(best->status);
    row.message = best->message;
    row.workDir = best->workDir;
    if (best->started > 0)
        row.wallSeconds = (best->ended > 0 ? best->ended : best->heartbeat) - best->started;
    for (const auto& ev : store.evalResults(best->id))
        if (ev.metric == "ppl") row.ppl = ev.value;
    for (const auto& s : store.series(best->id)) {
        if (s.kind != SeriesKind::Scalar) continue;
        if (s.name == "perf/mem_bytes" || s.name == "perf/peak_mem_bytes")
            row.peakMemBytes = std::max<int64_t>(row.peakMemBytes, int64_t(s.maxValue));
        if (s.name == "train/trainable_params") row.trainable = int64_t(s.lastValue);
    }
    const MethodInfo* info = findMethod(cell.method);
    if (row.trainable < 0 && info && !info->trains) row.trainable = 0;
    return row;
}

std::string fmt(const char* f, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string humanBytes(int64_t b)
{
    if (b < 0) return "-";
    const double mib = double(b) / (1024.0 * 1024.0);
    return mib >= 1024 ? fmt("%.2f GiB", mib / 1024) : fmt("%.0f MiB", mib);
}

std::string humanCount(int64_t n)
{
    if (n < 0) return "-";
    if (n >= 1'000'000) return fmt("%.2fM", double(n) / 1e6);
    if (n >= 10'000) return fmt("%.1fk", double(n) / 1e3);
    return std::to_string(n);
}

} // namespace

std::vector<SweepCell> expandSweep(const json& grid, bool checkFiles)
{
    if (!grid.is_object()) throw ConfigError("grid", "must be a JSON object");
    // A misspelt key ("bit") would silently fall back to its default.
    for (const auto& [key, value] : grid.items())
        if (key != "name" && key != "methods" && key != "bits" && key != "group_sizes" && key != "seeds" &&
            key != "base" && key != "options")
            throw ConfigError("grid." + key,
                              "unknown field (name, methods, bits, group_sizes, seeds, base, options)");
    if (grid.contains("name") && !grid["name"].is_string())
        throw ConfigError("grid.name", "must be a string");
    const std::string name = grid.value("name", std::string());
    if (name.empty()) throw ConfigError("grid.name", "is required (it names every cell's experiment)");
    if (grid.contains("base") && !grid["base"].is_object())
        throw ConfigError("grid.base", "must be an object");
    if (grid.contains("base") && grid["base"].contains("training") && !grid["base"]["training"].is_null() &&
        !grid["base"]["training"].is_object())
        throw ConfigError("grid.base.training", "must be an object");
    if (grid.contains("options") && !grid["options"].is_object())
        throw ConfigError("grid.options", "must be an object of options");
    const auto methods = methodEntries(grid);
    const auto bits = listOf<int>(grid, "bits", {4});
    const auto groups = listOf<int64_t>(grid, "group_sizes", {128});
    const auto seeds = listOf<uint64_t>(grid, "seeds", {0});
    // Every cell is validated (and later run) one by one: a grid of lists a few thousand long would not end.
    constexpr size_t kMaxCells = 10000;
    size_t count = 1;
    for (const size_t n : {methods.size(), bits.size(), groups.size(), seeds.size()})
        count = std::min(count * std::min(n, kMaxCells + 1), kMaxCells + 1);
    if (count > kMaxCells)
        throw ConfigError("grid", "holds more than " + std::to_string(kMaxCells) +
                                      " cells (methods x bits x group_sizes x seeds); split it");
    std::vector<SweepCell> cells;
    for (const auto& m : methods)
        for (int b : bits)
            for (int64_t g : groups)
                for (uint64_t s : seeds) {
                    SweepCell c;
                    c.label = m.label;
                    c.method = m.name;
                    c.bits = b;
                    c.group = g;
                    c.seed = s;
                    c.name = name + "/" + m.label + "/w" + std::to_string(b) + "g" + std::to_string(g) +
                             "/s" + std::to_string(s);
                    c.experiment = cellExperiment(grid, m, b, g, s, c.name);
                    auto issues = validateExperiment(c.experiment, ExperimentCheck{.checkFiles = checkFiles});
                    if (!issues.empty())
                        throw ConfigError(issues[0].field, "in cell " + c.name + ": " + issues[0].message);
                    cells.push_back(std::move(c));
                }
    return cells;
}

std::vector<SweepRow> runSweep(const json& grid, const SweepOptions& opt, EngineControl& control)
{
    const auto cells = expandSweep(grid);
    const std::string db = opt.dbPath.empty() ? defaultDatabasePath() : opt.dbPath;
    auto log = [&](const std::string& s) {
        if (opt.log) opt.log(s);
    };
    std::vector<SweepRow> rows;
    for (size_t i = 0; i < cells.size(); ++i) {
        const SweepCell& c = cells[i];
        const std::string at =
            "[" + std::to_string(i + 1) + "/" + std::to_string(cells.size()) + "] " + c.name;
        int64_t resumeId = 0;
        bool restart = false;
        {
            RunStore store(db); // marks runs of dead processes interrupted
            SweepRow now = rowFor(c, store);
            if (now.status == "completed") {
                log(at + ": completed earlier with the same experiment (run " + std::to_string(now.runId) +
                    "), reused");
                now.reused = true;
                rows.push_back(now);
                continue;
            }
            if (now.status == "queued" || now.status == "running" || now.status == "paused") {
                log(at + ": run " + std::to_string(now.runId) + " is " + now.status +
                    " elsewhere, left alone");
                rows.push_back(now);
                continue;
            }
            if (now.status == "cancelled" || now.status == "interrupted") {
                resumeId = now.runId;
                // Killed before its first checkpoint: nothing to continue from, so it starts again.
                restart = true;
                for (const auto& a : store.artifacts(now.runId))
                    if (a.kind == "checkpoint") restart = false;
            }
        }
        if (control.stopRequested()) break;
        log(at +
            (resumeId ? (restart ? ": restarting run " : ": resuming run ") + std::to_string(resumeId)
                      : ": running") +
            (opt.dryRun ? " (dry run)" : ""));
        if (opt.dryRun) {
            SweepRow r;
            r.cell = c;
            r.status = "missing";
            r.ppl = nan();
            rows.push_back(r);
            continue;
        }
        EngineOptions eo;
        eo.experiment = c.experiment;
        eo.dbPath = db;
        eo.resumeRunId = resumeId;
        eo.restart = restart;
        eo.onEvent = opt.onEvent;
        eo.threads = opt.threads;
        const EngineResult res = runExperiment(eo, control);
        RunStore store(db);
        rows.push_back(rowFor(c, store));
        if (res.status == RunStatus::Failed) log(at + ": failed: " + res.message);
        if (res.status == RunStatus::Cancelled) {
            log(at + ": stopped; run the same sweep again to resume it");
            break;
        }
    }
    return rows;
}

std::vector<std::string> sweepPresetNames()
{
    std::vector<std::string> names;
    for (const auto& m : availableMethods())
        for (const auto& p : m.sweepPresets)
            names.push_back(p.name);
    return names;
}

json sweepPreset(const std::string& name, const SweepPresetInputs& in)
{
    const MethodInfo* info = nullptr;
    const SweepPresetSpec* preset = nullptr;
    const std::vector<MethodInfo> methods = availableMethods();
    for (const auto& m : methods)
        for (const auto& p : m.sweepPresets)
            if (p.name == name) info = &m, preset = &p;
    if (!preset) {
        std::string known;
        for (const auto& n : sweepPresetNames())
            known += (known.empty() ? "" : ", ") + n;
        throw ConfigError("--preset", "unknown preset '" + name +
                                          "' (available: " + (known.empty() ? "none" : known) + ")");
    }
    auto def = [&](const std::string& option) {
        for (const auto& o : info->options)
            if (o.name == option && o.defaultValue.is_number()) return o.defaultValue.get<double>();
        throw ConfigError("--preset", info->id + " declares no numeric option " + option);
    };
    auto g3 = [](double v) { return fmt("%.3g", v); };
    // One cell: the inputs' options with each (axis, factor) applied.
    auto cell = [&](const std::vector<std::pair<const SweepAxis*, double>>& at, std::string label) {
        json o = in.options;
        for (const auto& [axis, f] : at)
            for (const auto& option : axis->options)
                o[option] = def(option) * f;
        return json{{"label", std::move(label)}, {"name", info->id}, {"options", o}};
    };
    json cells = json::array();
    std::vector<std::pair<const SweepAxis*, double>> at;
    // Every combination of the grid axes' factors, the first axis outermost.
    std::function<void(size_t)> product = [&](size_t i) {
        if (i == preset->grid.size()) {
            std::string label;
            for (const auto& [axis, f] : at)
                label += (label.empty() ? "" : "-") + axis->label + g3(def(axis->options.at(0)) * f);
            cells.push_back(cell(at, label));
            return;
        }
        for (double f : preset->grid[i].factors) {
            at.push_back({&preset->grid[i], f});
            product(i + 1);
            at.pop_back();
        }
    };
    if (!preset->grid.empty()) product(0);
    for (const auto& axis : preset->alone)
        for (double f : axis.factors)
            cells.push_back(cell({{&axis, f}}, axis.label + "-x" + g3(f)));
    json shared = json::object();
    for (const auto& o : info->options)
        if (o.name == "calib_steps") shared["calib_steps"] = in.calibSteps;
    const std::string model = std::filesystem::path(in.model).filename().string();
    json grid = {{"name", name + "/" + (model.empty() ? std::string("model") : model)},
                 {"methods", cells},
                 {"bits", {in.bits}},
                 {"group_sizes", {in.group}},
                 {"seeds", {in.seed}},
                 {"options", shared},
                 {"base",
                  {{"device", in.device},
                   {"dtype", in.dtype},
                   {"model", {{"path", in.model}}},
                   {"data",
                    {{"train", in.train},
                     {"eval", in.eval},
                     {"seq_len", in.seqLen},
                     {"batch_size", in.batch},
                     {"window_bos", in.windowBos}}},
                   {"training",
                    {{"steps", in.steps},
                     {"warmup_steps", in.steps / 20},
                     {"eval_every", 0},
                     {"histogram_every", 0},
                     {"checkpoint_every", 200}}}}}};
    return grid;
}

const SweepRow* bestSweepRow(const std::vector<SweepRow>& rows)
{
    const SweepRow* best = nullptr;
    for (const auto& r : rows)
        if (r.status == "completed" && std::isfinite(r.ppl) && (!best || r.ppl < best->ppl)) best = &r;
    return best;
}

std::vector<SweepRow> sweepResults(const json& grid, const std::string& dbPath)
{
    const auto cells = expandSweep(grid, false);
    RunStore store(dbPath.empty() ? defaultDatabasePath() : dbPath);
    std::vector<SweepRow> rows;
    for (const auto& c : cells)
        rows.push_back(rowFor(c, store));
    return rows;
}

std::string sweepTable(const std::vector<SweepRow>& rows, bool markdown)
{
    const std::vector<std::string> head = {"method",    "bits",     "group", "seed",  "ppl",
                                           "trainable", "peak mem", "wall",  "status"};
    std::vector<std::vector<std::string>> cells;
    for (const auto& r : rows) {
        const double w = r.wallSeconds;
        cells.push_back({r.cell.label, std::to_string(r.cell.bits), std::to_string(r.cell.group),
                         std::to_string(r.cell.seed), std::isnan(r.ppl) ? "-" : fmt("%.3f", r.ppl),
                         humanCount(r.trainable), humanBytes(r.peakMemBytes),
                         w > 0 ? (w >= 120 ? fmt("%.1f min", w / 60) : fmt("%.1f s", w)) : "-",
                         r.reused ? r.status + " (reused)" : r.status});
    }
    std::vector<size_t> width(head.size());
    for (size_t i = 0; i < head.size(); ++i) {
        width[i] = head[i].size();
        for (const auto& c : cells)
            width[i] = std::max(width[i], c[i].size());
    }
    std::ostringstream out;
    auto line = [&](const std::vector<std::string>& v) {
        for (size_t i = 0; i < v.size(); ++i) {
            const std::string pad(width[i] - v[i].size(), ' ');
            out << (markdown ? "| " : (i ? "  " : "")) << (i >= 1 && i <= 7 ? pad + v[i] : v[i] + pad)
                << (markdown ? " " : "");
        }
        out << (markdown ? "|\n" : "\n");
    };
    line(head);
    if (markdown) {
        std::vector<std::string> sep;
        for (size_t i = 0; i < head.size(); ++i)
            sep.push_back(std::string(width[i] - 1, '-') + (i >= 1 && i <= 7 ? ":" : "-"));
        line(sep);
    }
    for (const auto& c : cells)
        line(c);
    return out.str();
}

} // namespace qat

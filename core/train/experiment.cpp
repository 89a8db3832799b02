#include "qatbench/experiment.h"

#include "qatbench/error.h"
#include "qatbench/export.h"
#include "qatbench/tasks.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace qat {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Module short names in LinearKind order; kept here so validation needs no model code.
constexpr const char* kShortNames[kLinearKinds] = {"q", "k", "v", "o", "gate", "up", "down"};

struct Checker
{
    std::vector<ValidationIssue>& issues;

    void bad(const std::string& field, const std::string& msg) { issues.push_back({field, msg}); }
    static std::string join(const std::string& prefix, const char* key)
    {
        return prefix.empty() ? std::string(key) : prefix + "." + key;
    }

    // Fills the default when the key is missing; checks an integer in [lo, hi].
    void integer(json& obj, const std::string& prefix, const char* key, int64_t def, int64_t lo, int64_t hi)
    {
        const std::string field = join(prefix, key);
        if (!obj.contains(key)) obj[key] = def;
        const json& v = obj[key];
        const std::string range = " (allowed: " + std::to_string(lo) + " to " + std::to_string(hi) + ")";
        if (!v.is_number_integer()) return bad(field, "must be an integer" + range);
        const int64_t x = v.get<int64_t>();
        if (x < lo || x > hi) bad(field, "is " + std::to_string(x) + range);
    }

    void number(json& obj, const std::string& prefix, const char* key, double def, double lo, double hi)
    {
        const std::string field = join(prefix, key);
        if (!obj.contains(key)) obj[key] = def;
        const json& v = obj[key];
        std::ostringstream range;
        range << " (allowed: " << lo << " to " << hi << ")";
        if (!v.is_number()) return bad(field, "must be a number" + range.str());
        const double x = v.get<double>();
        if (!std::isfinite(x)) return bad(field, "must be a finite number" + range.str());
        if (x < lo || x > hi) bad(field, "is " + v.dump() + range.str());
    }

    void boolean(json& obj, const std::string& prefix, const char* key, bool def)
    {
        if (!obj.contains(key)) obj[key] = def;
        if (!obj[key].is_boolean()) bad(join(prefix, key), "must be true or false");
    }

    void choice(json& obj, const std::string& prefix, const char* key, const std::string& def,
                const std::vector<std::string>& allowed)
    {
        const std::string field = join(prefix, key);
        if (!obj.contains(key)) obj[key] = def;
        std::string list;
        for (const auto& a : allowed)
            list += (list.empty() ? "" : ", ") + a;
        if (!obj[key].is_string()) return bad(field, "must be one of: " + list);
        const auto s = obj[key].get<std::string>();
        for (const auto& a : allowed)
            if (s == a) return;
        bad(field, "is '" + s + "'; must be one of: " + list);
    }

    // A file path: required (non-empty) unless emptyOk; must exist when checkFiles.
    void file(json& obj, const std::string& prefix, const char* key, bool emptyOk, bool checkFiles)
    {
        const std::string field = join(prefix, key);
        if (!obj.contains(key)) obj[key] = "";
        if (!obj[key].is_string()) return bad(field, "must be a file path");
        const auto path = obj[key].get<std::string>();
        if (path.empty()) {
            if (!emptyOk) bad(field, "is required: a text file");
            return;
        }
        if (!checkFiles) return;
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) bad(field, "file not found: " + path);
    }

    // Makes obj[key] an object (creating it) and reports when it is something else.
    json* section(json& obj, const char* key)
    {
        if (!obj.contains(key) || obj[key].is_null()) obj[key] = json::object();
        if (!obj[key].is_object()) {
            bad(key, "must be a JSON object");
            return nullptr;
        }
        return &obj[key];
    }

    void unknownKeys(const json& obj, const std::string& prefix, const json& known)
    {
        for (const auto& [k, v] : obj.items())
            if (!known.contains(k)) bad(prefix.empty() ? k : prefix + "." + k, "unknown field");
    }
};

void checkDevice(Checker& c, json& exp)
{
    if (!exp.contains("device")) exp["device"] = "auto";
    const json& v = exp["device"];
    const std::string msg = "must be \"auto\", \"cpu\", \"cuda\" or \"cuda:N\"";
    if (!v.is_string()) return c.bad("device", msg);
    const auto s = v.get<std::string>();
    if (s == "auto" || s == "cpu" || s == "cuda") return;
    if (s.rfind("cuda:", 0) == 0 && s.size() > 5 && s.size() < 9 &&
        s.find_first_not_of("0123456789", 5) == std::string::npos)
        return;
    c.bad("device", "is '" + s + "'; " + msg);
}

void checkModel(Checker& c, json& exp, const ExperimentCheck& check)
{
    json* m = c.section(exp, "model");
    if (!m) return;
    if (!m->contains("path")) (*m)["path"] = "";
    if (!(*m)["path"].is_string()) return c.bad("model.path", "must be a directory path");
    c.unknownKeys(*m, "model", json{{"path", 0}});
    const auto dir = (*m)["path"].get<std::string>();
    if (dir.empty()) return c.bad("model.path", "is required: a Hugging Face LLaMA directory");
    std::error_code ec;
    if (check.checkFiles && !fs::is_regular_file(fs::path(dir) / "config.json", ec))
        c.bad("model.path", "no config.json in " + dir);
}

void checkData(Checker& c, json& exp, const ExperimentCheck& check)
{
    json* d = c.section(exp, "data");
    if (!d) return;
    c.file(*d, "data", "train", false, check.checkFiles);
    c.file(*d, "data", "calibration", true, check.checkFiles);
    c.file(*d, "data", "eval", false, check.checkFiles);
    c.integer(*d, "data", "seq_len", 256, 2, 65536);
    c.integer(*d, "data", "batch_size", 8, 1, 4096);
    c.integer(*d, "data", "grad_accum", 1, 1, 1024);
    c.integer(*d, "data", "eval_seq_len", 512, 2, 65536);
    c.integer(*d, "data", "eval_max_windows", 0, 0, int64_t(1) << 40);
    c.boolean(*d, "data", "window_bos", false);
    // A misspelt key ("eval_max_window") was silently ignored, so the run used the default (issue 12).
    static const json known = {{"train", 0},        {"calibration", 0},      {"eval", 0},
                               {"seq_len", 0},      {"batch_size", 0},       {"grad_accum", 0},
                               {"eval_seq_len", 0}, {"eval_max_windows", 0}, {"window_bos", 0}};
    c.unknownKeys(*d, "data", known);
}

void checkTraining(Checker& c, json& exp)
{
    json* t = c.section(exp, "training");
    if (!t) return;
    const std::string p = "training";
    c.integer(*t, p, "steps", 1000, 0, 10'000'000);
    c.integer(*t, p, "warmup_steps", 50, 0, 10'000'000);
    c.choice(*t, p, "schedule", "cosine", {"cosine", "constant", "linear"});
    c.number(*t, p, "weight_decay", 0.0, 0.0, 10.0);
    c.number(*t, p, "grad_clip", 1.0, 0.0, 1e6);
    c.integer(*t, p, "checkpoint_every", 200, 0, 10'000'000);
    c.integer(*t, p, "eval_every", 200, 0, 10'000'000);
    c.integer(*t, p, "log_every", 10, 1, 10'000'000);
    c.integer(*t, p, "histogram_every", 100, 0, 10'000'000);
    c.boolean(*t, p, "gradient_checkpointing", false);
    static const json known = {
        {"steps", 0},           {"warmup_steps", 0},          {"schedule", 0},   {"weight_decay", 0},
        {"grad_clip", 0},       {"checkpoint_every", 0},      {"eval_every", 0}, {"log_every", 0},
        {"histogram_every", 0}, {"gradient_checkpointing", 0}};
    c.unknownKeys(*t, p, known);
}

void checkMethod(Checker& c, json& exp, const ExperimentCheck& check)
{
    json* m = c.section(exp, "method");
    if (!m) return;
    if (!m->contains("name")) (*m)["name"] = "dlqat";
    if (!m->contains("options") || (*m)["options"].is_null()) (*m)["options"] = json::object();
    c.unknownKeys(*m, "method", json{{"name", 0}, {"options", 0}});
    if (!(*m)["name"].is_string()) return c.bad("method.name", "must be a method name, e.g. \"dlqat\"");
    const auto name = (*m)["name"].get<std::string>();
    const MethodInfo* info = findMethod(name);
    if (!info) {
        if (!check.checkMethod) return;
        std::string list;
        for (const auto& mi : availableMethods())
            list += (list.empty() ? "" : ", ") + mi.id;
        return c.bad("method.name",
                     "unknown method '" + name + "'; available: " + (list.empty() ? "none" : list));
    }
    for (auto& issue : validateOptions(*info, (*m)["options"], "method.options"))
        c.issues.push_back(issue);
}

std::string issuesText(const std::vector<ValidationIssue>& issues)
{
    std::string s;
    for (const auto& i : issues)
        s += (s.empty() ? "" : "; ") + i.field + ": " + i.message;
    return s;
}

int64_t rowOf(LinearKind k, const ModelConfig& cfg)
{
    // The row of W (out x in) is the input features.
    switch (k) {
    case LinearKind::Q:
    case LinearKind::K:
    case LinearKind::V:
    case LinearKind::Gate:
    case LinearKind::Up:
        return cfg.hiddenSize;
    case LinearKind::O:
        return cfg.numHeads *
               (cfg.headDim > 0 ? cfg.headDim : cfg.hiddenSize / std::max<int64_t>(1, cfg.numHeads));
    case LinearKind::Down:
        return cfg.intermediateSize;
    }
    return 0;
}

} // namespace

json defaultExperiment()
{
    json exp = json::object();
    std::vector<ValidationIssue> sink;
    Checker c{sink};
    exp["name"] = "";
    exp["seed"] = 0;
    checkDevice(c, exp);
    exp["dtype"] = "float32";
    exp["model"] = {{"path", ""}};
    checkData(c, exp, {false, false});
    exp["method"] = {{"name", "dlqat"}, {"options", json::object()}};
    if (const MethodInfo* info = findMethod("dlqat")) validateOptions(*info, exp["method"]["options"]);
    checkTraining(c, exp);
    return exp;
}

// evaluation (optional; issue 16, docs/EVAL.md): multiple-choice tasks scored on the final model. Not filled
// with defaults, so configs without it read as before.
void checkEvaluation(Checker& c, json& exp)
{
    if (!exp.contains("evaluation")) return;
    json* e = c.section(exp, "evaluation");
    if (!e) return;
    c.unknownKeys(*e, "evaluation",
                  json{{"tasks", 0}, {"tasks_data", 0}, {"tasks_limit", 0}, {"tasks_shots", 0}});
    if (!e->contains("tasks")) (*e)["tasks"] = json::array();
    std::string known;
    for (const auto& t : knownTasks())
        known += (known.empty() ? "" : ", ") + t.name;
    if (!(*e)["tasks"].is_array())
        c.bad("evaluation.tasks", "must be a list of task names: " + known);
    else
        for (const auto& t : (*e)["tasks"]) {
            bool ok = false;
            for (const auto& k : knownTasks())
                ok = ok || (t.is_string() && t.get<std::string>() == k.name);
            if (!ok) c.bad("evaluation.tasks", t.dump() + " is not a task; known tasks: " + known);
        }
    if (!e->contains("tasks_data")) (*e)["tasks_data"] = "";
    if (!(*e)["tasks_data"].is_string())
        c.bad("evaluation.tasks_data", "must be the tasks folder");
    else if ((*e)["tasks"].is_array() && !(*e)["tasks"].empty() &&
             (*e)["tasks_data"].get<std::string>().empty())
        c.bad("evaluation.tasks_data",
              "is required with evaluation.tasks: the tasks folder (shared/data/tasks)");
    c.integer(*e, "evaluation", "tasks_limit", 0, 0, int64_t(1) << 40);
    c.integer(*e, "evaluation", "tasks_shots", -1, -1, 64);
}

// export (optional; issue 14, docs/EXPORT.md): deployable files the engine writes after the final evaluation.
// A format or type that cannot hold the method's grid (method.options.bits / group_size) is refused here, so
// a long run never ends in an impossible export.
void checkExport(Checker& c, json& exp)
{
    if (!exp.contains("export")) return;
    json* e = c.section(exp, "export");
    if (!e) return;
    c.unknownKeys(*e, "export",
                  json{{"formats", 0}, {"gguf_type", 0}, {"gguf_fallback", 0}, {"hf_dtype", 0}});
    if (!e->contains("formats")) (*e)["formats"] = json::array();
    c.choice(*e, "export", "gguf_type", "auto", {"auto", "q4_1", "q5_1", "q4_k", "f16", "bf16", "f32"});
    c.choice(*e, "export", "gguf_fallback", "f16", {"f16", "bf16", "f32"});
    if (!e->contains("hf_dtype")) (*e)["hf_dtype"] = "";
    const json& dt = (*e)["hf_dtype"];
    if (!dt.is_string() || !(dt == "" || dt == "float32" || dt == "bfloat16" || dt == "float16"))
        c.bad("export.hf_dtype", "must be \"\" (the model's own dtype), float32, bfloat16 or float16");
    const json& formats = (*e)["formats"];
    if (!formats.is_array()) return c.bad("export.formats", "must be a list of: gguf, gptq, hf");
    const json& o =
        exp["method"].is_object() ? exp["method"].value("options", json::object()) : json::object();
    const bool grid = o.is_object() && o.contains("bits") && o["bits"].is_number_integer();
    const int bits = grid ? o["bits"].get<int>() : 0;
    const int64_t group = grid ? o.value("group_size", int64_t(0)) : 0;
    for (size_t i = 0; i < formats.size(); ++i) {
        const json& f = formats[i];
        if (!f.is_string() || !(f == "gguf" || f == "gptq" || f == "hf")) {
            c.bad("export.formats", f.dump() + " is not one of: gguf, gptq, hf");
            continue;
        }
        for (size_t j = 0; j < i; ++j)
            if (formats[j] == f) c.bad("export.formats", f.dump() + " is listed twice");
        if (!grid || !(*e)["gguf_type"].is_string()) continue;
        const std::string why = exportTypeProblem(f, (*e)["gguf_type"].get<std::string>(), bits, group);
        if (!why.empty())
            c.bad(f == "gguf" ? "export.gguf_type" : "export.formats",
                  why + " (method.options.bits " + std::to_string(bits) + ", group_size " +
                      std::to_string(group) + ")");
    }
}

std::vector<ValidationIssue> validateExperiment(json& exp, const ExperimentCheck& check)
{
    std::vector<ValidationIssue> issues;
    Checker c{issues};
    if (exp.is_null()) exp = json::object();
    if (!exp.is_object()) {
        issues.push_back({"", "the experiment must be a JSON object"});
        return issues;
    }
    static const json known = {{"name", 0}, {"seed", 0},   {"device", 0},   {"dtype", 0},      {"model", 0},
                               {"data", 0}, {"method", 0}, {"training", 0}, {"evaluation", 0}, {"export", 0}};
    c.unknownKeys(exp, "", known);
    if (!exp.contains("name")) exp["name"] = "";
    if (!exp["name"].is_string()) c.bad("name", "must be a string");
    c.integer(exp, "", "seed", 0, 0, (int64_t(1) << 53));
    checkDevice(c, exp);
    c.choice(exp, "", "dtype", "float32", {"float32", "bfloat16"});
    checkModel(c, exp, check);
    checkData(c, exp, check);
    checkMethod(c, exp, check);
    checkTraining(c, exp);
    checkEvaluation(c, exp);
    checkExport(c, exp);
    return issues;
}

void throwIfIssues(const std::vector<ValidationIssue>& issues)
{
    if (issues.empty()) return;
    if (issues.size() == 1) throw ConfigError(issues[0].field, issues[0].message);
    throw ConfigError(issues[0].field, issues[0].message + " (all issues: " + issuesText(issues) + ")");
}

void requireValidExperiment(json& exp, const ExperimentCheck& check)
{
    throwIfIssues(validateExperiment(exp, check));
}

std::vector<LinearKind> parseModuleList(const std::string& text, const std::string& field)
{
    std::vector<LinearKind> out;
    auto add = [&](LinearKind k) {
        for (auto e : out)
            if (e == k) return;
        out.push_back(k);
    };
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (item.empty()) continue;
        if (item == "all") {
            for (int i = 0; i < kLinearKinds; ++i)
                add(LinearKind(i));
            continue;
        }
        if (item == "attn") {
            for (int i = 0; i < 4; ++i)
                add(LinearKind(i));
            continue;
        }
        if (item == "mlp") {
            for (int i = 4; i < kLinearKinds; ++i)
                add(LinearKind(i));
            continue;
        }
        std::string base = item;
        if (base.size() > 5 && base.substr(base.size() - 5) == "_proj") base.resize(base.size() - 5);
        bool found = false;
        for (int i = 0; i < kLinearKinds; ++i)
            if (base == kShortNames[i]) {
                add(LinearKind(i));
                found = true;
            }
        if (!found)
            throw ConfigError(field, "unknown module '" + item +
                                         "'; use all, attn, mlp or a comma list of q,k,v,o,gate,up,down");
    }
    if (out.empty())
        throw ConfigError(field, "selects no module; use all, attn, mlp or q,k,v,o,gate,up,down");
    return out;
}

std::vector<ValidationIssue> validateAgainstModel(const json& exp, const ModelConfig& cfg)
{
    std::vector<ValidationIssue> issues;
    const json empty = json::object();
    const json& data = exp.contains("data") ? exp["data"] : empty;
    const json& opts =
        exp.contains("method") && exp["method"].contains("options") ? exp["method"]["options"] : empty;
    if (cfg.maxPositions > 0 && data.value("eval_seq_len", int64_t(0)) > cfg.maxPositions)
        issues.push_back({"data.eval_seq_len", "is " +
                                                   std::to_string(data.value("eval_seq_len", int64_t(0))) +
                                                   " (allowed: 2 to " + std::to_string(cfg.maxPositions) +
                                                   ", the model's max_position_embeddings)"});
    if (cfg.maxPositions > 0 && data.value("seq_len", int64_t(0)) > cfg.maxPositions)
        issues.push_back({"data.seq_len", "is " + std::to_string(data.value("seq_len", int64_t(0))) +
                                              " (allowed: 2 to " + std::to_string(cfg.maxPositions) +
                                              ", the model's max_position_embeddings)"});
    if (!opts.contains("group_size") || !opts["group_size"].is_number_integer()) return issues;
    const int64_t g = opts["group_size"].get<int64_t>();
    if (g <= 0) return issues; // per-channel
    const bool partialOk = opts.value("allow_partial_group", false);
    std::vector<LinearKind> kinds;
    try {
        kinds = parseModuleList(opts.value("modules", std::string("all")));
    } catch (const ConfigError& e) {
        issues.push_back({e.field(), e.what()});
        return issues;
    }
    for (auto k : kinds) {
        const int64_t row = rowOf(k, cfg);
        if (row <= 0 || row % g == 0) continue;
        if (partialOk && g < row) continue;
        std::string msg = "is " + std::to_string(g) + ", which does not divide the row of " +
                          kShortNames[int(k)] + "_proj (" + std::to_string(row) + " input features)";
        msg += partialOk ? "; it must be smaller than the row"
                         : "; choose a divisor, 0 (per-channel), leave the module out (modules) or set "
                           "allow_partial_group";
        issues.push_back({"method.options.group_size", msg});
    }
    return issues;
}

int64_t windowCount(int64_t tokens, int64_t seqLen)
{
    if (seqLen <= 0 || tokens <= 0) return 0;
    return tokens / seqLen;
}

std::vector<ValidationIssue> checkTokenCounts(const json& exp, int64_t trainTokens, int64_t evalTokens,
                                              int64_t calibTokens)
{
    std::vector<ValidationIssue> issues;
    const json& d = exp.at("data");
    const int64_t evalSeq = d.value("eval_seq_len", int64_t(512));
    const int64_t seq = d.value("seq_len", int64_t(256));
    if (windowCount(evalTokens, evalSeq) < 1)
        issues.push_back({"data.eval", "holds " + std::to_string(evalTokens) +
                                           " tokens, fewer than one window of " +
                                           "eval_seq_len = " + std::to_string(evalSeq)});
    if (trainTokens < seq + 1)
        issues.push_back({"data.train", "holds " + std::to_string(trainTokens) +
                                            " tokens, fewer than one training window of seq_len + 1 = " +
                                            std::to_string(seq + 1)});
    if (calibTokens >= 0 && calibTokens < seq + 1)
        issues.push_back({"data.calibration",
                          "holds " + std::to_string(calibTokens) +
                              " tokens, fewer than one window of seq_len + 1 = " + std::to_string(seq + 1)});
    return issues;
}

std::string experimentHash(const json& experiment)
{
    const std::string text = experiment.dump(); // nlohmann's object is a std::map: keys come out sorted
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char c : text)
        h = (h ^ c) * 1099511628211ull;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    return hex;
}

json loadExperimentFile(const std::string& path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw InputError(path, "", "is a folder, not an experiment file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", "cannot open the experiment file");
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        return json::parse(ss.str());
    } catch (const json::exception& e) { // parse errors, and numbers beyond double (out_of_range 406)
        throw InputError(path, "", std::string("not valid JSON: ") + e.what());
    }
}

} // namespace qat

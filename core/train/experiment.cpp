// The experiment's settings, declared once (experimentSettings): the validation of a document, its defaults,
// the typed Experiment read from it and the document written back all come from the table below.
#include "qatbench/experiment.h"

#include "qatbench/error.h"
#include "qatbench/export.h"
#include "qatbench/tasks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <sstream>

namespace qat {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Module short names in LinearKind order; kept here so validation needs no model code.

// The sections in document order: validation names problems in this order.
const char* const kSectionOrder[] = {"", "model", "data", "method", "training", "evaluation", "export"};

bool isOptionalSection(const std::string& s)
{
    return s == "evaluation" || s == "export";
}

// One declared setting bound to its typed field.
struct Binding
{
    ExperimentSetting setting;
    std::function<json(const Experiment&)> get;        // the typed value as JSON (the default when absent)
    std::function<void(Experiment&, const json&)> set; // from a value of the declared JSON type
    // Replaces the generic check of the declared type and range: the message, "" when the value is fine.
    std::function<std::string(const json&, const ExperimentCheck&)> check;
};

// Where a section's struct lives in an Experiment; view() is nullptr for an absent optional section.
template <class S> struct Section
{
    const char* name;
    std::function<S&(Experiment&)> edit;
    std::function<const S*(const Experiment&)> view;
};

template <class S> Section<S> section(const char* name, S Experiment::*member)
{
    return {name, [member](Experiment& e) -> S& { return e.*member; },
            [member](const Experiment& e) { return &(e.*member); }};
}

// An optional section: absent until one of its settings is set; its settings read as their defaults then.
template <class S> Section<S> optionalSection(const char* name, std::optional<S> Experiment::*member)
{
    return {name,
            [member](Experiment& e) -> S& {
                if (!(e.*member)) (e.*member).emplace();
                return *(e.*member);
            },
            [member](const Experiment& e) { return (e.*member) ? &*(e.*member) : nullptr; }};
}

template <class S, class T> Binding bind(const Section<S>& sec, T S::*member, OptionSpec o)
{
    o.defaultValue = json(S{}.*member); // the typed field's initializer is the one default
    Binding b;
    b.setting.section = sec.name;
    b.setting.option = std::move(o);
    b.get = [sec, member](const Experiment& e) {
        const S* s = sec.view(e);
        return json(s ? s->*member : S{}.*member);
    };
    b.set = [sec, member](Experiment& e, const json& v) { sec.edit(e).*member = v.get<T>(); };
    return b;
}

OptionSpec spec(const char* key, OptionType type, const char* group, const char* label, const char* help,
                double min = 0, double max = 0, std::vector<std::string> choices = {})
{
    OptionSpec o;
    o.name = key;
    o.type = type;
    o.min = min;
    o.max = max;
    o.choices = std::move(choices);
    o.label = label;
    o.help = help;
    o.group = group;
    return o;
}

Binding& required(Binding&& b)
{
    b.setting.required = true;
    return b;
}

std::string deviceProblem(const json& v, const ExperimentCheck&)
{
    const std::string msg = "must be \"auto\", \"cpu\", \"cuda\" or \"cuda:N\"";
    if (!v.is_string()) return msg;
    const auto s = v.get<std::string>();
    if (s == "auto" || s == "cpu" || s == "cuda") return "";
    if (s.rfind("cuda:", 0) == 0 && s.size() > 5 && s.size() < 9 &&
        s.find_first_not_of("0123456789", 5) == std::string::npos)
        return "";
    return "is '" + s + "'; " + msg;
}

std::string modelProblem(const json& v, const ExperimentCheck& check)
{
    if (!v.is_string()) return "must be a directory path";
    const auto dir = v.get<std::string>();
    if (dir.empty()) return "is required: a Hugging Face LLaMA directory";
    std::error_code ec;
    if (check.checkFiles && !fs::is_regular_file(fs::path(dir) / "config.json", ec))
        return "no config.json in " + dir;
    return "";
}

std::string hfDtypeProblem(const json& v, const ExperimentCheck&)
{
    if (v.is_string() && (v == "" || v == "float32" || v == "bfloat16" || v == "float16")) return "";
    return "must be \"\" (the model's own dtype), float32, bfloat16 or float16";
}

std::vector<std::string> taskNames()
{
    std::vector<std::string> names;
    for (const auto& t : knownTasks())
        names.push_back(t.name);
    return names;
}

std::vector<Binding> makeBindings()
{
    const Section<Experiment> top{"", [](Experiment& e) -> Experiment& { return e; },
                                  [](const Experiment& e) { return &e; }};
    const auto model = section("model", &Experiment::model);
    const auto data = section("data", &Experiment::data);
    const auto training = section("training", &Experiment::training);
    const auto evaluation = optionalSection("evaluation", &Experiment::evaluation);
    const auto exports = optionalSection("export", &Experiment::exports);
    constexpr double kSteps = 10'000'000;
    constexpr double kMany = double(int64_t(1) << 40);
    using T = OptionType;
    std::vector<Binding> b;

    // Data
    const char* g = "Data";
    b.push_back(required(
        bind(data, &DataSettings::train,
             spec("train", T::Path, g, "Training text", "Plain-text file the model is trained on."))));
    b.push_back(bind(data, &DataSettings::calibration,
                     spec("calibration", T::Path, g, "Calibration text",
                          "Text for calibrating s and z; empty = the training text.")));
    b.push_back(required(bind(data, &DataSettings::eval,
                              spec("eval", T::Path, g, "Evaluation text", "Held-out text for perplexity."))));
    b.push_back(bind(data, &DataSettings::seqLen,
                     spec("seq_len", T::Int, g, "Sequence length", "Tokens per training window.", 2, 65536)));
    b.push_back(bind(data, &DataSettings::batchSize,
                     spec("batch_size", T::Int, g, "Batch size", "Windows per step.", 1, 4096)));
    b.push_back(bind(data, &DataSettings::gradAccum,
                     spec("grad_accum", T::Int, g, "Gradient accumulation",
                          "Batches summed before each optimizer step.", 1, 1024)));
    b.push_back(bind(
        data, &DataSettings::evalSeqLen,
        spec("eval_seq_len", T::Int, g, "Eval sequence length", "Tokens per perplexity window.", 2, 65536)));
    b.push_back(bind(data, &DataSettings::evalMaxWindows,
                     spec("eval_max_windows", T::Int, g, "Eval windows",
                          "At most this many eval windows; 0 = the whole file.", 0, kMany)));
    b.push_back(
        bind(data, &DataSettings::windowBos,
             spec("window_bos", T::Bool, g, "BOS in every window",
                  "Start every training and evaluation window with BOS (for models pretrained that way); "
                  "off: one BOS, then a running stream.")));

    // Training
    g = "Training";
    b.push_back(
        bind(training, &TrainingSettings::steps,
             spec("steps", T::Int, g, "Training steps", "Optimizer steps after calibration.", 0, kSteps)));
    b.push_back(bind(training, &TrainingSettings::warmupSteps,
                     spec("warmup_steps", T::Int, g, "Warm-up steps",
                          "Steps of linear learning-rate warm-up.", 0, kSteps)));
    b.push_back(bind(training, &TrainingSettings::schedule,
                     spec("schedule", T::Choice, g, "Schedule", "Learning-rate schedule after warm-up.", 0, 0,
                          {"cosine", "constant", "linear"})));
    b.push_back(bind(training, &TrainingSettings::weightDecay,
                     spec("weight_decay", T::Float, g, "Weight decay", "AdamW weight decay.", 0, 10)));
    b.push_back(
        bind(training, &TrainingSettings::gradClip,
             spec("grad_clip", T::Float, g, "Gradient clipping", "Maximum gradient norm; 0 = off.", 0, 1e6)));
    b.push_back(bind(training, &TrainingSettings::evalEvery,
                     spec("eval_every", T::Int, g, "Evaluate every",
                          "Steps between perplexity evaluations; 0 = only at the end.", 0, kSteps)));
    b.push_back(bind(training, &TrainingSettings::checkpointEvery,
                     spec("checkpoint_every", T::Int, g, "Checkpoint every",
                          "Steps between checkpoints; 0 = only at the end.", 0, kSteps)));
    b.push_back(bind(training, &TrainingSettings::logEvery,
                     spec("log_every", T::Int, g, "Log every", "Steps between logged metrics.", 1, kSteps)));
    b.push_back(bind(training, &TrainingSettings::histogramEvery,
                     spec("histogram_every", T::Int, g, "Histograms every",
                          "Steps between magnitude histograms; 0 = off.", 0, kSteps)));
    b.push_back(bind(training, &TrainingSettings::gradientCheckpointing,
                     spec("gradient_checkpointing", T::Bool, g, "Gradient checkpointing",
                          "Recompute each block in the backward pass: less memory, more time.")));

    // Evaluation (optional section)
    g = "Evaluation";
    b.push_back(
        bind(evaluation, &EvaluationSettings::tasks,
             spec("tasks", T::Choice, g, "Tasks",
                  "Multiple-choice tasks scored on the final model, as lm-evaluation-harness frames them.", 0,
                  0, taskNames())));
    b.back().setting.list = true;
    b.push_back(bind(evaluation, &EvaluationSettings::tasksData,
                     spec("tasks_data", T::String, g, "Tasks folder",
                          "The folder of the task files (shared/data/tasks); required with tasks.")));
    b.push_back(bind(evaluation, &EvaluationSettings::tasksLimit,
                     spec("tasks_limit", T::Int, g, "Questions per task",
                          "Score the first N questions of each task; 0 = all.", 0, kMany)));
    b.push_back(bind(evaluation, &EvaluationSettings::tasksShots,
                     spec("tasks_shots", T::Int, g, "Shots",
                          "Solved examples shown before each question; -1 = the task's default.", -1, 64)));
    b.push_back(bind(evaluation, &EvaluationSettings::tasksEvery,
                     spec("tasks_every", T::Int, g, "Tasks every",
                          "Also score the tasks during training every N steps (on the fake-quantized model); "
                          "0 = only the final model.",
                          0, kSteps)));
    b.push_back(bind(evaluation, &EvaluationSettings::tasksEveryLimit,
                     spec("tasks_every_limit", T::Int, g, "Questions per task during training",
                          "The first N questions of each task at the tasks_every steps; 0 = tasks_limit.", 0,
                          kMany)));

    // Run
    g = "Run";
    b.push_back(bind(
        top, &Experiment::name,
        spec("name", T::String, g, "Experiment name", "Runs are grouped by this name in the runs table.")));
    b.push_back(
        bind(top, &Experiment::device,
             spec("device", T::Choice, g, "Device",
                  "Where the engine runs: auto picks the first GPU, else the CPU.", 0, 0, {"auto", "cpu"})));
    b.back().check = deviceProblem;
    b.push_back(bind(top, &Experiment::dtype,
                     spec("dtype", T::Choice, g, "Precision", "Compute dtype of the model.", 0, 0,
                          {"float32", "bfloat16"})));
    b.push_back(bind(top, &Experiment::seed,
                     spec("seed", T::Int, g, "Seed", "Seed of data order and initialisation.", 0,
                          double(int64_t(1) << 53))));

    // Set outside the form: the model panel opens the model, the export dialog writes the export section.
    b.push_back(
        required(bind(model, &ModelSettings::path,
                      spec("path", T::Path, "Model", "Model folder",
                           "A Hugging Face LLaMA folder: config.json, safetensors weights, tokenizer."))));
    b.back().check = modelProblem;
    g = "Export";
    b.push_back(
        bind(exports, &ExportSettings::formats,
             spec("formats", T::Choice, g, "Formats",
                  "Deployable files written after the final evaluation: gguf (llama.cpp), gptq (GPTQ v2 "
                  "checkpoint), hf (dequantized Hugging Face checkpoint).",
                  0, 0, {"gguf", "gptq", "hf"})));
    b.back().setting.list = true;
    b.push_back(bind(exports, &ExportSettings::ggufType,
                     spec("gguf_type", T::Choice, g, "GGUF type",
                          "Block type of the quantized tensors; auto = the exact type for the run's grid.", 0,
                          0, {"auto", "q4_1", "q5_1", "q4_k", "f16", "bf16", "f32"})));
    b.push_back(bind(exports, &ExportSettings::ggufFallback,
                     spec("gguf_fallback", T::Choice, g, "GGUF fallback",
                          "Type of the tensors the GGUF type cannot hold.", 0, 0, {"f16", "bf16", "f32"})));
    b.push_back(bind(exports, &ExportSettings::hfDtype,
                     spec("hf_dtype", T::Choice, g, "HF dtype",
                          "Dtype of the dequantized checkpoint; empty = the model's own.", 0, 0,
                          {"", "float32", "bfloat16", "float16"})));
    b.back().check = hfDtypeProblem;
    for (auto& x : b)
        x.setting.inForm = x.setting.section != "model" && x.setting.section != "export";
    return b;
}

const std::vector<Binding>& bindings()
{
    static const std::vector<Binding> b = makeBindings();
    return b;
}

struct Checker
{
    std::vector<ValidationIssue>& issues;

    void bad(const std::string& field, const std::string& msg) { issues.push_back({field, msg}); }

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

    void unknownKeys(const json& obj, const std::string& prefix, const std::vector<std::string>& known)
    {
        for (const auto& [k, v] : obj.items())
            if (std::find(known.begin(), known.end(), k) == known.end())
                bad(prefix.empty() ? k : prefix + "." + k, "unknown field");
    }

    // A list of the declared choices, each at most once.
    void list(const json& v, const std::string& field, const std::vector<std::string>& choices)
    {
        std::string allowed;
        for (const auto& c : choices)
            allowed += (allowed.empty() ? "" : ", ") + c;
        if (!v.is_array()) return bad(field, "must be a list of: " + allowed);
        for (size_t i = 0; i < v.size(); ++i) {
            const json& x = v[i];
            if (!x.is_string() ||
                std::find(choices.begin(), choices.end(), x.get<std::string>()) == choices.end()) {
                bad(field, x.dump() + " is not one of: " + allowed);
                continue;
            }
            for (size_t j = 0; j < i; ++j)
                if (v[j] == x) bad(field, x.dump() + " is listed twice");
        }
    }

    // A text file: required (non-empty) when declared so; must exist when checkFiles.
    void file(const json& v, const std::string& field, bool required, bool checkFiles)
    {
        if (!v.is_string()) return bad(field, "must be a file path");
        const auto path = v.get<std::string>();
        if (path.empty()) {
            if (required) bad(field, "is required: a text file");
            return;
        }
        std::error_code ec;
        if (checkFiles && !fs::is_regular_file(path, ec)) bad(field, "file not found: " + path);
    }

    // Fills the declared default when the key is missing, then checks the value against the declaration.
    void setting(const Binding& b, json& obj, const ExperimentCheck& check)
    {
        const ExperimentSetting& s = b.setting;
        const OptionSpec& o = s.option;
        const std::string field = s.path();
        if (!obj.contains(o.name)) obj[o.name] = o.defaultValue;
        json& v = obj[o.name];
        if (b.check) {
            if (const std::string why = b.check(v, check); !why.empty()) bad(field, why);
        } else if (s.list) {
            list(v, field, o.choices);
        } else if (o.type == OptionType::Path) {
            file(v, field, s.required, check.checkFiles);
        } else {
            for (auto& issue : checkOptionValue(o, v, field))
                issues.push_back(std::move(issue));
            if (s.required && v.is_string() && v.get<std::string>().empty()) bad(field, "is required");
        }
        // The document says what toJson() writes: a real-valued setting is a real.
        if (o.type == OptionType::Float && v.is_number_integer()) v = v.get<double>();
    }
};

void checkMethod(Checker& c, json& exp, const ExperimentCheck& check)
{
    json* m = c.section(exp, "method");
    if (!m) return;
    if (!m->contains("name")) (*m)["name"] = defaultMethodId();
    if (!m->contains("options") || (*m)["options"].is_null()) (*m)["options"] = json::object();
    c.unknownKeys(*m, "method", {"name", "options"});
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

// evaluation.tasks needs the folder the tasks are read from; tasks_every needs tasks.
void checkEvaluation(Checker& c, const json& exp)
{
    if (!exp.contains("evaluation") || !exp["evaluation"].is_object()) return;
    const json tasks = exp["evaluation"].value("tasks", json());
    const json folder = exp["evaluation"].value("tasks_data", json());
    if (tasks.is_array() && !tasks.empty() && folder.is_string() && folder.get<std::string>().empty())
        c.bad("evaluation.tasks_data",
              "is required with evaluation.tasks: the tasks folder (shared/data/tasks)");
    const json every = exp["evaluation"].value("tasks_every", json());
    if (every.is_number_integer() && every.get<int64_t>() > 0 && (!tasks.is_array() || tasks.empty()))
        c.bad("evaluation.tasks_every", "scores evaluation.tasks during training: list the tasks too");
}

// A format or type that cannot hold the method's grid (method.options.bits / group_size) is refused here, so
// a long run never ends in an impossible export.
void checkExport(Checker& c, const json& exp)
{
    if (!exp.contains("export") || !exp["export"].is_object()) return;
    const json& e = exp["export"];
    const json formats = e.value("formats", json());
    if (!formats.is_array()) return;
    const json method = exp.value("method", json());
    const json o = method.is_object() ? method.value("options", json::object()) : json::object();
    const bool grid = o.is_object() && o.contains("bits") && o["bits"].is_number_integer();
    const json type = e.value("gguf_type", json());
    if (!grid || !type.is_string()) return;
    const int bits = o["bits"].get<int>();
    const int64_t group =
        o.contains("group_size") && o["group_size"].is_number_integer() ? o["group_size"].get<int64_t>() : 0;
    for (size_t i = 0; i < formats.size(); ++i) {
        const json& f = formats[i];
        if (!f.is_string() || !(f == "gguf" || f == "gptq" || f == "hf")) continue;
        bool repeated = false;
        for (size_t j = 0; j < i; ++j)
            repeated = repeated || formats[j] == f;
        if (repeated) continue;
        const std::string why = exportTypeProblem(f, type.get<std::string>(), bits, group);
        if (!why.empty())
            c.bad(f == "gguf" ? "export.gguf_type" : "export.formats",
                  why + " (method.options.bits " + std::to_string(bits) + ", group_size " +
                      std::to_string(group) + ")");
    }
}

std::string issuesText(const std::vector<ValidationIssue>& issues)
{
    std::string s;
    for (const auto& i : issues)
        s += (s.empty() ? "" : "; ") + i.field + ": " + i.message;
    return s;
}

// The JSON type a setting's typed field reads; ConfigError naming it otherwise.
void requireType(const ExperimentSetting& s, const json& v)
{
    const std::string field = s.path();
    if (s.list) {
        bool ok = v.is_array();
        for (const auto& x : v)
            ok = ok && x.is_string();
        if (!ok) throw ConfigError(field, "must be a list of strings");
        return;
    }
    switch (s.option.type) {
    case OptionType::Int:
        if (!v.is_number_integer()) throw ConfigError(field, "must be an integer");
        return;
    case OptionType::Float:
        if (!v.is_number()) throw ConfigError(field, "must be a number");
        return;
    case OptionType::Bool:
        if (!v.is_boolean()) throw ConfigError(field, "must be true or false");
        return;
    case OptionType::Choice:
    case OptionType::String:
    case OptionType::Path:
        if (!v.is_string()) throw ConfigError(field, "must be a string");
        return;
    }
}

} // namespace

std::string ExperimentSetting::path() const
{
    return section.empty() ? option.name : section + "." + option.name;
}

const std::vector<ExperimentSetting>& experimentSettings()
{
    static const std::vector<ExperimentSetting> s = [] {
        std::vector<ExperimentSetting> out;
        for (const auto& b : bindings())
            out.push_back(b.setting);
        return out;
    }();
    return s;
}

const ExperimentSetting* findExperimentSetting(const std::string& path)
{
    for (const auto& s : experimentSettings())
        if (s.path() == path) return &s;
    return nullptr;
}

Experiment::Experiment(const json& doc)
{
    if (doc.is_null()) return;
    if (!doc.is_object()) throw ConfigError("", "the experiment must be a JSON object");
    for (const char* opt : {"evaluation", "export"})
        if (doc.contains(opt)) {
            if (!doc[opt].is_null() && !doc[opt].is_object()) throw ConfigError(opt, "must be a JSON object");
            if (std::string(opt) == "evaluation")
                evaluation.emplace();
            else
                exports.emplace();
        }
    for (const auto& b : bindings()) {
        const std::string& sec = b.setting.section;
        const json* obj = &doc;
        if (!sec.empty()) {
            const auto it = doc.find(sec);
            if (it == doc.end() || it->is_null()) continue;
            if (!it->is_object()) throw ConfigError(sec, "must be a JSON object");
            obj = &*it;
        }
        const auto it = obj->find(b.setting.option.name);
        if (it == obj->end()) continue;
        requireType(b.setting, *it);
        b.set(*this, *it);
    }
    if (const auto m = doc.find("method"); m != doc.end() && !m->is_null()) {
        if (!m->is_object()) throw ConfigError("method", "must be a JSON object");
        if (m->contains("name")) {
            if (!(*m)["name"].is_string()) throw ConfigError("method.name", "must be a method name");
            method.name = (*m)["name"].get<std::string>();
        }
        if (m->contains("options") && !(*m)["options"].is_null()) {
            if (!(*m)["options"].is_object()) throw ConfigError("method.options", "must be a JSON object");
            method.options = (*m)["options"];
        }
    }
}

json toJson(const Experiment& e)
{
    json doc = json::object();
    for (const char* s : {"model", "data", "training"})
        doc[s] = json::object();
    if (e.evaluation) doc["evaluation"] = json::object();
    if (e.exports) doc["export"] = json::object();
    for (const auto& b : bindings()) {
        const std::string& sec = b.setting.section;
        if (sec.empty())
            doc[b.setting.option.name] = b.get(e);
        else if (doc.contains(sec))
            doc[sec][b.setting.option.name] = b.get(e);
    }
    doc["method"] = {{"name", e.method.name}, {"options", e.method.options}};
    return doc;
}

json defaultExperiment()
{
    Experiment e;
    e.method.name = defaultMethodId();
    if (const MethodInfo* info = findMethod(e.method.name)) validateOptions(*info, e.method.options);
    return toJson(e);
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
    std::vector<std::string> known;
    for (const char* s : kSectionOrder)
        if (*s) known.push_back(s);
    for (const auto& b : bindings())
        if (b.setting.section.empty()) known.push_back(b.setting.option.name);
    c.unknownKeys(exp, "", known);
    for (const char* s : kSectionOrder) {
        const std::string sec = s;
        if (sec == "method") {
            checkMethod(c, exp, check);
            continue;
        }
        json* obj = &exp;
        if (!sec.empty()) {
            if (isOptionalSection(sec) && !exp.contains(sec)) continue; // read as before it existed
            obj = c.section(exp, s);
            if (!obj) continue;
        }
        std::vector<std::string> keys;
        for (const auto& b : bindings())
            if (b.setting.section == sec) {
                c.setting(b, *obj, check);
                keys.push_back(b.setting.option.name);
            }
        if (!sec.empty()) c.unknownKeys(*obj, sec, keys);
    }
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

Experiment requireValidExperiment(json& exp, const ExperimentCheck& check)
{
    throwIfIssues(validateExperiment(exp, check));
    return Experiment(exp);
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

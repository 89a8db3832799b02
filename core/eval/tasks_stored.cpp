// Task results read back from the run store (qatbench/tasks_stored.h). No torch.

#include "qatbench/tasks_stored.h"

#include "qatbench/store.h"
#include "qatbench/tasks.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace qat {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isTaskName(const std::string& name)
{
    const auto& tasks = knownTasks();
    return std::any_of(tasks.begin(), tasks.end(), [&](const TaskInfo& t) { return t.name == name; });
}

// The protocol's number under key; NaN for null (an undefined stderr) or a missing key.
double numberAt(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : kNaN;
}

void readProtocol(StoredTaskScore& s, const std::string& text)
{
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return;
    s.title = j.value("title", std::string());
    s.accStderr = numberAt(j, "acc_stderr");
    s.accNormStderr = numberAt(j, "acc_norm_stderr");
    if (j.contains("chance") && j["chance"].is_number()) s.chance = j["chance"].get<double>();
    if (j.contains("shots") && j["shots"].is_number_integer()) s.shots = j["shots"].get<int>();
    if (j.contains("truncated") && j["truncated"].is_number_integer())
        s.truncated = j["truncated"].get<int64_t>();
    if (j.contains("acc_macro") && j["acc_macro"].is_number()) s.accMacro = j["acc_macro"].get<double>();
    const auto p = j.find("protocol");
    if (p != j.end() && p->is_object() && p->contains("limit") && (*p)["limit"].is_number_integer())
        s.limit = (*p)["limit"].get<int64_t>();
}

} // namespace

bool isTaskEval(const EvalResult& e)
{
    return (e.metric == "acc" || e.metric == "acc_norm") && isTaskName(e.dataset);
}

std::vector<StoredTaskScore> storedTaskScores(const std::vector<EvalResult>& evals)
{
    std::map<std::string, StoredTaskScore> byTask;
    for (const EvalResult& e : evals) {
        if (!isTaskEval(e)) continue;
        auto it = byTask.find(e.dataset);
        if (it != byTask.end() && it->second.step > e.step) continue; // an older scoring
        if (it == byTask.end() || it->second.step < e.step) {
            StoredTaskScore s;
            s.task = e.dataset;
            s.step = e.step;
            s.accStderr = s.accNormStderr = kNaN;
            it = byTask.insert_or_assign(e.dataset, std::move(s)).first;
        }
        StoredTaskScore& s = it->second;
        s.questions = e.tokens;
        if (s.protocol.empty()) {
            s.protocol = e.protocol;
            readProtocol(s, e.protocol);
        }
        if (e.metric == "acc") {
            s.acc = e.value;
        } else {
            s.hasAccNorm = true;
            s.accNorm = e.value;
        }
    }
    std::vector<StoredTaskScore> out;
    for (const TaskInfo& t : knownTasks()) {
        const auto it = byTask.find(t.name);
        if (it == byTask.end()) continue;
        if (it->second.title.empty()) it->second.title = t.title;
        out.push_back(std::move(it->second));
    }
    return out;
}

} // namespace qat

// acc / acc_norm with standard errors, and MMLU's groups, as lm-evaluation-harness computes them
// (lm_eval/api/task.py process_results, lm_eval/api/metrics.py mean_stderr and pooled_sample_stderr,
// lm_eval/api/group.py). No torch.

#include "qatbench/error.h"
#include "qatbench/tasks.h"

#include <cmath>
#include <limits>
#include <map>

namespace qat {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// mean_stderr: sample standard deviation (n - 1) / sqrt(n); undefined (NaN, "N/A" in the harness) for n < 2.
double meanStderr(double mean, int64_t n)
{
    if (n < 2) return kNaN;
    // For 0/1 values: sum((x - mu)^2) = n * mu * (1 - mu).
    return std::sqrt(double(n) * mean * (1 - mean) / double(n - 1)) / std::sqrt(double(n));
}

// pooled_sample_stderr over groups of the given sizes.
double pooledStderr(const std::vector<SubjectScore>& parts)
{
    double num = 0;
    int64_t total = 0;
    for (const auto& p : parts) {
        num += double(p.questions - 1) * p.accStderr * p.accStderr * double(p.questions);
        total += p.questions;
    }
    if (total - int64_t(parts.size()) <= 0) return kNaN;
    return std::sqrt(num / double(total - int64_t(parts.size())) / double(total));
}

int argmax(const std::vector<double>& v)
{
    int best = 0;
    for (size_t i = 1; i < v.size(); ++i)
        if (v[i] > v[size_t(best)]) best = int(i);
    return best;
}

nlohmann::json number(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

SubjectScore group(const std::string& name, const std::string& category,
                   const std::vector<SubjectScore>& parts)
{
    SubjectScore g{name, category, 0, 0, 0};
    double correct = 0;
    for (const auto& p : parts) {
        g.questions += p.questions;
        correct += p.acc * double(p.questions);
    }
    g.acc = g.questions > 0 ? correct / double(g.questions) : 0;
    g.accStderr = pooledStderr(parts);
    return g;
}

} // namespace

TaskResult scoreTask(const std::string& task, const std::vector<McQuestion>& questions,
                     const std::vector<std::vector<double>>& loglikelihoods)
{
    const TaskInfo& info = findTask(task);
    if (loglikelihoods.size() != questions.size())
        throw Error("scoreTask: " + std::to_string(loglikelihoods.size()) + " scores for " +
                    std::to_string(questions.size()) + " questions");
    TaskResult r;
    r.task = task;
    r.questions = int64_t(questions.size());
    r.hasAccNorm = info.accNorm;
    int64_t correct = 0, correctNorm = 0;
    std::map<int, int64_t> goldCounts;
    std::map<std::string, std::pair<int64_t, int64_t>> bySubject; // subject -> (questions, correct)
    for (size_t i = 0; i < questions.size(); ++i) {
        const McQuestion& q = questions[i];
        const auto& lls = loglikelihoods[i];
        if (lls.size() != q.choices.size())
            throw Error("scoreTask: question " + q.source + " has " + std::to_string(q.choices.size()) +
                        " choices but " + std::to_string(lls.size()) + " scores");
        QuestionScore s;
        s.loglikelihoods = lls;
        s.gold = q.gold;
        s.pred = argmax(lls);
        std::vector<double> norm(lls.size());
        for (size_t c = 0; c < lls.size(); ++c)
            norm[c] = lls[c] / double(utf8Length(q.choices[c].text));
        s.predNorm = argmax(norm);
        correct += s.pred == q.gold;
        correctNorm += s.predNorm == q.gold;
        r.chance += 1.0 / double(q.choices.size());
        ++goldCounts[q.gold];
        if (!q.subject.empty()) {
            auto& [n, k] = bySubject[q.subject];
            ++n;
            k += s.pred == q.gold;
        }
        r.perQuestion.push_back(std::move(s));
    }
    const double n = double(std::max<int64_t>(r.questions, 1));
    r.acc = double(correct) / n;
    r.accStderr = meanStderr(r.acc, r.questions);
    if (r.hasAccNorm) {
        r.accNorm = double(correctNorm) / n;
        r.accNormStderr = meanStderr(r.accNorm, r.questions);
    }
    r.chance /= n;
    for (const auto& [gold, count] : goldCounts)
        r.majority = std::max(r.majority, double(count) / n);
    if (task == "mmlu") {
        std::map<std::string, std::vector<SubjectScore>> byCategory;
        for (const auto& [subject, category] : mmluSubjects()) {
            const auto it = bySubject.find(subject);
            if (it == bySubject.end()) continue;
            const auto [count, right] = it->second;
            SubjectScore s{subject, category, count, double(right) / double(count), 0};
            s.accStderr = meanStderr(s.acc, count);
            r.subjects.push_back(s);
            byCategory[category].push_back(s);
        }
        for (const char* c : {"humanities", "social_sciences", "stem", "other"})
            if (byCategory.count(c)) r.categories.push_back(group(c, "", byCategory[c]));
        // The harness's "mmlu": size-weighted over every subject (= acc over all questions), pooled stderr.
        r.accStderr = pooledStderr(r.subjects);
        double sum = 0, var = 0;
        for (const auto& s : r.subjects) {
            sum += s.acc;
            var += s.accStderr * s.accStderr;
        }
        const double k = double(std::max<size_t>(r.subjects.size(), 1));
        r.macroAcc = sum / k;
        r.macroStderr = std::sqrt(var) / k;
    }
    return r;
}

nlohmann::json TaskResult::toJson(bool withQuestions) const
{
    const TaskInfo& info = findTask(task);
    nlohmann::json j = {{"task", task},
                        {"title", info.title},
                        {"split", info.split},
                        {"shots", shots},
                        {"questions", questions},
                        {"acc", acc},
                        {"acc_stderr", number(accStderr)},
                        {"chance", chance},
                        {"majority", majority},
                        {"truncated", truncated},
                        {"requests", requests},
                        {"forwards", forwards},
                        {"seconds", seconds},
                        {"questions_per_second", questionsPerSecond},
                        {"model", model},
                        {"device", device},
                        {"dtype", dtype},
                        {"data", dataFile}};
    if (hasAccNorm) {
        j["acc_norm"] = accNorm;
        j["acc_norm_stderr"] = number(accNormStderr);
    }
    nlohmann::json p = protocol.toJson();
    p["prompt"] = info.prompt;
    p["target_delimiter"] = " ";
    p["score"] = "sum of the continuation tokens' log-probabilities; acc = argmax, acc_norm = argmax of "
                 "log-likelihood / characters of the choice";
    p["tokenization"] = "context + continuation encoded whole, continuation = tokens after the context's own "
                        "encoding; trailing whitespace of the context moved to the continuation";
    p["truncation"] = "input = last max_length + 1 tokens of context + continuation, minus the last";
    p["max_length_used"] = maxLength;
    p["bos_used"] = bos;
    p["harness"] = "EleutherAI/lm-evaluation-harness@4e7e0d47f33bc71070c1d38394bafbb52b117163";
    j["protocol"] = p;
    if (task == "mmlu") {
        j["acc_macro"] = macroAcc;
        j["acc_macro_stderr"] = number(macroStderr);
        auto list = [](const std::vector<SubjectScore>& v) {
            nlohmann::json a = nlohmann::json::array();
            for (const auto& s : v) {
                nlohmann::json e = {{"name", s.name},
                                    {"questions", s.questions},
                                    {"acc", s.acc},
                                    {"acc_stderr", number(s.accStderr)}};
                if (!s.category.empty()) e["category"] = s.category;
                a.push_back(e);
            }
            return a;
        };
        j["categories"] = list(categories);
        j["subjects"] = list(subjects);
    }
    if (withQuestions) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& q : perQuestion)
            a.push_back({{"loglikelihoods", q.loglikelihoods},
                         {"gold", q.gold},
                         {"pred", q.pred},
                         {"pred_norm", q.predNorm},
                         {"truncated", q.truncated}});
        j["per_question"] = a;
    }
    return j;
}

} // namespace qat

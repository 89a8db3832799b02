// Task evaluation inside a run (issue 16 item 3): evaluation.tasks scored by the engine on the final model
// and, with evaluation.tasks_every, during training; what the store keeps of it. The task files, prompts and
// scoring themselves are test_tasks.cpp's.
#include "cli_process.h"
#include "qat_test.h"

#include "qatbench/compare.h"
#include "qatbench/store.h"
#include "qatbench/tasks_stored.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <tuple>

namespace fs = std::filesystem;
using namespace qat;
using test::runCli;

namespace {

std::string write(const std::string& dir, const std::string& name, const std::string& bytes)
{
    const fs::path p = fs::path(dir) / name;
    fs::create_directories(p.parent_path());
    test::writeFile(p.string(), bytes);
    return p.string();
}

} // namespace

QAT_TEST(engineScoresEvaluationTasksOnTheFinalModel)
{
    const std::string dir = test::tempDir();
    const std::string config = write(
        dir, "exp.json",
        nlohmann::json{{"name", "rtn tasks"},
                       {"model", {{"path", test::dataPath("models/stories260K")}}},
                       {"data",
                        {{"train", test::dataPath("data/tinystories/TinyStories-validation-head.txt")},
                         {"eval", test::dataPath("data/tinystories/TinyStories-validation-head.txt")},
                         {"eval_seq_len", 128},
                         {"eval_max_windows", 2}}},
                       {"method",
                        {{"name", "rtn"},
                         {"options", {{"bits", 3}, {"group_size", 32}, {"allow_partial_group", true}}}}},
                       {"evaluation",
                        {{"tasks", {"arc_easy", "boolq"}},
                         {"tasks_data", test::dataPath("data/tasks")},
                         {"tasks_limit", 3}}}}
            .dump());
    const std::string db = dir + "/runs.db";
    auto r = runCli("run --config " + config + " --db " + db);
    QAT_CHECK_MSG(r.code == 0, r.text);
    QAT_CHECK_MSG(r.text.find("arc_easy: acc") != std::string::npos, r.text);
    RunStore store(db);
    std::map<std::string, EvalResult> byMetric;
    for (const auto& e : store.evalResults(store.runs().at(0).id))
        byMetric[e.dataset + "/" + e.metric] = e;
    QAT_CHECK(byMetric.count("arc_easy/acc") && byMetric.count("arc_easy/acc_norm") &&
              byMetric.count("boolq/acc"));
    QAT_CHECK(!byMetric.count("boolq/acc_norm"));
    QAT_CHECK_EQ(byMetric["boolq/acc"].tokens, int64_t(3));
    const auto protocol = nlohmann::json::parse(byMetric["arc_easy/acc"].protocol);
    QAT_CHECK_EQ(protocol["protocol"]["limit"].get<int64_t>(), int64_t(3));
    // Regression: `runs list` showed the last task's accuracy as the run's perplexity.
    char ppl[32] = "none";
    for (const auto& [key, e] : byMetric)
        if (e.metric == "ppl") std::snprintf(ppl, sizeof ppl, "%.6g", e.value); // the table's format
    r = runCli("runs list --db " + db);
    QAT_CHECK_MSG(r.text.find(std::string("  ") + ppl + "  ") != std::string::npos, r.text + " lacks " + ppl);
    r = runCli("compare 1 1 --db " + db);
    QAT_CHECK_MSG(r.text.find("task arc_easy acc_norm") != std::string::npos &&
                      r.text.find("eval acc") == std::string::npos,
                  r.text);
    // A task name that does not exist is refused before anything runs, with the known names.
    auto badExp = nlohmann::json::parse(test::readFile(config));
    badExp["evaluation"]["tasks"] = {"arc"};
    r = runCli("run --config " + write(dir, "bad.json", badExp.dump()) + " --db " + db);
    QAT_CHECK_EQ(r.code, 2);
    QAT_CHECK_MSG(r.text.find("evaluation.tasks") != std::string::npos &&
                      r.text.find("arc_challenge") != std::string::npos,
                  r.text);
}

namespace {

// Every stored series of a run's training (speed, memory and the task scores left out).
test::StoredHistory trainingHistory(const std::string& db)
{
    return test::storedHistory(db, RunStore(db, {.readOnly = true}).runs().at(0).id, {"perf/", "task/"});
}

} // namespace

// evaluation.tasks_every: the tasks are scored on the fake-quantized model during training, stored with their
// step and protocol and as task/<task>/<metric> series, and the training is the same step for step as without
// them (same loss, gradient norms, histograms, perplexities: no random stream or model state is touched).
QAT_TEST(engineScoresTasksEveryNStepsWithoutChangingTheTraining)
{
    const std::string dir = test::tempDir();
    const std::string text =
        test::readFile(test::dataPath("data/tinystories/TinyStories-validation-head.txt")).substr(0, 20000);
    const std::string textFile = write(dir, "text.txt", text);
    auto experiment = [&](const nlohmann::json& evaluation) {
        return nlohmann::json{
            {"name", "dlqat tasks_every"},
            {"device", "cpu"},
            {"model", {{"path", test::dataPath("models/stories260K")}}},
            {"data",
             {{"train", textFile},
              {"eval", textFile},
              {"seq_len", 32},
              {"batch_size", 2},
              {"eval_seq_len", 64},
              {"eval_max_windows", 2}}},
            {"method",
             {{"name", "dlqat"},
              {"options",
               {{"bits", 3},
                {"group_size", 32},
                {"allow_partial_group", true},
                {"rank", 4},
                {"calib_steps", 2}}}}},
            {"training", {{"steps", 6}, {"eval_every", 3}, {"log_every", 1}, {"histogram_every", 3}}},
            {"evaluation", evaluation}};
    };
    nlohmann::json evaluation = {
        {"tasks", {"arc_easy"}}, {"tasks_data", test::dataPath("data/tasks")}, {"tasks_limit", 2}};
    auto run = [&](const std::string& name) {
        const std::string db = dir + "/" + name + ".db";
        const auto r = runCli("run --config " + write(dir, name + ".json", experiment(evaluation).dump()) +
                              " --db " + db);
        QAT_CHECK_MSG(r.code == 0, r.text);
        return std::make_pair(db, r.text);
    };
    const auto [plainDb, plainText] = run("final-only");
    evaluation["tasks_every"] = 2;       // steps 2 and 4 during training; 6 is the final model's
    evaluation["tasks_every_limit"] = 1; // fewer questions during training than at the end
    const auto [everyDb, everyText] = run("every-2");

    const auto plain = trainingHistory(plainDb);
    QAT_CHECK(plain.count("train/loss|") && plain.at("train/loss|").size() == 6 && plain.count("eval/ppl|"));
    QAT_CHECK(plain == trainingHistory(everyDb));
    QAT_CHECK_MSG(everyText.find("step 2: arc_easy: acc") != std::string::npos &&
                      everyText.find("step 4: arc_easy: acc") != std::string::npos &&
                      everyText.find("step 6:") == std::string::npos,
                  everyText);
    QAT_CHECK_MSG(plainText.find("step 2: arc_easy") == std::string::npos, plainText);

    // Eval rows: metric -> step -> (value, questions, protocol limit).
    auto rows = [](const std::string& db) {
        RunStore store(db, {.readOnly = true});
        std::map<std::string, std::map<int64_t, std::tuple<double, int64_t, int64_t>>> out;
        for (const auto& e : store.evalResults(store.runs().at(0).id))
            if (isTaskEval(e))
                out[e.metric][e.step] = {
                    e.value, e.tokens, nlohmann::json::parse(e.protocol)["protocol"]["limit"].get<int64_t>()};
        return out;
    };
    auto series = [](const std::string& db, const std::string& name) {
        RunStore store(db, {.readOnly = true});
        std::vector<std::pair<int64_t, double>> out;
        if (const auto s = store.findSeries(store.runs().at(0).id, name))
            for (const auto& p : store.scalars(s->id, {.maxPoints = 0}))
                out.emplace_back(p.step, p.value);
        return out;
    };
    const auto plainRows = rows(plainDb), everyRows = rows(everyDb);
    QAT_CHECK(plainRows.at("acc").size() == 1 && plainRows.at("acc").count(6));
    QAT_CHECK(
        series(plainDb, "task/arc_easy/acc").empty()); // no tasks_every: the final score only, as before
    for (const char* metric : {"acc", "acc_norm"}) {
        const auto& byStep = everyRows.at(metric);
        QAT_CHECK_MSG(byStep.size() == 3 && byStep.count(2) && byStep.count(4) && byStep.count(6), metric);
        QAT_CHECK(std::get<1>(byStep.at(2)) == 1 && std::get<2>(byStep.at(4)) == 1); // tasks_every_limit
        QAT_CHECK(std::get<1>(byStep.at(6)) == 2 && std::get<2>(byStep.at(6)) == 2); // tasks_limit
        // The final model's score is the run without tasks_every's.
        QAT_CHECK_EQ(std::get<0>(byStep.at(6)), std::get<0>(plainRows.at(metric).at(6)));
        // The series: the scores during training; the final one is of other questions, so not in it.
        const auto points = series(everyDb, std::string("task/arc_easy/") + metric);
        QAT_CHECK_MSG(points.size() == 2 && points[0].first == 2 && points[1].first == 4, metric);
        for (const auto& [step, value] : points)
            QAT_CHECK_EQ(value, std::get<0>(byStep.at(step)));
    }
    // Summaries (compare, the GUI's runs table) hold one task/arc_easy/acc: the final model's score.
    RunStore store(everyDb, {.readOnly = true});
    const RunSummary summary = summarizeRun(store, store.runs().at(0).id);
    int count = 0;
    for (const RunMetric& m : summary.metrics)
        if (m.key == "task/arc_easy/acc") {
            ++count;
            QAT_CHECK(m.source == MetricSource::Task && m.stats.lastStep == 6);
        }
    QAT_CHECK_EQ(count, 1);
    const auto scores = storedTaskScores(store.evalResults(store.runs().at(0).id));
    QAT_CHECK(scores.size() == 1 && scores[0].step == 6 && scores[0].limit == 2);
}

// evaluation.tasks_every and tasks_every_limit: a bad value is refused before anything runs, naming the
// field.
QAT_TEST(badTasksEveryIsRefusedNamingTheField)
{
    const std::string dir = test::tempDir();
    const std::string text = test::dataPath("data/tinystories/TinyStories-validation-head.txt");
    nlohmann::json exp = {
        {"model", {{"path", test::dataPath("models/stories260K")}}},
        {"data", {{"train", text}, {"eval", text}}},
        {"method", {{"name", "rtn"}, {"options", {{"bits", 4}, {"allow_partial_group", true}}}}},
        {"evaluation", {{"tasks", {"piqa"}}, {"tasks_data", test::dataPath("data/tasks")}}}};
    auto refused = [&](nlohmann::json evaluation, const char* key, const nlohmann::json& value,
                       const std::string& says) {
        nlohmann::json e = exp;
        e["evaluation"] = std::move(evaluation);
        e["evaluation"][key] = value;
        const auto r =
            runCli("run --config " + write(dir, "bad.json", e.dump()) + " --db " + dir + "/runs.db");
        QAT_CHECK_EQ(r.code, 2);
        QAT_CHECK_MSG(r.text.find(std::string("evaluation.") + key) != std::string::npos &&
                          r.text.find(says) != std::string::npos,
                      r.text);
    };
    const nlohmann::json tasks = exp["evaluation"];
    refused(tasks, "tasks_every", -1, "allowed: 0 to");
    refused(tasks, "tasks_every", 2.5, "must be an integer");
    refused(tasks, "tasks_every", "10", "must be an integer");
    refused(tasks, "tasks_every_limit", -3, "allowed: 0 to");
    refused(nlohmann::json::object(), "tasks_every", 5, "list the tasks");
}

// The GUI reads task scores back from store rows; a damaged or older row must not break the table.
QAT_TEST(storedTaskScoresTakeTheLatestStepAndSurviveABadProtocol)
{
    auto row = [](const std::string& task, const std::string& metric, int64_t step, double value,
                  const std::string& protocol) {
        EvalResult e;
        e.dataset = task;
        e.metric = metric;
        e.step = step;
        e.value = value;
        e.tokens = 40;
        e.protocol = protocol;
        return e;
    };
    const std::string good =
        R"({"task":"piqa","title":"PIQA","acc_stderr":0.05,"acc_norm_stderr":null,"chance":0.5,"shots":0,)"
        R"("truncated":2,"protocol":{"limit":40}})";
    const std::vector<EvalResult> evals = {
        row("valid.txt", "ppl", 100, 12.5, "{}"),       // perplexity: not a task
        row("piqa", "acc", 50, 0.9, good),              // an older scoring of piqa
        row("piqa", "acc", 100, 0.55, good),            //
        row("piqa", "acc_norm", 100, 0.6, good),        //
        row("arc_easy", "acc", 100, 0.3, "not json {"), // a damaged protocol
        row("sciq", "acc", 100, 0.7, good),             // not a known task
    };
    QAT_CHECK(!isTaskEval(evals[0]) && isTaskEval(evals[1]) && !isTaskEval(evals[5]));
    const auto scores = storedTaskScores(evals);
    QAT_CHECK_EQ(scores.size(), size_t(2));
    QAT_CHECK_EQ(scores[0].task, std::string("arc_easy")); // knownTasks() order
    QAT_CHECK_NEAR(scores[0].acc, 0.3, 0);
    QAT_CHECK(std::isnan(scores[0].accStderr) && scores[0].shots == -1 && scores[0].chance < 0);
    QAT_CHECK_EQ(scores[0].title, std::string("ARC-Easy"));
    const StoredTaskScore& p = scores[1];
    QAT_CHECK_EQ(p.step, int64_t(100));
    QAT_CHECK_NEAR(p.acc, 0.55, 0);
    QAT_CHECK(p.hasAccNorm && p.accNorm == 0.6);
    QAT_CHECK_NEAR(p.accStderr, 0.05, 0);
    QAT_CHECK(std::isnan(p.accNormStderr)); // null in the JSON: undefined
    QAT_CHECK(p.questions == 40 && p.limit == 40 && p.shots == 0 && p.truncated == 2 && p.chance == 0.5);
}

QAT_TEST_MAIN()

// Multiple-choice tasks (issue 16): the harness's prompts pinned with their exact strings, the readers'
// edge cases and errors, the metrics, and small --limit runs on stories260K / gutenberg-llama-22M.

#include "cli_process.h"
#include "qat_test.h"
#include "torch_test.h"

#include "qatbench/error.h"
#include "qatbench/tasks.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/tasks.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

namespace fs = std::filesystem;
using namespace qat;
using test::runCli;

namespace {

TaskFiles sharedFiles()
{
    return {test::dataPath("data/tasks"), {}};
}

std::vector<McQuestion> first(const std::string& task, int64_t n, int shots = -1)
{
    TaskProtocol p;
    p.limit = n;
    p.shots = shots;
    return loadTask(task, p, sharedFiles());
}

void checkChoice(const McChoice& c, const std::string& context, const std::string& continuation)
{
    QAT_CHECK_EQ(c.context, context);
    QAT_CHECK_EQ(c.continuation, continuation);
}

std::string write(const std::string& dir, const std::string& name, const std::string& bytes)
{
    const fs::path p = fs::path(dir) / name;
    fs::create_directories(p.parent_path());
    test::writeFile(p.string(), bytes);
    return p.string();
}

// The log-likelihood of a pair computed the plain way: one unbatched forward of the whole (truncated)
// sequence and log_softmax over every position.
double directLoglikelihood(const LlamaModel& model, const TokenPair& p, int64_t maxLength)
{
    std::vector<int64_t> all(p.context.begin(), p.context.end());
    all.insert(all.end(), p.continuation.begin(), p.continuation.end());
    if (int64_t(all.size()) > maxLength + 1) all.erase(all.begin(), all.end() - (maxLength + 1));
    const int64_t n = int64_t(all.size());
    at::Tensor ids = at::tensor(all, at::kLong).unsqueeze(0);
    at::NoGradGuard g;
    at::Tensor logp = at::log_softmax(model.forward(ids.slice(1, 0, n - 1)).to(at::kDouble), -1)[0];
    double sum = 0;
    const int64_t c = int64_t(p.continuation.size());
    for (int64_t t = n - 1 - c; t < n - 1; ++t)
        sum += logp[t][all[size_t(t + 1)]].item<double>();
    return sum;
}

} // namespace

// ---- the prompts, exactly as lm-evaluation-harness frames them ----

QAT_TEST(arcEasyPromptIsQuestionAnswer)
{
    const auto q = first("arc_easy", 23);
    QAT_CHECK_EQ(q.size(), size_t(23));
    QAT_CHECK_EQ(q[0].id, std::string("Mercury_417466"));
    QAT_CHECK_EQ(q[0].choices.size(), size_t(4));
    checkChoice(
        q[0].choices[0],
        "Question: Which statement best explains why photosynthesis is the foundation of most food webs?\n"
        "Answer:",
        " Sunlight is the source of energy for nearly all ecosystems.");
    checkChoice(
        q[0].choices[3],
        "Question: Which statement best explains why photosynthesis is the foundation of most food webs?\n"
        "Answer:",
        " The producers in all ecosystems are plants.");
    QAT_CHECK_EQ(q[0].gold, 0);
    // Labels "1".."4": the answer is the index of the label equal to answerKey ("2" -> 1).
    QAT_CHECK_EQ(q[14].id, std::string("NYSEDREGENTS_2015_8_28"));
    checkChoice(q[14].choices[1],
                "Question: All living and nonliving material is composed of\nAnswer:", " elements");
    QAT_CHECK_EQ(q[14].gold, 1);
    // acc_norm divides by characters, not bytes: "15°C" is 4 characters, 5 bytes.
    QAT_CHECK_EQ(q[22].choices[0].text, std::string("The average temperature yesterday was 15°C."));
    QAT_CHECK_EQ(utf8Length(q[22].choices[0].text), int64_t(43));
}

QAT_TEST(arcChallengeAndFiveChoiceArc)
{
    const auto c = first("arc_challenge", 1);
    checkChoice(
        c[0].choices[2],
        "Question: An astronomer observes that a planet rotates faster after a meteorite impact. Which is "
        "the most likely effect of this increase in rotation?\nAnswer:",
        " Planetary days will become shorter.");
    QAT_CHECK_EQ(c[0].gold, 2);
    const auto e = first("arc_easy", 501);
    QAT_CHECK_EQ(e[500].choices.size(), size_t(5));
    checkChoice(
        e[500].choices[4],
        "Question: What gas in the air do we need to breathe in order to live?\nAnswer:", " water vapor");
    QAT_CHECK_EQ(e[500].gold, 1);
}

QAT_TEST(piqaPromptAndLabelsFile)
{
    const auto q = first("piqa", 2);
    checkChoice(
        q[0].choices[0], "Question: How do I ready a guinea pig cage for it's new occupants?\nAnswer:",
        " Provide the guinea pig with a cage full of a few inches of bedding made of ripped paper strips, "
        "you will also need to supply it with a water bottle and a food dish.");
    QAT_CHECK_EQ(q[0].gold, 0);
    // The choice keeps its trailing space; the label comes from line 2 of valid-labels.lst.
    checkChoice(q[1].choices[0], "Question: dresser\nAnswer:", " replace drawer with bobby pin ");
    checkChoice(q[1].choices[1], "Question: dresser\nAnswer:", " finish, woodgrain with  bobby pin ");
    QAT_CHECK_EQ(q[1].gold, 1);
}

QAT_TEST(winograndeScoresTheRestOfTheSentenceUnderEachOption)
{
    const auto q = first("winogrande", 2);
    checkChoice(q[0].choices[0], "Sarah was a much better surgeon than Maria so Sarah",
                " always got the easier cases.");
    checkChoice(q[0].choices[1], "Sarah was a much better surgeon than Maria so Maria",
                " always got the easier cases.");
    QAT_CHECK_EQ(q[0].gold, 1);
    QAT_CHECK_EQ(q[1].choices[0].continuation, std::string(" always got the harder cases."));
    QAT_CHECK_EQ(q[1].gold, 0);
}

QAT_TEST(boolqUsesSuperGluePassageFraming)
{
    const auto q = first("boolq", 1);
    const std::string& ctx = q[0].choices[0].context;
    const std::string head =
        "Ethanol fuel -- All biomass goes through at least some of these steps: it needs to be "
        "grown, collected, dried, fermented, distilled, and burned.";
    const std::string tail =
        "at producing ethanol from corn uses much less petroleum than producing gasoline.\n"
        "Question: does ethanol take more energy make that produces?\nAnswer:";
    QAT_CHECK_EQ(ctx.substr(0, head.size()), head);
    QAT_CHECK_EQ(ctx.substr(ctx.size() - tail.size()), tail);
    QAT_CHECK_EQ(
        ctx.size(),
        std::string("Ethanol fuel -- ").size() + 1368 +
            std::string("\nQuestion: does ethanol take more energy make that produces?\nAnswer:").size());
    QAT_CHECK_EQ(q[0].choices[0].continuation, std::string(" no"));
    QAT_CHECK_EQ(q[0].choices[1].continuation, std::string(" yes"));
    QAT_CHECK_EQ(q[0].gold, 0); // answer false
}

QAT_TEST(openbookqaUsesTheBareStem)
{
    const auto q = first("openbookqa", 1);
    checkChoice(
        q[0].choices[1],
        "A person wants to start saving money so that they can afford a nice vacation at the end of the "
        "year. After looking over their budget and expenses, they decide the best way to save money is to",
        " quit eating lunch out");
    QAT_CHECK_EQ(q[0].gold, 1);
}

QAT_TEST(mmluFiveShotFromTheDevSplit)
{
    const auto q = first("mmlu", 1);
    QAT_CHECK_EQ(q.size(), size_t(57)); // --limit applies per subject, as the harness's
    QAT_CHECK_EQ(q[0].subject, std::string("abstract_algebra"));
    const std::string expected =
        "The following are multiple choice questions (with answers) about abstract algebra.\n\n"
        "Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer: B\n\n"
        "Statement 1 | If aH is an element of a factor group, then |aH| divides |a|. Statement 2 | If H and "
        "K "
        "are subgroups of G then HK is a subgroup of G.\nA. True, True\nB. False, False\nC. True, False\n"
        "D. False, True\nAnswer: B\n\n"
        "Statement 1 | Every element of a group generates a cyclic subgroup of the group. Statement 2 | The "
        "symmetric group S_10 has 10 elements.\nA. True, True\nB. False, False\nC. True, False\nD. False, "
        "True\n"
        "Answer: C\n\n"
        "Statement 1| Every function from a finite set onto itself must be one to one. Statement 2 | Every "
        "subgroup of an abelian group is abelian.\nA. True, True\nB. False, False\nC. True, False\n"
        "D. False, True\nAnswer: A\n\n"
        "Find the characteristic of the ring 2Z.\nA. 0\nB. 3\nC. 12\nD. 30\nAnswer: A\n\n"
        "Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nA. 0\nB. 4\n"
        "C. 2\nD. 6\nAnswer:";
    checkChoice(q[0].choices[0], expected, " A");
    checkChoice(q[0].choices[3], expected, " D");
    QAT_CHECK_EQ(q[0].choices[1].text, std::string("B"));
    QAT_CHECK_EQ(q[0].gold, 1);
    QAT_CHECK_EQ(q[1].subject, std::string("anatomy"));
    const std::string anatomy =
        "The following are multiple choice questions (with answers) about anatomy.\n\n";
    QAT_CHECK_EQ(q[1].choices[0].context.substr(0, anatomy.size()), anatomy);

    const auto zero = first("mmlu", 1, 0);
    QAT_CHECK_EQ(
        zero[0].choices[0].context,
        "The following are multiple choice questions (with answers) about abstract algebra.\n\n"
        "Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nA. 0\nB. 4\n"
        "C. 2\nD. 6\nAnswer:");
    QAT_CHECK_THROWS_WITH(first("mmlu", 1, 6), "shots", "5 few-shot");
    QAT_CHECK_THROWS_WITH(first("arc_easy", 1, 1), "shots", "zero-shot");
}

QAT_TEST(mmluWholeTestSplitParses)
{
    TaskProtocol p;
    p.shots = 0;
    const auto q = loadTask("mmlu", p, sharedFiles());
    QAT_CHECK_EQ(q.size(), size_t(14042));
    std::map<std::string, size_t> n;
    for (const auto& x : q)
        ++n[x.subject];
    QAT_CHECK_EQ(n["professional_law"], size_t(1534));
    QAT_CHECK_EQ(n["world_religions"], size_t(171));
}

QAT_TEST(hellaswagFollowsTheHarnessPreprocess)
{
    const std::string dir = test::tempDir();
    const std::string file = write(
        dir, "hellaswag_val.jsonl",
        R"({"ind": 24, "activity_label": "Roof shingle removal", "ctx_a": "A man is sitting on a roof.", "ctx_b": "he", "endings": ["is using wrap to wrap a pair of skis.", "is ripping level tiles off.", "is holding a rubik's cube.", "starts pulling up roofing on a roof."], "label": 3})"
        "\n"
        R"({"ind": 92, "activity_label": "Personal Care and Style", "ctx_a": "[header] How to dye your hair [title] Pick a color.", "ctx_b": "tHEN Rinse", "endings": ["[step] Wash it  out.", "b", "c", "d"], "label": "0"})"
        "\n");
    TaskProtocol p;
    const auto q = loadTask("hellaswag", p, {"", {{"hellaswag", file}}});
    checkChoice(q[0].choices[3], "Roof shingle removal: A man is sitting on a roof. He",
                " starts pulling up roofing on a roof.");
    QAT_CHECK_EQ(q[0].gold, 3);
    // " [title]" -> ". ", "[...]" removed, "  " -> " ", ctx_b.capitalize() lower-cases the rest.
    // The ending starts with a space once "[step]" is gone (strip runs first): the harness scores " Wash...".
    checkChoice(q[1].choices[0], "Personal Care and Style: How to dye your hair. Pick a color. Then rinse",
                "  Wash it out.");
    QAT_CHECK_EQ(q[1].gold, 0);
    QAT_CHECK_EQ(hellaswagPreprocess("  a [b\n] c  "), std::string("a [b\n] c"));
    QAT_CHECK_THROWS_WITH(loadTask("hellaswag", p, {dir + "/none", {}}), "hellaswag_val.jsonl",
                          "--task-file");
}

// ---- readers ----

QAT_TEST(csvQuotedMultilineCrlfAndNoFinalNewline)
{
    const auto rows = parseCsv("a,\"b, \"\"c\"\"\",d\r\n\"multi\r\nline\",2,\"\"\r\nlast,row,x", "t.csv");
    QAT_CHECK_EQ(rows.size(), size_t(3));
    QAT_CHECK_EQ(rows[0].fields, (std::vector<std::string>{"a", "b, \"c\"", "d"}));
    QAT_CHECK_EQ(rows[1].line, int64_t(2));
    QAT_CHECK_EQ(rows[1].fields, (std::vector<std::string>{"multi\r\nline", "2", ""}));
    QAT_CHECK_EQ(rows[2].line, int64_t(4));
    QAT_CHECK_EQ(rows[2].fields, (std::vector<std::string>{"last", "row", "x"}));
    QAT_CHECK_THROWS_WITH(parseCsv("a,b\nc,\"open\nstill open", "t.csv"), "t.csv", "line 2", "not closed");
    QAT_CHECK_THROWS_WITH(parseCsv("a,\"b\"x,c\n", "t.csv"), "t.csv", "line 1", "after the closing quote");
}

QAT_TEST(malformedMmluRowNamesFileAndLine)
{
    const std::string dir = test::tempDir();
    write(dir, "mmlu/dev/abstract_algebra_dev.csv", "q,1,2,3,4,A\n");
    const std::string test = write(dir, "mmlu/test/abstract_algebra_test.csv",
                                   "ok,1,2,3,4,B\r\n\"two\nlines\",1,2,3,4,C\r\nshort,1,2,3,D\r\n");
    TaskProtocol p;
    p.shots = 2;
    QAT_CHECK_THROWS_WITH(loadTask("mmlu", p, {dir, {}}), "dev/abstract_algebra_dev.csv", "fewer than");
    p.shots = 0;
    QAT_CHECK_THROWS_WITH(loadTask("mmlu", p, {dir, {}}), test.c_str(), "line 4", "5 fields");
    write(dir, "mmlu/test/abstract_algebra_test.csv", "ok,1,2,3,4,E");
    QAT_CHECK_THROWS_WITH(loadTask("mmlu", p, {dir, {}}), "line 1", "answer 'E'");
    // A subject file that is not there is named.
    write(dir, "mmlu/test/abstract_algebra_test.csv", "ok,1,2,3,4,B");
    QAT_CHECK_THROWS_WITH(loadTask("mmlu", p, {dir, {}}), "anatomy_test.csv");
}

QAT_TEST(jsonlErrorsNameFileAndLine)
{
    const std::string dir = test::tempDir();
    const std::string row =
        R"({"id":"x","question":{"stem":"s","choices":[{"text":"a","label":"A"},{"text":"b","label":"B"}]},"answerKey":"B"})";
    TaskProtocol p;
    auto arc = [&](const std::string& text) {
        const std::string f = write(dir, "arc.jsonl", text);
        return loadTask("arc_easy", p, {"", {{"arc_easy", f}}});
    };
    QAT_CHECK_EQ(arc(row + "\r\n" + row).size(), size_t(2)); // CRLF, no final newline
    QAT_CHECK_THROWS_WITH(arc(row + "\n" + row.substr(0, 40)), "arc.jsonl", "line 2", "truncated");
    QAT_CHECK_THROWS_WITH(arc(row + "\n\n" + row + "\n"), "arc.jsonl", "line 2", "empty");
    QAT_CHECK_THROWS_WITH(
        arc(R"({"id":"x","question":{"stem":"s","choices":[{"text":"a","label":"A"}]},"answerKey":"B"})"),
        "line 1", "question.choices");
    QAT_CHECK_THROWS_WITH(
        arc(R"({"id":"x","question":{"stem":"s","choices":[{"text":"a","label":"A"},{"text":"b","label":"B"}]},"answerKey":"C"})"),
        "line 1", "answerKey", "'C'");
    QAT_CHECK_THROWS_WITH(arc(R"({"id":"x","question":{"choices":[]},"answerKey":"C"})"), "line 1",
                          "question.stem", "missing");
    QAT_CHECK_THROWS_WITH(loadTask("arc_easy", p, {"", {{"arc_easy", dir + "/gone.jsonl"}}}), "gone.jsonl",
                          "does not exist");

    const std::string piqa = write(dir, "p/valid.jsonl",
                                   R"({"goal":"g","sol1":"a","sol2":"b"})"
                                   "\n"
                                   R"({"goal":"g","sol1":"a","sol2":"b"})"
                                   "\n");
    write(dir, "p/valid-labels.lst", "0\n");
    QAT_CHECK_THROWS_WITH(loadTask("piqa", p, {"", {{"piqa", piqa}}}), "valid-labels.lst", "1 labels",
                          "2 rows");
    write(dir, "p/valid-labels.lst", "0\n2\n");
    QAT_CHECK_THROWS_WITH(loadTask("piqa", p, {"", {{"piqa", piqa}}}), "valid-labels.lst", "line 2", "'2'");

    const std::string wino = write(
        dir, "w/dev.jsonl", R"({"qID":"q","sentence":"no blank","option1":"a","option2":"b","answer":"1"})");
    QAT_CHECK_THROWS_WITH(loadTask("winogrande", p, {"", {{"winogrande", wino}}}), "dev.jsonl", "line 1",
                          "blank");
}

QAT_TEST(unknownTaskListsTheKnownOnes)
{
    QAT_CHECK_THROWS_WITH(findTask("arc-easy"), "'arc-easy' is not a task", "arc_easy", "mmlu", "hellaswag",
                          "winogrande");
    // Checked before the model loads (the model path here does not exist).
    TaskProtocol p;
    p.shots = 3;
    TaskOptions o;
    o.files = sharedFiles();
    QAT_CHECK_THROWS_WITH(evaluateTasks("/nonexistent", {"mmlu", "arc_easy"}, p, o), "shots", "arc_easy",
                          "zero-shot");
    p.shots = -1;
    QAT_CHECK_THROWS_WITH(evaluateTasks("/nonexistent", {"arc_easy", "sciq"}, p, o), "'sciq' is not a task");
}

QAT_TEST(pythonStripAndLength)
{
    QAT_CHECK_EQ(pyStrip(" \t\xC2\xA0x y\xE3\x80\x80\n"), std::string("x y")); // NBSP and ideographic space
    QAT_CHECK_EQ(pyRstrip("a b  "), std::string("a b"));
    QAT_CHECK_EQ(utf8Length("15°C"), int64_t(4));
}

// ---- tokens and metrics ----

QAT_TEST(encodePairSplitsTheWholeEncoding)
{
    const Tokenizer tok = Tokenizer::load(test::dataPath("models/gutenberg-llama-22M"));
    const auto p = encodePair(tok, "Question: Why?\nAnswer:", " Sunlight is the source.", true, "t");
    auto joined = p.context;
    joined.insert(joined.end(), p.continuation.begin(), p.continuation.end());
    QAT_CHECK(joined == tok.encode("Question: Why?\nAnswer: Sunlight is the source.", true));
    QAT_CHECK(p.context == tok.encode("Question: Why?\nAnswer:", true));
    QAT_CHECK_EQ(p.context[0], tok.bosId());
    // Trailing whitespace of the context moves to the continuation (_encode_pair).
    const auto moved = encodePair(tok, "Question: Why?\nAnswer: ", "Sunlight is the source.", true, "t");
    QAT_CHECK(moved.context == p.context && moved.continuation == p.continuation);
    QAT_CHECK(encodePair(tok, "Answer:", " A", false, "t").context == tok.encode("Answer:", false));
}

QAT_TEST(wordwiseEncoderGivesTheTokenizersIds)
{
    for (const char* model : {"models/gutenberg-llama-22M", "models/stories260K"}) {
        const Tokenizer tok = Tokenizer::load(test::dataPath(model));
        TaskEncoder enc(tok);
        QAT_CHECK(enc.wordwise());
        std::vector<std::string> texts = {"a  b", " lead", "trail ", "x\n\ny z", "15°C é ü"};
        for (const char* task : {"arc_easy", "piqa", "winogrande", "boolq"})
            for (const auto& q : first(task, 40))
                for (const auto& c : q.choices)
                    texts.push_back(c.context + c.continuation);
        for (const auto& q : first("mmlu", 1))
            texts.push_back(q.choices[0].context + " A");
        for (const auto& t : texts) {
            QAT_CHECK_MSG(enc.encode(t, true) == tok.encode(t, true), t);
            QAT_CHECK(enc.encode(t, false) == tok.encode(t, false));
        }
    }
}

QAT_TEST(accAccNormAndStderrAsTheHarness)
{
    // Four ARC-like questions; choice texts of different lengths make acc and acc_norm disagree.
    std::vector<McQuestion> qs(4);
    std::vector<std::vector<double>> lls;
    for (int i = 0; i < 4; ++i) {
        qs[size_t(i)].choices = {{"c", " ab", "ab"}, {"c", " abcdefgh", "abcdefgh"}};
        qs[size_t(i)].gold = i < 2 ? 1 : 0;
        lls.push_back({-4.0, -6.0}); // acc picks 0; per character -2 vs -0.75 picks 1
    }
    const TaskResult r = scoreTask("arc_easy", qs, lls);
    QAT_CHECK_NEAR(r.acc, 0.5, 1e-12);
    QAT_CHECK_NEAR(r.accNorm, 0.5, 1e-12);
    QAT_CHECK_EQ(r.perQuestion[0].pred, 0);
    QAT_CHECK_EQ(r.perQuestion[0].predNorm, 1);
    QAT_CHECK_EQ(r.perQuestion[0].gold, 1);
    QAT_CHECK_EQ(r.toJson(true)["per_question"][3]["gold"].get<int>(), 0);
    QAT_CHECK_NEAR(r.accStderr, std::sqrt(1.0 / 3.0) / 2.0, 1e-12); // sample stddev / sqrt(n)
    QAT_CHECK_NEAR(r.chance, 0.5, 1e-12);
    // A tie goes to the first choice (numpy argmax).
    const TaskResult tie = scoreTask("boolq", {qs[0]}, {{-1.0, -1.0}});
    QAT_CHECK_EQ(tie.perQuestion[0].pred, 0);
    QAT_CHECK(!tie.hasAccNorm);
    QAT_CHECK(std::isnan(tie.accStderr)); // n = 1: undefined, "N/A" in the harness
}

QAT_TEST(mmluGroupsAreSizeWeightedWithPooledStderr)
{
    std::vector<McQuestion> qs;
    std::vector<std::vector<double>> lls;
    auto add = [&](const std::string& subject, bool right) {
        McQuestion q;
        q.subject = subject;
        for (const char* l : {"A", "B", "C", "D"})
            q.choices.push_back({"c", std::string(" ") + l, l});
        q.gold = right ? 0 : 1;
        qs.push_back(q);
        lls.push_back({-1, -2, -3, -4});
    };
    for (int i = 0; i < 4; ++i)
        add("abstract_algebra", i < 3); // 3/4
    for (int i = 0; i < 2; ++i)
        add("anatomy", i < 1); // 1/2
    for (int i = 0; i < 2; ++i)
        add("philosophy", false); // 0/2, humanities
    const TaskResult r = scoreTask("mmlu", qs, lls);
    QAT_CHECK_EQ(r.subjects.size(), size_t(3));
    QAT_CHECK_NEAR(r.acc, 4.0 / 8.0, 1e-12);
    QAT_CHECK_NEAR(r.macroAcc, (0.75 + 0.5 + 0.0) / 3.0, 1e-12);
    const double se1 = std::sqrt(4 * 0.75 * 0.25 / 3) / 2, se2 = std::sqrt(2 * 0.25 / 1) / std::sqrt(2.0);
    QAT_CHECK_NEAR(r.subjects[0].accStderr, se1, 1e-12);
    // pooled_sample_stderr: sqrt(sum((n_i - 1) se_i^2 n_i) / (N - k) / N)
    const double pooled = std::sqrt((3 * se1 * se1 * 4 + 1 * se2 * se2 * 2 + 0) / (8 - 3) / 8.0);
    QAT_CHECK_NEAR(r.accStderr, pooled, 1e-12);
    QAT_CHECK_EQ(r.categories.size(), size_t(2));
    QAT_CHECK_EQ(r.categories[0].name, std::string("humanities"));
    QAT_CHECK_EQ(r.categories[1].name, std::string("stem"));
    QAT_CHECK_NEAR(r.categories[1].acc, 4.0 / 6.0, 1e-12);
}

// ---- scoring on real models ----

QAT_TEST(batchedScoresEqualAPlainForward)
{
    const std::string dir = test::dataPath("models/stories260K");
    const Tokenizer tok = Tokenizer::load(dir);
    const LlamaModel model = LlamaModel::load(dir);
    std::vector<TokenPair> pairs;
    for (const auto& q : first("arc_easy", 6))
        for (const auto& c : q.choices)
            pairs.push_back(encodePair(tok, c.context, c.continuation, true, q.source));
    for (const auto& q : first("mmlu", 1)) // one-token continuations sharing a forward; truncated at 512
        if (q.subject == "anatomy")
            for (const auto& c : q.choices)
                pairs.push_back(encodePair(tok, c.context, c.continuation, true, q.source));
    std::set<std::vector<int32_t>> inputs; // pairs with the same input share a forward
    for (const auto& p : pairs) {
        auto all = p.context;
        all.insert(all.end(), p.continuation.begin(), p.continuation.end());
        if (all.size() > 513) all.erase(all.begin(), all.end() - 513);
        all.pop_back();
        inputs.insert(all);
    }
    ScoreStats stats;
    const auto lls = scoreLoglikelihoods(model, pairs, 512, {}, 5, {}, &stats);
    QAT_CHECK_EQ(stats.forwards, int64_t(inputs.size()));
    QAT_CHECK(stats.forwards < int64_t(pairs.size()));
    QAT_CHECK(stats.truncated.back() == 1);
    QAT_CHECK(stats.truncated.front() == 0);
    for (size_t i = 0; i < pairs.size(); ++i)
        QAT_CHECK_NEAR(lls[i], directLoglikelihood(model, pairs[i], 512), 2e-4);
    // Left truncation to a short context: same numbers as the plain forward of the truncated sequence.
    const auto shortLls = scoreLoglikelihoods(model, pairs, 64, {}, 3, {}, &stats);
    QAT_CHECK(stats.truncated.front() == 1);
    for (size_t i = 0; i < 8; ++i)
        QAT_CHECK_NEAR(shortLls[i], directLoglikelihood(model, pairs[i], 64), 2e-4);
}

QAT_TEST(everyTaskRunsWithLimitOnStories260K)
{
    const std::string dir = test::dataPath("models/stories260K");
    TaskProtocol p;
    p.limit = 4;
    TaskOptions o;
    o.files = sharedFiles();
    int64_t progressCalls = 0;
    o.progress = [&](const Progress& pr) {
        ++progressCalls;
        QAT_CHECK(pr.done <= pr.total && pr.unit == "requests");
        return true;
    };
    const std::vector<std::string> names = {"arc_easy",   "arc_challenge", "piqa",
                                            "winogrande", "boolq",         "openbookqa"};
    const auto results = evaluateTasks(dir, names, p, o);
    QAT_CHECK_EQ(results.size(), names.size());
    QAT_CHECK(progressCalls >= int64_t(names.size()));
    for (const auto& r : results) {
        QAT_CHECK_EQ(r.questions, int64_t(4));
        QAT_CHECK(r.acc >= 0 && r.acc <= 1);
        QAT_CHECK(r.bos);
        QAT_CHECK_EQ(r.maxLength, int64_t(512));
        for (const auto& q : r.perQuestion)
            for (double ll : q.loglikelihoods)
                QAT_CHECK(std::isfinite(ll) && ll < 0);
        const auto j = r.toJson();
        QAT_CHECK_EQ(j["protocol"]["limit"].get<int64_t>(), int64_t(4));
        QAT_CHECK(j["protocol"]["prompt"].get<std::string>().size() > 10);
    }
    QAT_CHECK_NEAR(results[2].chance, 0.5, 1e-12);        // PIQA: two choices
    QAT_CHECK(!results[4].toJson().contains("acc_norm")); // BoolQ reports acc only
}

QAT_TEST(mmluTruncatesFromTheLeftAndSaysHowOften)
{
    TaskProtocol p;
    p.limit = 1;
    p.maxLength = 48;
    TaskOptions o;
    o.files = sharedFiles();
    const auto r = evaluateTasks(test::dataPath("models/stories260K"), {"mmlu"}, p, o)[0];
    QAT_CHECK_EQ(r.questions, int64_t(57));
    QAT_CHECK_EQ(r.subjects.size(), size_t(57));
    QAT_CHECK_EQ(r.categories.size(), size_t(4));
    QAT_CHECK_EQ(r.shots, 5);
    QAT_CHECK_EQ(r.truncated, int64_t(57)); // every 5-shot prompt is longer than 48 tokens
    QAT_CHECK_EQ(r.requests, int64_t(4 * 57));
    QAT_CHECK(r.forwards < r.requests); // " A".." D" share inputs
    QAT_CHECK_NEAR(r.chance, 0.25, 1e-12);
}

QAT_TEST(gutenbergBf16AgreesWithFloat32)
{
    const std::string dir = test::dataPath("models/gutenberg-llama-22M");
    TaskProtocol p;
    p.limit = 6;
    TaskOptions o;
    o.files = sharedFiles();
    const auto f32 = evaluateTasks(dir, {"arc_easy"}, p, o)[0];
    o.dtype = "bfloat16";
    const auto bf16 = evaluateTasks(dir, {"arc_easy"}, p, o)[0];
    for (size_t i = 0; i < f32.perQuestion.size(); ++i)
        for (size_t c = 0; c < f32.perQuestion[i].loglikelihoods.size(); ++c) {
            const double a = f32.perQuestion[i].loglikelihoods[c], b = bf16.perQuestion[i].loglikelihoods[c];
            QAT_CHECK_MSG(std::fabs(a - b) < 0.05 * std::fabs(a) + 0.5,
                          std::to_string(a) + " vs " + std::to_string(b));
        }
}

QAT_TEST(cliTasksTableJsonAndErrors)
{
    const std::string model = test::dataPath("models/stories260K");
    const std::string data = test::dataPath("data/tasks");
    auto r = runCli("tasks " + model + " --data " + data + " --tasks arc_easy,boolq --limit 3 --quiet");
    QAT_CHECK_MSG(r.code == 0, r.text);
    QAT_CHECK_MSG(r.text.find("arc_easy") != std::string::npos && r.text.find("boolq") != std::string::npos,
                  r.text);
    r = runCli("tasks " + model + " --data " + data + " --tasks piqa --limit 2 --json --quiet");
    QAT_CHECK_MSG(r.code == 0, r.text);
    const auto j = nlohmann::json::parse(r.text.substr(r.text.find('[')));
    QAT_CHECK_EQ(j[0]["task"].get<std::string>(), std::string("piqa"));
    QAT_CHECK_EQ(j[0]["questions"].get<int64_t>(), int64_t(2));
    QAT_CHECK(j[0].contains("acc_norm") && j[0]["protocol"]["bos_used"].get<bool>());
    r = runCli("tasks " + model + " --data " + data + " --tasks arc_easy,sciq --quiet");
    QAT_CHECK_EQ(r.code, 2);
    QAT_CHECK_MSG(r.text.find("'sciq' is not a task") != std::string::npos &&
                      r.text.find("openbookqa") != std::string::npos,
                  r.text);
    r = runCli("tasks " + model + " --data " + data + " --tasks mmlu --limit 1 --max-length 200 --quiet");
    QAT_CHECK_MSG(r.code == 0 && r.text.find("57 of 57 mmlu prompts were longer") != std::string::npos,
                  r.text);
}

QAT_TEST_MAIN()

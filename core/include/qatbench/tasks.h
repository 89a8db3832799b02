#pragma once
// Zero-shot commonsense tasks and few-shot MMLU, scored the way EleutherAI's lm-evaluation-harness scores
// them (DESIGN.md §9; the data and the harness's framing per task: shared/data/tasks/MANIFEST.md; the
// protocol per task: docs/EVAL.md). No torch types: the GUI and the CLI use this; the engine scores a loaded,
// possibly fake-quantized model through qatbench_sdk/tasks.h.
//
// Every task is multiple choice: a question is a list of (context, continuation) pairs, the score of a choice
// is the summed log-probability of its continuation's tokens given the context, acc takes the highest score,
// acc_norm the highest score divided by the choice's length in characters (Unicode code points, as the
// harness's Python len()).
//
// Intended usage:
//   1. TaskProtocol p;  p.limit = 100;                       // shots -1: the task's default (MMLU 5, else 0)
//   2. TaskOptions o;   o.dataDir = "../shared/data/tasks";  o.device = "cuda";  o.dtype = "bfloat16";
//   3. auto results = evaluateTasks(modelDir, {"arc_easy", "mmlu"}, p, o);
//   4. results[0].acc, results[0].accStderr, results[0].toJson()   (the protocol travels with the numbers)

#include "qatbench/progress.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace qat {

class Tokenizer;

struct TaskInfo
{
    std::string name;     // "arc_easy", ...
    std::string title;    // "ARC-Easy"
    std::string file;     // data file under the tasks folder (MMLU: the folder holding test/ and dev/)
    std::string split;    // the split scored, as the harness names it
    bool accNorm = false; // the harness's YAML reports acc_norm for this task
    int defaultShots = 0; // MMLU 5, the others 0
    int maxShots = 0;     // few-shot examples available (MMLU's dev split: 5; the others have none staged)
    std::string prompt;   // the harness's framing: context -> continuations (docs/EVAL.md)
};

// The tasks in the order the CLI lists them.
const std::vector<TaskInfo>& knownTasks();
// ConfigError("tasks") listing the known names for an unknown one.
const TaskInfo& findTask(const std::string& name);

// The 57 MMLU subjects (file names), each with its harness category: stem, humanities, social_sciences,
// other.
const std::vector<std::pair<std::string, std::string>>& mmluSubjects();

// ---- Readers. Errors are InputError(file, "line N", ...) naming the row's first line. -------------------

struct CsvRow
{
    int64_t line = 0; // 1-based line where the record starts
    std::vector<std::string> fields;
};
// RFC 4180: comma-separated, fields in double quotes may hold commas, newlines and "" for a quote; LF or
// CRLF line ends; the last record may lack its newline. An unterminated quote, or text between a closing
// quote and the next comma, is an error naming the line.
std::vector<CsvRow> parseCsv(const std::string& text, const std::string& fileForErrors);
std::vector<CsvRow> readCsv(const std::string& path);

struct JsonlRow
{
    int64_t line = 0;
    nlohmann::json value;
};
// One JSON object per line (LF or CRLF); an empty line or one that does not parse is an error naming it.
std::vector<JsonlRow> readJsonl(const std::string& path);
// One label per line (PIQA's valid-labels.lst): the trimmed lines, an empty line is an error.
std::vector<std::pair<int64_t, std::string>> readLabels(const std::string& path);

// ---- Prompts ------------------------------------------------------------------------------------------

struct McChoice
{
    std::string context;      // the prompt (few-shot examples included)
    std::string continuation; // scored text, target delimiter " " included
    std::string text;         // the choice as the harness's doc_to_choice gives it (acc_norm's length)
};

struct McQuestion
{
    std::string id;      // the row's id or "file:line"
    std::string subject; // MMLU: the subject; else empty
    std::vector<McChoice> choices;
    int gold = 0;       // index into choices
    std::string source; // "file:line" of the row
};

struct TaskProtocol
{
    int shots = -1;        // few-shot examples; -1 = the task's default (MMLU 5 from the dev split, else 0)
    int64_t limit = 0;     // the first N questions of a task (MMLU: of every subject, as the harness's
                           // --limit); 0 = all
    int64_t maxLength = 0; // model context in tokens; 0 = max_position_embeddings. Longer inputs lose tokens
                           // from the left, as the harness truncates.
    std::string bos = "auto"; // "auto": BOS first when the tokenizer adds one (tokenizer_config.json
                              // add_bos_token, default true), as the harness's tokenizer does; "yes"; "no"
    nlohmann::json toJson() const;
    void validate() const; // ConfigError naming the field
};

// Files of a task: dataDir/<TaskInfo::file> unless files[task] names the file (MMLU: the folder).
struct TaskFiles
{
    std::string dataDir;                      // shared/data/tasks layout
    std::map<std::string, std::string> files; // task -> file, e.g. {"hellaswag", "/data/hellaswag_val.jsonl"}
    std::string path(const std::string& task) const;
};

// The few-shot count a task runs with under the protocol; ConfigError("shots") when the task cannot give it.
int taskShots(const std::string& task, const TaskProtocol& protocol);

// The questions of a task with the harness's prompts, in file order. InputError naming the file (and the
// line) for a missing, truncated or malformed file; ConfigError for shots the task cannot give.
std::vector<McQuestion> loadTask(const std::string& task, const TaskProtocol& protocol,
                                 const TaskFiles& files);

// Python's str.strip() / rstrip() whitespace (Unicode White_Space), on UTF-8 text.
std::string pyStrip(const std::string& s);
std::string pyRstrip(const std::string& s);
// Characters (code points) of UTF-8 text: Python's len().
int64_t utf8Length(const std::string& s);
// HellaSwag's preprocess(): strip, " [title]" -> ". ", drop "[...]", "  " -> " ".
std::string hellaswagPreprocess(const std::string& text);

// ---- Tokens -------------------------------------------------------------------------------------------

struct TokenPair
{
    std::vector<int32_t> context;      // BOS first when asked
    std::vector<int32_t> continuation; // never empty
};
// The harness's _encode_pair: trailing whitespace of the context moves to the continuation, the pair is
// encoded whole and the continuation is what follows the context's own encoding. An empty context becomes
// [BOS]. InputError(where) when the continuation encodes to nothing.
TokenPair encodePair(const Tokenizer& tokenizer, const std::string& context, const std::string& continuation,
                     bool bos, const std::string& where);

// The same ids as Tokenizer::encode(text, bos), fast: text is cut at its spaces and each word is encoded once
// and cached, where that is exact - a SentencePiece BPE vocabulary with byte fallback and the dummy prefix
// whose pieces hold U+2581 only at their start (merges then never cross a space), and text without leading,
// trailing or doubled spaces. Otherwise, and for every other tokenizer, it calls Tokenizer::encode. MMLU's
// 5-shot prompts repeat most of their words; encoding them whole took ~10 ms each.
class TaskEncoder
{
public:
    explicit TaskEncoder(const Tokenizer& tokenizer);
    std::vector<int32_t> encode(const std::string& text, bool bos);
    // encodePair() with this encoder.
    TokenPair encodePair(const std::string& context, const std::string& continuation, bool bos,
                         const std::string& where);
    bool wordwise() const { return m_wordwise; } // the cached path applies to this tokenizer

private:
    const Tokenizer& m_tok;
    bool m_wordwise = false;
    std::map<std::string, std::vector<int32_t>, std::less<>> m_words;
};

// ---- Results ------------------------------------------------------------------------------------------

struct SubjectScore
{
    std::string name;     // subject or category
    std::string category; // a subject's category; empty for a category
    int64_t questions = 0;
    double acc = 0;
    double accStderr = 0;
};

struct QuestionScore
{
    std::vector<double> loglikelihoods; // per choice (nats)
    int gold = 0;                       // the right choice
    int pred = 0;                       // argmax of the log-likelihoods (first on ties)
    int predNorm = 0;                   // argmax of log-likelihood / characters
    bool truncated = false;             // an input lost tokens on the left
};

struct TaskResult
{
    std::string task;
    int shots = 0;
    int64_t questions = 0;
    int64_t requests = 0;          // (context, continuation) pairs scored
    int64_t forwards = 0;          // distinct token sequences run (pairs with the same input share one)
    int64_t truncated = 0;         // questions with at least one input truncated on the left
    double acc = 0, accStderr = 0; // stderr: sample stddev / sqrt(n), as the harness
    bool hasAccNorm = false;
    double accNorm = 0, accNormStderr = 0;
    double chance = 0;   // expected acc of a uniform guess: mean of 1 / choices
    double majority = 0; // acc of always answering the most frequent gold index
    // MMLU: per subject, per category (size-weighted, as the harness's groups), acc = the harness's "mmlu"
    // (size-weighted over the questions, pooled stderr), and the macro average over subjects.
    std::vector<SubjectScore> subjects;
    std::vector<SubjectScore> categories;
    double macroAcc = 0, macroStderr = 0;
    std::vector<QuestionScore> perQuestion;
    TaskProtocol protocol;
    int64_t maxLength = 0;
    bool bos = true;
    double seconds = 0; // tokenization and scoring
    double questionsPerSecond = 0;
    std::string model, device, dtype, dataFile;
    nlohmann::json toJson(bool withQuestions = false) const;
};

// acc, acc_norm and their stderrs (and the MMLU groups) from per-choice log-likelihoods.
TaskResult scoreTask(const std::string& task, const std::vector<McQuestion>& questions,
                     const std::vector<std::vector<double>>& loglikelihoods);

struct TaskOptions
{
    std::string device = "cpu";    // "cpu", "cuda", "cuda:N"
    std::string dtype = "float32"; // "float32" or "bfloat16"
    int64_t batch = 16;            // token sequences per forward
    TaskFiles files;
    std::string
        requestsFile;    // when set: every scored pair as a JSON line (task, question, choice, context
                         // and continuation ids, ll, truncated, max_length) for bench/python/tasks_peer.py
    ProgressFn progress; // phase "tasks <name>", unit "requests"; returning false throws Cancelled
};

// Loads the model and its tokenizer and runs the tasks in order.
std::vector<TaskResult> evaluateTasks(const std::string& modelDir, const std::vector<std::string>& tasks,
                                      const TaskProtocol& protocol, const TaskOptions& options);

} // namespace qat

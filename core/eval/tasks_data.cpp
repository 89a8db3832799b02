// Task files and the harness's prompts (no torch). Each prompt builder follows one YAML of
// EleutherAI/lm-evaluation-harness (paths in shared/data/tasks/MANIFEST.md); docs/EVAL.md states them.

#include "qatbench/error.h"
#include "qatbench/tasks.h"
#include "qatbench/tokenizer.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace qat {

namespace {

const std::vector<TaskInfo> kTasks = {
    {"arc_easy", "ARC-Easy", "arc_easy/ARC-Easy-Test.jsonl", "test", true, 0, 0,
     "\"Question: {stem}\\nAnswer:\" -> \" {choice text}\""},
    {"arc_challenge", "ARC-Challenge", "arc_challenge/ARC-Challenge-Test.jsonl", "test", true, 0, 0,
     "\"Question: {stem}\\nAnswer:\" -> \" {choice text}\""},
    {"piqa", "PIQA", "piqa/valid.jsonl", "validation", true, 0, 0,
     "\"Question: {goal}\\nAnswer:\" -> \" {sol1}\", \" {sol2}\""},
    {"hellaswag", "HellaSwag", "hellaswag/hellaswag_val.jsonl", "validation", true, 0, 0,
     "preprocess(\"{activity_label}: {ctx_a} {ctx_b.capitalize()}\") -> \" {preprocess(ending)}\""},
    {"winogrande", "WinoGrande", "winogrande/dev.jsonl", "validation (winogrande_xl)", false, 0, 0,
     "\"{sentence up to _}{option}\" -> \" {sentence after _, stripped}\" (one context per option)"},
    {"boolq", "BoolQ", "boolq/dev.jsonl", "validation", false, 0, 0,
     "\"{title} -- {passage}\\nQuestion: {question}?\\nAnswer:\" -> \" no\", \" yes\""},
    {"openbookqa", "OpenBookQA", "openbookqa/test.jsonl", "test", true, 0, 0,
     "\"{question_stem}\" -> \" {choice text}\""},
    {"mmlu", "MMLU", "mmlu", "test (few-shot: dev, first n)", false, 5, 5,
     "\"The following are multiple choice questions (with answers) about {subject}.\\n\\n\" + shots x "
     "\"{query} {letter}\\n\\n\" + query, query = \"{question.strip()}\\nA. {A}\\nB. {B}\\nC. "
     "{C}\\nD. {D}\\nAnswer:\" -> \" A\" .. \" D\""},
};

// Subject -> category, from the "tag" of each lm_eval/tasks/mmlu/default/mmlu_<subject>.yaml.
const std::vector<std::pair<std::string, std::string>> kMmlu = {
    {"abstract_algebra", "stem"},
    {"anatomy", "stem"},
    {"astronomy", "stem"},
    {"business_ethics", "other"},
    {"clinical_knowledge", "other"},
    {"college_biology", "stem"},
    {"college_chemistry", "stem"},
    {"college_computer_science", "stem"},
    {"college_mathematics", "stem"},
    {"college_medicine", "other"},
    {"college_physics", "stem"},
    {"computer_security", "stem"},
    {"conceptual_physics", "stem"},
    {"econometrics", "social_sciences"},
    {"electrical_engineering", "stem"},
    {"elementary_mathematics", "stem"},
    {"formal_logic", "humanities"},
    {"global_facts", "other"},
    {"high_school_biology", "stem"},
    {"high_school_chemistry", "stem"},
    {"high_school_computer_science", "stem"},
    {"high_school_european_history", "humanities"},
    {"high_school_geography", "social_sciences"},
    {"high_school_government_and_politics", "social_sciences"},
    {"high_school_macroeconomics", "social_sciences"},
    {"high_school_mathematics", "stem"},
    {"high_school_microeconomics", "social_sciences"},
    {"high_school_physics", "stem"},
    {"high_school_psychology", "social_sciences"},
    {"high_school_statistics", "stem"},
    {"high_school_us_history", "humanities"},
    {"high_school_world_history", "humanities"},
    {"human_aging", "other"},
    {"human_sexuality", "social_sciences"},
    {"international_law", "humanities"},
    {"jurisprudence", "humanities"},
    {"logical_fallacies", "humanities"},
    {"machine_learning", "stem"},
    {"management", "other"},
    {"marketing", "other"},
    {"medical_genetics", "other"},
    {"miscellaneous", "other"},
    {"moral_disputes", "humanities"},
    {"moral_scenarios", "humanities"},
    {"nutrition", "other"},
    {"philosophy", "humanities"},
    {"prehistory", "humanities"},
    {"professional_accounting", "other"},
    {"professional_law", "humanities"},
    {"professional_medicine", "other"},
    {"professional_psychology", "social_sciences"},
    {"public_relations", "social_sciences"},
    {"security_studies", "social_sciences"},
    {"sociology", "social_sciences"},
    {"us_foreign_policy", "social_sciences"},
    {"virology", "other"},
    {"world_religions", "humanities"},
};

std::string lineField(int64_t line)
{
    return "line " + std::to_string(line);
}

// The code point starting at s[i] and its length in bytes (s is valid UTF-8).
char32_t decodeAt(const std::string& s, size_t i, size_t& len)
{
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return len = 1, c;
    len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (i + len > s.size()) return len = 1, c;
    char32_t cp = c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return cp;
}

// Python's str.isspace() (Unicode White_Space plus the ASCII separators 0x1C-0x1F).
bool pySpace(char32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

size_t leadingSpaceBytes(const std::string& s)
{
    size_t i = 0, len = 0;
    while (i < s.size() && pySpace(decodeAt(s, i, len)))
        i += len;
    return i;
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to)
{
    std::string out;
    size_t pos = 0;
    for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size())
        out.append(s, pos, hit - pos).append(to);
    return out.append(s, pos, std::string::npos);
}

// Python's str.capitalize() for ASCII letters; other characters are left as they are.
std::string capitalize(std::string s)
{
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= 'a' && c <= 'z' && i == 0) s[i] = char(c - 'a' + 'A');
        if (c >= 'A' && c <= 'Z' && i > 0) s[i] = char(c - 'A' + 'a');
    }
    return s;
}

class RowReader
{
public:
    RowReader(const std::string& file, const JsonlRow& row) : m_file(file), m_row(row) {}

    const nlohmann::json& get(const std::string& path) const
    {
        const nlohmann::json* j = &m_row.value;
        size_t start = 0;
        while (true) {
            const size_t dot = path.find('.', start);
            const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
            if (!j->is_object() || !j->contains(key)) fail(path, "is missing");
            j = &(*j)[key];
            if (dot == std::string::npos) return *j;
            start = dot + 1;
        }
    }
    std::string str(const std::string& path) const
    {
        const auto& j = get(path);
        if (!j.is_string()) fail(path, "is not a string: " + j.dump());
        return j.get<std::string>();
    }
    [[noreturn]] void fail(const std::string& path, const std::string& message) const
    {
        throw InputError(m_file, lineField(m_row.line), "field '" + path + "' " + message);
    }
    std::string source() const { return m_file + ":" + std::to_string(m_row.line); }

private:
    const std::string& m_file;
    const JsonlRow& m_row;
};

template <typename Rows> size_t limited(const Rows& rows, int64_t limit)
{
    return limit > 0 ? std::min(rows.size(), size_t(limit)) : rows.size();
}

McQuestion choicesQuestion(const RowReader& r, const std::string& context, const std::string& answerKey)
{
    McQuestion q;
    q.source = r.source();
    const auto& choices = r.get("question.choices");
    if (!choices.is_array() || choices.size() < 2) r.fail("question.choices", "is not a list of 2 or more");
    q.gold = -1;
    for (size_t i = 0; i < choices.size(); ++i) {
        const auto& c = choices[i];
        if (!c.is_object() || !c.contains("text") || !c["text"].is_string() || !c.contains("label") ||
            !c["label"].is_string())
            r.fail("question.choices[" + std::to_string(i) + "]", "needs string 'text' and 'label'");
        const std::string text = c["text"].get<std::string>();
        q.choices.push_back({context, " " + text, text});
        if (c["label"].get<std::string>() == answerKey && q.gold < 0) q.gold = int(i);
    }
    if (q.gold < 0) r.fail("answerKey", "'" + answerKey + "' is not among the choice labels");
    return q;
}

// ARC (arc_easy.yaml): "Question: {{question}}\nAnswer:", choices.text, label index of answerKey.
// OpenBookQA (openbookqa.yaml): the bare question_stem, choices.text, index of answerKey.lstrip().
std::vector<McQuestion> loadArcLike(const std::string& file, bool openbook, int64_t limit)
{
    const auto rows = readJsonl(file);
    std::vector<McQuestion> out;
    for (size_t i = 0; i < limited(rows, limit); ++i) {
        const RowReader r(file, rows[i]);
        const std::string stem = r.str("question.stem");
        std::string key = r.str("answerKey");
        if (openbook) key = key.substr(leadingSpaceBytes(key));
        McQuestion q = choicesQuestion(r, openbook ? stem : "Question: " + stem + "\nAnswer:", key);
        q.id = r.str("id");
        out.push_back(std::move(q));
    }
    return out;
}

std::string labelsFileOf(const std::string& jsonl)
{
    std::string base = jsonl;
    if (base.size() > 6 && base.compare(base.size() - 6, 6, ".jsonl") == 0) base.resize(base.size() - 6);
    return base + "-labels.lst";
}

// PIQA (piqa.yaml): "Question: {{goal}}\nAnswer:", [sol1, sol2], label from the labels file.
std::vector<McQuestion> loadPiqa(const std::string& file, int64_t limit)
{
    const auto rows = readJsonl(file);
    const std::string labelsFile = labelsFileOf(file);
    const auto labels = readLabels(labelsFile);
    if (labels.size() != rows.size())
        throw InputError(labelsFile, "",
                         "has " + std::to_string(labels.size()) + " labels but " + file + " has " +
                             std::to_string(rows.size()) + " rows: the two files must align line by line");
    std::vector<McQuestion> out;
    for (size_t i = 0; i < limited(rows, limit); ++i) {
        const RowReader r(file, rows[i]);
        McQuestion q;
        q.source = r.source();
        q.id = q.source;
        const std::string context = "Question: " + r.str("goal") + "\nAnswer:";
        for (const char* key : {"sol1", "sol2"}) {
            const std::string text = r.str(key);
            q.choices.push_back({context, " " + text, text});
        }
        const auto& [line, label] = labels[i];
        if (label != "0" && label != "1")
            throw InputError(labelsFile, lineField(line), "label '" + label + "' is not 0 or 1");
        q.gold = label == "1";
        out.push_back(std::move(q));
    }
    return out;
}

// WinoGrande (default.yaml + preprocess_winogrande.py): one context per option (the sentence up to the
// blank with the option in it), one shared continuation (the rest of the sentence after the blank, stripped).
std::vector<McQuestion> loadWinogrande(const std::string& file, int64_t limit)
{
    const auto rows = readJsonl(file);
    const std::string labelsFile = labelsFileOf(file);
    std::vector<std::pair<int64_t, std::string>> labels;
    if (fs::exists(labelsFile)) labels = readLabels(labelsFile);
    std::vector<McQuestion> out;
    for (size_t i = 0; i < limited(rows, limit); ++i) {
        const RowReader r(file, rows[i]);
        const std::string sentence = r.str("sentence");
        const size_t blank = sentence.find('_');
        if (blank == std::string::npos) r.fail("sentence", "has no blank '_'");
        const std::string answer = r.str("answer");
        if (answer != "1" && answer != "2") r.fail("answer", "'" + answer + "' is not \"1\" or \"2\"");
        if (!labels.empty() && (i >= labels.size() || labels[i].second != answer))
            throw InputError(labelsFile, lineField(i < labels.size() ? labels[i].first : int64_t(i) + 1),
                             "disagrees with the answer of " + r.source());
        McQuestion q;
        q.source = r.source();
        q.id = r.str("qID");
        const std::string target = " " + pyStrip(sentence.substr(blank + 1));
        for (const char* key : {"option1", "option2"}) {
            const std::string context = sentence.substr(0, blank) + r.str(key);
            q.choices.push_back({context, target, context});
        }
        q.gold = answer == "2";
        out.push_back(std::move(q));
    }
    return out;
}

// BoolQ (super_glue/boolq/default.yaml): "{{passage}}\nQuestion: {{question}}?\nAnswer:" with SuperGLUE's
// passage = title + " -- " + passage; choices ["no", "yes"]; label 1 = true.
std::vector<McQuestion> loadBoolq(const std::string& file, int64_t limit)
{
    const auto rows = readJsonl(file);
    std::vector<McQuestion> out;
    for (size_t i = 0; i < limited(rows, limit); ++i) {
        const RowReader r(file, rows[i]);
        const auto& answer = r.get("answer");
        if (!answer.is_boolean()) r.fail("answer", "is not true or false: " + answer.dump());
        const std::string context =
            r.str("title") + " -- " + r.str("passage") + "\nQuestion: " + r.str("question") + "?\nAnswer:";
        McQuestion q;
        q.source = r.source();
        q.id = q.source;
        q.choices = {{context, " no", "no"}, {context, " yes", "yes"}};
        q.gold = answer.get<bool>() ? 1 : 0;
        out.push_back(std::move(q));
    }
    return out;
}

// HellaSwag (hellaswag.yaml + utils.py): query = preprocess(activity_label + ": " + ctx_a + " " +
// ctx_b.capitalize()), choices = preprocess(ending) for each ending, gold int(label).
std::vector<McQuestion> loadHellaswag(const std::string& file, int64_t limit)
{
    const auto rows = readJsonl(file);
    std::vector<McQuestion> out;
    for (size_t i = 0; i < limited(rows, limit); ++i) {
        const RowReader r(file, rows[i]);
        const std::string context = hellaswagPreprocess(r.str("activity_label") + ": " + r.str("ctx_a") +
                                                        " " + capitalize(r.str("ctx_b")));
        const auto& endings = r.get("endings");
        if (!endings.is_array() || endings.size() < 2) r.fail("endings", "is not a list of 2 or more");
        McQuestion q;
        q.source = r.source();
        q.id = rows[i].value.contains("ind") ? rows[i].value["ind"].dump() : q.source;
        for (const auto& e : endings) {
            if (!e.is_string()) r.fail("endings", "holds a non-string: " + e.dump());
            const std::string text = hellaswagPreprocess(e.get<std::string>());
            q.choices.push_back({context, " " + text, text});
        }
        const auto& label = r.get("label");
        int gold = -1;
        if (label.is_number_integer()) gold = label.get<int>();
        if (label.is_string() && label.get<std::string>().size() == 1)
            gold = label.get<std::string>()[0] - '0';
        if (gold < 0 || gold >= int(q.choices.size()))
            r.fail("label", "is not an index into endings: " + label.dump());
        q.gold = gold;
        out.push_back(std::move(q));
    }
    return out;
}

struct MmluRow
{
    int64_t line = 0;
    std::string question;
    std::string options[4];
    int answer = 0;
};

std::vector<MmluRow> readMmluCsv(const std::string& file)
{
    std::vector<MmluRow> out;
    for (const auto& row : readCsv(file)) {
        if (row.fields.size() != 6)
            throw InputError(file, lineField(row.line),
                             "has " + std::to_string(row.fields.size()) +
                                 " fields, expected 6 (question, A, B, C, D, answer)");
        const std::string& a = row.fields[5];
        if (a.size() != 1 || a[0] < 'A' || a[0] > 'D')
            throw InputError(file, lineField(row.line), "answer '" + a + "' is not A, B, C or D");
        MmluRow m;
        m.line = row.line;
        m.question = row.fields[0];
        for (int k = 0; k < 4; ++k)
            m.options[k] = row.fields[size_t(k) + 1];
        m.answer = a[0] - 'A';
        out.push_back(std::move(m));
    }
    return out;
}

// _default_template_yaml: "{{question.strip()}}\nA. {{choices[0]}}\n...D. {{choices[3]}}\nAnswer:".
std::string mmluQuery(const MmluRow& r)
{
    std::string s = pyStrip(r.question);
    for (int k = 0; k < 4; ++k)
        s += std::string("\n") + char('A' + k) + ". " + r.options[k];
    return s + "\nAnswer:";
}

// MMLU: description "The following are multiple choice questions (with answers) about <subject>.\n\n",
// then `shots` dev examples (first n, each query + " " + letter + "\n\n"), then the test query.
std::vector<McQuestion> loadMmlu(const std::string& dir, int shots, int64_t limit)
{
    std::vector<McQuestion> out;
    for (const auto& [subject, category] : kMmlu) {
        const std::string testFile = (fs::path(dir) / "test" / (subject + "_test.csv")).string();
        const std::string devFile = (fs::path(dir) / "dev" / (subject + "_dev.csv")).string();
        std::string prefix = "The following are multiple choice questions (with answers) about " +
                             replaceAll(subject, "_", " ") + ".\n\n";
        if (shots > 0) {
            const auto dev = readMmluCsv(devFile);
            if (int(dev.size()) < shots)
                throw InputError(devFile, "",
                                 "has " + std::to_string(dev.size()) + " rows, fewer than the " +
                                     std::to_string(shots) + " few-shot examples asked for");
            for (int k = 0; k < shots; ++k)
                prefix += mmluQuery(dev[size_t(k)]) + " " + char('A' + dev[size_t(k)].answer) + "\n\n";
        }
        const auto test = readMmluCsv(testFile);
        for (size_t i = 0; i < limited(test, limit); ++i) {
            McQuestion q;
            q.subject = subject;
            q.source = testFile + ":" + std::to_string(test[i].line);
            q.id = subject + "/" + std::to_string(i);
            const std::string context = prefix + mmluQuery(test[i]);
            for (int k = 0; k < 4; ++k)
                q.choices.push_back(
                    {context, std::string(" ") + char('A' + k), std::string(1, char('A' + k))});
            q.gold = test[i].answer;
            out.push_back(std::move(q));
        }
    }
    return out;
}

} // namespace

const std::vector<TaskInfo>& knownTasks()
{
    return kTasks;
}

const std::vector<std::pair<std::string, std::string>>& mmluSubjects()
{
    return kMmlu;
}

const TaskInfo& findTask(const std::string& name)
{
    std::string names;
    for (const auto& t : kTasks) {
        if (t.name == name) return t;
        names += (names.empty() ? "" : ", ") + t.name;
    }
    throw ConfigError("tasks", "'" + name + "' is not a task; known tasks: " + names);
}

std::string TaskFiles::path(const std::string& task) const
{
    const auto it = files.find(task);
    if (it != files.end()) return it->second;
    if (dataDir.empty())
        throw ConfigError("data", "no tasks folder given for " + task +
                                      " (the layout of shared/data/tasks; qatbench-cli tasks --data DIR)");
    return (fs::path(dataDir) / findTask(task).file).string();
}

nlohmann::json TaskProtocol::toJson() const
{
    return {{"shots", shots}, {"limit", limit}, {"max_length", maxLength}, {"bos", bos}};
}

void TaskProtocol::validate() const
{
    if (shots < -1 || shots > 64) throw ConfigError("shots", "must be in [0, 64] or -1 (the task's default)");
    if (limit < 0) throw ConfigError("limit", "must be >= 0 (0 = all questions)");
    if (maxLength < 0 || maxLength == 1) throw ConfigError("max_length", "must be >= 2, or 0 (the model's)");
    if (bos != "auto" && bos != "yes" && bos != "no")
        throw ConfigError("bos", "'" + bos + "' is not auto, yes or no");
}

int taskShots(const std::string& task, const TaskProtocol& protocol)
{
    const TaskInfo& info = findTask(task);
    const int shots = protocol.shots < 0 ? info.defaultShots : protocol.shots;
    if (shots > info.maxShots)
        throw ConfigError("shots", info.maxShots == 0
                                       ? task + " is scored zero-shot here: no few-shot split of it is staged"
                                       : task + " has " + std::to_string(info.maxShots) +
                                             " few-shot examples per subject; asked for " +
                                             std::to_string(shots));
    return shots;
}

std::vector<McQuestion> loadTask(const std::string& task, const TaskProtocol& protocol,
                                 const TaskFiles& files)
{
    protocol.validate();
    const TaskInfo& info = findTask(task);
    const int shots = taskShots(task, protocol);
    const std::string path = files.path(task);
    if (!fs::exists(path))
        throw InputError(path, "",
                         "does not exist (the " + info.title + " data" +
                             (task == "hellaswag" ? "; give its file with --task-file "
                                                    "hellaswag=PATH/hellaswag_val.jsonl"
                                                  : "") +
                             ")");
    if (task == "arc_easy" || task == "arc_challenge") return loadArcLike(path, false, protocol.limit);
    if (task == "openbookqa") return loadArcLike(path, true, protocol.limit);
    if (task == "piqa") return loadPiqa(path, protocol.limit);
    if (task == "winogrande") return loadWinogrande(path, protocol.limit);
    if (task == "boolq") return loadBoolq(path, protocol.limit);
    if (task == "hellaswag") return loadHellaswag(path, protocol.limit);
    return loadMmlu(path, shots, protocol.limit);
}

// ---- readers ----

std::vector<CsvRow> parseCsv(const std::string& text, const std::string& file)
{
    std::vector<CsvRow> rows;
    size_t i = 0;
    int64_t line = 1;
    const size_t n = text.size();
    while (i < n) {
        CsvRow row;
        row.line = line;
        std::string field;
        bool endOfRecord = false;
        while (!endOfRecord) {
            field.clear();
            if (i < n && text[i] == '"') {
                const int64_t openedAt = line;
                ++i;
                while (true) {
                    if (i >= n)
                        throw InputError(file, lineField(openedAt),
                                         "a quoted field is not closed before the end of the file");
                    if (text[i] == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (text[i] == '\n') ++line;
                    field += text[i++];
                }
                if (i < n && text[i] != ',' && text[i] != '\n' &&
                    !(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') &&
                    !(text[i] == '\r' && i + 1 == n))
                    throw InputError(file, lineField(line), "text after the closing quote of a field");
            } else {
                while (i < n && text[i] != ',' && text[i] != '\n' &&
                       !(text[i] == '\r' && (i + 1 == n || text[i + 1] == '\n')))
                    field += text[i++];
            }
            row.fields.push_back(field);
            if (i < n && text[i] == ',') {
                ++i;
                continue;
            }
            if (i < n && text[i] == '\r') ++i;
            if (i < n && text[i] == '\n') {
                ++i;
                ++line;
            }
            endOfRecord = true;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<CsvRow> readCsv(const std::string& path)
{
    return parseCsv(readTextFile(path), path);
}

namespace {

// Lines of a text file without their LF / CRLF ends, numbered from 1; a missing final newline is fine.
std::vector<std::string> splitLines(const std::string& text)
{
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string l = text.substr(start, end - start);
        if (!l.empty() && l.back() == '\r') l.pop_back();
        lines.push_back(std::move(l));
        start = end + 1;
    }
    return lines;
}

} // namespace

std::vector<JsonlRow> readJsonl(const std::string& path)
{
    const auto lines = splitLines(readTextFile(path));
    if (lines.empty()) throw InputError(path, "", "is empty");
    std::vector<JsonlRow> rows;
    for (size_t i = 0; i < lines.size(); ++i) {
        const int64_t line = int64_t(i) + 1;
        if (pyStrip(lines[i]).empty()) throw InputError(path, lineField(line), "is empty");
        JsonlRow row{line, {}};
        try {
            row.value = nlohmann::json::parse(lines[i]);
        } catch (const nlohmann::json::exception& e) {
            throw InputError(path, lineField(line),
                             std::string("is not JSON (a truncated file?): ") + e.what());
        }
        if (!row.value.is_object()) throw InputError(path, lineField(line), "is not a JSON object");
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<std::pair<int64_t, std::string>> readLabels(const std::string& path)
{
    const auto lines = splitLines(readTextFile(path));
    std::vector<std::pair<int64_t, std::string>> out;
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string label = pyStrip(lines[i]);
        if (label.empty()) throw InputError(path, lineField(int64_t(i) + 1), "is empty (one label per line)");
        out.emplace_back(int64_t(i) + 1, label);
    }
    return out;
}

// ---- text helpers ----

std::string pyRstrip(const std::string& s)
{
    size_t end = s.size();
    while (end > 0) {
        size_t start = end - 1;
        while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
            --start;
        size_t len = 0;
        if (!pySpace(decodeAt(s, start, len))) break;
        end = start;
    }
    return s.substr(0, end);
}

std::string pyStrip(const std::string& s)
{
    return pyRstrip(s.substr(leadingSpaceBytes(s)));
}

int64_t utf8Length(const std::string& s)
{
    int64_t n = 0;
    for (const char c : s)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

std::string hellaswagPreprocess(const std::string& text)
{
    std::string s = replaceAll(pyStrip(text), " [title]", ". ");
    // re.sub("\\[.*?\\]", "", s): '.' does not match a newline.
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '[') {
            const size_t close = s.find(']', i + 1);
            const size_t newline = s.find('\n', i + 1);
            if (close != std::string::npos && (newline == std::string::npos || close < newline)) {
                i = close;
                continue;
            }
        }
        out += s[i];
    }
    return replaceAll(out, "  ", " ");
}

namespace {

// _encode_pair over any encode(text, bos) function.
template <typename Encode>
TokenPair encodePairWith(Encode&& encode, int32_t bosId, const std::string& context,
                         const std::string& continuation, bool bos, const std::string& where)
{
    TokenPair p;
    if (context.empty()) {
        // loglikelihood(): an empty context is the prefix token (BOS) alone.
        p.continuation = encode(continuation, false);
        if (bosId < 0) throw InputError(where, "", "an empty context needs a BOS token; the model has none");
        p.context = {bosId};
    } else {
        const std::string ctx = pyRstrip(context);
        const std::string cont = context.substr(ctx.size()) + continuation;
        const auto whole = encode(ctx + cont, bos);
        p.context = encode(ctx, bos);
        const size_t n = std::min(p.context.size(), whole.size());
        p.continuation.assign(whole.begin() + std::ptrdiff_t(n), whole.end());
    }
    if (p.continuation.empty())
        throw InputError(where, "", "the continuation '" + continuation + "' encodes to no tokens");
    return p;
}

} // namespace

TokenPair encodePair(const Tokenizer& tok, const std::string& context, const std::string& continuation,
                     bool bos, const std::string& where)
{
    return encodePairWith([&](const std::string& t, bool b) { return tok.encode(t, b); }, tok.bosId(),
                          context, continuation, bos, where);
}

TaskEncoder::TaskEncoder(const Tokenizer& tokenizer) : m_tok(tokenizer)
{
    if (tokenizer.kind() != "sentencepiece-bpe") return;
    const TokenizerVocabulary v = tokenizer.vocabulary();
    if (!v.addDummyPrefix) return;
    const std::string space = "\xE2\x96\x81"; // U+2581
    int bytes = 0;
    for (size_t i = 0; i < v.pieces.size(); ++i) {
        const int32_t type = i < v.types.size() ? v.types[i] : 1;
        if (type == 6) ++bytes;
        if (type != 1 && type != 4) continue;
        const std::string& p = v.pieces[i];
        bool allSpace = p.size() % space.size() == 0;
        for (size_t k = 0; allSpace && k < p.size(); k += space.size())
            allSpace = p.compare(k, space.size(), space) == 0;
        if (!allSpace && p.find(space, 1) != std::string::npos) return;
    }
    m_wordwise = bytes == 256;
}

std::vector<int32_t> TaskEncoder::encode(const std::string& text, bool bos)
{
    if (!m_wordwise || text.empty() || text.front() == ' ' || text.back() == ' ' ||
        text.find("  ") != std::string::npos)
        return m_tok.encode(text, bos);
    std::vector<int32_t> out;
    if (bos && m_tok.bosId() >= 0) out.push_back(m_tok.bosId());
    for (size_t start = 0; start <= text.size();) {
        size_t end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        const std::string_view word(text.data() + start, end - start);
        auto it = m_words.find(word);
        if (it == m_words.end()) it = m_words.emplace(std::string(word), m_tok.encode(word, false)).first;
        out.insert(out.end(), it->second.begin(), it->second.end());
        start = end + 1;
    }
    return out;
}

TokenPair TaskEncoder::encodePair(const std::string& context, const std::string& continuation, bool bos,
                                  const std::string& where)
{
    return encodePairWith([&](const std::string& t, bool b) { return encode(t, b); }, m_tok.bosId(), context,
                          continuation, bos, where);
}

} // namespace qat

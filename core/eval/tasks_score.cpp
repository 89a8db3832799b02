// Log-likelihood scoring of (context, continuation) token pairs on a LlamaModel, and the task runner.
// Only the continuation positions go through the LM head, so a long few-shot prompt costs one [T, hidden]
// pass and a few vocabulary rows, not [T, vocab] logits.

#include "qatbench/device.h"
#include "qatbench/error.h"
#include "qatbench/model.h"
#include "qatbench_sdk/tasks.h"

#include "qatbench_sdk/torch.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;

namespace qat {

namespace {

struct Sequence
{
    std::vector<int32_t> ids;   // the model input
    std::vector<int64_t> pairs; // pairs scored on this input
};

} // namespace

std::vector<double> scoreLoglikelihoods(const LlamaModel& model, const std::vector<TokenPair>& pairs,
                                        int64_t maxLength, const ForwardOptions& forward, int64_t batch,
                                        const std::function<bool(int64_t, int64_t)>& progress,
                                        ScoreStats* stats)
{
    if (batch < 1) throw ConfigError("batch", "must be >= 1");
    if (maxLength < 2) throw ConfigError("max_length", "must be >= 2");
    ScoreStats local;
    ScoreStats& st = stats ? *stats : local;
    st.truncated.assign(pairs.size(), 0);
    // Distinct inputs: pairs whose (context + continuation)[:-1] agree share a forward (MMLU's " A".." D").
    std::vector<Sequence> seqs;
    std::map<std::vector<int32_t>, size_t> index;
    for (size_t i = 0; i < pairs.size(); ++i) {
        const auto& p = pairs[i];
        if (p.context.empty() || p.continuation.empty())
            throw Error("scoreLoglikelihoods: pair " + std::to_string(i) +
                        " has an empty context or continuation");
        if (int64_t(p.continuation.size()) > maxLength)
            throw ConfigError("max_length", "a continuation of " + std::to_string(p.continuation.size()) +
                                                " tokens does not fit in " + std::to_string(maxLength));
        std::vector<int32_t> all = p.context;
        all.insert(all.end(), p.continuation.begin(), p.continuation.end());
        if (int64_t(all.size()) > maxLength + 1) {
            all.erase(all.begin(), all.end() - (maxLength + 1));
            st.truncated[i] = 1;
        }
        all.pop_back();
        const auto [it, fresh] = index.emplace(std::move(all), seqs.size());
        if (fresh) seqs.push_back({it->first, {}});
        seqs[it->second].pairs.push_back(int64_t(i));
    }
    std::vector<size_t> order(seqs.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return seqs[a].ids.size() > seqs[b].ids.size(); });

    at::NoGradGuard noGrad;
    const at::Device device = model.weights().embed.device();
    const at::Tensor& lmHead = model.weights().lmHead;
    std::vector<double> lls(pairs.size(), 0.0);
    const int64_t tokenBudget = batch * 512; // keeps [B, T] attention work bounded for long prompts
    int64_t done = 0;
    st.forwards = int64_t(seqs.size());
    for (size_t b = 0; b < order.size();) {
        const int64_t T = int64_t(seqs[order[b]].ids.size());
        const int64_t rows =
            std::max<int64_t>(1, std::min<int64_t>(batch, tokenBudget / std::max<int64_t>(T, 1)));
        const size_t e = std::min(order.size(), b + size_t(rows));
        const int64_t B = int64_t(e - b);
        at::Tensor ids = at::zeros({B, T}, at::kLong);
        auto acc = ids.accessor<int64_t, 2>();
        std::vector<int64_t> rowIndex, targets;
        std::vector<std::pair<int64_t, int64_t>> spans; // per pair in this batch: (pair, scored positions)
        for (int64_t r = 0; r < B; ++r) {
            const Sequence& s = seqs[order[b + size_t(r)]];
            const int64_t len = int64_t(s.ids.size());
            for (int64_t t = 0; t < len; ++t)
                acc[r][t] = s.ids[size_t(t)];
            st.tokens += len;
            for (const int64_t pi : s.pairs) {
                const auto& cont = pairs[size_t(pi)].continuation;
                const int64_t c = int64_t(cont.size());
                for (int64_t j = 0; j < c; ++j) {
                    rowIndex.push_back(r * T + len - c + j);
                    targets.push_back(cont[size_t(j)]);
                }
                spans.emplace_back(pi, c);
            }
        }
        at::Tensor hidden = model.hidden(ids.to(device), forward).reshape({B * T, -1});
        at::Tensor rowsT = at::tensor(rowIndex, at::kLong).to(device);
        at::Tensor logits = at::linear(hidden.index_select(0, rowsT), lmHead).to(at::kFloat);
        at::Tensor logp = at::log_softmax(logits, -1)
                              .gather(1, at::tensor(targets, at::kLong).to(device).unsqueeze(1))
                              .squeeze(1)
                              .to(at::kDouble)
                              .cpu();
        const double* lp = logp.data_ptr<double>();
        int64_t k = 0;
        for (const auto& [pi, c] : spans) {
            double sum = 0;
            for (int64_t j = 0; j < c; ++j)
                sum += lp[k++];
            lls[size_t(pi)] = sum;
        }
        done += int64_t(spans.size());
        b = e;
        if (progress && !progress(done, int64_t(pairs.size()))) throw Cancelled();
    }
    return lls;
}

bool taskUsesBos(const TaskProtocol& protocol, const Tokenizer& tokenizer)
{
    if (protocol.bos == "no" || tokenizer.bosId() < 0) return false;
    if (protocol.bos == "yes") return true;
    const fs::path config = fs::path(tokenizer.file()).parent_path() / "tokenizer_config.json";
    if (!fs::exists(config)) return true;
    std::ifstream in(config);
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object() && j.contains("add_bos_token") && j["add_bos_token"].is_boolean())
        return j["add_bos_token"].get<bool>();
    return true;
}

TaskResult runTask(const LlamaModel& model, const Tokenizer& tokenizer, const std::string& task,
                   const TaskProtocol& protocol, const TaskFiles& files, const ForwardOptions& forward,
                   int64_t batch, const ProgressFn& progress, std::vector<TokenPair>* pairsOut)
{
    const auto start = std::chrono::steady_clock::now();
    const std::vector<McQuestion> questions = loadTask(task, protocol, files);
    const bool bos = taskUsesBos(protocol, tokenizer);
    const int64_t maxLength = protocol.maxLength > 0            ? protocol.maxLength
                              : model.config().maxPositions > 0 ? model.config().maxPositions
                                                                : 2048; // the harness's default
    std::vector<TokenPair> pairs;
    TaskEncoder encoder(tokenizer);
    for (const auto& q : questions)
        for (const auto& c : q.choices)
            pairs.push_back(encoder.encodePair(c.context, c.continuation, bos, q.source));
    ScoreStats stats;
    ProgressClock clock;
    const std::string phase = "tasks " + task;
    auto report = [&](int64_t done, int64_t total) {
        return !progress || progress(clock.make(phase, done, total, "requests"));
    };
    const auto lls = scoreLoglikelihoods(model, pairs, maxLength, forward, batch, report, &stats);
    std::vector<std::vector<double>> perQuestion;
    std::vector<char> truncated;
    size_t k = 0;
    for (const auto& q : questions) {
        perQuestion.emplace_back(lls.begin() + std::ptrdiff_t(k),
                                 lls.begin() + std::ptrdiff_t(k + q.choices.size()));
        char t = 0;
        for (size_t c = 0; c < q.choices.size(); ++c)
            t |= stats.truncated[k + c];
        truncated.push_back(t);
        k += q.choices.size();
    }
    TaskResult r = scoreTask(task, questions, perQuestion);
    for (size_t i = 0; i < truncated.size(); ++i) {
        r.perQuestion[i].truncated = truncated[i];
        r.truncated += truncated[i];
    }
    r.shots = taskShots(task, protocol);
    r.requests = int64_t(pairs.size());
    r.forwards = stats.forwards;
    r.protocol = protocol;
    r.maxLength = maxLength;
    r.bos = bos;
    r.dataFile = files.path(task);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.questionsPerSecond = r.seconds > 0 ? double(r.questions) / r.seconds : 0;
    if (pairsOut) *pairsOut = std::move(pairs);
    return r;
}

static at::ScalarType taskDType(const std::string& dtype)
{
    if (dtype == "float32" || dtype == "fp32") return at::kFloat;
    if (dtype == "bfloat16" || dtype == "bf16") return at::kBFloat16;
    throw ConfigError("dtype", "'" + dtype + "' is not a compute dtype (float32 or bfloat16)");
}

std::vector<TaskResult> evaluateTasks(const std::string& modelDir, const std::vector<std::string>& tasks,
                                      const TaskProtocol& protocol, const TaskOptions& options)
{
    protocol.validate();
    if (tasks.empty()) throw ConfigError("tasks", "no task given");
    for (const auto& t : tasks) {
        taskShots(t, protocol); // unknown names and impossible shots fail before the model loads
        const std::string path = options.files.path(t);
        if (!fs::exists(path)) loadTask(t, protocol, options.files); // names the missing file
    }
    const ModelConfig config = loadModelConfig(modelDir);
    const Tokenizer tok = Tokenizer::load(modelDir);
    checkTokenizerFitsModel(tok, config.vocabSize, modelDir);
    const at::Device device(checkDevice(options.device));
    LlamaModel model = LlamaModel::load(modelDir, {device, taskDType(options.dtype)});
    std::ofstream requests;
    if (!options.requestsFile.empty()) {
        requests.open(options.requestsFile);
        if (!requests) throw InputError(options.requestsFile, "", "cannot be written");
    }
    std::vector<TaskResult> out;
    for (const auto& t : tasks) {
        std::vector<TokenPair> pairs;
        TaskResult r = runTask(model, tok, t, protocol, options.files, {}, options.batch, options.progress,
                               requests.is_open() ? &pairs : nullptr);
        size_t k = 0;
        for (size_t q = 0; q < r.perQuestion.size() && requests.is_open(); ++q)
            for (size_t c = 0; c < r.perQuestion[q].loglikelihoods.size(); ++c, ++k)
                requests << nlohmann::json{{"task", t},
                                           {"question", q},
                                           {"choice", c},
                                           {"context", pairs[k].context},
                                           {"continuation", pairs[k].continuation},
                                           {"ll", r.perQuestion[q].loglikelihoods[c]},
                                           {"question_truncated", r.perQuestion[q].truncated},
                                           {"max_length", r.maxLength}}
                                .dump()
                         << "\n";
        r.model = modelDir;
        r.device = options.device;
        r.dtype = options.dtype;
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace qat

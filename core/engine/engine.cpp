// runExperiment: config -> run in the store; loads the model and data, runs the method, evaluates, marks the
// run. Every failure ends as a recorded run status with a message that says what to change.
#include "qatbench/engine.h"

#include "engine/deploy_step.h"
#include "engine/sink.h"
#include "qatbench/device.h"
#include "qatbench/distributed.h"
#include "qatbench/error.h"
#include "qatbench/eval.h"
#include "qatbench/experiment.h"
#include "qatbench/files.h"
#include "qatbench/tokenizer.h"
#include "qatbench_sdk/eval.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/tasks.h"
#include "qatbench_sdk/trainer.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <new>
#include <optional>
#include <thread>

namespace qat {

namespace fs = std::filesystem;
using engine::EngineSink;

int EngineResult::exitCode() const
{
    if (status == RunStatus::Completed) return 0;
    if (status == RunStatus::Cancelled) return 3;
    return runId == 0 ? 2 : 1;
}

std::string modelFingerprint(const std::string& modelDir)
{
    // Every byte of the weights and the config (a resume must notice a changed model, issue 12), eight bytes
    // at a time: a 13 GB model costs a few seconds, next to its load.
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(modelDir, ec))
        if (e.path().extension() == ".safetensors" || e.path().filename() == "config.json")
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    if (files.empty() || (files.size() == 1 && files[0].filename() == "config.json")) return "";
    uint64_t h = 1469598103934665603ull;
    auto mixWord = [&](uint64_t w) { h = (h ^ w) * 1099511628211ull; };
    std::vector<char> buf(1 << 20);
    for (const auto& f : files) {
        const std::string name = f.filename().string();
        for (const unsigned char c : name)
            mixWord(c);
        mixWord(fs::file_size(f, ec));
        std::ifstream in(f, std::ios::binary);
        while (in) {
            in.read(buf.data(), std::streamsize(buf.size()));
            const size_t n = size_t(in.gcount());
            size_t i = 0;
            for (; i + 8 <= n; i += 8) {
                uint64_t w;
                std::memcpy(&w, buf.data() + i, 8);
                mixWord(w);
            }
            for (; i < n; ++i)
                mixWord(uint8_t(buf[i]));
        }
    }
    char hex[20];
    std::snprintf(hex, sizeof hex, "v2:%016llx", (unsigned long long)h);
    return hex;
}

namespace {

struct Prepared
{
    nlohmann::json doc; // the document as stored: the run's identity hashes it
    Experiment exp;     // read from doc; validated with the files in loadInputs
    int64_t runId = 0;
    std::string workDir;
    std::string modelHash;
    bool resume = false;
};

// Refreshes the run's heartbeat from its own connection, so a long step or a pause never looks like death.
class Heartbeat
{
public:
    Heartbeat(const std::string& dbPath, int64_t runId, double seconds)
        : m_thread([this, dbPath, runId, seconds] { loop(dbPath, runId, seconds); })
    {}
    ~Heartbeat()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }

private:
    void loop(const std::string& dbPath, int64_t runId, double seconds)
    {
        std::unique_ptr<RunStore> store;
        std::unique_lock lock(m_mutex);
        while (!m_cv.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return m_stop; })) {
            try {
                if (!store) store = std::make_unique<RunStore>(dbPath, StoreOptions{.markDeadRuns = false});
                store->heartbeat(runId);
            } catch (const std::exception&) {
                // A busy database delays one heartbeat; the next one catches up.
            }
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::thread m_thread;
};

// <db folder>/work/<store id>/run-<id>: unique per store and run, since ids are never given out twice.
std::string defaultWorkDir(const RunStore& store, int64_t runId)
{
    fs::path parent = fs::absolute(store.path()).parent_path();
    return (parent / "work" / store.storeId().substr(0, 12) / ("run-" + std::to_string(runId))).string();
}

// Whether the folder holds anything. The temporary file of a run identity that was being written when the
// process was killed does not count: the identity is the first thing a run writes, so such a folder holds
// nothing of any run (found by the kill loop: a kill at that moment made --restart refuse the run's own
// folder).
bool isNonEmptyDir(const std::string& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return false;
    const std::string leftover = fs::path(runIdentityPath(dir)).filename().string() + ".tmp";
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().filename() != leftover) return true;
    return false;
}

nlohmann::json runIdentity(const RunStore& store, int64_t runId, const nlohmann::json& exp,
                           const std::string& modelHash)
{
    return {{"store", store.storeId()},
            {"db", fs::absolute(store.path()).string()},
            {"run", runId},
            {"experiment_hash", experimentHash(exp)},
            {"model", modelHash}};
}

// Why `identity` (from a work folder or a checkpoint) is not the run's; "" when it is.
std::string identityMismatch(const nlohmann::json& identity, const nlohmann::json& expected)
{
    for (const char* key : {"store", "run", "experiment_hash"})
        if (identity.value(key, nlohmann::json()) != expected[key])
            return std::string(key) + " " + identity.value(key, nlohmann::json()).dump() + " where run " +
                   expected["run"].dump() + " of " + expected["db"].get<std::string>() + " has " +
                   expected[key].dump();
    return "";
}

// Refuses to continue a run from anything that is not provably its own last checkpoint (issue 12): a run with
// no checkpoint, a vanished checkpoint, a folder or checkpoint of another run or store, a changed experiment
// or a changed model. Each refusal says how to start over.
void checkResumable(const RunInfo& run, RunStore& store, const std::string& workDir,
                    const nlohmann::json& exp)
{
    const std::string id = std::to_string(run.id);
    const std::string restart = "; to start run " + id +
                                " again from step 1 use `qatbench-cli run --resume " + id +
                                " --restart` (it clears the run's stored steps)";
    std::optional<Artifact> last;
    for (auto& a : store.artifacts(run.id))
        if (a.kind == "checkpoint") last = a;
    if (!last)
        throw ConfigError("--resume", "run " + id +
                                          " has no checkpoint to continue from (it ended before its " +
                                          "first checkpoint)" + restart);
    std::error_code ec;
    if (!fs::exists(last->path, ec))
        throw InputError(last->path, "",
                         "the checkpoint of run " + id + " (step " + std::to_string(last->step) +
                             ") is missing" + restart);
    const nlohmann::json expected = runIdentity(store, run.id, exp, run.modelHash);
    const nlohmann::json ident = readRunIdentity(workDir);
    if (ident.is_null())
        throw InputError(runIdentityPath(workDir), "",
                         "missing: nothing proves that " + workDir + " belongs to run " + id + restart);
    if (const std::string why = identityMismatch(ident, expected); !why.empty())
        throw InputError(runIdentityPath(workDir), "", "the folder belongs to another run: " + why + restart);
    if (hasCheckpoint(workDir)) {
        const CheckpointState st = peekCheckpoint(workDir);
        if (st.identity.is_null())
            throw InputError(checkpointPath(workDir), "identity",
                             "missing: the checkpoint does not say which run wrote it" + restart);
        if (const std::string why = identityMismatch(st.identity, expected); !why.empty())
            throw InputError(checkpointPath(workDir), "identity",
                             "the checkpoint belongs to another run: " + why + restart);
    }
    if (run.modelHash.rfind("v2:", 0) == 0) {
        const std::string now = modelFingerprint(run.modelPath);
        if (now != run.modelHash)
            throw InputError(run.modelPath, "model.path",
                             "the model changed since run " + id + " started (fingerprint " + run.modelHash +
                                 ", now " + (now.empty() ? "no weights" : now) +
                                 "): resuming would train a different model. Restore it, or start a new run");
    }
}

Prepared prepareResume(const EngineOptions& opt, RunStore& store)
{
    const auto run = store.run(opt.resumeRunId);
    if (!run)
        throw ConfigError("--resume", "no run " + std::to_string(opt.resumeRunId) + " in " + store.path() +
                                          " (see `qatbench-cli runs list`)");
    if (run->status == RunStatus::Completed)
        throw ConfigError("--resume", "run " + std::to_string(run->id) + " is already completed");
    if (isActive(run->status))
        throw ConfigError("--resume", "run " + std::to_string(run->id) + " is still " +
                                          runStatusName(run->status) + " (pid " + std::to_string(run->pid) +
                                          " on " + run->host + "); stop it first");
    Prepared p;
    p.doc = nlohmann::json::parse(run->config, nullptr, false);
    if (p.doc.is_discarded())
        throw ConfigError("--resume",
                          "the stored config of run " + std::to_string(run->id) + " is not valid JSON");
    p.exp = Experiment(p.doc);
    p.runId = run->id;
    p.workDir = run->workDir.empty() ? defaultWorkDir(store, run->id) : run->workDir;
    p.modelHash = run->modelHash;
    if (!opt.restart) {
        checkResumable(*run, store, p.workDir, p.doc);
        p.resume = true;
        return p;
    }
    // --restart: the run starts again from step 1 in its own folder; what it stored before is forgotten.
    const nlohmann::json ident = readRunIdentity(p.workDir);
    if (isNonEmptyDir(p.workDir) &&
        (ident.is_null() ||
         !identityMismatch(ident, runIdentity(store, run->id, p.doc, run->modelHash)).empty()))
        throw InputError(p.workDir, "",
                         "--restart: the folder is not empty and does not belong to run " +
                             std::to_string(run->id) + "; move it away first");
    // The identity goes last, so that a restart killed halfway leaves a folder that still proves it is ours.
    bool removed = true;
    std::error_code ec;
    if (fs::is_directory(p.workDir, ec))
        for (const auto& e : fs::directory_iterator(p.workDir, ec))
            if (e.path().filename() != "run-identity.json")
                removed = removeTree(e.path().string()) && removed;
    if (!removed || !removeTree(p.workDir))
        throw InputError(p.workDir, "", "--restart: cannot remove the run's old folder (permissions?)");
    store.clearRunData(run->id);
    p.modelHash = modelFingerprint(run->modelPath);
    return p;
}

Prepared prepareNew(const EngineOptions& opt, RunStore& store)
{
    Prepared p;
    p.doc = opt.experiment;
    // Files are checked inside the run: a missing file then fails a recorded run with its message.
    p.exp = requireValidExperiment(p.doc, ExperimentCheck{.checkFiles = false});
    p.doc = toJson(p.exp); // what the store keeps (the validated document)
    if (!opt.workDir.empty() && isNonEmptyDir(opt.workDir))
        throw ConfigError("--work-dir", opt.workDir + " is not empty: a new run never starts in a used " +
                                            "folder (its files could be taken for the run's own); choose " +
                                            "another or remove it");
    NewRun nr;
    nr.experiment = p.exp.name;
    nr.method = p.exp.method.name;
    nr.modelPath = p.exp.model.path;
    nr.modelHash = modelFingerprint(nr.modelPath);
    nr.totalSteps = p.exp.training.steps;
    nr.status = RunStatus::Queued;
    nr.config = p.doc.dump();
    p.runId = store.createRun(nr);
    p.workDir = opt.workDir.empty() ? defaultWorkDir(store, p.runId) : opt.workDir;
    p.modelHash = nr.modelHash;
    store.setWorkDir(p.runId, p.workDir);
    if (isNonEmptyDir(p.workDir)) {
        store.setStatus(p.runId, RunStatus::Failed, "work folder " + p.workDir + " is not empty");
        throw ConfigError("--work-dir", p.workDir + " is not empty: a new run never starts in a used folder");
    }
    return p;
}

std::string resolveDevice(const std::string& requested)
{
    if (requested == "auto") return dist::rankDevice(torch::cuda::is_available() ? "cuda:0" : "cpu");
    return dist::rankDevice(checkDevice(requested)); // --gpus N: rank r on cuda:r
}

std::vector<int64_t> tokenizeFile(const Tokenizer& tok, const std::string& path, bool addBos,
                                  int64_t tokens = 0)
{
    const auto ids = encodeTextFile(tok, path, addBos, tokens);
    return std::vector<int64_t>(ids.begin(), ids.end());
}

// The evaluation protocol a run uses: data.eval_seq_len windows, bos-window when data.window_bos, else
// stream.
PerplexityProtocol evalProtocol(const Experiment& exp)
{
    PerplexityProtocol p;
    p.name = exp.data.windowBos ? "bos-window" : "stream";
    p.seqLen = exp.data.evalSeqLen;
    p.maxWindows = exp.data.evalMaxWindows;
    return p;
}

struct Loaded
{
    std::string device;
    LlamaModel model;
    TokenData data;
    Tokenizer tokenizer;
};

// Validates the document again, now with the files (a vanished file is named here), into exp. Sink:
// EngineSink, or a data-parallel follower's FollowerSink.
template <class Sink> Loaded loadInputs(nlohmann::json& doc, Experiment& exp, Sink& sink, int threads)
{
    sink.phase("loading");
    exp = requireValidExperiment(doc);
    const std::string device = resolveDevice(exp.device);
    if (device == "cpu") configureThreads(threads);
    LoadOptions lo;
    lo.device = at::Device(device);
    lo.dtype = exp.dtype == "bfloat16" ? at::kBFloat16 : at::kFloat;
    const std::string& modelPath = exp.model.path;
    const double loadStart = engine::nowSeconds();
    LlamaModel model = LlamaModel::load(modelPath, lo);
    sink.perf("perf/load_s", 0, engine::nowSeconds() - loadStart, "phase=loading");
    throwIfIssues(validateAgainstModel(exp, model.config()));
    for (const auto& t : model.ignoredTensors())
        sink.message("warning",
                     "tensor " + t + " in " + modelPath + " is not part of a LLaMA model; ignored");

    sink.phase("tokenizing");
    const DataSettings& d = exp.data;
    const Tokenizer tok = Tokenizer::load(modelPath);
    checkTokenizerFitsModel(tok, model.config().vocabSize, modelPath);
    const int64_t evalTokens = evalProtocol(exp).textTokensNeeded(); // only what eval_max_windows uses
    TokenData data;
    const bool windowBos = d.windowBos;
    if (windowBos) {
        if (tok.bosId() < 0)
            throw ConfigError("data.window_bos", "the tokenizer of " + modelPath + " has no BOS token");
        data.bos = tok.bosId();
    }
    data.train = tokenizeFile(tok, d.train, !windowBos);
    if (!d.calibration.empty() && d.calibration != d.train)
        data.calib = tokenizeFile(tok, d.calibration, !windowBos);
    if (windowBos) {
        // The bos-window protocol's windows laid end to end: consecutive eval_seq_len slices are its windows.
        PerplexityProtocol p = evalProtocol(exp);
        p.maxWindows = 0; // all of them: evaluations take their first eval_max_windows
        const at::Tensor w = makeWindows(encodeTextFile(tok, d.eval, false, evalTokens), tok.bosId(), p)
                                 .reshape({-1})
                                 .contiguous();
        data.eval.assign(w.data_ptr<int64_t>(), w.data_ptr<int64_t>() + w.numel());
    } else {
        data.eval = tokenizeFile(tok, d.eval, true, evalTokens);
    }
    throwIfIssues(checkTokenCounts(exp, int64_t(data.train.size()), int64_t(data.eval.size()),
                                   data.calib.empty() ? -1 : int64_t(data.calib.size())));
    sink.message("info", "tokens: train " + std::to_string(data.train.size()) + ", eval " +
                             std::to_string(data.eval.size()) + " on " + device);
    return Loaded{device, std::move(model), std::move(data), tok};
}

// evaluation.tasks (issue 16, docs/EVAL.md): multiple-choice tasks on the model through the method's hook, on
// the final model (final: tasks_limit questions) or during training at the tasks_every steps
// (tasks_every_limit questions). Each task and metric is one eval result at step, with its protocol, and an
// info message. The scores during training are also points of the series task/<task>/acc and
// task/<task>/acc_norm, which the final scores continue when they are of the same questions. Scoring reads
// the model and writes nothing to it.
void scoreTasks(const Experiment& exp, Loaded& in, LinearHook* hook, int64_t step, bool final,
                EngineSink& sink, RunWriter& writer)
{
    if (!exp.evaluation || exp.evaluation->tasks.empty()) return;
    const EvaluationSettings& e = *exp.evaluation;
    const int64_t everyLimit = e.tasksEveryLimit > 0 ? e.tasksEveryLimit : e.tasksLimit;
    TaskProtocol protocol;
    protocol.limit = final ? e.tasksLimit : everyLimit;
    protocol.shots = int(e.tasksShots);
    const bool series = !final || (e.tasksEvery > 0 && everyLimit == e.tasksLimit);
    const TaskFiles files{e.tasksData, {}};
    const Tokenizer& tok = in.tokenizer; // loaded once, with the model
    for (const std::string& task : e.tasks) {
        ForwardOptions forward;
        forward.hook = hook;
        TaskResult r;
        try {
            r = runTask(in.model, tok, task, protocol, files, forward, 16,
                        [&](const Progress& p) { return sink.progress(p); });
        } catch (const Cancelled&) {
            if (final) throw;
            // A stop during training: the train loop's next step sees it and writes its checkpoint.
            sink.message("info", "task scoring at step " + std::to_string(step) + " stopped");
            return;
        }
        const std::string json = r.toJson().dump();
        auto record = [&](const char* metric, double value) {
            writer.eval({.step = step,
                         .dataset = task,
                         .metric = metric,
                         .value = value,
                         .nll = 0,
                         .tokens = r.questions,
                         .protocol = json});
            if (series) sink.scalar("task/" + task + "/" + metric, step, value);
        };
        record("acc", r.acc);
        if (r.hasAccNorm) record("acc_norm", r.accNorm);
        const std::string when = final ? "" : "step " + std::to_string(step) + ": ";
        char line[200];
        std::snprintf(line, sizeof line, "%s%s: acc %.4f +- %.4f over %lld questions (%d-shot, chance %.3f)",
                      when.c_str(), task.c_str(), r.acc, r.accStderr, (long long)r.questions, r.shots,
                      r.chance);
        sink.message("info", line);
    }
}

void finalEval(const Experiment& exp, Loaded& in, LinearHook* hook, EngineSink& sink, RunWriter& writer)
{
    const int64_t step = sink.lastStep(); // the steps of the last phase (phase() resets the count)
    sink.phase("eval");
    const std::string& evalFile = exp.data.eval;
    const PerplexityProtocol proto = evalProtocol(exp);
    sink.takePeakMemoryBytes(); // the evaluation's own peak, not training's
    const NllResult r = evaluateNll(in.model, in.data.eval, proto.seqLen, proto.maxWindows, hook, 8,
                                    [&](const Progress& p) { return sink.progress(p); });
    sink.perf("perf/peak_mem_bytes", step, double(sink.takePeakMemoryBytes()), "phase=eval");
    nlohmann::json protocol = proto.toJson();
    protocol["window_count"] = r.windows;
    protocol["file"] = evalFile;
    writer.eval({.step = step,
                 .dataset = fs::path(evalFile).filename().string(),
                 .metric = "ppl",
                 .value = r.ppl(),
                 .nll = r.meanNll,
                 .tokens = r.tokens,
                 .protocol = protocol.dump()});
    writer.scalar("eval/ppl", step, r.ppl(), "split=final");
    sink.emit(
        event::kEval,
        {{"step", step}, {"ppl", r.ppl()}, {"nll", r.meanNll}, {"tokens", r.tokens}, {"dataset", evalFile}});
    scoreTasks(exp, in, hook, step, /*final=*/true, sink, writer);
}

bool isOutOfMemory(const std::string& what)
{
    for (const char* s : {"out of memory", "not enough memory", "can't allocate memory", "bad_alloc",
                          "Tried to allocate", "OutOfMemory"})
        if (what.find(s) != std::string::npos) return true;
    return false;
}

struct Ending
{
    RunStatus status = RunStatus::Failed;
    std::string message;
    std::string hint;
};

// exp is nullptr when the run failed before its experiment was read.
std::string methodName(const Experiment* exp)
{
    return exp && !exp->method.name.empty() ? exp->method.name : "?";
}

std::string oomHint(const Experiment* exp, const std::string& device)
{
    const auto number = [&](int64_t v) { return exp ? std::to_string(v) : std::string("?"); };
    return "out of memory on " + device + " (data.batch_size " + number(exp ? exp->data.batchSize : 0) +
           ", data.seq_len " + number(exp ? exp->data.seqLen : 0) + ", dtype " + (exp ? exp->dtype : "?") +
           "): lower data.batch_size (raise data.grad_accum to keep the tokens per step) or data.seq_len, "
           "set "
           "training.gradient_checkpointing to true, or use dtype bfloat16";
}

// Turns whatever ended the run into its status, message and advice. Must be called inside a catch block.
Ending classifyCurrentException(const Experiment* exp, const std::string& device)
{
    try {
        throw;
    } catch (const dist::RankLost& e) {
        return {RunStatus::Interrupted, e.what(),
                "continue from the last checkpoint with `qatbench-cli run --resume` (any number of ranks)"};
    } catch (const engine::NonFiniteLoss& e) {
        return {
            RunStatus::Failed, e.what(),
            "the training diverged: lower the learning rate (method.options), keep training.grad_clip > 0, "
            "or check the training data (data.train) for broken text"};
    } catch (const Cancelled&) {
        return {RunStatus::Cancelled, "stopped by the user", ""};
    } catch (const ConfigError& e) {
        return {RunStatus::Failed, e.what(), "change " + e.field() + " in the experiment config"};
    } catch (const InputError& e) {
        return {RunStatus::Failed, e.what(),
                "check or restore the file " + e.file() + ", or point the config at another one"};
    } catch (const std::bad_alloc&) {
        return {RunStatus::Failed, "out of memory", oomHint(exp, device)};
    } catch (const c10::Error& e) {
        // LibTorch's what() carries a C++ backtrace; the user needs the first line.
        std::string what = e.what_without_backtrace();
        what = what.substr(0, what.find("\nException raised from"));
        if (isOutOfMemory(what))
            return {RunStatus::Failed, "out of memory: " + what.substr(0, what.find('\n')),
                    oomHint(exp, device)};
        return {
            RunStatus::Failed, "LibTorch error in method '" + methodName(exp) + "': " + what,
            "this is most likely a bug or an unsupported setting of the method; try other method options or "
            "report it with the experiment config"};
    } catch (const std::exception& e) {
        if (isOutOfMemory(e.what())) {
            std::string first = e.what();
            first = first.substr(0, first.find('\n'));
            return {RunStatus::Failed, "out of memory: " + first, oomHint(exp, device)};
        }
        const std::string what = e.what();
        if (what.find("diverged") != std::string::npos || what.find("NaN") != std::string::npos)
            return {RunStatus::Failed, what,
                    "lower the learning rates (method.options), keep training.grad_clip > 0, or check the "
                    "training data (data.train)"};
        return {RunStatus::Failed, what, ""};
    }
}

// A data-parallel follower's sink (rank > 0, docs/SCALE.md): it writes nothing; rank 0 reports and decides.
class FollowerSink final : public RunSink
{
public:
    void scalar(const std::string&, int64_t, double, const std::string&) override {}
    void histogram(const std::string&, int64_t, const at::Tensor&, const std::string&) override {}
    void phase(const std::string&) override {}
    void message(const std::string&, const std::string&) override {}
    void artifact(const std::string&, const std::string&) override {}
    bool progress(const Progress&) override { return true; }
    void perf(const std::string&, int64_t, double, const std::string&) {}
};

// Ranks > 0 of a data-parallel run: the run rank 0 prepared, the same inputs and method, no store, no events,
// no evaluation or export after the method (rank 0 does those alone). Errors go to stderr.
EngineResult runFollower(const EngineOptions& opt)
{
    EngineResult result;
    const std::string who = "rank " + std::to_string(dist::rankInfo().rank);
    try {
        nlohmann::json run = dist::receiveRun();
        if (run.contains("error")) {
            result.message = run["error"].get<std::string>(); // rank 0 reported it
            return result;
        }
        result.runId = run["run_id"].get<int64_t>();
        nlohmann::json doc = run["doc"];
        Experiment exp(doc);
        FollowerSink sink;
        Loaded in = loadInputs(doc, exp, sink, opt.threads);
        auto method = createMethod(exp.method.name);
        if (!method) throw ConfigError("method.name", "unknown method");
        RunContext ctx{
            exp, in.model, in.data, sink, run["work_dir"].get<std::string>(), run["resume"].get<bool>()};
        result.status = method->run(ctx) == RunOutcome::Stopped ? RunStatus::Cancelled : RunStatus::Completed;
    } catch (const std::exception& e) {
        result.status = RunStatus::Failed;
        result.message = e.what();
        std::fprintf(stderr, "qatbench-cli run: %s: %s\n", who.c_str(), e.what());
    }
    return result;
}

} // namespace

EngineResult runExperiment(const EngineOptions& opt, EngineControl& control)
{
    if (const char* s = std::getenv("QATBENCH_ENABLE_SELFTEST"); s && std::string(s) == "1")
        registerSelftestMethod();
    if (dist::isFollower()) return runFollower(opt);
    const std::string dbPath = opt.dbPath.empty() ? defaultDatabasePath() : opt.dbPath;
    RunStore store(dbPath);
    auto emit = [&](const std::string& name, nlohmann::json fields) {
        if (opt.onEvent) opt.onEvent(makeEvent(name, std::move(fields)));
    };

    EngineResult result;
    Prepared prep;
    try {
        prep = opt.resumeRunId > 0 ? prepareResume(opt, store) : prepareNew(opt, store);
    } catch (const std::exception& e) {
        const Ending end = classifyCurrentException(nullptr, "?");
        result.status = RunStatus::Failed;
        result.message = end.message;
        result.hint = end.hint;
        emit(event::kFailed, {{"message", end.message}, {"hint", end.hint}, {"run_id", nullptr}});
        dist::publishRun({{"error", end.message}}); // the other ranks of a data-parallel run end too
        return result;
    }
    // Data-parallel: the other ranks run what rank 0 prepared (no-op in one process).
    dist::publishRun(
        {{"doc", prep.doc}, {"work_dir", prep.workDir}, {"resume", prep.resume}, {"run_id", prep.runId}});
    result.runId = prep.runId;
    store.claim(prep.runId);
    store.setStatus(prep.runId, RunStatus::Running);
    // How many processes train it this time (docs/SCALE.md): not part of the experiment, whose hash and
    // checkpoints do not depend on it, so it is kept next to the flattened config, as this session's.
    const dist::RankInfo& ranks = dist::rankInfo();
    store.setParam(prep.runId, {"distributed.world_size", std::to_string(ranks.world), double(ranks.world)});
    store.setParam(prep.runId,
                   {"distributed.backend", nlohmann::json(dist::backendName(ranks.backend)).dump(), {}});
    Heartbeat heartbeat(dbPath, prep.runId, opt.heartbeatSeconds);
    RunWriter writer(store, prep.runId, opt.writer);

    const DataSettings& data = prep.exp.data;
    const int64_t tokensPerStep = data.batchSize * data.gradAccum * data.seqLen;
    std::string device = prep.exp.device;
    EngineSink sink(store, writer, control, opt, tokensPerStep, device);
    sink.setLogEvery(prep.exp.training.logEvery);
    emit(event::kStarted, {{"run_id", prep.runId},
                           {"method", prep.exp.method.name},
                           {"total_steps", prep.exp.training.steps},
                           {"db", fs::absolute(dbPath).string()},
                           {"work_dir", prep.workDir},
                           {"resumed", prep.resume},
                           {"experiment", prep.doc}});
    Ending end{RunStatus::Completed, "completed", ""};
    try {
        fs::create_directories(prep.workDir);
        if (!prep.resume)
            writeRunIdentity(prep.workDir, runIdentity(store, prep.runId, prep.doc, prep.modelHash));
        Loaded in = loadInputs(prep.doc, prep.exp, sink, opt.threads);
        device = in.device;
        auto method = createMethod(prep.exp.method.name);
        if (!method) throw ConfigError("method.name", "unknown method (see `qatbench-cli methods`)");
        RunContext ctx{prep.exp, in.model, in.data, sink, prep.workDir, prep.resume};
        const EvaluationSettings* tasks = prep.exp.evaluation ? &*prep.exp.evaluation : nullptr;
        int64_t scoredInTraining = 0;
        if (tasks && !tasks->tasks.empty() && tasks->tasksEvery > 0)
            ctx.scoreTasks = [&](int64_t step, LinearHook* hook) {
                ++scoredInTraining;
                scoreTasks(prep.exp, in, hook, step, /*final=*/false, sink, writer);
            };
        const RunOutcome outcome = method->run(ctx);
        if (ctx.scoreTasks && scoredInTraining == 0 && !prep.resume && outcome == RunOutcome::Completed &&
            prep.exp.training.steps > tasks->tasksEvery)
            sink.message("warning", "evaluation.tasks_every: method '" + prep.exp.method.name +
                                        "' scored no tasks during training (it trains no steps or does not "
                                        "call the method kit's reportEval); the final model is scored");
        if (outcome == RunOutcome::Stopped) {
            end = {RunStatus::Cancelled,
                   "stopped at step " + std::to_string(sink.lastStep()) +
                       " with a checkpoint; continue with `qatbench-cli run --resume " +
                       std::to_string(prep.runId) + "`",
                   ""};
        } else {
            finalEval(prep.exp, in, ctx.finalHook, sink, writer);
            runExportSection(prep.exp, store, prep.runId, prep.workDir, sink); // issue 14
        }
    } catch (...) {
        end = classifyCurrentException(&prep.exp, device);
    }
    try {
        writer.flush();
    } catch (const std::exception& e) {
        end = {RunStatus::Failed, std::string("could not write the last points: ") + e.what(),
               "free disk space"};
    }
    const std::string stored = end.hint.empty() ? end.message : end.message + "; " + end.hint;
    store.setStatus(prep.runId, end.status, end.status == RunStatus::Completed ? "" : stored);
    result.status = end.status;
    result.message = end.message;
    result.hint = end.hint;
    if (end.status == RunStatus::Failed)
        emit(event::kFailed, {{"message", end.message}, {"hint", end.hint}, {"run_id", prep.runId}});
    emit(event::kFinished,
         {{"status", runStatusName(end.status)}, {"message", end.message}, {"run_id", prep.runId}});
    return result;
}

} // namespace qat

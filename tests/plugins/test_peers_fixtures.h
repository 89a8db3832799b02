#pragma once
// Shared by the peer-method tests: an experiment on the tiny random LLaMA, a run that records everything,
// and the check that the exported model computes what the trained (fake-quantized) model computed.
#include "../core/test_train_fixtures.h"
#include "qat_test.h"

#include "qatbench_sdk/export.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/trainer.h"
#include "qatbench_plugins/builtin.h"

#include <atomic>
#include <filesystem>

namespace peers {

using nlohmann::json;

inline json experiment(const std::string& method, json options, int64_t steps)
{
    qat::registerBuiltinMethods();
    json e = {
        {"seed", 1},
        {"model", {{"path", "unused"}}},
        {"data", {{"train", "x"}, {"eval", "y"}, {"seq_len", 32}, {"batch_size", 8}, {"eval_seq_len", 64}}},
        {"method", {{"name", method}, {"options", options}}},
        {"training", {{"steps", steps}, {"warmup_steps", 2}, {"log_every", 1}, {"eval_every", 0}}}};
    auto issues = qat::validateExperiment(e, {false, true});
    if (!issues.empty()) QAT_FAIL_AT(issues[0].field + ": " + issues[0].message);
    return e;
}

inline const qat::TokenData& data()
{
    static const qat::TokenData d = [] {
        qat::TokenData t;
        t.train = qat::test::patternTokens(6000, 64, 1);
        t.eval = qat::test::patternTokens(1300, 64, 2);
        return t;
    }();
    return d;
}

struct Result
{
    qat::test::RecordingSink sink;
    double ppl = 0; // of the model the method left behind (what the engine evaluates)
    std::string workDir;
    qat::RunOutcome outcome = qat::RunOutcome::Completed;
};

inline std::string freshDir(const std::string& name)
{
    static std::atomic<int> n{0};
    const std::string d = qat::test::tempDir() + "/" + name + std::to_string(n++);
    qat::test::removeTree(d);
    return d;
}

// Runs a method on a fresh tiny model. workDir "" = no export/checkpoints.
inline Result run(const json& e, const std::string& workDir = "", bool resume = false, int64_t stopAt = -1)
{
    Result r;
    r.sink.stopAtProgress = stopAt;
    r.sink.stopInPhase = stopAt >= 0 ? "training" : "";
    auto model = qat::test::tinyModel(qat::test::tinyConfig());
    r.workDir = workDir;
    qat::RunContext ctx{e, model, data(), r.sink, r.workDir, resume};
    auto m = qat::createMethod(e["method"]["name"].get<std::string>());
    QAT_CHECK(m != nullptr);
    r.outcome = m->run(ctx);
    if (r.outcome != qat::RunOutcome::Completed) return r;
    QAT_CHECK(ctx.finalHook == nullptr);
    r.ppl = qat::evaluateNll(model, data().eval, 64).ppl();
    return r;
}

inline double first(const Result& r, const std::string& n)
{
    return r.sink.scalars.at(n).front().second;
}
inline double last(const Result& r, const std::string& n)
{
    return r.sink.scalars.at(n).back().second;
}

// The exported Hugging Face checkpoint has the perplexity of the model the method left (1e-4 relative), and
// the deployable file is smaller than the float32 weights. Returns the exported perplexity.
inline double checkExport(const Result& r, const std::string& method)
{
    const std::string hf = r.workDir + "/export/hf";
    QAT_CHECK_MSG(std::filesystem::exists(hf + "/config.json"), method);
    const std::string deploy = r.workDir + "/export/quantized.safetensors";
    QAT_CHECK_MSG(std::filesystem::exists(deploy), method);
    auto loaded = qat::LlamaModel::load(hf);
    const double ppl = qat::evaluateNll(loaded, data().eval, 64).ppl();
    QAT_CHECK_MSG(std::fabs(ppl - r.ppl) <= 1e-4 * r.ppl,
                  method + ": exported " + std::to_string(ppl) + " vs trained " + std::to_string(r.ppl));
    QAT_CHECK(std::filesystem::file_size(deploy) < std::filesystem::file_size(hf + "/model.safetensors"));
    return ppl;
}

inline double rtnPpl(int bits, int64_t group)
{
    return run(experiment("rtn", {{"bits", bits}, {"group_size", group}, {"init", "minmax"}}, 0)).ppl;
}

} // namespace peers

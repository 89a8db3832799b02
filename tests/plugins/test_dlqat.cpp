// The DL-QAT and RTN plugins end to end on a tiny random LLaMA: training lowers the loss, the ablation
// switches and calibration objectives work, histograms and the trainable fraction are reported, and the
// exported model computes what the fake-quantized model computed.
#include "../core/test_train_fixtures.h"
#include "qat_test.h"

#include "qatbench/quantizer.h"
#include "qatbench/safetensors.h"
#include "qatbench_plugins/builtin.h"
#include "qatbench_sdk/export.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/quantizer.h"
#include "qatbench_sdk/tensor_io.h"
#include "qatbench_sdk/trainer.h"

#include <filesystem>

namespace {

using nlohmann::json;

json experiment(const std::string& method, json options, int64_t steps)
{
    qat::registerBuiltinMethods();
    json e = {
        {"seed", 1},
        {"model", {{"path", "unused"}}},
        {"data", {{"train", "x"}, {"eval", "y"}, {"seq_len", 32}, {"batch_size", 8}, {"eval_seq_len", 64}}},
        {"method", {{"name", method}, {"options", options}}},
        {"training",
         {{"steps", steps},
          {"warmup_steps", 2},
          {"log_every", 1},
          {"eval_every", 10},
          {"histogram_every", 10}}}};
    auto issues = qat::validateExperiment(e, {false, true});
    if (!issues.empty()) QAT_FAIL_AT(issues[0].field + ": " + issues[0].message);
    return e;
}

qat::TokenData data()
{
    qat::TokenData d;
    d.train = qat::test::patternTokens(6000, 64, 1);
    d.eval = qat::test::patternTokens(1300, 64, 2);
    return d;
}

struct Result
{
    qat::test::RecordingSink sink;
    double ppl = 0;
    std::string workDir;
};

Result run(const json& e, bool exportToo = false)
{
    static const auto d = data();
    Result r;
    auto model = qat::test::tinyModel(qat::test::tinyConfig());
    r.workDir = exportToo ? qat::test::tempDir() + "/w" + std::to_string(rand()) : "";
    qat::RunContext ctx{e, model, d, r.sink, r.workDir, false};
    auto m = qat::createMethod(e["method"]["name"].get<std::string>());
    QAT_CHECK(m != nullptr);
    QAT_CHECK(m->run(ctx) == qat::RunOutcome::Completed);
    QAT_CHECK(ctx.finalHook == nullptr);
    r.ppl = qat::evaluateNll(model, d.eval, 64).ppl();
    return r;
}

double first(const Result& r, const std::string& n)
{
    return r.sink.scalars.at(n).front().second;
}
double last(const Result& r, const std::string& n)
{
    return r.sink.scalars.at(n).back().second;
}

} // namespace

QAT_TEST(dlqatTrainingLowersTheLossAndBeatsRtn)
{
    auto rtn = run(experiment("rtn", {{"bits", 3}, {"group_size", 16}}, 0));
    auto dl = run(experiment("dlqat",
                             {{"bits", 3},
                              {"group_size", 16},
                              {"rank", 4},
                              {"calib_steps", 20},
                              {"lr_m", 5e-3},
                              {"lr_lora", 5e-3},
                              {"init", "minmax0"}},
                             40));
    QAT_CHECK(last(dl, "calib/loss") < first(dl, "calib/loss"));
    QAT_CHECK(last(dl, "train/loss") < first(dl, "train/loss"));
    QAT_CHECK_MSG(dl.ppl < rtn.ppl, std::to_string(dl.ppl) + " vs RTN " + std::to_string(rtn.ppl));
    // reported: phases, the trainable fraction, histograms of m, s, the LoRA update and the codes, eval ppl
    QAT_CHECK(dl.sink.phases.size() == 2 && dl.sink.phases[0] == "calibration" &&
              dl.sink.phases[1] == "training");
    const double frac = first(dl, "train/trainable_fraction");
    QAT_CHECK(frac > 0 && frac < 0.5);
    for (const char* h : {"dlqat/m", "dlqat/scale", "dlqat/lora_update", "dlqat/codes"})
        QAT_CHECK_MSG(dl.sink.histograms.count(h), h);
    QAT_CHECK(dl.sink.scalars.count("eval/ppl"));
    QAT_CHECK_NEAR(last(dl, "eval/ppl"), dl.ppl, dl.ppl * 1e-4); // the final eval is the result
}

QAT_TEST(ablationsAndObjectivesRun)
{
    json base = {{"bits", 2}, {"group_size", 16}, {"rank", 2}, {"calib_steps", 5}};
    for (json extra : {json{{"train_m", false}}, json{{"train_lora", false}}, json{{"lora_in_grid", true}},
                       json{{"calib_objective", "distill"}}, json{{"calib_objective", "block_mse"}},
                       json{{"init", "search"}}, json{{"lora_init", "gaussian"}}}) {
        json o = base;
        o.update(extra);
        auto r = run(experiment("dlqat", o, 6));
        QAT_CHECK_MSG(std::isfinite(r.ppl), extra.dump());
        QAT_CHECK_MSG(last(r, "train/loss") < first(r, "train/loss") + 0.5, extra.dump());
    }
    // train_objective distill: the training loss is the KL to the full-precision model (>= 0, far below the
    // next-token cross-entropy of this model) and training lowers it.
    json kd = base;
    kd["train_objective"] = "distill";
    auto k = run(experiment("dlqat", kd, 30)), n = run(experiment("dlqat", base, 1));
    QAT_CHECK(first(k, "train/loss") >= 0 && first(k, "train/loss") < 0.5 * first(n, "train/loss"));
    const auto& kl = k.sink.scalars.at("train/loss"); // one point per step: the batches are noisy, so means
    QAT_CHECK_EQ(kl.size(), size_t(30));
    double early = 0, late = 0;
    for (size_t i = 0; i < 10; ++i) {
        early += kl[i].second / 10;
        late += kl[20 + i].second / 10;
    }
    QAT_CHECK_MSG(late < early, "KL " + std::to_string(early) + " -> " + std::to_string(late));
    // m only trains fewer parameters than m + LoRA
    json mo = base;
    mo["train_lora"] = false;
    auto a = run(experiment("dlqat", mo, 1)), b = run(experiment("dlqat", base, 1));
    QAT_CHECK(first(a, "train/trainable_fraction") < first(b, "train/trainable_fraction"));
}

QAT_TEST(noTrainingStepsEqualsCalibratedFakeQuant)
{
    // train_m and train_lora off ("calibration only"): the training steps are skipped, and the result is the
    // calibrated grid, as with training.steps 0.
    {
        json o = {{"bits", 2}, {"group_size", 16}, {"calib_steps", 4}};
        auto zero = run(experiment("dlqat", o, 0));
        o.update({{"train_m", false}, {"train_lora", false}});
        auto off = run(experiment("dlqat", o, 50));
        QAT_CHECK_NEAR(off.ppl, zero.ppl, zero.ppl * 1e-6);
        QAT_CHECK(!off.sink.scalars.count("train/loss"));
    }
    // 0 calibration and 0 training steps: W_hat = Q(W0) with min/max(0) init, i.e. RTN.
    auto rtn = run(experiment("rtn", {{"bits", 3}, {"group_size", 16}}, 0));
    auto dl = run(
        experiment("dlqat", {{"bits", 3}, {"group_size", 16}, {"calib_steps", 0}, {"init", "minmax0"}}, 0));
    QAT_CHECK_NEAR(dl.ppl, rtn.ppl, rtn.ppl * 1e-6);
}

QAT_TEST(exportedModelHasTheFakeQuantizedPerplexity)
{
    static const auto d = data();
    for (const char* method : {"dlqat", "rtn"}) {
        json o = {{"bits", 3}, {"group_size", 16}};
        if (std::string(method) == "dlqat")
            o.update({{"rank", 4}, {"calib_steps", 5}, {"lora_in_grid", false}});
        auto r = run(experiment(method, o, 8), true);
        const std::string hf = r.workDir + "/export/hf";
        QAT_CHECK(std::filesystem::exists(hf + "/config.json"));
        QAT_CHECK(std::filesystem::exists(r.workDir + "/export/quantized.safetensors"));
        auto loaded = qat::LlamaModel::load(hf);
        const double ppl = qat::evaluateNll(loaded, d.eval, 64).ppl();
        QAT_CHECK_MSG(std::fabs(ppl - r.ppl) <= 1e-4 * r.ppl, std::string(method) + ": exported " +
                                                                  std::to_string(ppl) + " vs " +
                                                                  std::to_string(r.ppl));
        // The deployable file is smaller than the float32 weights it replaces.
        const auto deploy = std::filesystem::file_size(r.workDir + "/export/quantized.safetensors");
        const auto full = std::filesystem::file_size(hf + "/model.safetensors");
        QAT_CHECK(deploy < full);
    }
}

QAT_TEST(calibratedZeroPointsStayInTheCodeRange)
{
    // A large zero-point step pushed z out of [0, 3] at W2 (stories260K, g4, lr_zero 1e-2 in 200 steps): the
    // training forward clamped every code of such a group while the deployable file wrapped z = -1 to 255,
    // and the exported model's perplexity went from 4.8 to thousands. z is now projected back each step.
    static const auto d = data();
    json o = {{"bits", 2}, {"group_size", 4}, {"rank", 4}, {"calib_steps", 12}, {"lr_zero", 0.5}};
    auto r = run(experiment("dlqat", o, 2), true);
    qat::SafetensorsFile f(r.workDir + "/export/quantized.safetensors");
    int64_t checked = 0;
    for (const auto& t : f.tensors())
        if (t.name.size() > 6 && t.name.compare(t.name.size() - 6, 6, ".zeros") == 0) {
            const std::string& name = t.name;
            const at::Tensor z = qat::readTensor(f, name).to(at::kInt);
            QAT_CHECK_MSG(z.min().item<int>() >= 0 && z.max().item<int>() <= 3, name);
            ++checked;
        }
    QAT_CHECK(checked > 0);
    auto loaded = qat::LlamaModel::load(r.workDir + "/export/hf");
    const double ppl = qat::evaluateNll(loaded, d.eval, 64).ppl();
    QAT_CHECK_MSG(std::fabs(ppl - r.ppl) <= 1e-4 * r.ppl,
                  "exported " + std::to_string(ppl) + " vs " + std::to_string(r.ppl));
}

// finishMethod releases the modules' tensors while the method still exists: the engine's final evaluation runs
// before the method is destroyed, and at 7B the modules' log s, z, m and LoRA were ~0.9 GiB on top of it.
QAT_TEST(finishingReleasesTheModulesBeforeTheFinalEvaluation)
{
    static const auto d = data();
    auto model = qat::test::tinyModel(qat::test::tinyConfig());
    json e = experiment("dlqat", {{"bits", 3}, {"group_size", 16}, {"rank", 2}, {"calib_steps", 2}}, 3);
    qat::test::RecordingSink sink;
    qat::RunContext ctx{e, model, d, sink, "", false};
    auto method = qat::createMethod("dlqat");
    QAT_CHECK(method->run(ctx) == qat::RunOutcome::Completed);
    for (const auto& layer : model.weights().layers)
        for (const at::Tensor& w : layer.linear)
            QAT_CHECK_MSG(w.storage().use_count() == 1, "a module still holds a block linear's memory");
}

QAT_TEST(lastPartialGroupExportsToo)
{
    static const auto d = data();
    auto cfg = qat::test::tinyConfig(32, 72); // down_proj rows of 72 = 4 x 16 + 8
    auto model = qat::test::tinyModel(cfg);
    json e = experiment("rtn", {{"bits", 4}, {"group_size", 16}, {"allow_partial_group", true}}, 0);
    QAT_CHECK(qat::validateAgainstModel(e, cfg).empty());
    qat::test::RecordingSink sink;
    const std::string dir = qat::test::tempDir() + "/partial";
    qat::RunContext ctx{e, model, d, sink, dir, false};
    QAT_CHECK(qat::createMethod("rtn")->run(ctx) == qat::RunOutcome::Completed);
    auto loaded = qat::LlamaModel::load(dir + "/export/hf");
    QAT_CHECK_NEAR(qat::evaluateNll(loaded, d.eval, 64).ppl(), qat::evaluateNll(model, d.eval, 64).ppl(),
                   1e-3);
}

QAT_TEST(perChannelExportsWithRowsOfDifferentLengths)
{
    // group_size 0: one group per row, whatever the row length (32 for q..up, 72 for down_proj). Also: every
    // checkpoint the training loop writes is announced to the sink, so the store flushes up to it.
    static const auto d = data();
    auto cfg = qat::test::tinyConfig(32, 72);
    auto model = qat::test::tinyModel(cfg);
    json e = experiment("dlqat", {{"bits", 4}, {"group_size", 0}, {"rank", 2}, {"calib_steps", 2}}, 4);
    e["training"]["checkpoint_every"] = 2;
    QAT_CHECK(qat::validateAgainstModel(e, cfg).empty());
    qat::test::RecordingSink sink;
    const std::string dir = qat::test::tempDir() + "/perchannel";
    qat::RunContext ctx{e, model, d, sink, dir, false};
    QAT_CHECK(qat::createMethod("dlqat")->run(ctx) == qat::RunOutcome::Completed);
    auto loaded = qat::LlamaModel::load(dir + "/export/hf");
    QAT_CHECK_NEAR(qat::evaluateNll(loaded, d.eval, 64).ppl(), qat::evaluateNll(model, d.eval, 64).ppl(),
                   1e-3);
    int checkpoints = 0;
    for (const auto& a : sink.artifacts)
        checkpoints += a.starts_with("checkpoint=" + dir) ? 1 : 0;
    QAT_CHECK_MSG(checkpoints >= 1, "no checkpoint artifact announced");
}

// Issue 17: scale_param decides what lr_scale is a step of. One calibration step of AdamW (its first step
// moves every parameter by lr * sign(gradient)) with z held still: linear moves each s by lr_scale in units
// of s, log moves log s by lr_scale (s by lr_scale * s, far less on this model's small scales).
QAT_TEST(scaleParamDecidesWhatTheCalibrationLrIsAStepOf)
{
    const double lr = 1e-3;
    json o = {{"bits", 3},      {"group_size", 16}, {"rank", 2},         {"calib_steps", 1},
              {"lr_scale", lr}, {"lr_zero", 1e-8},  {"init", "minmax0"}, {"calib_warmup_steps", 0}};
    auto model = qat::test::tinyModel(qat::test::tinyConfig());
    const at::Tensor w0 = model.weights().layers[0][qat::LinearKind::Down];
    const at::Tensor s0 = qat::initQuantParams(w0, qat::quantSpecFromOptions(o)).scale;
    auto stepOf = [&](const char* param) {
        json oo = o;
        oo["scale_param"] = param;
        auto r = run(experiment("dlqat", oo, 0), true);
        qat::SafetensorsFile f(r.workDir + "/export/quantized.safetensors");
        const at::Tensor s1 = qat::readTensor(f, "model.layers.0.mlp.down_proj.scales").to(at::kFloat);
        QAT_CHECK(s1.sizes() == s0.sizes());
        return std::pair{(s1 - s0).abs().median().item<double>(),
                         ((s1 / s0).log().abs()).median().item<double>()};
    };
    const auto [linAbs, linLog] = stepOf("linear");
    QAT_CHECK_MSG(std::fabs(linAbs - lr) < 0.02 * lr, "linear: median |ds| " + std::to_string(linAbs));
    const auto [logAbs, logLog] = stepOf("log");
    QAT_CHECK_MSG(std::fabs(logLog - lr) < 0.02 * lr, "log: median |d log s| " + std::to_string(logLog));
    QAT_CHECK_MSG(s0.median().item<double>() < 0.2 && logAbs < 0.2 * linAbs,
                  "log |ds| " + std::to_string(logAbs) + " vs linear " + std::to_string(linAbs));
    (void)linLog;
    // A learning rate far beyond the scales (s ~ 0.02 here, steps of 1.0) would take s below 0 and log s to
    // NaN: s is held at 1e-3 x its initial value instead, and the run completes.
    json big = o;
    big.update({{"scale_param", "linear"}, {"lr_scale", 1.0}, {"calib_steps", 3}});
    auto r = run(experiment("dlqat", big, 0));
    QAT_CHECK_MSG(std::isfinite(r.ppl), std::to_string(r.ppl));
    // An unknown parametrization is refused by validation, naming the option.
    json bad = o;
    bad["scale_param"] = "sqrt";
    json e = {{"model", {{"path", "unused"}}},
              {"data", {{"train", "x"}, {"eval", "y"}}},
              {"method", {{"name", "dlqat"}, {"options", bad}}}};
    auto issues = qat::validateExperiment(e, {false, true});
    QAT_CHECK(!issues.empty() && issues[0].field == "method.options.scale_param");
}

QAT_TEST(codesPackAndUnpack)
{
    for (int bits = 2; bits <= 8; ++bits) {
        auto codes = torch::randint(0, 1 << bits, {5, 37}, torch::kLong).to(torch::kByte);
        auto packed = qat::packCodes(codes, bits);
        QAT_CHECK_EQ(packed.size(1), (37 * bits + 7) / 8);
        QAT_CHECK(torch::equal(qat::unpackCodes(packed, bits, 37), codes));
    }
    // bit order: code 0 in the low bits of byte 0
    auto c = torch::tensor({1, 2, 3, 0}, torch::kLong).to(torch::kByte).view({1, 4});
    QAT_CHECK_EQ(qat::packCodes(c, 2)[0][0].item<int>(), 1 + (2 << 2) + (3 << 4));
    // The stream written out bit by bit (bit i of code k is stream bit k * bits + i; byte j holds stream bits
    // 8j..8j+7, lowest first), on enough rows for the packer to split them across threads.
    for (int bits = 2; bits <= 8; ++bits) {
        const int64_t rows = 300, cols = 61;
        auto codes = torch::randint(0, 1 << bits, {rows, cols}, torch::kLong).to(torch::kByte);
        auto packed = qat::packCodes(codes, bits);
        const int64_t nbytes = (cols * bits + 7) / 8;
        std::vector<uint8_t> want(size_t(rows * nbytes), 0);
        auto acc = codes.accessor<uint8_t, 2>();
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t k = 0; k < cols; ++k)
                for (int i = 0; i < bits; ++i) {
                    const int64_t bit = k * bits + i;
                    want[size_t(r * nbytes + bit / 8)] |= uint8_t(((acc[r][k] >> i) & 1) << (bit % 8));
                }
        QAT_CHECK(torch::equal(packed, torch::from_blob(want.data(), {rows, nbytes}, torch::kByte)));
        QAT_CHECK(torch::equal(qat::unpackCodes(packed, bits, cols), codes));
    }
}

QAT_TEST_MAIN()

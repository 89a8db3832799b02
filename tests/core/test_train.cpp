// Training machinery: schedule, seeded windows, evaluation, and stop/resume continuing the same loss curve.
#include "qat_test.h"
#include "test_train_fixtures.h"

#include "qatbench/error.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/trainer.h"

#include <filesystem>

namespace {

using nlohmann::json;

json tinyExperiment(int64_t calibSteps, int64_t steps)
{
    qat::registerBuiltinMethods();
    json e = {
        {"seed", 3},
        {"model", {{"path", "unused"}}},
        {"data", {{"train", "x"}, {"eval", "y"}, {"seq_len", 32}, {"batch_size", 4}, {"eval_seq_len", 64}}},
        {"method",
         {{"name", "dlqat"},
          {"options",
           {{"bits", 3}, {"group_size", 16}, {"rank", 4}, {"calib_steps", calibSteps}, {"lr_m", 5e-3}}}}},
        {"training",
         {{"steps", steps},
          {"warmup_steps", 2},
          {"log_every", 1},
          {"eval_every", 0},
          {"checkpoint_every", 0},
          {"histogram_every", 0}}}};
    auto issues = qat::validateExperiment(e, {false, true});
    if (!issues.empty()) QAT_FAIL_AT(issues[0].field + ": " + issues[0].message);
    return e;
}

std::vector<double> losses(const qat::test::RecordingSink& s, const std::string& name)
{
    std::vector<double> out;
    auto it = s.scalars.find(name);
    if (it != s.scalars.end())
        for (auto& [step, v] : it->second)
            out.push_back(v);
    return out;
}

struct Run
{
    qat::test::RecordingSink sink;
    qat::RunOutcome outcome;
};

qat::RunOutcome runDlqat(const json& e, qat::test::RecordingSink& sink, const std::string& workDir,
                         bool resume, const qat::TokenData& data)
{
    auto model = qat::test::tinyModel(qat::test::tinyConfig());
    qat::RunContext ctx{e, model, data, sink, workDir, resume};
    auto method = qat::createMethod("dlqat");
    return method->run(ctx);
}

qat::TokenData tinyData()
{
    qat::TokenData d;
    d.train = qat::test::patternTokens(4000, 64, 1);
    d.eval = qat::test::patternTokens(1000, 64, 2);
    return d;
}

} // namespace

QAT_TEST(warmupThenCosineDecay)
{
    using qat::Schedule;
    QAT_CHECK_NEAR(qat::lrFactor(0, 10, 100, Schedule::Cosine), 0.1, 1e-12);
    QAT_CHECK_NEAR(qat::lrFactor(9, 10, 100, Schedule::Cosine), 1.0, 1e-12);
    QAT_CHECK_NEAR(qat::lrFactor(10, 10, 100, Schedule::Cosine), 1.0, 1e-12);
    QAT_CHECK_NEAR(qat::lrFactor(55, 10, 100, Schedule::Cosine), 0.5, 1e-12);
    QAT_CHECK_NEAR(qat::lrFactor(100, 10, 100, Schedule::Cosine), 0.0, 1e-12);
    QAT_CHECK_NEAR(qat::lrFactor(55, 10, 100, Schedule::Linear), 0.5, 1e-12);
    QAT_CHECK_NEAR(qat::lrFactor(99, 10, 100, Schedule::Constant), 1.0, 1e-12);
}

QAT_TEST(windowsAreSeededAndSeekable)
{
    auto tokens = qat::test::patternTokens(500, 64, 5);
    qat::WindowSampler a(tokens, 16, 9), b(tokens, 16, 9), c(tokens, 16, 10);
    auto w1 = a.next(4, at::kCPU);
    QAT_CHECK(w1.sizes() == at::IntArrayRef({4, 17}));
    QAT_CHECK(torch::equal(w1, b.next(4, at::kCPU)));
    QAT_CHECK(!torch::equal(w1, c.next(4, at::kCPU)));
    auto w2 = a.next(4, at::kCPU);
    b.seek(4);
    QAT_CHECK(torch::equal(w2, b.next(4, at::kCPU)));
    // a window is a real slice of the stream
    const int64_t first = w1[0][0].item<int64_t>();
    (void)first;
    QAT_CHECK_THROWS_WITH(qat::WindowSampler(tokens, 600, 1), "data.seq_len");
}

QAT_TEST(bosWindowsStartWithBosThenTheSameText)
{
    // data.window_bos: [BOS] + seqLen text tokens, taken from the same start as the stream sampler's window.
    auto tokens = qat::test::patternTokens(500, 64, 5);
    qat::WindowSampler plain(tokens, 16, 9), bos(tokens, 16, 9, 1);
    auto p = plain.next(4, at::kCPU), b = bos.next(4, at::kCPU);
    QAT_CHECK(b.sizes() == at::IntArrayRef({4, 17}));
    QAT_CHECK(torch::equal(b.select(1, 0), torch::ones({4}, torch::kLong)));
    QAT_CHECK(torch::equal(b.narrow(1, 1, 16), p.narrow(1, 0, 16)));
}

QAT_TEST(evaluateNllMatchesAManualComputation)
{
    auto model = qat::test::tinyModel(qat::test::tinyConfig());
    auto tokens = qat::test::patternTokens(200, 64, 3);
    auto r = qat::evaluateNll(model, tokens, 64, 0, nullptr, 2);
    QAT_CHECK_EQ(r.windows, int64_t(3));
    QAT_CHECK_EQ(r.tokens, int64_t(3 * 63));
    auto ids = torch::tensor(std::vector<int64_t>(tokens.begin(), tokens.begin() + 192)).view({3, 64});
    torch::NoGradGuard ng;
    auto logits = model.forward(ids.narrow(1, 0, 63));
    auto nll = torch::cross_entropy_loss(logits.reshape({-1, 64}), ids.narrow(1, 1, 63).reshape({-1}));
    QAT_CHECK_NEAR(r.meanNll, nll.item<double>(), 1e-5);
}

QAT_TEST(resumeContinuesTheSameLossCurve)
{
    const auto data = tinyData();
    const json e = tinyExperiment(6, 10);
    // Uninterrupted: 6 calibration + 10 training steps.
    qat::test::RecordingSink full;
    QAT_CHECK(runDlqat(e, full, "", false, data) == qat::RunOutcome::Completed);
    const auto calibFull = losses(full, "calib/loss"), trainFull = losses(full, "train/loss");
    QAT_CHECK_EQ(calibFull.size(), size_t(6));
    QAT_CHECK_EQ(trainFull.size(), size_t(10));
    // Stopped in training after 5 steps, then resumed.
    const std::string dir = qat::test::tempDir() + "/run-a";
    qat::test::RecordingSink first;
    first.stopInPhase = "training";
    first.stopAtProgress = 5;
    QAT_CHECK(runDlqat(e, first, dir, false, data) == qat::RunOutcome::Stopped);
    QAT_CHECK(qat::hasCheckpoint(dir));
    QAT_CHECK(!std::filesystem::exists(qat::checkpointPath(dir) + ".tmp"));
    qat::test::RecordingSink second;
    QAT_CHECK(runDlqat(e, second, dir, true, data) == qat::RunOutcome::Completed);
    auto a = losses(first, "train/loss"), b = losses(second, "train/loss");
    QAT_CHECK_EQ(a.size(), size_t(5));
    QAT_CHECK_EQ(b.size(), size_t(5));
    QAT_CHECK(losses(second, "calib/loss").empty()); // calibration is not repeated
    a.insert(a.end(), b.begin(), b.end());
    for (size_t i = 0; i < trainFull.size(); ++i)
        QAT_CHECK_MSG(std::fabs(a[i] - trainFull[i]) <= 1e-5 * std::max(1.0, std::fabs(trainFull[i])),
                      "step " + std::to_string(i + 1) + ": " + std::to_string(a[i]) + " vs " +
                          std::to_string(trainFull[i]));
}

QAT_TEST(resumeInsideCalibration)
{
    const auto data = tinyData();
    const json e = tinyExperiment(6, 4);
    qat::test::RecordingSink full;
    QAT_CHECK(runDlqat(e, full, "", false, data) == qat::RunOutcome::Completed);
    const std::string dir = qat::test::tempDir() + "/run-b";
    qat::test::RecordingSink first;
    first.stopInPhase = "calibration";
    first.stopAtProgress = 3;
    QAT_CHECK(runDlqat(e, first, dir, false, data) == qat::RunOutcome::Stopped);
    qat::test::RecordingSink second;
    QAT_CHECK(runDlqat(e, second, dir, true, data) == qat::RunOutcome::Completed);
    auto c = losses(first, "calib/loss"), d = losses(second, "calib/loss");
    c.insert(c.end(), d.begin(), d.end());
    auto cf = losses(full, "calib/loss");
    QAT_CHECK_EQ(c.size(), cf.size());
    for (size_t i = 0; i < cf.size(); ++i)
        QAT_CHECK_NEAR(c[i], cf[i], 1e-5);
    auto t = losses(second, "train/loss"), tf = losses(full, "train/loss");
    QAT_CHECK_EQ(t.size(), tf.size());
    for (size_t i = 0; i < tf.size(); ++i)
        QAT_CHECK_NEAR(t[i], tf[i], 1e-5);
}

QAT_TEST(aCorruptCheckpointIsAReadableError)
{
    const std::string dir = qat::test::tempDir() + "/run-c";
    std::filesystem::create_directories(dir);
    qat::test::writeFile(qat::checkpointPath(dir), "not a checkpoint");
    qat::test::RecordingSink sink;
    QAT_CHECK_THROWS_WITH(runDlqat(tinyExperiment(2, 2), sink, dir, true, tinyData()), "checkpoint.pt");
}

QAT_TEST_MAIN()

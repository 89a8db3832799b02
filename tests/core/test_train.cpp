// Training machinery: schedule, seeded windows, evaluation, stop/resume continuing the same loss curve, and
// the batch split over the CPU's threads.
#include "qat_test.h"
#include "test_train_fixtures.h"

#include "qatbench/error.h"
#include "qatbench_plugins/builtin.h"
#include "qatbench_sdk/export.h"
#include "qatbench_sdk/quant_linear.h"
#include "qatbench_sdk/quant_method.h"
#include "qatbench_sdk/trainer.h"

#include "qatbench_sdk/torch.h"
#include <torch/optim.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <iostream>

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

QAT_TEST(chunkedCrossEntropyEqualsTheFullLoss)
{
    // Against ATen's cross-entropy on full float32 logits: value and both gradients, mean and sum, chunks
    // that do not divide the rows, in float32 (tight) and bfloat16 (the head product rounds the same way).
    std::vector<at::Device> devices{at::kCPU};
    if (torch::cuda::is_available()) devices.emplace_back(at::kCUDA);
    for (const auto& dev : devices)
        for (const auto dtype : {at::kFloat, at::kBFloat16})
            for (const bool mean : {true, false}) {
                torch::manual_seed(7);
                const auto o = at::TensorOptions().device(dev).dtype(dtype);
                at::Tensor h0 = torch::randn({37, 16}, o), w0 = torch::randn({50, 16}, o);
                at::Tensor targets =
                    torch::randint(0, 50, {37}, at::TensorOptions().device(dev).dtype(at::kLong));
                at::Tensor h1 = h0.clone().requires_grad_(true), w1 = w0.clone().requires_grad_(true);
                at::Tensor full = at::cross_entropy_loss(at::linear(h1, w1).to(at::kFloat), targets, {},
                                                         mean ? at::Reduction::Mean : at::Reduction::Sum);
                (full * 0.5).backward();
                at::Tensor h2 = h0.clone().requires_grad_(true), w2 = w0.clone().requires_grad_(true);
                at::Tensor chunked =
                    qat::chunkedCrossEntropy(h2.view({37, 1, 16}), w2, targets.view({37, 1}), mean, 5);
                (chunked * 0.5).backward();
                const double tol = dtype == at::kFloat ? 1e-5 : 2e-2;
                const std::string what = std::string(dev.is_cuda() ? "cuda " : "cpu ") +
                                         (dtype == at::kFloat ? "float32 " : "bfloat16 ") +
                                         (mean ? "mean" : "sum");
                QAT_CHECK_MSG(std::fabs(chunked.item<double>() - full.item<double>()) <=
                                  1e-5 * std::max(1.0, std::fabs(full.item<double>())),
                              what + ": loss " + std::to_string(chunked.item<double>()) + " vs " +
                                  std::to_string(full.item<double>()));
                auto rel = [](const at::Tensor& a, const at::Tensor& b) {
                    return ((a.to(at::kDouble) - b.to(at::kDouble)).norm() / b.to(at::kDouble).norm())
                        .item<double>();
                };
                QAT_CHECK_MSG(rel(h2.grad(), h1.grad()) <= tol,
                              what + ": d hidden off by " + std::to_string(rel(h2.grad(), h1.grad())));
                QAT_CHECK_MSG(rel(w2.grad(), w1.grad()) <= tol,
                              what + ": d head off by " + std::to_string(rel(w2.grad(), w1.grad())));
            }
    // Without gradients (evaluation) nothing is formed for backward and the value is the same.
    torch::NoGradGuard noGrad;
    at::Tensor h = torch::randn({9, 4}), w = torch::randn({11, 4});
    at::Tensor t = torch::randint(0, 11, {9});
    QAT_CHECK_NEAR(qat::chunkedCrossEntropy(h, w, t, false, 2).item<double>(),
                   at::cross_entropy_loss(at::linear(h, w), t, {}, at::Reduction::Sum).item<double>(), 1e-4);
}

QAT_TEST(fusedAdamWOnCudaMatchesTorchAdamW)
{
    // On CUDA the loop steps AdamW with one multi-tensor kernel per group and dtype; it must be the AdamW of
    // torch::optim (decoupled weight decay, bias correction), for float32 and float64 tensors, with the
    // learning-rate schedule applied per step.
    if (!torch::cuda::is_available()) QAT_SKIP("no CUDA device: the fused optimizer runs only there");
    torch::manual_seed(3);
    const auto f32 = at::TensorOptions().device(at::kCUDA).dtype(at::kFloat);
    std::vector<at::Tensor> init = {torch::randn({7, 5}, f32), torch::randn({3}, f32.dtype(at::kDouble)),
                                    torch::randn({4, 4}, f32)};
    auto lossOf = [](const std::vector<at::Tensor>& p) {
        return (p[0].sin() * 1.5).sum() + (p[1] * p[1]).sum().to(at::kFloat) + (p[2].exp() * 0.1).sum();
    };
    std::vector<at::Tensor> ours, ref;
    for (const auto& t : init) {
        ours.push_back(t.clone().requires_grad_(true));
        ref.push_back(t.clone().requires_grad_(true));
    }
    qat::LoopSettings s;
    s.steps = 6;
    s.warmup = 2;
    s.schedule = qat::Schedule::Cosine;
    s.gradClip = 0;
    s.logEvery = 1;
    s.batch = 1;
    qat::TrainLoop loop(s, {{"a", {ours[0], ours[1]}, 1e-2, 0.1}, {"b", {ours[2]}, 3e-2, 0}});
    auto model = qat::test::tinyModel(qat::test::tinyConfig());
    const auto data = tinyData();
    qat::test::RecordingSink sink;
    qat::RunContext ctx{json::object(), model, data, sink, "", false};
    qat::WindowSampler sampler(data.train, 8, 1);
    QAT_CHECK(loop.run(
                  sampler, [&](const at::Tensor&) { return lossOf(ours); }, ctx, at::kCUDA) ==
              qat::RunOutcome::Completed);

    torch::optim::AdamW adam(
        {torch::optim::OptimizerParamGroup({ref[0], ref[1]},
                                           std::make_unique<torch::optim::AdamWOptions>(1e-2)),
         torch::optim::OptimizerParamGroup({ref[2]}, std::make_unique<torch::optim::AdamWOptions>(3e-2))},
        torch::optim::AdamWOptions(1e-3));
    static_cast<torch::optim::AdamWOptions&>(adam.param_groups()[0].options()).weight_decay(0.1);
    static_cast<torch::optim::AdamWOptions&>(adam.param_groups()[1].options()).weight_decay(0);
    for (int64_t step = 0; step < s.steps; ++step) {
        const double f = qat::lrFactor(step, s.warmup, s.steps, s.schedule);
        static_cast<torch::optim::AdamWOptions&>(adam.param_groups()[0].options()).lr(1e-2 * f);
        static_cast<torch::optim::AdamWOptions&>(adam.param_groups()[1].options()).lr(3e-2 * f);
        adam.zero_grad();
        lossOf(ref).backward();
        adam.step();
    }
    for (size_t i = 0; i < ours.size(); ++i) {
        const double diff = (ours[i].detach() - ref[i].detach()).abs().max().item<double>();
        QAT_CHECK_MSG(diff <= 1e-6, "tensor " + std::to_string(i) + " differs by " + std::to_string(diff));
        QAT_CHECK_MSG((ours[i].detach() - init[i]).abs().max().item<double>() > 1e-3,
                      "tensor " + std::to_string(i) + " did not move");
    }
    QAT_CHECK_EQ(losses(sink, "train/loss").size(), size_t(6));
}

QAT_TEST(theCpuBatchSplitGivesTheWholeBatchsGradients)
{
    // TrainLoop::partLoss on the CPU: each thread runs its part of the batch, the parts' gradients summed in
    // order. One step of DL-QAT's m and LoRA on all seven linears (learning rate 0, so .grad after the step
    // is the step's gradient) with and without the split: the same gradients and loss up to the order of
    // float sums. (Without block checkpointing, which DL-QAT does not split.)
    const int threads = at::get_num_threads();
    at::set_num_threads(2);
    auto model = qat::test::tinyModel(qat::test::tinyConfig());
    qat::QuantSpec spec;
    spec.bits = 3;
    spec.groupSize = 16;
    const auto kinds = qat::test::allLinearKinds();
    const auto data = tinyData();
    {
        std::vector<std::vector<at::Tensor>> grads;
        std::vector<double> loss;
        std::vector<int> parts;
        for (bool split : {true, false}) {
            torch::manual_seed(5);
            auto mods = qat::makeQuantLinears(model, kinds, spec);
            std::vector<at::Tensor> params;
            for (auto& q : mods) {
                q.enableMagnitude();
                q.enableLora(4, 8.0, "kaiming");
                q.B = at::randn_like(q.B) * 0.05; // a LoRA that reaches W_hat, so A gets a gradient too
                q.m = q.m + at::rand_like(q.m) * 0.1;
                for (at::Tensor* t : {&q.m, &q.A, &q.B})
                    params.push_back(t->requires_grad_(true));
            }
            qat::QuantHook hook(mods);
            qat::ForwardOptions fwd;
            fwd.hook = &hook;
            qat::LoopSettings s;
            s.steps = 1;
            s.batch = 4;
            s.gradClip = 0;
            s.logEvery = 1;
            qat::TrainLoop loop(s, {{"all", params, 0.0}});
            std::atomic<int> calls{0};
            if (split)
                loop.partLoss = [&](const at::Tensor& w) {
                    ++calls;
                    return qat::nextTokenLoss(model, w, fwd);
                };
            qat::test::RecordingSink sink;
            qat::RunContext ctx{json::object(), model, data, sink, "", false};
            qat::WindowSampler sampler(data.train, 33, 4);
            QAT_CHECK(loop.run(
                          sampler, [&](const at::Tensor& w) { return qat::nextTokenLoss(model, w, fwd); },
                          ctx, at::kCPU) == qat::RunOutcome::Completed);
            std::vector<at::Tensor> g;
            for (const auto& p : params) {
                QAT_CHECK_MSG(p.grad().defined(),
                              std::string(split ? "split" : "whole") + " param " + std::to_string(g.size()));
                g.push_back(p.grad().clone());
            }
            grads.push_back(g);
            loss.push_back(losses(sink, "train/loss").at(0));
            parts.push_back(calls.load());
        }
        QAT_CHECK_MSG(parts[0] == 2 && parts[1] == 0, "the split did not run");
        QAT_CHECK_MSG(std::fabs(loss[0] - loss[1]) <= 1e-6 * std::fabs(loss[1]), "loss");
        double worst = 0;
        for (size_t i = 0; i < grads[0].size(); ++i) {
            const double top = grads[1][i].abs().max().item<double>();
            QAT_CHECK(top > 0);
            worst = std::max(worst, (grads[0][i] - grads[1][i]).abs().max().item<double>() / top);
        }
        std::cout << "  split into 2 parts: gradients within " << worst
                  << " of the whole batch's (relative)\n";
        QAT_CHECK_MSG(worst <= 1e-5, "gradients differ by " + std::to_string(worst) + " relative");
    }
    at::set_num_threads(threads);
}

QAT_TEST(aRunWritesTheDequantizedFolderOnlyWhenAsked)
{
    // Issue 14 item 6: without an export section a run writes its deployable file and export/hf (as before);
    // with one, export/hf only when formats lists "hf" (the engine writes it then), so a 7B run can skip it.
    auto model = qat::test::tinyModel(qat::test::tinyConfig());
    qat::QuantSpec spec;
    spec.bits = 4;
    spec.groupSize = 16;
    const auto kinds = qat::test::allLinearKinds();
    const auto mods = qat::makeQuantLinears(model, kinds, spec);
    const auto data = tinyData();
    struct Case
    {
        json experiment;
        bool hf;
    };
    const json m = {{"path", ""}};
    const std::vector<Case> cases = {{{{"model", m}}, true},
                                     {{{"model", m}, {"export", {{"formats", json::array()}}}}, false},
                                     {{{"model", m}, {"export", {{"formats", {"gguf", "hf"}}}}}, false}};
    int i = 0;
    for (const auto& c : cases) {
        const std::string dir = qat::test::tempDir() + "/export-" + std::to_string(i++);
        qat::test::RecordingSink sink;
        qat::RunContext ctx{c.experiment, model, data, sink, dir, false};
        qat::exportRunResult(ctx, mods);
        QAT_CHECK(std::filesystem::is_regular_file(dir + "/export/quantized.safetensors"));
        QAT_CHECK_EQ(std::filesystem::exists(dir + "/export/hf"), c.hf);
        QAT_CHECK_EQ(sink.artifacts.size(), size_t(c.hf ? 2 : 1));
        QAT_CHECK(sink.artifacts[0].rfind("export=", 0) == 0);
    }
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

void resumeInsideCalibrationWith(const json& e, const std::string& dirName);

QAT_TEST(resumeInsideCalibration)
{
    // Both parametrizations of s (issue 17): with scale_param linear the trained tensor is s itself, and the
    // checkpoint (which stores log s) must bring it back.
    for (const char* scaleParam : {"log", "linear"}) {
        json e = tinyExperiment(6, 4);
        e["method"]["options"]["scale_param"] = scaleParam;
        if (std::string(scaleParam) == "linear") e["method"]["options"]["lr_scale"] = 1e-3;
        resumeInsideCalibrationWith(e, std::string("run-b-") + scaleParam);
    }
}

void resumeInsideCalibrationWith(const json& e, const std::string& dirName)
{
    const auto data = tinyData();
    qat::test::RecordingSink full;
    QAT_CHECK(runDlqat(e, full, "", false, data) == qat::RunOutcome::Completed);
    const std::string dir = qat::test::tempDir() + "/" + dirName;
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

// "selftest": a hidden method for testing the engine, the CLI and the GUI without real training. It is
// registered only on request (QATBENCH_ENABLE_SELFTEST=1 or registerSelftestMethod()).
//
// It loops training.steps steps, logs a decaying train/loss and train/lr after every step (at step = steps
// done) and a histogram of 64 samples every training.histogram_every steps, and checkpoints a step counter
// (selftest.ckpt in the work dir) every training.checkpoint_every steps and when asked to stop. Options make
// it misbehave on purpose.
#include "qatbench/engine.h"
#include "qatbench/error.h"
#include "qatbench_sdk/quant_method.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <new>
#include <thread>

namespace qat {

namespace {

class SelftestMethod final : public QuantMethod
{
public:
    RunOutcome run(RunContext& ctx) override
    {
        const auto& opt = ctx.experiment.method.options;
        const TrainingSettings& tr = ctx.experiment.training;
        const int64_t steps = tr.steps;
        const int64_t ckptEvery = tr.checkpointEvery;
        const int64_t histEvery = tr.histogramEvery;
        const int64_t stepMs = opt.value("step_ms", int64_t(0));
        const std::string fail = opt.value("fail", std::string("none"));
        const int64_t failAt = opt.value("fail_at", int64_t(0));
        const double lr = opt.value("lr", 1e-3);
        const std::string ckpt = ctx.workDir + "/selftest.ckpt";

        int64_t start = 0;
        if (ctx.resume && std::filesystem::exists(ckpt)) {
            std::ifstream in(ckpt);
            in >> start;
            ctx.sink.message("info", "resuming from step " + std::to_string(start));
        }
        ctx.sink.phase("training");
        ProgressClock clock;
        for (int64_t step = start; step < steps; ++step) {
            if (step == failAt) misbehave(fail, ctx, step);
            if (stepMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(stepMs));
            const int64_t done = step + 1; // points carry the number of steps done, as in TrainLoop
            const double loss = 1.0 + 2.0 * std::exp(-double(done) / 50.0) + 0.05 * std::sin(double(done));
            ctx.sink.scalar("train/loss", done, loss);
            ctx.sink.scalar("train/lr", done, lr * 0.5 * (1 + std::cos(M_PI * double(step) / double(steps))));
            if (histEvery > 0 && done % histEvery == 0) {
                at::Tensor m = at::ones({64}) + 0.01 * double(done) * at::linspace(-1, 1, 64);
                ctx.sink.histogram("selftest/m", done, m, "layer=0,module=q_proj");
            }
            const bool go = ctx.sink.progress(clock.make("training", done, steps, "steps"));
            if ((ckptEvery > 0 && done % ckptEvery == 0) || !go) save(ctx, ckpt, done);
            if (!go) return RunOutcome::Stopped;
        }
        if (ckptEvery <= 0 || steps % ckptEvery != 0 || start == steps) save(ctx, ckpt, steps);
        return RunOutcome::Completed;
    }

private:
    static void save(RunContext& ctx, const std::string& path, int64_t step)
    {
        {
            std::ofstream out(path + ".tmp", std::ios::trunc);
            out << step << "\n";
            if (!out.flush()) throw Error("selftest: cannot write " + path);
        }
        std::filesystem::rename(path + ".tmp", path);
        ctx.sink.artifact("checkpoint", path);
    }

    static void misbehave(const std::string& fail, RunContext& ctx, int64_t step)
    {
        if (fail == "nan") ctx.sink.scalar("train/loss", step + 1, std::nan(""));
        if (fail == "oom") throw std::bad_alloc();
        if (fail == "cuda_oom")
            throw std::runtime_error(
                "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.11 GiB total)");
        if (fail == "throw") throw Error("selftest: failing on purpose at step " + std::to_string(step));
        if (fail == "abort") std::abort();
    }
};

MethodInfo selftestInfo()
{
    MethodInfo info;
    info.id = "selftest";
    info.title = "Self-test (hidden)";
    info.summary = "Fake training for testing the engine: logs a synthetic loss, checkpoints a step counter.";
    info.trains = true;
    info.options = {
        {.name = "step_ms",
         .type = OptionType::Int,
         .defaultValue = 0,
         .min = 0,
         .max = 600000,
         .label = "Step time",
         .help = "Milliseconds each fake step sleeps.",
         .group = "Test"},
        {.name = "fail",
         .type = OptionType::Choice,
         .defaultValue = "none",
         .choices = {"none", "nan", "oom", "cuda_oom", "throw", "abort"},
         .label = "Failure",
         .help = "Misbehave at step fail_at.",
         .group = "Test"},
        {.name = "fail_at",
         .type = OptionType::Int,
         .defaultValue = 0,
         .min = 0,
         .max = 1e9,
         .label = "Fail at",
         .help = "Step at which to misbehave.",
         .group = "Test"},
        {.name = "lr",
         .type = OptionType::Float,
         .defaultValue = 1e-3,
         .min = 0,
         .max = 10,
         .logScale = true,
         .label = "Learning rate",
         .help = "Only logged.",
         .group = "Test"},
    };
    return info;
}

} // namespace

void registerSelftestMethod()
{
    registerMethod(selftestInfo(), [] { return std::make_unique<SelftestMethod>(); });
}

} // namespace qat

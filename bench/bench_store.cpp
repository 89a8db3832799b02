// Run store reliability and speed: points per second ingested (batched vs. one transaction per point), the
// size of a realistic 10,000-step run, read latency of a downsampled series, and how many steps a SIGKILL
// loses (the steps since the last flush). Usage: bench_store [DIR] (default: a folder under /tmp).
#include "qatbench/store.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <signal.h>
#include <string>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace qat;
namespace fs = std::filesystem;

namespace {

double now()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

int64_t fileBytes(const std::string& path)
{
    std::error_code ec;
    int64_t n = 0;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const auto s = fs::file_size(path + suffix, ec);
        if (!ec) n += int64_t(s);
    }
    return n;
}

const char* const kScalars[] = {"train/loss",     "train/lr_lora",     "train/lr_m",     "train/grad_norm",
                                "calib/loss",     "perf/tokens_per_s", "perf/mem_bytes", "perf/step_s",
                                "train/loss_ema", "train/tokens"};

double ingest(const std::string& path, int64_t steps, const WriterOptions& wo)
{
    RunStore store(path);
    const int64_t run = store.createRun({.experiment = "bench", .method = "dlqat"});
    const double t0 = now();
    {
        RunWriter w(store, run, wo);
        for (int64_t s = 0; s < steps; ++s)
            for (const char* name : kScalars)
                w.scalar(name, s, 1.0 / double(s + 1));
        w.flush();
    }
    return double(steps * 10) / (now() - t0);
}

// 10 scalars every step and, every 100 steps, histograms of 4 quantities for 42 modules (6 layers x 7).
void realisticRun(const std::string& path, int64_t steps, int kinds)
{
    RunStore store(path);
    const int64_t run = store.createRun({.experiment = "bench", .method = "dlqat"});
    std::mt19937 rng(1);
    std::normal_distribution<float> nd(1.0f, 0.05f);
    std::vector<float> samples(4096);
    const char* modules[] = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
    const char* hist[] = {"dlqat/m", "dlqat/s", "dlqat/lora_update", "dlqat/code_usage"};
    RunWriter w(store, run);
    for (int64_t s = 0; s < steps; ++s) {
        for (const char* name : kScalars)
            w.scalar(name, s, 2.0 * std::exp(-double(s) / 3000.0));
        if (s % 100 != 0) continue;
        for (int layer = 0; layer < 6; ++layer)
            for (const char* m : modules)
                for (int k = 0; k < kinds; ++k) {
                    for (auto& x : samples)
                        x = nd(rng);
                    w.histogram(hist[k], s, makeHistogram(samples.data(), samples.size()),
                                "layer=" + std::to_string(layer) + ",module=" + m);
                }
    }
}

// A child writes steps (10 scalars each, default writer options) as fast as stepSeconds allows; the parent
// SIGKILLs it at a random moment and compares its last finished step with the last stored one.
int64_t killTest(const std::string& path, double stepSeconds, double killAfter, unsigned seed)
{
    auto* shared = static_cast<int64_t*>(
        mmap(nullptr, sizeof(int64_t) * 2, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    shared[0] = -1;
    shared[1] = 0;
    int64_t run = 0;
    {
        RunStore store(path);
        run = store.createRun({.experiment = "kill", .method = "dlqat"});
    }
    const pid_t pid = fork();
    if (pid == 0) {
        RunStore store(path);
        RunWriter w(store, run);
        for (int64_t s = 0;; ++s) {
            for (const char* name : kScalars)
                w.scalar(name, s, double(s));
            __atomic_store_n(&shared[0], s, __ATOMIC_SEQ_CST);
            std::this_thread::sleep_for(std::chrono::duration<double>(stepSeconds));
        }
    }
    std::mt19937 rng(seed);
    std::this_thread::sleep_for(
        std::chrono::duration<double>(killAfter * std::uniform_real_distribution<double>(0.5, 1.5)(rng)));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    const int64_t done = __atomic_load_n(&shared[0], __ATOMIC_SEQ_CST);
    munmap(shared, sizeof(int64_t) * 2);
    RunStore store(path);
    const auto s = store.findSeries(run, "train/loss");
    const int64_t stored = s ? s->lastStep : -1;
    return done - stored;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string dir =
        argc > 1 ? argv[1] : (fs::temp_directory_path() / "qatbench-bench-store").string();
    fs::remove_all(dir);
    fs::create_directories(dir);

    std::printf("QATBench run store benchmark (%s)\n\n", dir.c_str());
    const double batched = ingest(dir + "/ingest-batched.db", 20000, {});
    const double single = ingest(dir + "/ingest-single.db", 300, {.flushEveryPoints = 1});
    std::printf("ingest, batched writer (2000 points or 1 s per transaction): %10.0f points/s\n", batched);
    std::printf(
        "ingest, one transaction per point:                           %10.0f points/s  (batching: x%.0f)\n",
        single, batched / single);

    for (int kinds : {1, 4}) {
        const std::string path = dir + "/run10k-" + std::to_string(kinds) + ".db";
        const double t0 = now();
        realisticRun(path, 10000, kinds);
        std::printf("10,000-step run: 10 scalars/step + %3d histograms (64 bins) every 100 steps: %6.2f MiB "
                    "(written in %.1f s)\n",
                    42 * kinds, double(fileBytes(path)) / (1024.0 * 1024.0), now() - t0);
    }

    {
        RunStore store(dir + "/run10k-4.db", {.readOnly = true});
        const int64_t run = store.runs().at(0).id;
        const auto s = store.findSeries(run, "train/loss");
        const double t0 = now();
        const int reps = 20;
        size_t n = 0;
        for (int i = 0; i < reps; ++i)
            n = store.scalars(s->id, {.maxPoints = 1000}).size();
        const double t1 = now();
        const auto all = store.series(run);
        const double t2 = now();
        std::printf(
            "read train/loss (10,000 points) downsampled to %zu points: %.2f ms; series list (%zu series "
            "with stats): %.1f ms\n",
            n, (t1 - t0) / reps * 1000, all.size(), (t2 - t1) * 1000);
    }

    int64_t worst = 0;
    std::printf("\nSIGKILL of a writer mid-run (1 step = 10 scalars every 2 ms, default writer options):\n");
    for (unsigned i = 0; i < 5; ++i) {
        const int64_t lost = killTest(dir + "/kill.db", 0.002, 2.0, i + 1);
        worst = std::max(worst, lost);
        std::printf("  trial %u: %lld steps lost\n", i + 1, (long long)lost);
    }
    std::printf(
        "  worst: %lld steps (bound: the steps of one flush interval, 1 s / 2 ms = ~500 steps, or 2000 "
        "points = 200 steps)\n",
        (long long)worst);
    return 0;
}

// One writer and two readers in separate processes on one run store: nobody errors, nothing is lost.
#include "qat_test.h"

#include "qatbench/store.h"

#include <chrono>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace qat;

namespace {

constexpr int kPoints = 20000;

// Child: writes kPoints points of two series in batches, then marks the run completed.
int writer(const std::string& path, int64_t run)
{
    RunStore store(path);
    RunWriter w(store, run, {.flushEveryPoints = 500, .flushEveryMs = 50});
    for (int s = 0; s < kPoints / 2; ++s) {
        w.scalar("train/loss", s, 1.0 / (1 + s));
        w.scalar("train/lr", s, 1e-3);
        if (s % 1000 == 0) w.histogram("m", s, makeHistogram(std::vector<double>{1, 2, double(s)}));
        if (s % 200 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    w.flush();
    store.setStatus(run, RunStatus::Completed);
    return 0;
}

// Child: reads until the run is completed; every read must be consistent and never shrink.
int reader(const std::string& path, int64_t run)
{
    RunStore store(path, {.readOnly = true});
    int64_t seen = 0;
    int reads = 0;
    for (;;) {
        const bool done = store.run(run)->status == RunStatus::Completed;
        const int64_t n = store.pointCount(run);
        if (n < seen) return 10;
        seen = n;
        if (auto s = store.findSeries(run, "train/loss")) {
            const auto pts = store.scalars(s->id, {.maxPoints = 0});
            if (int64_t(pts.size()) != s->count && !done) {
                // count and points were read in two statements: a flush may land in between, never less.
                if (int64_t(pts.size()) < s->count) return 11;
            }
            for (size_t i = 0; i < pts.size(); ++i)
                if (pts[i].step != int64_t(i)) return 12; // steps arrive in order, without holes
            store.scalars(s->id, {.maxPoints = 100});
        }
        ++reads;
        if (done) break;
    }
    return seen == kPoints && reads > 1 ? 0 : 13;
}

} // namespace

QAT_TEST(twoReadersAndOneWriterInSeparateProcessesLoseNothing)
{
    const std::string path = test::tempDir() + "/shared.db";
    int64_t run = 0;
    {
        RunStore store(path);
        run = store.createRun({.experiment = "concurrency", .method = "selftest"});
        store.setStatus(run, RunStatus::Running);
        store.claim(run);
    }
    std::vector<pid_t> kids;
    auto spawn = [&](int (*fn)(const std::string&, int64_t)) {
        const pid_t pid = fork();
        if (pid == 0) {
            int rc = 20;
            try {
                rc = fn(path, run);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "child error: %s\n", e.what());
            }
            _exit(rc);
        }
        kids.push_back(pid);
    };
    spawn(reader);
    spawn(reader);
    spawn(writer);
    for (pid_t pid : kids) {
        int status = 0;
        waitpid(pid, &status, 0);
        QAT_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "child exit status " + std::to_string(WEXITSTATUS(status)));
    }
    RunStore store(path);
    QAT_CHECK_EQ(store.pointCount(run), int64_t(kPoints));
    const auto loss = store.findSeries(run, "train/loss");
    QAT_CHECK(loss && loss->count == kPoints / 2 && loss->lastStep == kPoints / 2 - 1);
    QAT_CHECK(store.run(run)->status == RunStatus::Completed);
}

QAT_TEST_MAIN()

// The run store: schema, reader API, batched writer, refusal of foreign files, dead-run detection.
#include "qat_test.h"

#include "qatbench/store.h"

#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

using namespace qat;

namespace {

std::string freshDb()
{
    static int n = 0;
    return test::tempDir() + "/runs" + std::to_string(++n) + ".db";
}

size_t checksum(const std::string& path)
{
    return std::hash<std::string>{}(test::readFile(path));
}

void sqlExec(const std::string& path, const std::string& sql)
{
    sqlite3* db = nullptr;
    QAT_CHECK(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    QAT_CHECK_MSG(rc == SQLITE_OK, msg);
}

int64_t makeRun(RunStore& store, const std::string& method = "dlqat", const std::string& experiment = "exp")
{
    NewRun nr;
    nr.experiment = experiment;
    nr.method = method;
    nr.config = R"({"name":"x","seed":7,"method":{"name":")" + method +
                R"(","options":{"bits":4,"lr":0.001,"mode":"fast"}},"training":{"steps":100,"ckpt":true}})";
    nr.tags = {"baseline", "w4"};
    nr.totalSteps = 100;
    return store.createRun(nr);
}

} // namespace

QAT_TEST(createdRunIsListedWithParamsTagsAndFilters)
{
    RunStore store(freshDb());
    QAT_CHECK_EQ(store.schemaVersion(), kStoreSchemaVersion);
    const int64_t a = makeRun(store, "dlqat", "sweep-1");
    const int64_t b = makeRun(store, "rtn", "sweep-1");
    store.setStatus(a, RunStatus::Running);
    store.setStatus(b, RunStatus::Completed);

    auto all = store.runs();
    QAT_CHECK_EQ(all.size(), size_t(2));
    QAT_CHECK_EQ(all[0].id, b); // newest first
    QAT_CHECK_EQ(all[1].name, std::string("sweep-1 #") + std::to_string(a));
    QAT_CHECK(all[1].status == RunStatus::Running);
    QAT_CHECK(all[1].started > 0 && all[1].ended == 0);
    QAT_CHECK(all[0].ended > 0);
    QAT_CHECK_EQ(all[1].tags.size(), size_t(2));
    QAT_CHECK_EQ(all[1].totalSteps, int64_t(100));

    QAT_CHECK_EQ(store.runs({.statuses = {RunStatus::Completed}}).size(), size_t(1));
    const auto dlqatRuns = store.runs({.method = "dlqat"});
    QAT_CHECK(dlqatRuns.size() == 1 && dlqatRuns[0].id == a);
    QAT_CHECK_EQ(store.runs({.tag = "w4"}).size(), size_t(2));
    QAT_CHECK_EQ(store.runs({.text = "RTN"}).size(), size_t(1));  // case-insensitive
    QAT_CHECK_EQ(store.runs({.text = "100%"}).size(), size_t(0)); // LIKE wildcards are escaped

    auto params = store.params(a);
    bool sawBits = false, sawBool = false;
    for (const auto& p : params) {
        if (p.key == "method.options.bits") sawBits = p.number && *p.number == 4 && p.text == "4";
        if (p.key == "training.ckpt") sawBool = p.number && *p.number == 1;
    }
    QAT_CHECK(sawBits && sawBool);

    store.renameRun(a, "my run");
    store.addTag(a, "keep");
    store.removeTag(a, "baseline");
    auto ra = store.run(a);
    QAT_CHECK(ra.has_value());
    QAT_CHECK_EQ(ra->name, std::string("my run"));
    QAT_CHECK((ra->tags == std::vector<std::string>{"keep", "w4"}));
    QAT_CHECK_THROWS_WITH(store.renameRun(a, ""), "must not be empty");
}

QAT_TEST(scalarsRoundTripIncludingNonFiniteAndReplacedSteps)
{
    RunStore store(freshDb());
    const int64_t run = makeRun(store);
    {
        RunWriter w(store, run);
        w.scalar("train/loss", 0, 2.5);
        w.scalar("train/loss", 1, std::nan(""));
        w.scalar("train/loss", 2, INFINITY);
        w.scalar("train/loss", 3, 1.5);
        w.scalar("train/loss", 3, 1.25); // same step again: replaces
        w.scalar("train/loss", 1, 2.0, "split=valid,layer=3,module=q_proj,group=a");
    }
    auto series = store.series(run);
    QAT_CHECK_EQ(series.size(), size_t(2));
    auto loss = store.findSeries(run, "train/loss");
    QAT_CHECK(loss.has_value());
    QAT_CHECK_EQ(loss->count, int64_t(4));
    QAT_CHECK_EQ(loss->lastStep, int64_t(3));
    QAT_CHECK_EQ(loss->lastValue, 1.25);
    QAT_CHECK_EQ(loss->minValue, 1.25); // over finite values
    QAT_CHECK_EQ(loss->maxValue, 2.5);
    auto pts = store.scalars(loss->id);
    QAT_CHECK_EQ(pts.size(), size_t(4));
    QAT_CHECK(std::isnan(pts[1].value));
    QAT_CHECK(std::isinf(pts[2].value) && pts[2].value > 0);
    QAT_CHECK_EQ(pts[3].value, 1.25);
    auto ctx = store.findSeries(run, "train/loss", "split=valid,layer=3,module=q_proj,group=a");
    QAT_CHECK(ctx.has_value());
    QAT_CHECK_EQ(ctx->layer, 3);
    QAT_CHECK_EQ(ctx->module, std::string("q_proj"));
    QAT_CHECK_EQ(ctx->split, std::string("valid"));
    QAT_CHECK_EQ(ctx->group, std::string("a"));
    QAT_CHECK(store.run(run)->lastStep == 3);
    QAT_CHECK_EQ(store.pointCount(run), int64_t(5));
    // Incremental reads for a live view.
    QAT_CHECK_EQ(store.scalars(loss->id, {.fromStep = 2}).size(), size_t(2));
}

QAT_TEST(downsamplingKeepsTheLastPointAndBucketExtremes)
{
    RunStore store(freshDb());
    const int64_t run = makeRun(store);
    {
        RunWriter w(store, run, {.flushEveryPoints = 5000});
        for (int s = 0; s < 10007; ++s)
            w.scalar("train/loss", s, s == 5000 ? 1e6 : std::sin(s * 0.01));
    }
    const int64_t id = store.findSeries(run, "train/loss")->id;
    auto pts = store.scalars(id, {.maxPoints = 1000});
    QAT_CHECK(pts.size() <= 1001 && pts.size() >= 900);
    QAT_CHECK_EQ(pts.back().step, int64_t(10006));
    QAT_CHECK_NEAR(pts.back().value, std::sin(10006 * 0.01), 1e-12);
    int64_t merged = 0;
    double peak = 0;
    for (const auto& p : pts)
        merged += p.merged, peak = std::max(peak, p.max);
    QAT_CHECK_EQ(merged, int64_t(10007)); // every point is accounted for
    QAT_CHECK_EQ(peak, 1e6);              // a spike survives as a bucket max
    QAT_CHECK_EQ(store.scalars(id, {.maxPoints = 0}).size(), size_t(10007));
}

QAT_TEST(histogramsAreBinnedAndFoundAtTheNearestStep)
{
    std::vector<double> samples;
    std::mt19937 rng(1);
    std::normal_distribution<double> nd(1.0, 0.1);
    for (int i = 0; i < 4096; ++i)
        samples.push_back(nd(rng));
    samples.push_back(NAN);
    HistogramPoint h = makeHistogram(samples);
    QAT_CHECK_EQ(h.counts.size(), size_t(64));
    QAT_CHECK_EQ(h.edges.size(), size_t(65));
    QAT_CHECK_EQ(h.count, int64_t(4096));
    QAT_CHECK_EQ(h.nonFinite, int64_t(1));
    QAT_CHECK_NEAR(h.mean(), 1.0, 0.01);
    QAT_CHECK_NEAR(h.stddev(), 0.1, 0.01);
    int64_t total = 0;
    for (auto c : h.counts)
        total += c;
    QAT_CHECK_EQ(total, int64_t(4096));

    RunStore store(freshDb());
    const int64_t run = makeRun(store);
    {
        RunWriter w(store, run);
        w.histogram("dlqat/m", 100, h, "layer=0,module=q_proj");
        w.histogram("dlqat/m", 200, makeHistogram(std::vector<double>{3.0, 3.0}), "layer=0,module=q_proj");
    }
    const auto s = store.findSeries(run, "dlqat/m", "layer=0,module=q_proj", SeriesKind::Histogram);
    QAT_CHECK(s.has_value());
    QAT_CHECK(store.histogramSteps(s->id) == (std::vector<int64_t>{100, 200}));
    auto at = store.histogramAt(s->id, 140);
    QAT_CHECK(at && at->step == 100);
    QAT_CHECK(at->counts == h.counts && at->edges == h.edges);
    QAT_CHECK_EQ(at->sumSquares, h.sumSquares);
    auto flat = store.histogramAt(s->id, 10000);
    QAT_CHECK(flat && flat->step == 200 && flat->count == 2 && flat->edges.size() == 65);
    QAT_CHECK(flat->edges.front() < 3.0 && flat->edges.back() > 3.0);
    QAT_CHECK(!store.histogramAt(s->id + 999, 0).has_value());
}

QAT_TEST(evalResultsKeepTheirProtocolAndArtifactsAreListed)
{
    RunStore store(freshDb());
    const int64_t run = makeRun(store);
    RunWriter w(store, run);
    w.eval({.step = 50,
            .dataset = "wiki.test.raw",
            .metric = "ppl",
            .value = 12.5,
            .nll = std::log(12.5),
            .tokens = 4096,
            .protocol = R"({"seq_len":256,"stride":256,"bos":true})"});
    w.artifact({.kind = "checkpoint", .path = "/tmp/x/ckpt-50", .step = 50, .bytes = 1234});
    auto ev = store.evalResults(run);
    QAT_CHECK_EQ(ev.size(), size_t(1));
    QAT_CHECK_EQ(ev[0].value, 12.5);
    QAT_CHECK_EQ(ev[0].tokens, int64_t(4096));
    QAT_CHECK(ev[0].protocol.find("\"stride\":256") != std::string::npos);
    auto art = store.artifacts(run);
    QAT_CHECK(art.size() == 1 && art[0].kind == "checkpoint" && art[0].step == 50 && art[0].bytes == 1234);
}

QAT_TEST(batchedWriterIsInvisibleToReadersUntilItFlushes)
{
    const std::string path = freshDb();
    RunStore writerStore(path);
    RunStore reader(path);
    const int64_t run = makeRun(writerStore);
    RunWriter w(writerStore, run, {.flushEveryPoints = 100, .flushEveryMs = 3600 * 1000});
    for (int s = 0; s < 99; ++s)
        w.scalar("train/loss", s, 1.0);
    QAT_CHECK_EQ(reader.pointCount(run), int64_t(0));
    QAT_CHECK_EQ(w.pending(), size_t(99));
    w.scalar("train/loss", 99, 1.0);
    QAT_CHECK_EQ(reader.pointCount(run), int64_t(100));
    QAT_CHECK_EQ(w.flushes(), int64_t(1));
}

QAT_TEST(deletingARunRemovesItsPoints)
{
    RunStore store(freshDb());
    const int64_t a = makeRun(store), b = makeRun(store);
    {
        RunWriter wa(store, a), wb(store, b);
        for (int s = 0; s < 10; ++s)
            wa.scalar("x", s, s), wb.scalar("x", s, s);
        wa.histogram("h", 0, makeHistogram(std::vector<double>{1, 2, 3}));
    }
    store.deleteRun(a);
    QAT_CHECK(!store.run(a).has_value());
    QAT_CHECK_EQ(store.series(a).size(), size_t(0));
    QAT_CHECK_EQ(store.pointCount(b), int64_t(10));
    QAT_CHECK_THROWS_WITH(store.deleteRun(a), "no run with id");
}

QAT_TEST(randomBytesAreRefusedAndLeftUnchanged)
{
    const std::string path = freshDb();
    std::string bytes(8192, '\0');
    std::mt19937 rng(5);
    for (auto& c : bytes)
        c = char(rng());
    test::writeFile(path, bytes);
    const size_t before = checksum(path);
    QAT_CHECK_THROWS_WITH(RunStore{path}, "not a QATBench database", "not changed");
    QAT_CHECK_EQ(checksum(path), before);
    QAT_CHECK(!std::filesystem::exists(path + "-wal"));
    // Even a file that starts like SQLite but is garbage after the header.
    std::string fake = "SQLite format 3" + std::string(1, '\0') + bytes;
    test::writeFile(path, fake);
    const size_t fakeSum = checksum(path);
    QAT_CHECK_THROWS_WITH(RunStore{path}, "not changed");
    QAT_CHECK_EQ(checksum(path), fakeSum);
}

QAT_TEST(anotherSqliteDatabaseIsRefusedAndLeftUnchanged)
{
    const std::string path = freshDb();
    sqlExec(path, "CREATE TABLE contacts(name TEXT, phone TEXT); INSERT INTO contacts VALUES('a','1');");
    const size_t before = checksum(path);
    QAT_CHECK_THROWS_WITH(RunStore{path}, "not a QATBench run store", "contacts", "not changed");
    QAT_CHECK_EQ(checksum(path), before);
    QAT_CHECK_THROWS_WITH(RunStore(path, {.readOnly = true}), "not a QATBench run store");
    QAT_CHECK_EQ(checksum(path), before);
}

QAT_TEST(aDatabaseFromANewerSchemaIsRefused)
{
    const std::string path = freshDb();
    {
        RunStore store(path);
        makeRun(store);
    }
    sqlExec(path, "PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE);");
    const size_t before = checksum(path);
    QAT_CHECK_THROWS_WITH(RunStore{path}, "newer QATBench", "schema version 99", "Update QATBench");
    QAT_CHECK_EQ(checksum(path), before);
}

QAT_TEST(anEmptyFileBecomesAStoreAndReopensWithItsRuns)
{
    const std::string path = freshDb();
    test::writeFile(path, "");
    int64_t id = 0;
    {
        RunStore store(path);
        id = makeRun(store);
    }
    RunStore again(path, {.readOnly = true});
    const auto runs = again.runs();
    QAT_CHECK(runs.size() == 1 && runs[0].id == id);
    QAT_CHECK_THROWS_WITH(again.renameRun(id, "x"), "read-only");
    QAT_CHECK_THROWS_WITH(RunStore(freshDb(), {.readOnly = true}), "no such database");
}

QAT_TEST(aRunWhoseProcessDiedIsMarkedInterruptedOnOpen)
{
    const std::string path = freshDb();
    int64_t dead = 0, alive = 0;
    {
        RunStore store(path);
        dead = makeRun(store);
        alive = makeRun(store);
        store.setStatus(dead, RunStatus::Running);
        store.setStatus(alive, RunStatus::Running);
        store.claim(alive); // this process: alive
    }
    const pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, nullptr, 0); // its pid is now free: a dead engine
    sqlExec(path, "UPDATE run SET pid = " + std::to_string(child) +
                      ", host = (SELECT host FROM run WHERE id = " + std::to_string(alive) +
                      "), heartbeat = strftime('%s','now') WHERE id = " + std::to_string(dead));
    RunStore store(path);
    auto r = store.run(dead);
    QAT_CHECK(r->status == RunStatus::Interrupted);
    QAT_CHECK(r->message.find("--resume " + std::to_string(dead)) != std::string::npos);
    QAT_CHECK(r->ended > 0 && r->pid == 0);
    QAT_CHECK(store.run(alive)->status == RunStatus::Running);
    // A run on another host counts as dead only once its heartbeat is stale.
    sqlExec(path,
            "UPDATE run SET host = 'elsewhere', pid = 1, heartbeat = 0 WHERE id = " + std::to_string(alive));
    QAT_CHECK(store.markDeadRuns(120) == (std::vector<int64_t>{alive}));
}

QAT_TEST(defaultDatabasePathFollowsTheEnvironment)
{
    setenv("QATBENCH_DB", "/tmp/custom.db", 1);
    QAT_CHECK_EQ(defaultDatabasePath(), std::string("/tmp/custom.db"));
    unsetenv("QATBENCH_DB");
    setenv("XDG_DATA_HOME", "/tmp/xdg", 1);
    QAT_CHECK_EQ(defaultDatabasePath(), std::string("/tmp/xdg/QATBench/runs.db"));
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/u", 1);
    QAT_CHECK_EQ(defaultDatabasePath(), std::string("/home/u/.local/share/QATBench/runs.db"));
}

QAT_TEST(aSecondStoreInTheWritersProcessKeepsItsWalAlive)
{
    // The data-loss bug of issue 12: the engine opened a second RunStore (its heartbeat thread) and the
    // header probe read the file through an ifstream; closing that descriptor dropped every POSIX lock the
    // process held on the database, so the next reader in another process, on closing, believed itself the
    // last connection, checkpointed and unlinked the engine's -wal and -shm. The writer then wrote into an
    // unlinked file.
    const std::string path = freshDb();
    RunStore writer(path);
    const int64_t run = makeRun(writer);
    writer.setStatus(run, RunStatus::Running);
    {
        RunStore second(path, {.markDeadRuns = false}); // what the heartbeat thread does
        second.heartbeat(run);
    }
    QAT_CHECK(std::filesystem::exists(path + "-wal"));
    for (int i = 0; i < 3; ++i) {
        const pid_t pid = fork();
        if (pid == 0) { // a fresh process (SQLite connections must not cross a fork): `runs list`
            freopen("/dev/null", "w", stdout);
            execl(QATBENCH_CLI_PATH, QATBENCH_CLI_PATH, "runs", "list", "--db", path.c_str(), (char*)nullptr);
            _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        QAT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        QAT_CHECK_MSG(std::filesystem::exists(path + "-wal"),
                      "a reader in another process unlinked the writer's WAL");
        QAT_CHECK(std::filesystem::exists(path + "-shm"));
    }
    RunWriter w(writer, run, {});
    for (int s = 1; s <= 50; ++s)
        w.scalar("train/loss", s, 1.0 / s);
    w.flush();
    writer.setStatus(run, RunStatus::Completed);
    RunStore other(path, {.readOnly = true});
    QAT_CHECK(other.run(run)->status == RunStatus::Completed);
    QAT_CHECK_EQ(other.findSeries(run, "train/loss")->count, int64_t(50));
}

QAT_TEST(aDeletedRunsIdIsNeverGivenOutAgain)
{
    // Issue 12: ids were reused after `runs delete`, so a new run inherited its predecessor's work folder.
    const std::string path = freshDb();
    RunStore store(path);
    const int64_t a = makeRun(store);
    const int64_t b = makeRun(store);
    store.deleteRun(b);
    const int64_t c = makeRun(store);
    QAT_CHECK(c > b && b > a);
    store.deleteRun(c);
    RunStore again(path); // the high-water mark lives in the file, not in the connection
    QAT_CHECK(makeRun(again) > c);
    QAT_CHECK_EQ(store.storeId().size(), size_t(32));
    QAT_CHECK_EQ(again.storeId(), store.storeId());
    QAT_CHECK(RunStore(freshDb()).storeId() != store.storeId());
}

QAT_TEST(clearRunDataForgetsPointsEvalsAndArtifactsButKeepsTheRun)
{
    RunStore store(freshDb());
    const int64_t run = makeRun(store);
    {
        RunWriter w(store, run);
        w.scalar("train/loss", 1, 2.0);
        w.histogram("m", 1, makeHistogram(std::vector<double>{1, 2, 3}));
        w.eval({.step = 1, .metric = "ppl", .value = 3.0});
        w.artifact({.kind = "checkpoint", .path = "/nonexistent"});
    }
    store.clearRunData(run);
    QAT_CHECK(store.run(run).has_value());
    QAT_CHECK(store.series(run).empty());
    QAT_CHECK(store.evalResults(run).empty());
    QAT_CHECK(store.artifacts(run).empty());
    QAT_CHECK_EQ(store.params(run).empty(), false);
}

QAT_TEST_MAIN()

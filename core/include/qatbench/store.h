#pragma once
// The run store: every run of the engine, its configuration, metrics, histograms, evaluations and artifacts
// in one SQLite database (WAL). Plain structs, no torch, no Qt: the GUI reads through this header.
//
// Intended usage:
//   1. RunStore store(qat::defaultDatabasePath());          // creates or migrates; refuses foreign files
//   2. Reading (GUI, `runs list`): store.runs(filter), store.series(runId), store.scalars(seriesId, query),
//      store.histogramSteps(seriesId) + store.histogramAt(seriesId, step), store.evalResults(runId),
//      store.artifacts(runId), store.params(runId), store.run(runId)->config.
//      Live view: poll store.scalars(seriesId, {.fromStep = lastSeen + 1}) every second or so; it is cheap.
//   3. Writing (engine): id = store.createRun(...), then a RunWriter buffers points and writes them in one
//      transaction every N points / T ms; store.setStatus() when the run ends.
//   4. Editing: renameRun, setTags/addTag/removeTag, deleteRun.
// One RunStore holds one SQLite connection and serializes its calls; give each thread its own RunStore for
// parallel reads. Readers and one writer in different processes coexist (WAL + busy timeout).
// Times are unix seconds (double). Steps are int64, unique per series.

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qat {

// SQLite PRAGMA user_version of the schema this build writes; older databases are migrated on open.
constexpr int kStoreSchemaVersion = 2;

// $QATBENCH_DB, else $XDG_DATA_HOME/QATBench/runs.db, else ~/.local/share/QATBench/runs.db.
// The CLI and the GUI both use this default.
std::string defaultDatabasePath();

enum class RunStatus
{
    Queued,
    Running,
    Paused,
    Completed,
    Failed,
    Cancelled,   // stopped by the user; resumable when a checkpoint exists
    Interrupted, // its process died (SIGKILL, crash, power loss); resumable from the last checkpoint
};
const char* runStatusName(RunStatus s);                      // "queued", "running", ...
std::optional<RunStatus> parseRunStatus(std::string_view s); // inverse of runStatusName
bool isActive(RunStatus s);                                  // queued, running or paused

struct RunInfo
{
    int64_t id = 0;
    int64_t experimentId = 0;
    std::string experiment; // experiment name
    std::string name;       // user-visible run name (renameRun)
    RunStatus status = RunStatus::Queued;
    std::string method; // method id, e.g. "dlqat"
    double created = 0; // unix seconds
    double started = 0; // 0 when never started
    double ended = 0;   // 0 while active
    std::string modelPath;
    std::string modelHash;  // content hash of the model's weight files ("" when unknown)
    std::string appVersion; // QATBench version that ran it
    std::string config;     // the full experiment JSON (defaults filled in)
    std::string message;    // why it failed / was interrupted, with what to change ("" when fine)
    std::string workDir;    // checkpoints and exports of this run
    std::vector<std::string> tags;
    int64_t pid = 0;        // engine process while active
    std::string host;       // host name of that process
    double heartbeat = 0;   // last sign of life from the engine (unix seconds)
    int64_t lastStep = -1;  // highest step of any scalar point; -1 when none
    int64_t totalSteps = 0; // planned steps (0 when unknown)
};

struct RunFilter
{
    std::vector<RunStatus> statuses; // empty: any status
    std::string method;              // exact method id; "" = any
    std::string tag;                 // runs carrying this tag; "" = any
    std::string text;       // substring of name, experiment, method, model path or tags (case-insensitive)
    std::string experiment; // exact experiment name; "" = any
    int limit = 0;          // 0: no limit; newest first
};

// A typed parameter of a run: the experiment JSON flattened to dotted keys ("method.options.bits").
struct RunParam
{
    std::string key;
    std::string text;             // the value as JSON text ("4", "\"cosine\"", "true")
    std::optional<double> number; // set for numbers and booleans (true = 1)
};

enum class SeriesKind
{
    Scalar,
    Histogram,
};

struct SeriesInfo
{
    int64_t id = 0;
    int64_t runId = 0;
    SeriesKind kind = SeriesKind::Scalar;
    std::string name;       // "train/loss", "dlqat/m", ...
    std::string context;    // "" or "layer=3,module=q_proj" (comma-separated key=value)
    std::string split;      // parsed from context: split=...; "" when absent
    int layer = -1;         // layer=...; -1 when absent
    std::string module;     // module=...
    std::string group;      // group=...
    int64_t count = 0;      // points stored
    int64_t firstStep = -1; // -1 when empty
    int64_t lastStep = -1;
    double lastValue = 0; // scalars: value at lastStep (NaN when non-finite)
    double minValue = 0;  // scalars: over finite points
    double maxValue = 0;
};

struct ScalarPoint
{
    int64_t step = 0;
    double wallTime = 0;
    double value = 0; // may be NaN or +-inf (stored with a non-finite flag)
    double min = 0;   // downsampled: min over the bucket's finite values; raw points: == value
    double max = 0;
    int64_t merged = 1; // points this one stands for
};

struct ScalarQuery
{
    int64_t fromStep = std::numeric_limits<int64_t>::min(); // inclusive
    int64_t toStep = std::numeric_limits<int64_t>::max();   // inclusive
    int maxPoints =
        1000; // downsample to about this many (by step buckets); always keeps the last point; 0 = all
};

struct HistogramPoint
{
    int64_t step = 0;
    double wallTime = 0;
    std::vector<double> edges;   // bins + 1 edges, ascending
    std::vector<int64_t> counts; // bins
    double min = 0, max = 0;     // of the finite samples
    int64_t count = 0;           // finite samples
    int64_t nonFinite = 0;       // NaN/inf samples (not binned)
    double sum = 0, sumSquares = 0;
    double mean() const { return count ? sum / double(count) : 0.0; }
    double stddev() const; // population standard deviation
};

// Bins raw samples into `bins` equal bins over [min, max] (64 by default, as the engine logs them).
HistogramPoint makeHistogram(const float* values, size_t n, int bins = 64);
HistogramPoint makeHistogram(const std::vector<double>& values, int bins = 64);

struct EvalResult
{
    int64_t id = 0;
    int64_t runId = 0;
    int64_t step = 0;
    std::string dataset;  // the evaluated file (or its name)
    std::string metric;   // "ppl"
    double value = 0;     // e.g. perplexity
    double nll = 0;       // mean negative log-likelihood per token (nats)
    int64_t tokens = 0;   // tokens scored
    std::string protocol; // JSON: seq_len, stride, bos, join, max_windows, ...
    double wallTime = 0;
};

struct Artifact
{
    int64_t id = 0;
    int64_t runId = 0;
    std::string kind; // "checkpoint", "export", ...
    std::string path;
    int64_t step = -1;
    int64_t bytes = -1; // -1 when unknown
    double wallTime = 0;
};

struct NewRun
{
    std::string experiment; // created when missing
    std::string name;       // "" = experiment name + " #<id>"
    std::string method;
    std::string config; // experiment JSON text; flattened into params
    std::string modelPath;
    std::string modelHash;
    std::string workDir;
    int64_t totalSteps = 0;
    std::vector<std::string> tags;
    RunStatus status = RunStatus::Queued;
};

struct StoreOptions
{
    bool readOnly = false;              // never writes; an unknown/newer/older database is refused
    int busyTimeoutMs = 15000;          // wait this long for another process's write lock
    bool markDeadRuns = true;           // on open: active runs whose engine is gone become interrupted
    double staleHeartbeatSeconds = 120; // active runs silent this long count as dead (other hosts)
};

class RunStore
{
public:
    // Opens or creates the database. Throws qat::Error (naming the file) when it is not a QATBench database
    // (nothing is written to it then), when its schema is newer than this build, or when it cannot be opened.
    explicit RunStore(const std::string& path, const StoreOptions& options = {});
    ~RunStore();
    RunStore(RunStore&&) noexcept;
    RunStore& operator=(RunStore&&) noexcept;
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    const std::string& path() const;
    int schemaVersion() const;
    // A random id made when the store was created: tells two stores apart (work folders, checkpoints).
    const std::string& storeId() const;

    // --- runs
    std::vector<RunInfo> runs(const RunFilter& filter = {}) const;
    std::optional<RunInfo> run(int64_t runId) const;
    std::vector<RunParam> params(int64_t runId) const;
    std::vector<std::string> experiments() const;
    std::vector<std::string> allTags() const;

    int64_t createRun(const NewRun& run);
    // Sets the status; sets started on Running (first time), ended on a final status, clears pid when final.
    void setStatus(int64_t runId, RunStatus status, const std::string& message = {});
    // Records the engine process (this process) and refreshes the heartbeat.
    void claim(int64_t runId);
    void heartbeat(int64_t runId);
    void setWorkDir(int64_t runId, const std::string& dir);
    // A fact about how the run ran that is not part of its experiment, kept with the flattened config
    // (docs/STORE.md): the engine's "distributed.world_size" and "distributed.backend" (issue 19; a resume
    // may use another number of processes, so each session overwrites them). Replaces a param of the same
    // key.
    void setParam(int64_t runId, const RunParam& param);
    void renameRun(int64_t runId, const std::string& name);
    void setTags(int64_t runId, const std::vector<std::string>& tags);
    void addTag(int64_t runId, const std::string& tag);
    void removeTag(int64_t runId, const std::string& tag);
    void deleteRun(int64_t runId); // with all its points, evals and artifact records (files stay); ids are
                                   // never given out again
    // Forgets everything the run recorded (points, histograms, evaluations, artifact records) but keeps the
    // run: for a restart from step 1 under the same id.
    void clearRunData(int64_t runId);
    // Active runs whose process is gone (same host, pid not alive) or whose heartbeat is older than
    // staleSeconds become Interrupted. Returns their ids.
    std::vector<int64_t> markDeadRuns(double staleSeconds = 120);

    // --- series and points
    std::vector<SeriesInfo> series(int64_t runId) const;
    std::optional<SeriesInfo> findSeries(int64_t runId, const std::string& name,
                                         const std::string& context = {},
                                         SeriesKind kind = SeriesKind::Scalar) const;
    std::vector<ScalarPoint> scalars(int64_t seriesId, const ScalarQuery& query = {}) const;
    std::vector<int64_t> histogramSteps(int64_t seriesId) const;
    // The histogram at the step nearest to `step` (ties: the earlier one); nullopt when the series is empty.
    std::optional<HistogramPoint> histogramAt(int64_t seriesId, int64_t step) const;
    std::vector<EvalResult> evalResults(int64_t runId) const;
    std::vector<Artifact> artifacts(int64_t runId) const;
    int64_t pointCount(int64_t runId) const; // scalar points of the run

    struct Impl;
    Impl& impl() const { return *m_impl; } // for RunWriter

private:
    std::unique_ptr<Impl> m_impl;
};

struct WriterOptions
{
    int flushEveryPoints = 2000; // buffered scalar points (a histogram counts as 64) before a flush
    int flushEveryMs = 1000;     // a flush happens on the next write once this much time has passed
};

// Buffers the points of one run and writes them in one transaction per flush. Not thread-safe: one thread
// writes. The destructor flushes (errors there are swallowed: call flush() to see them).
class RunWriter
{
public:
    RunWriter(RunStore& store, int64_t runId, const WriterOptions& options = {});
    ~RunWriter();
    RunWriter(const RunWriter&) = delete;
    RunWriter& operator=(const RunWriter&) = delete;

    int64_t runId() const { return m_runId; }
    // wallTime 0 = now. A second point at the same series + step replaces the first.
    void scalar(const std::string& name, int64_t step, double value, const std::string& context = {},
                double wallTime = 0);
    void histogram(const std::string& name, int64_t step, HistogramPoint h, const std::string& context = {});
    void eval(EvalResult r);   // runId/id ignored; written at once (rare, important)
    void artifact(Artifact a); // written at once
    void flush();              // writes everything buffered in one transaction (and a heartbeat)
    size_t pending() const;    // buffered points
    int64_t flushes() const { return m_flushes; }
    double lastFlushTime() const { return m_lastFlush; }

private:
    struct Buffer;
    void maybeFlush();

    RunStore& m_store;
    int64_t m_runId;
    WriterOptions m_options;
    std::unique_ptr<Buffer> m_buffer;
    double m_lastFlush;
    int64_t m_flushes = 0;
};

} // namespace qat

#include "common/runrepository.h"

#include "qatbench/error.h"

#include <QFutureWatcher>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

namespace qat::ui {

RunRepository::RunRepository(QObject* parent) : QObject(parent) {}

RunRepository::~RunRepository()
{
    m_queue.clear();
    m_running.waitForFinished();
}

void RunRepository::setDatabase(const QString& file)
{
    m_database = file;
}

void RunRepository::enqueue(Job job)
{
    m_queue.append(std::move(job));
    ++m_pending;
    if (!m_inFlight) runNext();
}

void RunRepository::runNext()
{
    if (m_queue.isEmpty()) return;
    m_inFlight = true;
    Job job = m_queue.takeFirst();
    const std::string database = m_database.toStdString();
    m_running = QtConcurrent::run([job = std::move(job), database]() -> std::function<void()> {
        return job(database); // each job catches its own errors (guarded below)
    });
    auto* watcher = new QFutureWatcher<std::function<void()>>(this);
    connect(watcher, &QFutureWatcher<std::function<void()>>::finished, this, [this, watcher] {
        const std::function<void()> deliver = watcher->result();
        watcher->deleteLater();
        m_inFlight = false;
        if (deliver) deliver();
        --m_pending;
        runNext();
    });
    watcher->setFuture(m_running);
}

namespace {

// Wraps a worker function so that an exception becomes errorOccurred() on the GUI thread.
template <typename Work>
std::function<void()> guarded(RunRepository* self, Work work, const std::string& database)
{
    try {
        return work(database);
    } catch (const std::exception& e) {
        const QString message = QString::fromUtf8(e.what());
        return [self, message] { Q_EMIT self->errorOccurred(message); };
    }
}

std::optional<qint64> intParam(const std::vector<RunParam>& params, const char* key)
{
    for (const RunParam& p : params)
        if (p.key == key && p.number) return qint64(std::llround(*p.number));
    return std::nullopt;
}

} // namespace

std::vector<RunRow> RunRepository::readRows(const std::string& database)
{
    StoreOptions options;
    RunStore store(database, options);
    std::vector<RunRow> rows;
    for (RunInfo& info : store.runs()) {
        RunRow row;
        const auto params = store.params(info.id);
        row.bits = intParam(params, "method.options.bits");
        row.group = intParam(params, "method.options.group_size");
        row.rank = intParam(params, "method.options.rank");
        const std::vector<EvalResult> evals = store.evalResults(info.id);
        for (const EvalResult& e : evals) {
            if (e.metric != "ppl" || !std::isfinite(e.value)) continue; // task accuracies are not perplexity
            if (e.step >= row.evalStep) {
                row.evalStep = e.step;
                row.finalPerplexity = e.value;
            }
            if (!std::isfinite(row.bestPerplexity) || e.value < row.bestPerplexity)
                row.bestPerplexity = e.value;
        }
        row.tasks = storedTaskScores(evals);
        row.info = std::move(info);
        rows.push_back(std::move(row));
    }
    return rows;
}

RunChartData RunRepository::readCharts(const std::string& database, qint64 runId)
{
    RunStore store(database);
    RunChartData data;
    data.runId = runId;
    const auto info = store.run(runId);
    if (!info) throw Error("run " + std::to_string(runId) + " is not in " + database);
    data.title = QString::fromStdString(info->name.empty() ? info->experiment : info->name);
    data.timeOrigin = info->started > 0 ? info->started : info->created;
    ScalarQuery all;
    all.maxPoints = 0; // the charts downsample for display themselves, at every zoom level
    for (const SeriesInfo& s : store.series(runId)) {
        if (s.kind != SeriesKind::Scalar) continue;
        if (!s.split.empty() && s.split != "train") continue;
        const auto points = store.scalars(s.id, all);
        // One entry per name and context ("train/lr{group=m}"), as the live charts key their series.
        // split=train is the default split: "train/loss" with or without it is the same curve.
        std::string context;
        for (size_t at = 0; at <= s.context.size();) {
            const size_t end = std::min(s.context.find(',', at), s.context.size());
            const std::string part = s.context.substr(at, end - at);
            if (!part.empty() && part != "split=train") context += (context.empty() ? "" : ",") + part;
            at = end + 1;
        }
        const std::string key = context.empty() ? s.name : s.name + "{" + context + "}";
        data.scalars.insert(QString::fromStdString(key), QVector<ScalarPoint>(points.begin(), points.end()));
    }
    for (EvalResult& e : store.evalResults(runId))
        if (!isTaskEval(e)) data.evals.push_back(std::move(e)); // the perplexity chart; tasks have a table
    return data;
}

void RunRepository::refresh()
{
    enqueue([this](const std::string& db) {
        return guarded(
            this,
            [this](const std::string& d) -> std::function<void()> {
                auto rows = std::make_shared<std::vector<RunRow>>(readRows(d));
                return [this, rows] { Q_EMIT rowsLoaded(*rows); };
            },
            db);
    });
}

void RunRepository::rename(qint64 runId, const QString& name)
{
    const std::string n = name.toStdString();
    enqueue([this, runId, n](const std::string& db) {
        return guarded(
            this,
            [runId, n](const std::string& d) -> std::function<void()> {
                RunStore(d).renameRun(runId, n);
                return {};
            },
            db);
    });
    refresh();
}

void RunRepository::setTags(qint64 runId, const QStringList& tags)
{
    std::vector<std::string> t;
    for (const QString& tag : tags)
        if (!tag.trimmed().isEmpty()) t.push_back(tag.trimmed().toStdString());
    enqueue([this, runId, t](const std::string& db) {
        return guarded(
            this,
            [runId, t](const std::string& d) -> std::function<void()> {
                RunStore(d).setTags(runId, t);
                return {};
            },
            db);
    });
    refresh();
}

void RunRepository::remove(qint64 runId)
{
    enqueue([this, runId](const std::string& db) {
        return guarded(
            this,
            [runId](const std::string& d) -> std::function<void()> {
                RunStore(d).deleteRun(runId);
                return {};
            },
            db);
    });
    refresh();
}

void RunRepository::loadCharts(qint64 runId)
{
    enqueue([this, runId](const std::string& db) {
        return guarded(
            this,
            [this, runId](const std::string& d) -> std::function<void()> {
                auto data = std::make_shared<RunChartData>(readCharts(d, runId));
                return [this, data] { Q_EMIT chartsLoaded(*data); };
            },
            db);
    });
}

} // namespace qat::ui

#include "common/runrepository.h"

#include "common/backgroundtask.h"
#include "common/metricseries.h"

#include "qatbench/error.h"

#include <QSettings>

#include <algorithm>
#include <cmath>

namespace qat::ui {

QString defaultDatabasePath()
{
    return QString::fromStdString(qat::defaultDatabasePath());
}

QString databasePath()
{
    const QString set = QSettings().value(QStringLiteral("database")).toString();
    return set.isEmpty() ? defaultDatabasePath() : set;
}

StoreOptions readOnlyStore()
{
    StoreOptions o;
    o.readOnly = true;
    o.markDeadRuns = false;
    return o;
}

RunRepository::RunRepository(QObject* parent)
    : QObject(parent), m_requests(new BackgroundTask(this, BackgroundTask::Policy::Queue))
{}

void RunRepository::setDatabase(const QString& file)
{
    m_database = file;
}

bool RunRepository::isBusy() const
{
    return m_requests->isBusy();
}

void RunRepository::reportError(const QString& message)
{
    Q_EMIT errorOccurred(message);
}

namespace {

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
        for (const RunParam& p : params)
            if (p.key == "distributed.backend" && p.text == "\"nccl\"")
                row.gpus = int(std::max<qint64>(1, intParam(params, "distributed.world_size").value_or(1)));
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
        // One entry per name and context ("train/lr{group=m}"), as the live charts key their series.
        const std::optional<SeriesContext> context = liveChartContext(s.context);
        if (!context) continue;
        const auto points = store.scalars(s.id, all);
        data.scalars.insert(liveSeriesKey(QString::fromStdString(s.name), *context),
                            QVector<ScalarPoint>(points.begin(), points.end()));
    }
    for (EvalResult& e : store.evalResults(runId))
        if (!isTaskEval(e)) data.evals.push_back(std::move(e)); // the perplexity chart; tasks have a table
    return data;
}

void RunRepository::refresh()
{
    const std::string db = m_database.toStdString();
    m_requests->run([db] { return readRows(db); },
                    [this](const std::vector<RunRow>& rows) { Q_EMIT rowsLoaded(rows); },
                    [this](const QString& message) { reportError(message); });
}

void RunRepository::write(std::function<void(RunStore& store)> change)
{
    const std::string db = m_database.toStdString();
    m_requests->run(
        [db, change] {
            RunStore store(db);
            change(store);
        },
        [] {}, [this](const QString& message) { reportError(message); });
    refresh();
}

void RunRepository::rename(qint64 runId, const QString& name)
{
    write([runId, n = name.toStdString()](RunStore& store) { store.renameRun(runId, n); });
}

void RunRepository::setTags(qint64 runId, const QStringList& tags)
{
    std::vector<std::string> t;
    for (const QString& tag : tags)
        if (!tag.trimmed().isEmpty()) t.push_back(tag.trimmed().toStdString());
    write([runId, t](RunStore& store) { store.setTags(runId, t); });
}

void RunRepository::remove(qint64 runId)
{
    write([runId](RunStore& store) { store.deleteRun(runId); });
}

void RunRepository::loadCharts(qint64 runId)
{
    const std::string db = m_database.toStdString();
    m_requests->run([db, runId] { return readCharts(db, runId); },
                    [this](const RunChartData& data) { Q_EMIT chartsLoaded(data); },
                    [this](const QString& message) { reportError(message); });
}

} // namespace qat::ui

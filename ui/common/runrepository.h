#pragma once
// The GUI's access to the run store (qatbench/store.h). Every call runs on a worker thread with its own
// RunStore connection (SQLite may wait for the engine's write lock) and answers through a signal on the GUI
// thread. Requests are served one at a time in order; the destructor waits for the one in flight.

#include "common/runsmodel.h"

#include <QFuture>
#include <QMap>
#include <QObject>
#include <QVector>

#include <functional>

namespace qat::ui {

struct RunChartData
{
    qint64 runId = 0;
    QString title;
    double timeOrigin = 0;
    // series name and context ("train/loss", "train/lr{group=m}", ...) -> points (step, wall time, value)
    QMap<QString, QVector<ScalarPoint>> scalars;
    std::vector<EvalResult> evals; // perplexity evaluations (task scores are left out)
};

class RunRepository final : public QObject
{
    Q_OBJECT
public:
    explicit RunRepository(QObject* parent = nullptr);
    ~RunRepository() override;

    void setDatabase(const QString& file);
    QString database() const { return m_database; }

    void refresh();
    void rename(qint64 runId, const QString& name);
    void setTags(qint64 runId, const QStringList& tags);
    void remove(qint64 runId);
    void loadCharts(qint64 runId);
    bool isBusy() const { return m_pending > 0; } // a request not yet answered

    // The synchronous readers behind the signals (worker threads; tests).
    static std::vector<RunRow> readRows(const std::string& database);
    static RunChartData readCharts(const std::string& database, qint64 runId);

Q_SIGNALS:
    void rowsLoaded(const std::vector<qat::ui::RunRow>& rows);
    void chartsLoaded(const qat::ui::RunChartData& data);
    void errorOccurred(const QString& message);

private:
    using Job = std::function<std::function<void()>(const std::string& database)>; // worker part -> GUI part
    void enqueue(Job job);
    void runNext();

    QString m_database;
    QList<Job> m_queue;
    QFuture<std::function<void()>> m_running;
    bool m_inFlight = false; // one request at a time, answered in order
    int m_pending = 0;       // requests enqueued and not yet delivered on the GUI thread
};

} // namespace qat::ui

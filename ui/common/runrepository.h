#pragma once
// The GUI's access to the run store (qatbench/store.h). Every call runs on a worker thread with its own
// RunStore connection (SQLite may wait for the engine's write lock) and answers through a signal on the GUI
// thread. Requests are served one at a time in order (a BackgroundTask with Policy::Queue); the destructor
// drops the ones not started and waits for the one in flight.

#include "common/runsmodel.h"

#include <QMap>
#include <QObject>
#include <QVector>

#include <functional>

namespace qat::ui {

class BackgroundTask;

// The run database the GUI uses: the Settings dialog's choice, else the CLI's default ($QATBENCH_DB, else
// ~/.local/share/QATBench/runs.db), so that both see the same runs.
QString databasePath();
QString defaultDatabasePath(); // core's default, for the settings' "Default" button
// How the views that only read (compare, histograms, explorer) open the store: never writing, and leaving the
// marking of dead runs to the runs view.
StoreOptions readOnlyStore();

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

    void setDatabase(const QString& file);
    QString database() const { return m_database; }

    void refresh();
    void rename(qint64 runId, const QString& name);
    void setTags(qint64 runId, const QStringList& tags);
    void remove(qint64 runId);
    void loadCharts(qint64 runId);
    bool isBusy() const; // a request not yet answered

    // The synchronous readers behind the signals (worker threads; tests).
    static std::vector<RunRow> readRows(const std::string& database);
    static RunChartData readCharts(const std::string& database, qint64 runId);

Q_SIGNALS:
    void rowsLoaded(const std::vector<qat::ui::RunRow>& rows);
    void chartsLoaded(const qat::ui::RunChartData& data);
    void errorOccurred(const QString& message);

private:
    void write(std::function<void(RunStore& store)> change); // then refresh()
    void reportError(const QString& message);

    QString m_database;
    BackgroundTask* m_requests = nullptr; // one at a time, answered in order
};

} // namespace qat::ui

// The runs table on a temporary database: columns from the store (bits, group, rank, final/best perplexity),
// sorting, filtering, rename, tags, delete with confirmation, and opening a past run's charts; and the task
// helper every view's background work goes through (common/backgroundtask.h).
#include "common/backgroundtask.h"
#include "common/metricchart.h"
#include "common/runrepository.h"
#include "common/runsmodel.h"
#include "runs/runsview.h"
#include "workbench/chartpanel.h"

#include "qatbench/store.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace qat;
using namespace qat::ui;

namespace {

// Work that runs until its request is cancelled (or 20 s pass): what a superseded load looks like.
bool waitUntilCancelled(const CancelToken& token)
{
    for (int i = 0; i < 2000 && !token.isCancelled(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return token.isCancelled();
}

int64_t addRun(RunStore& store, const std::string& name, const std::string& method, int bits, int group,
               int rank, RunStatus status, std::vector<double> evals, int steps = 100)
{
    NewRun n;
    n.experiment = "tests";
    n.name = name;
    n.method = method;
    n.config = nlohmann::json{{"method",
                               {{"name", method},
                                {"options", {{"bits", bits}, {"group_size", group}, {"rank", rank}}}}}}
                   .dump();
    n.totalSteps = steps;
    n.status = RunStatus::Running;
    const int64_t id = store.createRun(n);
    {
        RunWriter w(store, id);
        for (int s = 1; s <= steps; ++s) {
            w.scalar("train/loss", s, 4.0 / s, "split=train", 1000.0 + s);
            w.scalar("lr", s, 1e-3, "", 1000.0 + s);
        }
        int step = 0;
        for (double ppl : evals) {
            EvalResult e;
            e.step = (step += steps / int(evals.size()));
            e.metric = "ppl";
            e.value = ppl;
            e.nll = std::log(ppl);
            e.tokens = 1000;
            e.wallTime = 1000.0 + e.step;
            w.eval(e);
        }
        w.flush();
    }
    store.setStatus(id, status,
                    status == RunStatus::Failed ? "loss became NaN: lower the learning rate" : "");
    return id;
}

} // namespace

class TestRunsModel : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_db;
    int64_t m_a = 0, m_b = 0, m_c = 0;

    void waitIdle(RunRepository& repo) { QTRY_VERIFY_WITH_TIMEOUT(!repo.isBusy(), 20000); }

private Q_SLOTS:
    void initTestCase()
    {
        m_db = m_dir.filePath(QStringLiteral("runs.db"));
        RunStore store(m_db.toStdString());
        m_a = addRun(store, "dlqat w3", "dlqat", 3, 32, 16, RunStatus::Completed, {20.0, 12.0, 13.0});
        m_b = addRun(store, "rtn w4", "rtn", 4, 128, 0, RunStatus::Completed, {9.5});
        m_c = addRun(store, "broken", "dlqat", 2, 64, 8, RunStatus::Failed, {});
    }

    void rowsCarryTheStoreColumns()
    {
        const auto rows = RunRepository::readRows(m_db.toStdString());
        QCOMPARE(rows.size(), size_t(3));
        RunsModel model;
        model.setRows(rows);
        const int a = model.rowOfRun(m_a);
        QVERIFY(a >= 0);
        auto text = [&](int row, int col) { return model.data(model.index(row, col)).toString(); };
        QCOMPARE(text(a, RunsModel::Name), QStringLiteral("dlqat w3"));
        QCOMPARE(text(a, RunsModel::Status), QStringLiteral("completed"));
        QCOMPARE(text(a, RunsModel::Method), QStringLiteral("dlqat"));
        QCOMPARE(text(a, RunsModel::Bits), QStringLiteral("3"));
        QCOMPARE(text(a, RunsModel::Group), QStringLiteral("32"));
        QCOMPARE(text(a, RunsModel::Rank), QStringLiteral("16"));
        QCOMPARE(text(a, RunsModel::FinalPerplexity), QStringLiteral("13.000"));
        QCOMPARE(text(a, RunsModel::BestPerplexity), QStringLiteral("12.000"));
        QVERIFY(!text(a, RunsModel::Started).isEmpty());
        const int c = model.rowOfRun(m_c);
        QCOMPARE(text(c, RunsModel::FinalPerplexity), QStringLiteral("–"));
        QVERIFY(model.data(model.index(c, RunsModel::Status), Qt::ToolTipRole)
                    .toString()
                    .contains(QLatin1String("NaN")));
    }

    void sortsNumbersAsNumbersAndFilters()
    {
        RunRepository repo;
        repo.setDatabase(m_db);
        RunsView view(&repo);
        QSignalSpy loaded(&repo, &RunRepository::rowsLoaded);
        repo.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        QSortFilterProxyModel* proxy = view.proxy();
        QCOMPARE(proxy->rowCount(), 3);
        view.table()->sortByColumn(RunsModel::FinalPerplexity, Qt::AscendingOrder);
        QCOMPARE(proxy->index(0, RunsModel::Name).data().toString(), QStringLiteral("rtn w4"));   // 9.5
        QCOMPARE(proxy->index(1, RunsModel::Name).data().toString(), QStringLiteral("dlqat w3")); // 13
        QCOMPARE(proxy->index(2, RunsModel::Name).data().toString(), QStringLiteral("broken")); // none: last
        view.setFilterText(QStringLiteral("RTN"));
        QCOMPARE(proxy->rowCount(), 1);
        view.setFilterText(QString());
        QCOMPARE(proxy->rowCount(), 3);
    }

    void renameTagAndDeleteGoThroughTheStore()
    {
        RunRepository repo;
        repo.setDatabase(m_db);
        RunsView view(&repo);
        QSignalSpy loaded(&repo, &RunRepository::rowsLoaded);
        repo.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);

        // Editing the name cell renames the run in the database.
        RunsModel* model = view.model();
        QVERIFY(
            model->setData(model->index(model->rowOfRun(m_b), RunsModel::Name), QStringLiteral("baseline")));
        waitIdle(repo);
        QCOMPARE(RunStore(m_db.toStdString()).run(m_b)->name, std::string("baseline"));
        QCOMPARE(model->data(model->index(model->rowOfRun(m_b), RunsModel::Name)).toString(),
                 QStringLiteral("baseline"));

        repo.setTags(m_b, {QStringLiteral("paper"), QStringLiteral(" w4 ")});
        waitIdle(repo);
        QCOMPARE(RunStore(m_db.toStdString()).run(m_b)->tags.size(), size_t(2));
        QCOMPARE(model->data(model->index(model->rowOfRun(m_b), RunsModel::Tags)).toString(),
                 QStringLiteral("paper, w4"));
        view.setFilterText(QStringLiteral("paper"));
        QCOMPARE(view.proxy()->rowCount(), 1);
        view.setFilterText(QString());

        view.table()->selectRow(view.proxy()->mapFromSource(model->index(model->rowOfRun(m_c), 0)).row());
        QCOMPARE(view.selectedRunId(), m_c);
        view.deleteSelected(false); // the confirmation is the dialog; here it is answered yes
        waitIdle(repo);
        QVERIFY(!RunStore(m_db.toStdString()).run(m_c));
        QCOMPARE(model->rowCount(), 2);
    }

    void openingAPastRunShowsItsCharts()
    {
        RunRepository repo;
        repo.setDatabase(m_db);
        QSignalSpy charts(&repo, &RunRepository::chartsLoaded);
        repo.loadCharts(m_a);
        QTRY_COMPARE_WITH_TIMEOUT(charts.count(), 1, 20000);
        const auto data = charts.first().first().value<RunChartData>();
        QCOMPARE(data.runId, m_a);
        QVERIFY(data.scalars.contains(QStringLiteral("train/loss")));
        QCOMPARE(data.scalars.value(QStringLiteral("train/loss")).size(), 100);
        QCOMPARE(data.evals.size(), size_t(3));

        ChartPanel panel;
        for (auto it = data.scalars.cbegin(); it != data.scalars.cend(); ++it)
            for (const ScalarPoint& p : it.value())
                panel.addMetric(it.key(), p.step, p.value, p.wallTime);
        QCOMPARE(panel.lossChart()->pointCount(QStringLiteral("train/loss")), 100);
        QCOMPARE(panel.learningRateChart()->seriesNames().size(), 1);
    }

    void aForeignFileIsReportedNotTouched()
    {
        const QString bad = m_dir.filePath(QStringLiteral("notes.db"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a database");
        f.close();
        RunRepository repo;
        repo.setDatabase(bad);
        QSignalSpy error(&repo, &RunRepository::errorOccurred);
        repo.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(error.count(), 1, 20000);
        QVERIFY(error.first().first().toString().contains(QLatin1String("notes.db")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("this is not a database"));
    }

    void aNewerRequestSupersedesTheOlder()
    {
        QObject owner;
        BackgroundTask task(&owner);
        std::atomic<bool> firstSawCancel = false;
        QList<int> delivered;
        task.run(
            [&firstSawCancel](const CancelToken& token) {
                firstSawCancel = waitUntilCancelled(token);
                return 1;
            },
            [&delivered](int v) { delivered << v; });
        task.run([] { return 2; }, [&delivered](int v) { delivered << v; });
        QTRY_VERIFY_WITH_TIMEOUT(!task.isBusy(), 20000);
        QCOMPARE(delivered, QList<int>{2}); // the user's newest choice, never the stale one
        QVERIFY(firstSawCancel);
        QCOMPARE(task.droppedCount(), 1);
    }

    void queuedRequestsAreAnsweredInOrderAndErrorsReported()
    {
        QObject owner;
        BackgroundTask task(&owner, BackgroundTask::Policy::Queue);
        QList<int> delivered;
        QStringList errors;
        for (int i = 0; i < 5; ++i)
            task.run(
                [i] {
                    if (i == 2) throw Error("runs.db: table runs: locked");
                    return i;
                },
                [&delivered](int v) { delivered << v; }, [&errors](const QString& e) { errors << e; });
        QTRY_VERIFY_WITH_TIMEOUT(!task.isBusy(), 20000);
        QCOMPARE(delivered, (QList<int>{0, 1, 3, 4}));
        QCOMPARE(errors, QStringList{QStringLiteral("runs.db: table runs: locked")});
    }

    void anOwnerDestroyedWhileWorkRunsGetsNothing()
    {
        auto* owner = new QObject;
        auto* task = new BackgroundTask(owner);
        std::atomic<bool> started = false, sawCancel = false;
        bool delivered = false;
        task->run(
            [&](const CancelToken& token) {
                started = true;
                sawCancel = waitUntilCancelled(token);
            },
            [&delivered] { delivered = true; });
        QTRY_VERIFY_WITH_TIMEOUT(started, 20000);
        delete owner; // the task cancels and waits for its work: no worker outlives the view
        QVERIFY(sawCancel);
        QCoreApplication::processEvents();
        QVERIFY(!delivered);
    }
};

QTEST_MAIN(TestRunsModel)
#include "test_runsmodel.moc"

// Task scores in the GUI (issue 16): the Runs view's task table, the Compare view's task columns and the
// curve of the scores made during training (evaluation.tasks_every), on a store written by real `qatbench-cli
// run`s of stories260K (RTN, and one short DL-QAT run; an evaluation.tasks section, a small tasks_limit so
// that the runs take seconds). Expected numbers are read from the store's rows directly, not from the code
// under test.
#include "common/plotexport.h"
#include "common/runrepository.h"
#include "common/runsmodel.h"
#include "common/tasktable.h"
#include "compare/comparemodels.h"
#include "compare/comparetasks.h"
#include "compare/compareview.h"
#include "runs/runsview.h"
#include "ui_test_support.h"

#include "qatbench/compare.h"
#include "qatbench/store.h"
#include "qatbench/tasks_stored.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>

using namespace qat;
using namespace qat::ui;

namespace {

using qat::uitest::dataPath;
using qat::uitest::shoot;

// The store's own rows for a run: "task/metric" -> (value, stderr from the protocol JSON, n).
struct Stored
{
    double value = 0, stderrValue = 0;
    int64_t n = 0;
};
std::map<std::string, Stored> storedRows(const std::string& db, int64_t runId)
{
    std::map<std::string, Stored> out;
    for (const EvalResult& e : RunStore(db).evalResults(runId)) {
        if (e.metric == "ppl") continue;
        const auto j = nlohmann::json::parse(e.protocol);
        const auto& se = j[e.metric + "_stderr"];
        out[e.dataset + "/" + e.metric] = {e.value, se.is_number() ? se.get<double>() : NAN, e.tokens};
    }
    return out;
}

} // namespace

class TestTaskTable : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_db;
    qint64 m_w4 = -1, m_w2 = -1, m_fewer = -1, m_plain = -1;

    // One engine run; returns its id (runs are numbered in order in a fresh store).
    qint64 runEngine(const QString& name, int bits, const QStringList& tasks, int limit)
    {
        const QString train = m_dir.filePath(QStringLiteral("train.txt"));
        nlohmann::json tasksJson = nlohmann::json::array();
        for (const QString& t : tasks)
            tasksJson.push_back(t.toStdString());
        const nlohmann::json exp = {
            {"name", name.toStdString()},
            {"model", {{"path", dataPath(QStringLiteral("models/stories260K")).toStdString()}}},
            {"data",
             {{"train", train.toStdString()},
              {"eval", train.toStdString()},
              {"eval_seq_len", 128},
              {"eval_max_windows", 2}}},
            {"method",
             {{"name", "rtn"},
              {"options", {{"bits", bits}, {"group_size", 32}, {"allow_partial_group", true}}}}},
            {"evaluation",
             {{"tasks", tasksJson},
              {"tasks_data", dataPath(QStringLiteral("data/tasks")).toStdString()},
              {"tasks_limit", limit}}}};
        return runConfig(name, exp);
    }

    qint64 runConfig(const QString& name, const nlohmann::json& exp)
    {
        const QString config = m_dir.filePath(name + QStringLiteral(".json"));
        QFile f(config);
        if (!f.open(QIODevice::WriteOnly)) return -1;
        f.write(QByteArray::fromStdString(exp.dump()));
        f.close();
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(QATBENCH_CLI_PATH), {QStringLiteral("run"), QStringLiteral("--config"), config,
                                                    QStringLiteral("--db"), QString::fromStdString(m_db)});
        if (!p.waitForFinished(300000) || p.exitCode() != 0) {
            qWarning().noquote() << p.readAll();
            return -1;
        }
        return RunStore(m_db).runs().front().id; // newest first
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("QATBENCH_TEST_DATA")) QSKIP("QATBENCH_TEST_DATA is not set");
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("runs.db")).toStdString();
        // RTN trains nothing: a 20 kB slice of TinyStories is text enough for its perplexity.
        QFile in(dataPath(QStringLiteral("data/tinystories/TinyStories-validation-head.txt")));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile out(m_dir.filePath(QStringLiteral("train.txt")));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.read(20000));
        out.close();
        const QStringList zeroShot{QStringLiteral("arc_easy"), QStringLiteral("piqa"),
                                   QStringLiteral("winogrande"), QStringLiteral("boolq"),
                                   QStringLiteral("openbookqa")};
        m_w4 = runEngine(QStringLiteral("RTN W4"), 4, zeroShot, 6);
        QVERIFY(m_w4 > 0);
        m_w2 =
            runEngine(QStringLiteral("RTN W2"), 2, zeroShot.mid(0, 2) + zeroShot.mid(3), 6); // no winogrande
        QVERIFY(m_w2 > 0);
        m_fewer = runEngine(QStringLiteral("RTN W3 (3 questions)"), 3, {QStringLiteral("arc_easy")}, 3);
        QVERIFY(m_fewer > 0);
        RunStore store(m_db); // a run from before evaluation.tasks: no task rows at all
        NewRun plain;
        plain.experiment = "tests";
        plain.name = "no tasks";
        plain.method = "rtn";
        m_plain = store.createRun(plain);
        store.setStatus(m_plain, RunStatus::Completed);
    }

    void storeRowsBecomeOneScorePerTask()
    {
        const auto rows = storedRows(m_db, m_w4);
        const auto scores = storedTaskScores(RunStore(m_db).evalResults(m_w4));
        QCOMPARE(scores.size(), size_t(5));
        QStringList order;
        for (const auto& s : scores)
            order << QString::fromStdString(s.task);
        QCOMPARE(order.join(QLatin1Char(',')), QStringLiteral("arc_easy,piqa,winogrande,boolq,openbookqa"));
        for (const auto& s : scores) {
            QCOMPARE(s.questions, int64_t(6));
            QCOMPARE(s.limit, int64_t(6));
            QCOMPARE(s.shots, 0);
            QCOMPARE(s.acc, rows.at(s.task + "/acc").value);
            QVERIFY(std::isfinite(s.accStderr));
            QCOMPARE(s.hasAccNorm, rows.count(s.task + "/acc_norm") == 1);
            if (s.hasAccNorm) QCOMPARE(s.accNorm, rows.at(s.task + "/acc_norm").value);
        }
        QVERIFY(scores[1].hasAccNorm && !scores[2].hasAccNorm); // piqa has acc_norm, winogrande does not
        QCOMPARE(scores[1].chance, 0.5);
        QVERIFY(storedTaskScores(RunStore(m_db).evalResults(m_plain)).empty());
    }

    // Regression: the runs table's "final perplexity" took the last eval row, which is now a task accuracy.
    void perplexityColumnsAndChartsIgnoreTaskRows()
    {
        double ppl = NAN;
        for (const EvalResult& e : RunStore(m_db).evalResults(m_w4))
            if (e.metric == "ppl") ppl = e.value;
        QVERIFY(ppl > 1);
        for (const RunRow& r : RunRepository::readRows(m_db))
            if (r.info.id == m_w4) {
                QCOMPARE(r.finalPerplexity, ppl);
                QCOMPARE(r.bestPerplexity, ppl);
                QCOMPARE(r.tasks.size(), size_t(5));
            }
        const RunChartData charts = RunRepository::readCharts(m_db, m_w4);
        QCOMPARE(charts.evals.size(), size_t(1));
        QCOMPARE(charts.evals[0].metric, std::string("ppl"));
        const auto compared = loadCompareRuns(m_db, {m_w4});
        QVERIFY(!compared[0].series.contains(QStringLiteral("eval/acc")));
        QVERIFY(compared[0].series.contains(QStringLiteral("eval/ppl")));
        QCOMPARE(compared[0].tasks.size(), size_t(5));
    }

    void runsViewShowsTheSelectedRunsTasks()
    {
        RunRepository repo;
        repo.setDatabase(QString::fromStdString(m_db));
        RunsView view(&repo);
        view.resize(1100, 640);
        QSignalSpy loaded(&repo, &RunRepository::rowsLoaded);
        repo.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 60000);
        TaskTable* table = view.taskTable();
        QCOMPARE(table->runId(), qint64(-1));
        QVERIFY(table->caption().contains(QStringLiteral("Select a run")));

        auto select = [&](qint64 id) {
            const int source = view.model()->rowOfRun(id);
            view.table()->selectRow(view.proxy()->mapFromSource(view.model()->index(source, 0)).row());
        };
        select(m_w4);
        QCOMPARE(table->runId(), m_w4);
        QVERIFY(table->view()->isVisibleTo(&view));
        QVERIFY2(table->caption().contains(QStringLiteral("RTN W4")), qPrintable(table->caption()));
        const auto rows = storedRows(m_db, m_w4);
        QAbstractItemModel* shown = table->view()->model(); // what the user sees (through the sort proxy)
        QCOMPARE(shown->rowCount(), 5);
        std::map<QString, int> rowOf;
        for (int r = 0; r < shown->rowCount(); ++r)
            rowOf[shown->index(r, TaskTableModel::Task).data().toString()] = r;
        const int piqa = rowOf.at(QStringLiteral("piqa"));
        const Stored acc = rows.at("piqa/acc"), norm = rows.at("piqa/acc_norm");
        QCOMPARE(shown->index(piqa, TaskTableModel::Questions).data().toString(), QStringLiteral("6"));
        QCOMPARE(
            shown->index(piqa, TaskTableModel::Acc).data().toString(),
            QStringLiteral("%1 ± %2").arg(100 * acc.value, 0, 'f', 1).arg(100 * acc.stderrValue, 0, 'f', 1));
        QCOMPARE(shown->index(piqa, TaskTableModel::AccNorm).data().toString(),
                 QStringLiteral("%1 ± %2")
                     .arg(100 * norm.value, 0, 'f', 1)
                     .arg(100 * norm.stderrValue, 0, 'f', 1));
        QCOMPARE(shown->index(piqa, TaskTableModel::Chance).data().toString(), QStringLiteral("50.0"));
        QCOMPARE(shown->index(rowOf.at(QStringLiteral("boolq")), TaskTableModel::AccNorm).data().toString(),
                 QStringLiteral("–")); // BoolQ: the harness reports acc only
        QCOMPARE(shown->index(piqa, TaskTableModel::Protocol).data().toString(),
                 QStringLiteral("0-shot · first 6"));
        shoot(view, QStringLiteral("runs-tasks.png"));

        // Sorting by acc orders by the number, not the text.
        table->view()->sortByColumn(TaskTableModel::Acc, Qt::DescendingOrder);
        for (int r = 1; r < shown->rowCount(); ++r)
            QVERIFY(shown->index(r - 1, TaskTableModel::Acc).data(TaskTableModel::SortRole).toDouble() >=
                    shown->index(r, TaskTableModel::Acc).data(TaskTableModel::SortRole).toDouble());

        select(m_plain);
        QCOMPARE(table->runId(), m_plain);
        QVERIFY(!table->view()->isVisibleTo(&view));
        QVERIFY2(table->caption().contains(QStringLiteral("no task scores")), qPrintable(table->caption()));
        select(m_fewer);
        QCOMPARE(table->model()->rowCount(), 1);
        QCOMPARE(table->model()->index(0, TaskTableModel::Questions).data().toString(), QStringLiteral("3"));
    }

    void compareViewHasTaskColumnsAndDifferencesToTheBaseline()
    {
        CompareView view;
        view.resize(1700, 900);
        QSignalSpy loaded(&view, &CompareView::dataLoaded);
        view.setDatabase(QString::fromStdString(m_db));
        view.setSelectedRuns({m_w4, m_w2, m_fewer});
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1 && !view.isLoading() && view.loadedRuns().size() == 3,
                                 60000);
        QVERIFY(!view.loadedRuns().empty());
        CompareTasksPanel* panel = view.tasksPanel();
        CompareTasksModel* model = panel->model();
        // The columns: every task metric of any run, in the harness's task order.
        QStringList headers;
        for (int c = 1; c < model->columnCount(); ++c)
            headers << model->headerData(c, Qt::Horizontal)
                           .toString()
                           .replace(QLatin1Char('\n'), QLatin1Char(' '));
        QCOMPARE(
            headers.join(QLatin1Char(',')),
            QStringLiteral("arc_easy acc %,arc_easy acc_norm %,piqa acc %,piqa acc_norm %,winogrande acc %,"
                           "boolq acc %,openbookqa acc %,openbookqa acc_norm %"));
        QCOMPARE(model->rowCount(), 3);
        auto rowOf = [&](qint64 id) {
            for (int r = 0; r < model->rowCount(); ++r)
                if (view.loadedRuns()[size_t(r)].info.id == id) return r;
            return -1;
        };
        const int w4 = rowOf(m_w4), w2 = rowOf(m_w2), fewer = rowOf(m_fewer);
        QVERIFY(w4 >= 0 && w2 >= 0 && fewer >= 0);
        panel->setBaseline(m_w4);
        QCOMPARE(model->baselineRunId(), m_w4);
        QVERIFY(model->index(w4, 0).data().toString().contains(QStringLiteral("baseline")));

        const auto a = storedRows(m_db, m_w4), b = storedRows(m_db, m_w2);
        for (const char* key : {"arc_easy/acc", "piqa/acc_norm", "boolq/acc", "openbookqa/acc_norm"}) {
            const QString k = QString::fromLatin1(key);
            const int col = 1 + int(model->metrics().indexOf(
                                    TaskMetric{k.section(QLatin1Char('/'), 0, 0),
                                               k.section(QLatin1Char('/'), 1) == QLatin1String("acc_norm")}));
            QVERIFY(col > 0);
            QCOMPARE(model->index(w2, col).data(CompareTasksModel::ValueRole).toDouble(),
                     100 * b.at(key).value);
            QCOMPARE(model->index(w2, col).data(CompareTasksModel::DiffRole).toDouble(),
                     100 * (b.at(key).value - a.at(key).value));
            QVERIFY(
                !model->index(w4, col).data(CompareTasksModel::DiffRole).isValid()); // the baseline itself
        }
        const int wino = 1 + int(model->metrics().indexOf(TaskMetric{QStringLiteral("winogrande"), false}));
        QCOMPARE(model->index(w2, wino).data().toString(), QStringLiteral("–")); // W2 was not scored on it
        // Three questions against the baseline's six: flagged, shown grey, explained in the note.
        const TaskCell c = model->cell(fewer, 0);
        QVERIFY(c.diff && !c.sameProtocol);
        QVERIFY(model->index(fewer, 1).data().toString().endsWith(QStringLiteral(" ≠)")));
        QVERIFY(model->protocolsDiffer());
        QVERIFY(panel->note().contains(QStringLiteral("≠")));
        view.showTasks();
        shoot(*panel, QStringLiteral("compare-tasks.png"));

        // Another baseline: the differences turn around; the CSV carries the same numbers.
        panel->setBaseline(m_w2);
        QCOMPARE(model->index(w4, 1).data(CompareTasksModel::DiffRole).toDouble(),
                 100 * (a.at("arc_easy/acc").value - b.at("arc_easy/acc").value));
        const CsvTable csv = model->csv();
        QCOMPARE(csv.header.value(7), QStringLiteral("diff"));
        int diffRows = 0;
        for (const QStringList& row : csv.rows)
            if (row[0].startsWith(QStringLiteral("RTN W4")) && row[2] == QStringLiteral("arc_easy") &&
                row[3] == QStringLiteral("acc")) {
                QVERIFY(
                    std::fabs(row[7].toDouble() - (a.at("arc_easy/acc").value - b.at("arc_easy/acc").value)) <
                    1e-8); // written with 9 significant digits
                ++diffRows;
            }
        QCOMPARE(diffRows, 1);
    }

    // evaluation.tasks_every (docs/EVAL.md): the scores a DL-QAT run made during training are a curve of the
    // Compare view like any metric (task/arc_easy/acc), ending at the final model's score; the runs table
    // shows the final score under the same name.
    void compareViewPlotsTaskScoresMadeDuringTraining()
    {
        const QString train = m_dir.filePath(QStringLiteral("train.txt"));
        const nlohmann::json exp = {
            {"name", "DL-QAT W3 tasks_every 2"},
            {"model", {{"path", dataPath(QStringLiteral("models/stories260K")).toStdString()}}},
            {"data",
             {{"train", train.toStdString()},
              {"eval", train.toStdString()},
              {"seq_len", 32},
              {"batch_size", 2},
              {"eval_seq_len", 128},
              {"eval_max_windows", 2}}},
            {"method",
             {{"name", "dlqat"},
              {"options",
               {{"bits", 3},
                {"group_size", 32},
                {"allow_partial_group", true},
                {"rank", 4},
                {"calib_steps", 2}}}}},
            {"training", {{"steps", 6}, {"eval_every", 3}}},
            {"evaluation",
             {{"tasks", {"arc_easy"}},
              {"tasks_data", dataPath(QStringLiteral("data/tasks")).toStdString()},
              {"tasks_limit", 6},
              {"tasks_every", 2}}}};
        const qint64 id = runConfig(QStringLiteral("dlqat-every"), exp);
        QVERIFY(id > 0);
        std::map<qint64, double> stored; // step -> acc, from the store's rows
        for (const EvalResult& e : RunStore(m_db).evalResults(id))
            if (e.dataset == "arc_easy" && e.metric == "acc") stored[e.step] = e.value;
        QCOMPARE(stored.size(), size_t(3)); // steps 2, 4 during training, 6 the final model

        CompareView view;
        view.resize(1400, 800);
        QSignalSpy loaded(&view, &CompareView::dataLoaded);
        view.setDatabase(QString::fromStdString(m_db));
        view.setSelectedRuns({id});
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1 && !view.isLoading() && view.loadedRuns().size() == 1,
                                 60000);
        const QString key = QStringLiteral("task/arc_easy/acc");
        const QVector<ScalarPoint> curve = view.loadedRuns().front().series.value(key);
        QCOMPARE(curve.size(), qsizetype(3));
        for (const ScalarPoint& p : curve)
            QCOMPARE(p.value, stored.at(p.step));
        view.setMetric(key);
        QCOMPARE(view.metric(), key);
        const CsvTable csv = view.curvesCsv();
        QCOMPARE(csv.rows.size(), qsizetype(3)); // the drawn curve: one row per point
        auto summaryMetric = [&]() -> const RunMetric* {
            for (const RunSummary& s : view.runsModel()->summaries())
                if (s.run.id == id) return s.find(key.toStdString());
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(summaryMetric() != nullptr, 30000);
        QVERIFY(summaryMetric()->source == MetricSource::Task);
        QCOMPARE(summaryMetric()->stats.last, stored.at(6));
        view.setPanelMetrics({QStringLiteral("eval/ppl")});
        view.drawNow();
        shoot(view, QStringLiteral("compare-task-curve.png"));
    }

    void protocolTextAndUndefinedErrors()
    {
        StoredTaskScore s;
        s.task = "mmlu";
        s.shots = 5;
        s.limit = 5;
        s.truncated = 32;
        QCOMPARE(taskProtocolText(s), QStringLiteral("5-shot · first 5 per subject · 32 truncated"));
        s.limit = 0;
        s.truncated = 0;
        QCOMPARE(taskProtocolText(s), QStringLiteral("5-shot · all questions"));
        QCOMPARE(percentWithError(0.25, NAN), QStringLiteral("25.0 ± n/a")); // n = 1: no standard error
        QCOMPARE(percentWithError(0.2534, 0.0251), QStringLiteral("25.3 ± 2.5"));
    }
};

QTEST_MAIN(TestTaskTable)
#include "test_tasktable.moc"

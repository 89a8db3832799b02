// The Export dialog (issue 14) driving the real qatbench-cli: a stories260K RTN run exported as GGUF (the
// estimate shown before, the file and "Done" after; the screenshot of docs/GUI.md), and a gutenberg-llama-22M
// export cancelled while its tensors are written, which leaves no file and no partial file. The Runs view's
// Export button is enabled for completed runs only.
#include "common/runrepository.h"
#include "runs/exportdialog.h"
#include "runs/runsview.h"
#include "ui_test_support.h"

#include "qatbench/store.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace qat;
using namespace qat::ui;

namespace {

using qat::uitest::dataPath;

bool anyPartial(const QString& dir)
{
    return !QDir(dir).entryList({QStringLiteral("*.partial-*")}, QDir::AllEntries | QDir::Hidden).isEmpty();
}

} // namespace

class TestExportDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    // A completed RTN W4 g32 run of `model` (runs are numbered in order in a fresh store).
    bool runEngine(const QString& model, const QString& name)
    {
        const QString train = m_dir.filePath(QStringLiteral("train.txt"));
        const nlohmann::json exp = {
            {"name", name.toStdString()},
            {"device", "cpu"},
            {"model", {{"path", dataPath(QStringLiteral("models/") + model).toStdString()}}},
            {"data",
             {{"train", train.toStdString()},
              {"eval", train.toStdString()},
              {"seq_len", 32},
              {"eval_seq_len", 64},
              {"eval_max_windows", 1}}},
            {"method",
             {{"name", "rtn"},
              {"options", {{"bits", 4}, {"group_size", 32}, {"allow_partial_group", true}}}}}};
        const QString config = m_dir.filePath(name + QStringLiteral(".json"));
        QFile f(config);
        if (!f.open(QIODevice::WriteOnly)) return false;
        f.write(QByteArray::fromStdString(exp.dump()));
        f.close();
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(QATBENCH_CLI_PATH),
                {QStringLiteral("run"), QStringLiteral("--config"), config, QStringLiteral("--db"), m_db,
                 QStringLiteral("--work-dir"), m_dir.filePath(QStringLiteral("work-") + name)});
        if (p.waitForFinished(300000) && p.exitCode() == 0) return true;
        qWarning().noquote() << p.readAll();
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("QATBENCH_TEST_DATA")) QSKIP("QATBENCH_TEST_DATA is not set");
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("runs.db"));
        QFile in(dataPath(QStringLiteral("data/tinystories/TinyStories-validation-head.txt")));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile out(m_dir.filePath(QStringLiteral("train.txt")));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.read(20000));
        out.close();
        QVERIFY(runEngine(QStringLiteral("stories260K"), QStringLiteral("stories-w4"))); // run 1
    }

    void exportsGgufThroughTheRealCli()
    {
        ExportDialog dialog(1, QStringLiteral("stories-w4"), m_db);
        dialog.setProgram(QStringLiteral(QATBENCH_CLI_PATH));
        QSignalSpy estimated(&dialog, &ExportDialog::estimateUpdated);
        QVERIFY(estimated.wait(60000));
        QVERIFY2(estimated.last().at(0).toBool(), qPrintable(dialog.estimateText()));
        // stories260K: 30 of 35 linears are Q4_1 blocks of the grid; the five 172-wide ffn_down are F16.
        QVERIFY2(dialog.estimateText().contains(QStringLiteral("Q4_1")), qPrintable(dialog.estimateText()));
        QVERIFY2(dialog.estimateText().contains(QStringLiteral("7.67")), qPrintable(dialog.estimateText()));
        QVERIFY2(dialog.estimateText().contains(QStringLiteral("30 of 35")),
                 qPrintable(dialog.estimateText()));

        const QString out = m_dir.filePath(QStringLiteral("stories-w4.gguf"));
        dialog.setOutputPath(out);
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        QSignalSpy progressed(&dialog, &ExportDialog::progressed);
        dialog.startExport();
        QCOMPARE(dialog.state(), ExportDialog::State::Exporting);
        QVERIFY(finished.wait(60000));
        QCOMPARE(dialog.state(), ExportDialog::State::Done);
        QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Done")), qPrintable(dialog.statusText()));
        QVERIFY(!progressed.isEmpty());
        QCOMPARE(progressed.last().at(0).toLongLong(), progressed.last().at(1).toLongLong()); // all tensors
        QFile gguf(out);
        QVERIFY(gguf.open(QIODevice::ReadOnly));
        QCOMPARE(gguf.read(4), QByteArray("GGUF"));
        QVERIFY(!anyPartial(m_dir.path()));

        const QString shots = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            dialog.resize(760, dialog.sizeHint().height());
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QDir().mkpath(shots);
            QVERIFY(dialog.grab().save(shots + QStringLiteral("/export-dialog.png")));
        }
    }

    void aRunThatCannotBeExportedSaysWhy()
    {
        // The CLI's refusal (here: a run that is not in the store) is what the dialog shows, and Export stays
        // disabled.
        ExportDialog dialog(99, QString(), m_db);
        dialog.setProgram(QStringLiteral(QATBENCH_CLI_PATH));
        QSignalSpy estimated(&dialog, &ExportDialog::estimateUpdated);
        QVERIFY(estimated.wait(60000));
        QVERIFY(!estimated.last().at(0).toBool());
        QVERIFY2(dialog.estimateText().contains(QStringLiteral("no run 99")),
                 qPrintable(dialog.estimateText()));
        QVERIFY(!dialog.estimateReady());
    }

    void cancelLeavesNothingBehind()
    {
        // gutenberg-llama-22M: a 30 MB GGUF whose tensors take seconds to write on this machine, so the
        // cancel sent at the first progress line arrives while the file is being written.
        QVERIFY(runEngine(QStringLiteral("gutenberg-llama-22M"), QStringLiteral("gutenberg-w4"))); // run 2
        ExportDialog dialog(2, QStringLiteral("gutenberg-w4"), m_db);
        dialog.setProgram(QStringLiteral(QATBENCH_CLI_PATH));
        QSignalSpy estimated(&dialog, &ExportDialog::estimateUpdated);
        QVERIFY(estimated.wait(60000));
        QVERIFY(estimated.last().at(0).toBool());
        const QString out = m_dir.filePath(QStringLiteral("gutenberg-w4.gguf"));
        dialog.setOutputPath(out);
        qint64 cancelledAt = -1, total = 0;
        connect(&dialog, &ExportDialog::progressed, &dialog, [&](qint64 done, qint64 all) {
            if (cancelledAt >= 0) return;
            cancelledAt = done;
            total = all;
            dialog.cancelExport();
        });
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QVERIFY(finished.wait(60000));
        QVERIFY2(cancelledAt >= 0 && cancelledAt < total, "the export ended before the cancel could arrive");
        QCOMPARE(dialog.state(), ExportDialog::State::Cancelled);
        QVERIFY2(dialog.statusText().contains(QStringLiteral("nothing was written")),
                 qPrintable(dialog.statusText()));
        QVERIFY(!QFile::exists(out));
        QVERIFY(!anyPartial(m_dir.path()));
    }

    void runsViewOffersExportForCompletedRuns()
    {
        RunStore store(m_db.toStdString()); // a run that failed has nothing to export
        NewRun failed;
        failed.experiment = "tests";
        failed.name = "failed";
        const int64_t id = store.createRun(failed);
        store.setStatus(id, RunStatus::Failed, "broken");
        RunRepository repository;
        RunsView view(&repository);
        QSignalSpy loaded(&repository, &RunRepository::rowsLoaded);
        repository.setDatabase(m_db);
        repository.refresh();
        QVERIFY(loaded.wait(10000));
        QToolButton* exportButton = nullptr;
        for (QToolButton* b : view.findChildren<QToolButton*>())
            if (b->text() == QStringLiteral("Export...")) exportButton = b;
        QVERIFY(exportButton);
        auto select = [&](qint64 runId) {
            for (int row = 0; row < view.proxy()->rowCount(); ++row) {
                view.table()->selectRow(row);
                if (view.selectedRunId() == runId) return true;
            }
            return false;
        };
        QVERIFY(select(1));
        QVERIFY(exportButton->isEnabled());
        QVERIFY(select(id));
        QVERIFY(!exportButton->isEnabled());
    }
};

QTEST_MAIN(TestExportDialog)
#include "test_exportdialog.moc"

// The experiment form: generated from the declarations, validated inline with exactly the CLI's messages,
// saved and loaded as the experiment JSON.
#include "experimentform.h"

#include "qatbench/experiment.h"
#include "qatbench/method.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using qat::ui::ExperimentForm;

namespace {

// What the CLI would say about this document (the form must say the same).
QString cliMessage(nlohmann::json doc, const QString& field)
{
    for (const auto& issue : qat::validateExperiment(doc))
        if (QString::fromStdString(issue.field) == field) return QString::fromStdString(issue.message);
    return {};
}

QString dataPath(const QString& rel)
{
    const QString root = qEnvironmentVariable("QATBENCH_TEST_DATA");
    return root.isEmpty() ? QString() : root + QLatin1Char('/') + rel;
}

} // namespace

class TestExperimentForm : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qat::registerBuiltinMethods(); }

    void generatesAnEditorForEveryDeclaredOption()
    {
        ExperimentForm form;
        form.setFieldText(QStringLiteral("method.name"), QString()); // no such field: ignored
        const qat::MethodInfo* dlqat = qat::findMethod("dlqat");
        QVERIFY(dlqat);
        for (const auto& o : dlqat->options)
            QVERIFY2(form.editorFor(QStringLiteral("method.options.") + QString::fromStdString(o.name)),
                     o.name.c_str());
        for (const char* f : {"data.train", "data.eval", "data.seq_len", "data.batch_size", "training.steps",
                              "device", "dtype", "seed"})
            QVERIFY2(form.editorFor(QString::fromLatin1(f)), f);
        QVERIFY(qobject_cast<QCheckBox*>(form.editorFor(QStringLiteral("method.options.train_m"))));
        QVERIFY(qobject_cast<QComboBox*>(form.editorFor(QStringLiteral("method.options.calib_objective"))));
        QVERIFY(qobject_cast<QComboBox*>(form.editorFor(QStringLiteral("method.options.train_objective"))));
        QVERIFY(qobject_cast<QCheckBox*>(form.editorFor(QStringLiteral("data.window_bos"))));
        const QString shots = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            QDir().mkpath(shots);
            form.resize(560, 2400);
            form.grab().save(shots + QStringLiteral("/experiment-form.png"));
        }
    }

    void emptyFormNamesTheMissingFields()
    {
        ExperimentForm form;
        QVERIFY(!form.isValid());
        QVERIFY(!form.errorFor(QStringLiteral("data.train")).isEmpty());
        QCOMPARE(form.errorFor(QStringLiteral("data.train")),
                 cliMessage(form.experiment(), QStringLiteral("data.train")));
    }

    void outOfRangeBitsShowTheCliMessageUnderTheField()
    {
        ExperimentForm form;
        form.show();
        QSignalSpy edited(&form, &ExperimentForm::edited);
        form.setFieldText(QStringLiteral("method.options.bits"), QStringLiteral("9"));
        QCOMPARE(edited.count(), 1);
        form.validateNow();
        const QString message = form.errorFor(QStringLiteral("method.options.bits"));
        QVERIFY(!message.isEmpty());
        QCOMPARE(message, cliMessage(form.experiment(), QStringLiteral("method.options.bits")));
        QVERIFY2(message.contains(QLatin1String("2 to 8")), qPrintable(message));
        // ... and it is on screen, next to the editor.
        bool shown = false;
        for (auto* label : form.findChildren<QLabel*>())
            shown = shown || (label->isVisible() && label->text() == message);
        QVERIFY(shown);

        form.setFieldText(QStringLiteral("method.options.bits"), QStringLiteral("1"));
        form.validateNow();
        QVERIFY(!form.errorFor(QStringLiteral("method.options.bits")).isEmpty());
        form.setFieldText(QStringLiteral("method.options.bits"), QStringLiteral("4"));
        form.validateNow();
        QVERIFY(form.errorFor(QStringLiteral("method.options.bits")).isEmpty());
        QCOMPARE(form.experiment()["method"]["options"]["bits"].get<int>(), 4);
    }

    void badNumbersAreNamedNotSilentlyFixed()
    {
        ExperimentForm form;
        form.setFieldText(QStringLiteral("method.options.lr_m"), QStringLiteral("nan"));
        form.setFieldText(QStringLiteral("method.options.rank"), QStringLiteral("0"));
        form.setFieldText(QStringLiteral("data.seq_len"), QStringLiteral("abc"));
        form.validateNow();
        QVERIFY(!form.errorFor(QStringLiteral("method.options.lr_m")).isEmpty());
        QVERIFY(!form.errorFor(QStringLiteral("method.options.rank")).isEmpty());
        QVERIFY(!form.errorFor(QStringLiteral("data.seq_len")).isEmpty());
        QCOMPARE(form.errorFor(QStringLiteral("method.options.rank")),
                 cliMessage(form.experiment(), QStringLiteral("method.options.rank")));
        // Emptying a field means its default again.
        form.setFieldText(QStringLiteral("method.options.rank"), QString());
        form.validateNow();
        QVERIFY(form.errorFor(QStringLiteral("method.options.rank")).isEmpty());
        QCOMPARE(form.experiment()["method"]["options"]["rank"].get<int>(), 16);
    }

    void switchingMethodRebuildsItsOptionsAndKeepsSharedOnes()
    {
        ExperimentForm form;
        form.setFieldText(QStringLiteral("method.options.bits"), QStringLiteral("2"));
        auto* methods = form.findChild<QComboBox*>();
        QVERIFY(methods);
        const int rtn = methods->findData(QStringLiteral("rtn"));
        QVERIFY(rtn >= 0);
        methods->setCurrentIndex(rtn);
        form.validateNow();
        QVERIFY(!form.editorFor(QStringLiteral("method.options.rank")));
        QVERIFY(form.editorFor(QStringLiteral("method.options.bits")));
        QCOMPARE(form.experiment()["method"]["name"].get<std::string>(), std::string("rtn"));
        QCOMPARE(form.experiment()["method"]["options"]["bits"].get<int>(), 2);
        QVERIFY(form.errorFor(QStringLiteral("method.options.rank")).isEmpty()); // no "unknown option"
    }

    void groupSizeIsCheckedAgainstTheModel()
    {
        const QString model = dataPath(QStringLiteral("models/stories260K"));
        if (model.isEmpty()) QSKIP("QATBENCH_TEST_DATA is not set");
        ExperimentForm form;
        form.setModel(model, qat::loadModelConfig(model.toStdString()));
        form.setFieldText(QStringLiteral("data.train"),
                          dataPath(QStringLiteral("data/tinystories/TinyStories-train-head.txt")));
        form.setFieldText(QStringLiteral("data.eval"),
                          dataPath(QStringLiteral("data/tinystories/TinyStories-validation-head.txt")));
        // stories260K: hidden 64, MLP 172 (the down projection's rows): 4 divides both, 32 and 48 do not.
        form.setFieldText(QStringLiteral("method.options.group_size"), QStringLiteral("4"));
        form.validateNow();
        QVERIFY2(form.isValid(),
                 qPrintable(form.issues().isEmpty() ? QString() : form.issues().first().second));
        form.setFieldText(QStringLiteral("method.options.group_size"), QStringLiteral("48"));
        form.validateNow();
        QVERIFY(!form.isValid());
        QVERIFY(!form.errorFor(QStringLiteral("method.options.group_size")).isEmpty());
    }

    void saveAndLoadRoundTripKeepsUnknownFields()
    {
        QTemporaryDir dir;
        ExperimentForm form;
        nlohmann::json doc = qat::defaultExperiment();
        doc["name"] = "round trip";
        doc["method"]["options"]["bits"] = 3;
        doc["training"]["steps"] = 77;
        doc["data"]["window_bos"] = true;
        doc["notes"] = "kept by the form"; // a field the form does not show
        form.setExperiment(doc);
        const QString file = dir.filePath(QStringLiteral("exp.json"));
        QString error;
        QVERIFY2(form.saveFile(file, &error), qPrintable(error));

        ExperimentForm other;
        QVERIFY2(other.loadFile(file, &error), qPrintable(error));
        QCOMPARE(other.experiment(), form.experiment());
        QCOMPARE(other.experiment()["notes"].get<std::string>(), std::string("kept by the form"));
        QCOMPARE(qobject_cast<QLineEdit*>(other.editorFor(QStringLiteral("training.steps")))->text(),
                 QStringLiteral("77"));
        QVERIFY(qobject_cast<QCheckBox*>(other.editorFor(QStringLiteral("data.window_bos")))->isChecked());

        QVERIFY(!other.loadFile(dir.filePath(QStringLiteral("missing.json")), &error));
        QVERIFY(error.contains(QLatin1String("missing.json")));
    }

    void loadedOutOfRangeValueIsShownNotClamped()
    {
        nlohmann::json doc = qat::defaultExperiment();
        doc["method"]["options"]["bits"] = 12;
        doc["training"]["schedule"] = "zigzag";
        ExperimentForm form;
        form.setExperiment(doc);
        QCOMPARE(qobject_cast<QLineEdit*>(form.editorFor(QStringLiteral("method.options.bits")))->text(),
                 QStringLiteral("12"));
        QVERIFY(!form.errorFor(QStringLiteral("method.options.bits")).isEmpty());
        QCOMPARE(qobject_cast<QComboBox*>(form.editorFor(QStringLiteral("training.schedule")))->currentText(),
                 QStringLiteral("zigzag"));
        QVERIFY(!form.errorFor(QStringLiteral("training.schedule")).isEmpty());
    }

    void documentOfTheWrongShapeIsNamedNotACrash()
    {
        ExperimentForm form;
        form.setExperiment(
            nlohmann::json{{"method", "dlqat"}, {"data", 5}, {"training", {{"steps", "many"}}}});
        QVERIFY(!form.isValid());
        QVERIFY(!form.issues().isEmpty());
        form.setFieldText(QStringLiteral("data.seq_len"),
                          QStringLiteral("128")); // editing repairs the section
        form.validateNow();
        QCOMPARE(form.experiment()["data"]["seq_len"].get<int>(), 128);
    }
};

QTEST_MAIN(TestExperimentForm)
#include "test_experimentform.moc"

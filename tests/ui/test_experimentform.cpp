// The experiment form: generated from the declarations, validated inline with exactly the CLI's messages,
// saved and loaded as the experiment JSON.
#include "ui_test_support.h"
#include "workbench/experimentform.h"

#include "qatbench/experiment.h"
#include "qatbench/method.h"
#include "qatbench_plugins/builtin.h"
#include "workbench/modelpanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QXmlStreamReader>
#include <QtTest>

using qat::ui::ExperimentForm;

namespace {

using qat::uitest::dataPath;

// What the CLI would say about this document (the form must say the same).
QString cliMessage(nlohmann::json doc, const QString& field)
{
    for (const auto& issue : qat::validateExperiment(doc))
        if (QString::fromStdString(issue.field) == field) return QString::fromStdString(issue.message);
    return {};
}

// The translated sources of a context in a .ts file (messages with a finished, non-empty translation).
QSet<QString> translatedSources(const QString& tsFile, const QString& context)
{
    QFile file(tsFile);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QSet<QString> out;
    QXmlStreamReader xml(&file);
    QString currentContext, source;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        if (xml.name() == QLatin1String("name")) {
            currentContext = xml.readElementText();
        } else if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation") && currentContext == context) {
            const QString type = xml.attributes().value(QLatin1String("type")).toString();
            if (!xml.readElementText().trimmed().isEmpty() && type.isEmpty()) out.insert(source);
        }
    }
    return out;
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

    void switchingMethodResetsToItsDefaultsAndHidesTraining()
    {
        ExperimentForm form;
        form.setFieldText(QStringLiteral("method.options.bits"), QStringLiteral("2"));
        form.setFieldText(QStringLiteral("method.options.init"), QStringLiteral("minmax"));
        QVERIFY(form.trainingSectionShown()); // DL-QAT trains
        auto* methods = form.findChild<QComboBox*>();
        QVERIFY(methods);
        const int rtn = methods->findData(QStringLiteral("rtn"));
        QVERIFY(rtn >= 0);
        methods->setCurrentIndex(rtn);
        form.validateNow();
        QVERIFY(!form.editorFor(QStringLiteral("method.options.rank")));
        QVERIFY(form.editorFor(QStringLiteral("method.options.bits")));
        QCOMPARE(form.experiment()["method"]["name"].get<std::string>(), std::string("rtn"));
        // RTN's own declared defaults, not what DL-QAT had: its baseline is the reference minmax0.
        const qat::MethodInfo* info = qat::findMethod("rtn");
        for (const auto& o : info->options) {
            QCOMPARE(form.experiment()["method"]["options"][o.name], o.defaultValue);
            if (auto* combo = qobject_cast<QComboBox*>(
                    form.editorFor(QStringLiteral("method.options.") + QString::fromStdString(o.name))))
                QCOMPARE(combo->currentData().toString().toStdString(), o.defaultValue.get<std::string>());
        }
        QCOMPARE(form.experiment()["method"]["options"]["init"].get<std::string>(), std::string("minmax0"));
        QVERIFY(form.errorFor(QStringLiteral("method.options.rank")).isEmpty()); // no "unknown option"
        // RTN does not train: the training section is hidden, and says why.
        QVERIFY(!form.trainingSectionShown());
        QVERIFY(!form.editorFor(QStringLiteral("training.steps"))->isVisibleTo(&form));
        const QString shots = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
        if (!shots.isEmpty() && QDir().mkpath(shots)) {
            form.resize(480, 1100);
            QVERIFY(form.grab().save(shots + QStringLiteral("/experiment-form-rtn.png")));
        }
        methods->setCurrentIndex(methods->findData(QStringLiteral("dlqat")));
        QVERIFY(form.trainingSectionShown());
        for (const auto& o : qat::findMethod("dlqat")->options) // back: DL-QAT's defaults, not the 2 bits
            QCOMPARE(form.experiment()["method"]["options"][o.name], o.defaultValue);
    }

    void wheelScrollsTheFormNotAnUnfocusedComboBox()
    {
        ExperimentForm form;
        form.resize(480, 500);
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        auto* objective =
            qobject_cast<QComboBox*>(form.editorFor(QStringLiteral("method.options.train_objective")));
        QVERIFY(objective);
        auto* scroll = form.findChild<QScrollArea*>();
        QVERIFY(scroll);
        scroll->ensureWidgetVisible(objective);
        QApplication::processEvents();
        const QString before = objective->currentText();
        const int index = objective->currentIndex();
        QVERIFY(index + 1 < objective->count());
        const int scrolledBefore = scroll->verticalScrollBar()->value();
        QVERIFY(scrolledBefore > 0);
        QVERIFY(!objective->hasFocus());
        // Wheel down (negative angle delta) over the combo box, which does not have focus.
        const QPoint at = objective->rect().center();
        QWheelEvent wheel(QPointF(at), QPointF(objective->mapToGlobal(at)), QPoint(), QPoint(0, -120),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(objective, &wheel);
        QCOMPARE(objective->currentText(), before);
        QVERIFY2(scroll->verticalScrollBar()->value() > scrolledBefore, "the form did not scroll");
        QVERIFY(objective->focusPolicy() == Qt::StrongFocus);
        // Once the user has focused it, the wheel is theirs to use on it.
        objective->setFocus(Qt::OtherFocusReason);
        QTRY_VERIFY(objective->hasFocus());
        QWheelEvent again(QPointF(at), QPointF(objective->mapToGlobal(at)), QPoint(), QPoint(0, -120),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(objective, &again);
        QCOMPARE(objective->currentIndex(), index + 1);
    }

    void formIsGeneratedFromTheDeclaration()
    {
        ExperimentForm form;
        QStringList titles;
        for (auto* box : form.findChildren<QGroupBox*>())
            titles << box->title();
        for (const qat::ExperimentSetting& s : qat::experimentSettings()) {
            const QString path = QString::fromStdString(s.path());
            QCOMPARE(form.editorFor(path) != nullptr, s.inForm);
            if (s.inForm) QVERIFY2(titles.contains(QString::fromStdString(s.option.group)), qPrintable(path));
        }
        // A list of choices is one check box per choice, and writes a JSON list.
        form.setFieldText(QStringLiteral("evaluation.tasks"), QStringLiteral("arc_easy,hellaswag"));
        QCOMPARE(form.experiment()["evaluation"]["tasks"], (nlohmann::json{"arc_easy", "hellaswag"}));
        form.validateNow();
        QVERIFY(!form.errorFor(QStringLiteral("evaluation.tasks_data")).isEmpty()); // required with tasks
        QCOMPARE(form.editorFor(QStringLiteral("evaluation.tasks"))->findChildren<QCheckBox*>().size(),
                 qsizetype(qat::findExperimentSetting("evaluation.tasks")->option.choices.size()));
    }

    void everyDeclaredTextIsTranslated()
    {
        // The form's texts come from the declarations (the experiment's settings and the methods' options);
        // each must have a translation in every .ts file, or the German form shows English.
        QStringList texts;
        for (const qat::ExperimentSetting& s : qat::experimentSettings())
            for (const std::string* t : {&s.option.label, &s.option.help, &s.option.group})
                texts << QString::fromStdString(*t);
        for (const qat::MethodInfo& m : qat::availableMethods()) {
            texts << QString::fromStdString(m.summary);
            for (const qat::OptionSpec& o : m.options)
                for (const std::string* t : {&o.label, &o.help, &o.group})
                    if (!t->empty()) texts << QString::fromStdString(*t);
        }
        const QDir dir(QStringLiteral(QATBENCH_SOURCE_DIR "/translations"));
        const QStringList files = dir.entryList({QStringLiteral("*.ts")});
        QVERIFY(files.size() >= 2);
        for (const QString& file : files) {
            const QSet<QString> done =
                translatedSources(dir.filePath(file), QStringLiteral("qat::ui::OptionText"));
            QStringList missing;
            for (const QString& t : std::as_const(texts))
                if (!done.contains(t)) missing << t;
            QVERIFY2(missing.isEmpty(),
                     qPrintable(file + QStringLiteral(" lacks: ") + missing.join(QStringLiteral(" | "))));
        }
    }

    void groupSizeFitsTheOpenedModelAndIsFlaggedAtOnce()
    {
        const QString model = dataPath(QStringLiteral("models/stories260K"));
        if (model.isEmpty()) QSKIP("QATBENCH_TEST_DATA is not set");
        // The summary lists the quantizable linears and the group sizes that fit them.
        qat::ui::ModelPanel panel;
        QSignalSpy opened(&panel, &qat::ui::ModelPanel::modelOpened);
        panel.openModel(model);
        QVERIFY(opened.wait(20000));
        QString details;
        for (auto* label : panel.findChildren<QLabel*>())
            details += label->text();
        for (const char* part :
             {"Quantizable linears", "7 per layer", "down_proj: 172", "0 (per channel), 2, 4"})
            QVERIFY2(details.contains(QString::fromUtf8(part)), qPrintable(details));

        // DL-QAT's declared 128 does not fit stories260K (rows 64 and 172): the form starts from 4, which
        // does.
        ExperimentForm form;
        QCOMPARE(form.experiment()["method"]["options"]["group_size"].get<int>(), 128);
        form.setModel(model, panel.info()->config);
        QCOMPARE(form.experiment()["method"]["options"]["group_size"].get<int>(), 4);
        QCOMPARE(
            qobject_cast<QLineEdit*>(form.editorFor(QStringLiteral("method.options.group_size")))->text(),
            QStringLiteral("4"));
        QVERIFY(form.errorFor(QStringLiteral("method.options.group_size")).isEmpty());
        // A size the user chose is kept, and flagged at once (no texts chosen yet), in one line.
        form.setFieldText(QStringLiteral("method.options.group_size"), QStringLiteral("48"));
        form.validateNow();
        const QString error = form.errorFor(QStringLiteral("method.options.group_size"));
        QVERIFY2(!error.isEmpty() && !error.contains(QLatin1Char('\n')), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("down_proj")) && error.contains(QLatin1String("2, 4")),
                 qPrintable(error));
        QCOMPARE(form.experiment()["method"]["options"]["group_size"].get<int>(), 48);
        bool summaryLine = false;
        for (auto* label : form.findChildren<QLabel*>())
            for (const QString& line : label->text().split(QLatin1Char('\n')))
                summaryLine = summaryLine || line == QStringLiteral("Group size: ") + error;
        QVERIFY(summaryLine);
        form.setModel(model, panel.info()->config); // opening again keeps the user's choice
        QCOMPARE(form.experiment()["method"]["options"]["group_size"].get<int>(), 48);
        const QString shots = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
        if (!shots.isEmpty() && QDir().mkpath(shots)) {
            panel.resize(420, 720);
            QVERIFY(panel.grab().save(shots + QStringLiteral("/model-summary.png")));
        }
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

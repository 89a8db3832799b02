#include "common/enginesettings.h"

#include "common/format.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>

namespace qat::ui {

namespace {
const char* const kEngineKey = "engine/program";
} // namespace

QList<QPair<QString, QString>> EngineDevices::gpuChoices() const
{
    QList<QPair<QString, QString>> out;
    for (const EngineDevice& d : devices) {
        if (d.kind != QLatin1String("cuda")) continue;
        QString label = QStringLiteral("%1 - %2").arg(d.id, d.name);
        if (d.memoryBytes > 0) label += QStringLiteral(", ") + formatBytes(d.memoryBytes);
        if (!d.capability.isEmpty()) label += QStringLiteral(", sm %1").arg(d.capability);
        out.append({d.id, label});
    }
    return out;
}

QString EngineDevices::summary() const
{
    if (!error.isEmpty()) return error;
    const int gpus = int(gpuChoices().size());
    QString text =
        engine.isEmpty() ? QCoreApplication::translate("qat::ui::EngineSettings", "qatbench-cli") : engine;
    if (!cudaBuild)
        text += QCoreApplication::translate("qat::ui::EngineSettings",
                                            ": built without CUDA, runs on the CPU only (README, "
                                            "\"Training on your GPU\", builds one with CUDA).");
    else if (gpus == 0)
        text += QCoreApplication::translate("qat::ui::EngineSettings",
                                            ": built with CUDA, but it sees no GPU (driver?).");
    else
        text += QCoreApplication::translate("qat::ui::EngineSettings", ": %n GPU(s)", nullptr, gpus);
    if (gpus >= 2 && !dataParallelProblem().isEmpty()) text += QLatin1Char(' ') + dataParallelProblem();
    return text;
}

QString EngineDevices::dataParallelProblem() const
{
    if (!dataParallelKnown || nccl) return {};
    return QCoreApplication::translate(
        "qat::ui::EngineSettings", "This build of qatbench-cli has no NCCL, so it cannot train on several "
                                   "GPUs at once: rebuild it against a LibTorch with CUDA and NCCL (see "
                                   "docs/SCALE.md).");
}

EngineDevices parseDevicesJson(const QByteArray& json)
{
    EngineDevices out;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    auto fail = [&out](const QString& why) {
        out.devices.clear();
        out.error = QCoreApplication::translate("qat::ui::EngineSettings",
                                                "The engine's device list (devices --json) is unreadable: %1")
                        .arg(why);
        return out;
    };
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return fail(parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                 : QStringLiteral("not a JSON object"));
    const QJsonObject o = doc.object();
    out.engine = o.value(QStringLiteral("engine")).toString();
    out.cudaBuild = o.value(QStringLiteral("cuda_build")).toBool();
    // Optional (engines before issue 19 do not print it), but when present it must say true or false.
    const QJsonValue dp = o.value(QStringLiteral("data_parallel"));
    if (!dp.isUndefined()) {
        if (!dp.isObject()) return fail(QStringLiteral("\"data_parallel\" is not an object"));
        for (const char* key : {"nccl", "gloo"}) {
            const QJsonValue v = dp.toObject().value(QLatin1String(key));
            if (!v.isBool())
                return fail(QStringLiteral("data_parallel.%1 is not true or false").arg(QLatin1String(key)));
        }
        out.dataParallelKnown = true;
        out.nccl = dp.toObject().value(QStringLiteral("nccl")).toBool();
        out.gloo = dp.toObject().value(QStringLiteral("gloo")).toBool();
    }
    const QJsonValue list = o.value(QStringLiteral("devices"));
    if (!list.isArray()) return fail(QStringLiteral("\"devices\" is not an array"));
    for (qsizetype i = 0; i < list.toArray().size(); ++i) {
        const QJsonValue v = list.toArray().at(i);
        const QString where = QStringLiteral("devices[%1]").arg(i);
        if (!v.isObject()) return fail(where + QStringLiteral(" is not an object"));
        const QJsonObject d = v.toObject();
        EngineDevice dev;
        dev.id = d.value(QStringLiteral("id")).toString();
        dev.kind = d.value(QStringLiteral("kind")).toString();
        if (dev.id.isEmpty()) return fail(where + QStringLiteral(".id is missing"));
        if (dev.kind != QLatin1String("cpu") && dev.kind != QLatin1String("cuda"))
            return fail(where + QStringLiteral(".kind is neither \"cpu\" nor \"cuda\""));
        dev.name = d.value(QStringLiteral("name")).toString();
        dev.memoryBytes = d.value(QStringLiteral("memory_bytes")).toInteger();
        dev.capability = d.value(QStringLiteral("capability")).toString();
        out.devices.append(dev);
    }
    return out;
}

QString cudaBuildCandidate()
{
    // README's recipe builds into build-gpu/ of the source tree; the GUI of recipe (a) lives in build/bin.
    return QDir::cleanPath(QCoreApplication::applicationDirPath() +
                           QStringLiteral("/../../build-gpu/bin/qatbench-cli"));
}

QString automaticEngine()
{
    const QString fromEnv = qEnvironmentVariable("QATBENCH_CLI");
    if (!fromEnv.isEmpty()) return fromEnv;
    const QFileInfo gpu(cudaBuildCandidate());
    if (gpu.isFile() && gpu.isExecutable()) return gpu.absoluteFilePath();
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("qatbench-cli"));
}

QString enginePath()
{
    const QString set = EngineSettings::instance().configuredEngine();
    return set.isEmpty() ? automaticEngine() : set;
}

EngineSettings& EngineSettings::instance()
{
    static EngineSettings* settings = new EngineSettings; // lives as long as the application
    return *settings;
}

QString EngineSettings::configuredEngine() const
{
    return QSettings().value(QLatin1String(kEngineKey)).toString();
}

void EngineSettings::setConfiguredEngine(const QString& program)
{
    if (program == configuredEngine()) return;
    QSettings().setValue(QLatin1String(kEngineKey), program);
    Q_EMIT changed();
}

DeviceProbe::DeviceProbe(QObject* parent) : QObject(parent) {}

DeviceProbe::~DeviceProbe()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        disconnect(m_process, nullptr, this, nullptr);
        m_process->kill();
        m_process->waitForFinished(2000);
    }
}

bool DeviceProbe::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

void DeviceProbe::start(const QString& program)
{
    if (m_process) {
        disconnect(m_process, nullptr, this, nullptr);
        m_process->kill();
        m_process->waitForFinished(2000);
        m_process->deleteLater();
    }
    auto* process = new QProcess(this);
    m_process = process;
    connect(
        process, &QProcess::finished, this, [this, process, program](int code, QProcess::ExitStatus status) {
            EngineDevices d;
            if (status != QProcess::NormalExit || code != 0) {
                const QString err = QString::fromUtf8(process->readAllStandardError()).trimmed();
                d.error = tr("%1 devices --json failed (exit code %2)%3")
                              .arg(program)
                              .arg(code)
                              .arg(err.isEmpty() ? QString()
                                                 : QStringLiteral(": ") + err.section(QLatin1Char('\n'), -1));
            } else {
                d = parseDevicesJson(process->readAllStandardOutput());
            }
            Q_EMIT finished(d);
        });
    connect(process, &QProcess::errorOccurred, this, [this, process, program](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart) return;
        EngineDevices d;
        d.error = tr("Could not start the engine %1: %2").arg(program, process->errorString());
        Q_EMIT finished(d);
    });
    process->start(program, {QStringLiteral("devices"), QStringLiteral("--json")});
}

} // namespace qat::ui

#pragma once
// Helpers every widget test uses: the shared test data and the screenshots the docs take from the tests.
#include <QDir>
#include <QString>
#include <QWidget>
#include <QtTest>
#include <nlohmann/json.hpp>

namespace qat::uitest {

// A path inside $QATBENCH_TEST_DATA (the shared data folder), or "" when the variable is not set.
inline QString dataPath(const QString& rel)
{
    const QString root = qEnvironmentVariable("QATBENCH_TEST_DATA");
    return root.isEmpty() ? QString() : root + QLatin1Char('/') + rel;
}

// The data section of a small stories260K run: the TinyStories heads, 32-token windows, batch 2, and an
// evaluation of two 64-token windows.
inline nlohmann::json tinyStoriesData()
{
    return {
        {"train", dataPath(QStringLiteral("data/tinystories/TinyStories-train-head.txt")).toStdString()},
        {"eval", dataPath(QStringLiteral("data/tinystories/TinyStories-validation-head.txt")).toStdString()},
        {"seq_len", 32},
        {"batch_size", 2},
        {"eval_seq_len", 64},
        {"eval_max_windows", 2}};
}

// Saves w as $QATBENCH_SCREENSHOT_DIR/name when that variable is set (docs/GUI.md's screenshots).
inline void shoot(QWidget& w, const QString& name)
{
    const QString dir = qEnvironmentVariable("QATBENCH_SCREENSHOT_DIR");
    if (dir.isEmpty()) return;
    QDir().mkpath(dir);
    QVERIFY(w.grab().save(dir + QLatin1Char('/') + name));
}

} // namespace qat::uitest

#pragma once
// Helpers every widget test uses: the shared test data and the screenshots the docs take from the tests.
#include <QDir>
#include <QString>
#include <QWidget>
#include <QtTest>

namespace qat::uitest {

// A path inside $QATBENCH_TEST_DATA (the shared data folder), or "" when the variable is not set.
inline QString dataPath(const QString& rel)
{
    const QString root = qEnvironmentVariable("QATBENCH_TEST_DATA");
    return root.isEmpty() ? QString() : root + QLatin1Char('/') + rel;
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

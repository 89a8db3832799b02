#pragma once
// The first thing a new user sees: what QATBench does, two ways to start, and where they left off: the recent
// models (the model panel's list) and the latest runs of the store, each one click from being open again.

#include "common/runsmodel.h"

#include <QWidget>

#include <vector>

class QListWidget;
class QPushButton;

namespace qat::ui {

class WelcomeView final : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomeView(QWidget* parent = nullptr);

    void setRecentModels(const QStringList& dirs);
    void setRecentRuns(const std::vector<RunRow>& rows); // the newest kMaxRuns are listed
    QListWidget* recentModelsList() const { return m_models; }
    QListWidget* recentRunsList() const { return m_runs; }
    static constexpr int kMaxRuns = 8;

Q_SIGNALS:
    void openModelRequested();
    void runDemoRequested();
    void recentModelRequested(const QString& dir);
    void runRequested(qint64 runId); // opens the run's charts

private:
    QPushButton* m_open = nullptr;
    QPushButton* m_demo = nullptr;
    QListWidget* m_models = nullptr;
    QListWidget* m_runs = nullptr;
};

} // namespace qat::ui

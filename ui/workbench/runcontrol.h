#pragma once
// Run control: start, pause/resume and stop buttons, a progress bar of the current phase (step / total), a
// bar and an ETA for the whole run (calibration, training, evaluations; runprogress.h), tokens/s and memory,
// a plain banner for a failed run, and the engine's log. It reflects one EngineClient; starting is the
// owner's job (it writes the config), so Start only asks for it.

#include "common/engineclient.h"
#include "workbench/runprogress.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTimer;

namespace qat::ui {

class RunControl final : public QWidget
{
    Q_OBJECT
public:
    explicit RunControl(EngineClient* client, QWidget* parent = nullptr);

    // Start is possible only with a valid experiment; reason is shown as its tooltip otherwise.
    void setCanStart(bool can, const QString& reason = {});
    void appendLog(const QString& level, const QString& text);
    void clearLog();
    void showFailure(const QString& message, const QString& hint);
    void showOutcome(const QString& text);

    QPushButton* pauseButton() const { return m_pause; } // "Pause", or "Resume" while paused
    QPushButton* stopButton() const { return m_stop; }
    QPlainTextEdit* logView() const { return m_log; }
    bool followsLog() const { return m_followLog; }           // the log scrolls to each new line
    QProgressBar* progressBar() const { return m_bar; }       // the current phase
    QProgressBar* runProgressBar() const { return m_runBar; } // the whole run
    QString runProgressText() const;                          // "Whole run: 43 % · elapsed ... · ETA ..."
    // What the next started run will do (from its experiment), for the whole run's progress and ETA, when the
    // engine's started event does not carry the run's experiment.
    void setPlan(const RunPlan& plan) { m_plan = plan; }
    const RunProgress& runProgress() const { return m_run; }
    QString failureText() const;
    QString statusText() const;


Q_SIGNALS:
    void startRequested();

private:
    void updateButtons();
    double eventClock(); // the time of the event being handled, on the GUI's clock
    void onProgress(const EngineProgress& p);
    void showRunProgress();

    EngineClient* m_client = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_stop = nullptr;
    QProgressBar* m_bar = nullptr;
    QProgressBar* m_runBar = nullptr;
    QLabel* m_runText = nullptr;
    QTimer* m_tick = nullptr; // the ETA counts down between the engine's reports
    QLabel* m_phase = nullptr;
    QLabel* m_stats = nullptr;
    QLabel* m_banner = nullptr;
    QPlainTextEdit* m_log = nullptr;
    bool m_canStart = false;
    QString m_phaseName;
    RunPlan m_plan;
    RunProgress m_run;
    double m_clockOffset = 0; // GUI clock - engine clock (see eventClock())
    bool m_haveClockOffset = false;
    bool m_followLog = true; // the log shows its newest line (the user has not scrolled up)
};

} // namespace qat::ui

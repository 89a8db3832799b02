#pragma once
// Run control: start, pause/resume and stop buttons, a progress bar with phase, step, ETA, tokens/s and
// memory, a plain banner for a failed run, and the engine's log. It reflects one EngineClient; starting is
// the owner's job (it writes the config), so Start only asks for it.

#include "engineclient.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

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

    QPlainTextEdit* logView() const { return m_log; }
    QProgressBar* progressBar() const { return m_bar; }
    QString failureText() const;
    QString statusText() const;

    static QString formatDuration(double seconds); // "1 h 02 min", "3 min 05 s", "12 s"

Q_SIGNALS:
    void startRequested();

private:
    void updateButtons();
    void onProgress(const EngineProgress& p);

    EngineClient* m_client = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_stop = nullptr;
    QProgressBar* m_bar = nullptr;
    QLabel* m_phase = nullptr;
    QLabel* m_stats = nullptr;
    QLabel* m_banner = nullptr;
    QPlainTextEdit* m_log = nullptr;
    bool m_canStart = false;
    QString m_phaseName;
};

} // namespace qat::ui

#pragma once
// The main window: a frame that holds the views. Each view is its own widget with its own behaviour;
// this class only wires them (STYLE.md: no god-object main window). Views are pages of a stack chosen from
// the side bar; more views (Compare, Histograms: issue 7) are added with addView().
// It remembers the session (QSettings, issue 18): geometry, every view's splitters, the last view, the open
// model and the experiment form; closing saves it (saveSession), the next start restores it.

#include <QMainWindow>

#include <functional>

class QAction;
class QListWidget;
class QStackedWidget;

namespace qat::ui {

class CompareView;
class ExplorerView;
class HistogramView;
class RunRepository;
class RunsView;
class WelcomeView;
class WorkbenchView;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum class CloseChoice
    {
        StopRun,   // stop the run (checkpoint), then close
        LetFinish, // keep the run going; the window closes itself when it ends
        Cancel,
    };

    explicit MainWindow(QWidget* parent = nullptr);

    WelcomeView* welcomeView() const { return m_welcome; }
    WorkbenchView* workbenchView() const { return m_workbench; }
    RunsView* runsView() const { return m_runs; }
    RunRepository* repository() const { return m_repository; }
    CompareView* compareView() const { return m_compare; }
    HistogramView* histogramView() const { return m_histograms; }
    ExplorerView* explorerView() const { return m_explorer; }

    // A page in the side bar; returns its index. id names it in the settings ("explorer"); Ctrl+<n> shows it.
    int addView(const QString& title, QWidget* view, const QString& id = {});
    void showView(QWidget* view);
    QWidget* currentView() const;

    void setDatabase(const QString& file); // the run store the runs table and the engine use
    void openSettings();
    // The session in QSettings: window geometry, splitter sizes, the last view, the open model and the form.
    void saveSession() const;
    void restoreSession();

    QAction* startAction() const { return m_start; }
    QAction* pauseAction() const { return m_pause; }
    QAction* resumeAction() const { return m_resume; }
    QAction* stopAction() const { return m_stop; }
    QAction* demoAction() const { return m_demo; }
    QList<QAction*> viewActions() const { return m_viewActions; }

    // Tests replace the question asked when closing during a run.
    void setCloseChoiceProvider(std::function<CloseChoice()> provider) { m_askClose = std::move(provider); }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void updateRunActions(); // each Run action enabled only when it applies
    CloseChoice askClose();

    QListWidget* m_nav = nullptr;
    QStackedWidget* m_stack = nullptr;
    WelcomeView* m_welcome = nullptr;
    WorkbenchView* m_workbench = nullptr;
    RunsView* m_runs = nullptr;
    CompareView* m_compare = nullptr;      // issue 7
    HistogramView* m_histograms = nullptr; // issue 7
    ExplorerView* m_explorer = nullptr;    // issue 7
    RunRepository* m_repository = nullptr;
    std::function<CloseChoice()> m_askClose;
    QStringList m_viewIds;
    QString m_openModel;
    QAction* m_start = nullptr;
    QAction* m_pause = nullptr;
    QAction* m_resume = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_demo = nullptr;
    QList<QAction*> m_viewActions;
    bool m_closeWhenIdle = false;
};

} // namespace qat::ui

#pragma once
// The main window: a frame that holds the views. Each view is its own widget with its own behaviour;
// this class only wires them (STYLE.md: no god-object main window).

#include <QMainWindow>

class QStackedWidget;

namespace qat::ui {

class WelcomeView;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    WelcomeView* welcomeView() const { return m_welcome; }

private:
    void createMenus();

    QStackedWidget* m_stack = nullptr;
    WelcomeView* m_welcome = nullptr;
};

} // namespace qat::ui

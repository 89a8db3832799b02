#pragma once
// The first thing a new user sees: what QATBench does, and two ways to start.

#include <QWidget>

class QPushButton;

namespace qat::ui {

class WelcomeView final : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomeView(QWidget* parent = nullptr);

Q_SIGNALS:
    void openModelRequested();
    void runDemoRequested();

private:
    QPushButton* m_open = nullptr;
    QPushButton* m_demo = nullptr;
};

} // namespace qat::ui

#pragma once
// The GUI's one way to run work off the GUI thread.
//
// Intended usage:
//   1. A view owns one BackgroundTask per kind of request (list runs, load a run, compute...), made with
//      the view as its parent: `m_load = new BackgroundTask(this);`.
//   2. run(work, done, failed): `work` runs on the global thread pool with copies of what it needs (never
//      the view's members); it may take a CancelToken and poll it in long loops or from a core progress
//      callback ("continue?" = !token.isCancelled()). done(result) and failed(message) run later on the
//      GUI thread.
//   3. Policy::Latest (the default): a newer run() supersedes every earlier request of the same task; their
//      tokens read cancelled and their results or errors are dropped. Policy::Queue: requests run one at a
//      time in the order asked and every one is answered (the run repository's reads and writes).
//   4. cancel() drops everything asked so far; the destructor cancels and waits for the work in flight, so
//      a delivery never reaches a destroyed view and no worker outlives its owner.
// The work's exceptions become failed(what()); qat::Cancelled thrown by the work counts as dropped. Nothing
// is ever delivered through a blocking connection.

#include "qatbench/error.h"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace qat::ui {

// What a request's work polls: cancelled once a newer request superseded it, cancel() was called or the owner
// is being destroyed. Cheap to copy; safe to read from any thread.
class CancelToken
{
public:
    CancelToken() = default;
    bool isCancelled() const { return m_state && m_id < m_state->load(); }

private:
    friend class BackgroundTask;
    CancelToken(std::shared_ptr<const std::atomic<quint64>> state, quint64 id)
        : m_state(std::move(state)), m_id(id)
    {}
    std::shared_ptr<const std::atomic<quint64>> m_state; // requests with an id below it are cancelled
    quint64 m_id = 0;
};

class BackgroundTask final : public QObject
{
    Q_OBJECT
public:
    enum class Policy
    {
        Latest, // a newer request supersedes the older ones
        Queue,  // one at a time, in order, every request answered
    };
    using Failed = std::function<void(const QString& message)>;

    explicit BackgroundTask(QObject* owner, Policy policy = Policy::Latest);
    ~BackgroundTask() override; // cancels, then waits for the work in flight

    // work: R() or R(const CancelToken&), on a pool thread. done: void(R) (void() when R is void), on the GUI
    // thread, only while this request is current. failed: the work's exception text, on the same terms; left
    // empty, the message goes to qWarning.
    template <typename Work, typename Done> void run(Work work, Done done, Failed failed = {});

    void cancel(); // drops every request asked so far (their work sees the token)
    bool isBusy() const { return m_unanswered > 0; } // a request asked and not yet answered or dropped
    int droppedCount() const { return m_dropped; }   // requests that ended superseded or cancelled
    void waitForFinished();                          // blocks until no work is running (destructor, tests)

private:
    struct Outcome
    {
        bool cancelled = false;        // the work threw qat::Cancelled
        std::optional<QString> error;  // the work threw something else
        std::function<void()> deliver; // calls done with the result
    };
    using Job = std::function<std::shared_ptr<Outcome>(const CancelToken&)>;
    struct Pending
    {
        quint64 id = 0;
        Job job;
        Failed failed;
    };
    void enqueue(Job job, Failed failed);
    void startNext();
    void finished(quint64 id, const std::shared_ptr<Outcome>& outcome, const Failed& failed);
    bool isCurrent(quint64 id) const { return id >= m_cancelBelow->load(); }

    Policy m_policy;
    std::shared_ptr<std::atomic<quint64>> m_cancelBelow = std::make_shared<std::atomic<quint64>>(1);
    quint64 m_nextId = 0;
    QList<Pending> m_queue; // asked, not started (Queue: waiting for the one in flight)
    QList<QFuture<void>> m_running;
    int m_inFlight = 0;   // started, not yet finished on the GUI thread
    int m_unanswered = 0; // asked, not yet answered or dropped
    int m_dropped = 0;
};

template <typename Work, typename Done> void BackgroundTask::run(Work work, Done done, Failed failed)
{
    auto job = [work = std::move(work), done = std::move(done)](const CancelToken& token) mutable {
        auto outcome = std::make_shared<Outcome>();
        auto call = [&]() -> decltype(auto) {
            if constexpr (std::is_invocable_v<Work&, const CancelToken&>)
                return work(token);
            else
                return work();
        };
        using Result = decltype(call());
        try {
            if constexpr (std::is_void_v<Result>) {
                call();
                outcome->deliver = [done]() mutable { done(); };
            } else {
                auto result = std::make_shared<std::decay_t<Result>>(call());
                outcome->deliver = [done, result]() mutable { done(std::move(*result)); };
            }
        } catch (const Cancelled&) {
            outcome->cancelled = true;
        } catch (const std::exception& e) {
            outcome->error = QString::fromUtf8(e.what());
        }
        return outcome;
    };
    enqueue(std::move(job), std::move(failed));
}

} // namespace qat::ui

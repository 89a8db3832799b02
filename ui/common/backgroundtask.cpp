#include "common/backgroundtask.h"

#include <QDebug>
#include <QtConcurrent>

namespace qat::ui {

BackgroundTask::BackgroundTask(QObject* owner, Policy policy) : QObject(owner), m_policy(policy) {}

BackgroundTask::~BackgroundTask()
{
    // Before QObject's destructor: once no worker can post a delivery any more, the posted ones die with us.
    cancel();
    waitForFinished();
}

void BackgroundTask::cancel()
{
    m_cancelBelow->store(m_nextId + 1);
}

void BackgroundTask::waitForFinished()
{
    for (QFuture<void>& f : m_running)
        f.waitForFinished();
    m_running.clear();
}

void BackgroundTask::enqueue(Job job, Failed failed)
{
    const quint64 id = ++m_nextId;
    if (m_policy == Policy::Latest) m_cancelBelow->store(id); // every earlier request is stale now
    ++m_unanswered;
    m_queue.append({id, std::move(job), std::move(failed)});
    startNext();
}

void BackgroundTask::startNext()
{
    while (!m_queue.isEmpty() && (m_policy == Policy::Latest || m_inFlight == 0)) {
        Pending p = m_queue.takeFirst();
        if (!isCurrent(p.id)) { // cancelled before it started
            --m_unanswered;
            ++m_dropped;
            continue;
        }
        ++m_inFlight;
        m_running.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
        const CancelToken token(m_cancelBelow, p.id);
        m_running.append(QtConcurrent::run([this, token, id = p.id, job = std::move(p.job),
                                            failed = std::move(p.failed)] {
            std::shared_ptr<Outcome> outcome = job(token);
            QMetaObject::invokeMethod(
                this, [this, id, outcome, failed] { finished(id, outcome, failed); }, Qt::QueuedConnection);
        }));
    }
}

void BackgroundTask::finished(quint64 id, const std::shared_ptr<Outcome>& outcome, const Failed& failed)
{
    --m_inFlight;
    --m_unanswered;
    if (!isCurrent(id) || outcome->cancelled) {
        ++m_dropped;
    } else if (outcome->error) {
        if (failed)
            failed(*outcome->error);
        else
            qWarning("qatbench: background work failed: %s", qPrintable(*outcome->error));
    } else {
        outcome->deliver();
    }
    startNext(); // Queue: the next request in order (also one that done() asked for)
}

} // namespace qat::ui

#include "qatbench/progress.h"

#include <chrono>

namespace qat {

static double nowSeconds()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

ProgressClock::ProgressClock() : m_start(nowSeconds()) {}

Progress ProgressClock::make(std::string phase, int64_t done, int64_t total, std::string unit) const
{
    Progress p;
    p.phase = std::move(phase);
    p.done = done;
    p.total = total;
    p.unit = std::move(unit);
    p.elapsedSeconds = nowSeconds() - m_start;
    if (done > 0 && total > 0) p.etaSeconds = p.elapsedSeconds / double(done) * double(total - done);
    return p;
}

} // namespace qat

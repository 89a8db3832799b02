#pragma once
// Progress reporting for long work (llama.cpp style): the work runs on the caller's thread and calls back;
// the callback returns true to continue and false to stop (the work then throws qat::Cancelled).

#include <cstdint>
#include <functional>
#include <string>

namespace qat {

struct Progress
{
    std::string phase;       // e.g. "eval", "calibration", "training"
    int64_t done = 0;        // units done so far (windows, steps, ...)
    int64_t total = 0;       // units in all; 0 when unknown
    double elapsedSeconds = 0;
    double etaSeconds = -1;  // < 0 when unknown
    std::string unit;        // "windows", "steps", ...
};

using ProgressFn = std::function<bool(const Progress&)>;

// Measures elapsed time and estimates the remaining time from the rate so far.
class ProgressClock
{
public:
    ProgressClock();
    Progress make(std::string phase, int64_t done, int64_t total, std::string unit) const;

private:
    double m_start;
};

} // namespace qat

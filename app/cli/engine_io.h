#pragma once
// How a command that runs the engine talks to whoever started it (DESIGN.md §2, docs/EVENTS.md): its events
// on stdout as JSON lines (--events jsonl) or as human text on stderr, and pause/resume/stop lines on stdin
// and SIGINT/SIGTERM into an EngineControl. Shared by `run` and `demo`.

#include "qatbench/engine.h"

#include <functional>
#include <memory>

namespace qat::cli {

using EventSink = std::function<void(const EngineEvent&)>;

// One JSON line per event on stdout, flushed at once.
EventSink jsonEventWriter();
// Progress bars, losses, evaluations, messages and the end of each run as text on stderr.
EventSink humanEventWriter();

// Reads pause/resume/stop lines from stdin on a detached thread (end of input is not a stop), and makes
// SIGINT/SIGTERM a stop (a second one ends the process at once). control must outlive the process.
void connectControl(EngineControl& control, bool jsonEvents);
// After the work: the signals end the process again.
void disconnectControl();

} // namespace qat::cli

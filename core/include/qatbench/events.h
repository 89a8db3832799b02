#pragma once
// The engine's progress events: one JSON object per line on the engine's stdout (`qatbench-cli run --events
// jsonl`). docs/EVENTS.md lists every event and its fields. No torch types (the GUI parses these).
//
// Every line has "event" (the name below) and "t" (unix seconds); the other fields depend on the event:
//   started    {run_id, method, total_steps, db, work_dir, resumed, experiment (the stored document)}
//   phase      {phase}
//   progress   {phase, step, total, eta_s, tokens_per_s, mem_bytes}
//   metric     {name, step, value, context (object), context_key (string)}
//   eval       {step, ppl, nll, tokens, dataset}
//   message    {level, text}
//   paused     {step}          resumed {step}
//   checkpoint {path, step}
//   finished   {status, message, run_id}
//   failed     {message, hint, run_id}

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace qat {

namespace event {
inline constexpr const char* kStarted = "started";
inline constexpr const char* kPhase = "phase";
inline constexpr const char* kProgress = "progress";
inline constexpr const char* kMetric = "metric";
inline constexpr const char* kEval = "eval";
inline constexpr const char* kMessage = "message";
inline constexpr const char* kPaused = "paused";
inline constexpr const char* kResumed = "resumed";
inline constexpr const char* kCheckpoint = "checkpoint";
inline constexpr const char* kFinished = "finished";
inline constexpr const char* kFailed = "failed";
} // namespace event

struct EngineEvent
{
    std::string name;                                 // one of qat::event::k*
    double time = 0;                                  // unix seconds ("t")
    nlohmann::json fields = nlohmann::json::object(); // the event's own fields
};

// Makes an event stamped with the current time.
EngineEvent makeEvent(std::string name, nlohmann::json fields = nlohmann::json::object());
// {"event": name, "t": time, ...fields} on one line, without the trailing newline. Non-finite numbers are
// written as null (JSON has no NaN).
std::string toJsonLine(const EngineEvent& e);
// nullopt when the line is not a JSON object with a string "event".
std::optional<EngineEvent> parseEventLine(std::string_view line);

// Commands the engine reads on stdin, one per line.
enum class EngineCommand
{
    Pause,
    Resume,
    Stop,
};
std::optional<EngineCommand> parseEngineCommand(std::string_view line); // "pause", "resume", "stop"

} // namespace qat

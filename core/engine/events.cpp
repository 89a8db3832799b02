#include "qatbench/events.h"

#include <chrono>
#include <cmath>

namespace qat {

EngineEvent makeEvent(std::string name, nlohmann::json fields)
{
    using namespace std::chrono;
    EngineEvent e;
    e.name = std::move(name);
    e.time = duration<double>(system_clock::now().time_since_epoch()).count();
    e.fields = fields.is_object() ? std::move(fields) : nlohmann::json::object();
    return e;
}

// JSON has no NaN/inf: nlohmann would write them as null anyway, but say so explicitly for every nesting.
static void nullNonFinite(nlohmann::json& j)
{
    if (j.is_number_float() && !std::isfinite(j.get<double>()))
        j = nullptr;
    else if (j.is_structured())
        for (auto& v : j)
            nullNonFinite(v);
}

std::string toJsonLine(const EngineEvent& e)
{
    nlohmann::json j = nlohmann::json::object();
    j["event"] = e.name;
    j["t"] = e.time;
    for (const auto& [k, v] : e.fields.items())
        if (k != "event" && k != "t") j[k] = v;
    nullNonFinite(j);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// True when brackets outside strings nest deeper than limit. The engine's events nest two levels at most; a
// line nested thousands deep parses, but copying or printing its JSON recurses once per level and overflows
// the stack (a line 20,000 deep crashed the fuzz target tests/fuzz/fuzz_events.cpp).
static bool nestsDeeperThan(std::string_view line, int limit)
{
    int depth = 0;
    bool inString = false, escaped = false;
    for (const char c : line) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) return true;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return false;
}

std::optional<EngineEvent> parseEventLine(std::string_view line)
{
    if (nestsDeeperThan(line, 64)) return std::nullopt;
    nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("event") || !j["event"].is_string())
        return std::nullopt;
    EngineEvent e;
    e.name = j["event"].get<std::string>();
    e.time = j.contains("t") && j["t"].is_number() ? j["t"].get<double>() : 0.0;
    j.erase("event");
    j.erase("t");
    e.fields = std::move(j);
    return e;
}

std::optional<EngineCommand> parseEngineCommand(std::string_view line)
{
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
        line.remove_prefix(1);
    if (line == "pause") return EngineCommand::Pause;
    if (line == "resume") return EngineCommand::Resume;
    if (line == "stop") return EngineCommand::Stop;
    return std::nullopt;
}

} // namespace qat

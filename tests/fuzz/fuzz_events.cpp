// The engine's event lines as the GUI and the sweep read them (qat::parseEventLine, core/engine/events.cpp),
// and the stdin command line parser (qat::parseEngineCommand). The input is one line.
#include "fuzz_target.h"

#include "qatbench/events.h"

QAT_FUZZ_TARGET(events)
{
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    (void)qat::parseEngineCommand(line);
    const auto e = qat::parseEventLine(line);
    if (!e) return;
    QAT_FUZZ_REQUIRE(e->fields.is_object(), "fields must be an object");
    QAT_FUZZ_REQUIRE(!e->fields.contains("event") && !e->fields.contains("t"),
                     "event and t stay out of fields");
    // What the engine writes is read back as the same event.
    const std::string written = qat::toJsonLine(*e);
    QAT_FUZZ_REQUIRE(written.find('\n') == std::string::npos, "an event line holds a newline");
    const auto back = qat::parseEventLine(written);
    QAT_FUZZ_REQUIRE(back.has_value(), "toJsonLine wrote a line parseEventLine refuses: " + written);
    QAT_FUZZ_REQUIRE(back->name == e->name, "the name changed");
    QAT_FUZZ_REQUIRE(back->fields.size() == e->fields.size(), "fields were lost");
}

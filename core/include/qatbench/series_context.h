#pragma once
// The context of a metric series: which split, layer, module or parameter group a series of a run belongs to
// ("train/lr" of group m, "dlqat/m" of layer 3's q_proj). Its key() is how the context travels and is stored:
// the store's series.context column, the RunSink's context argument, the engine's metric events
// (`context_key`); parse() is the one reader of that text. No torch types (the GUI uses it too).
//
// Intended usage:
//   SeriesContext c;  c.layer = 3;  c.module = "q_proj";
//   sink.histogram("dlqat/m", step, m, c.key());              // "layer=3,module=q_proj"
//   SeriesContext::parse(info.context).layer                  // 3
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qat {

struct SeriesContext
{
    std::string split;  // "train", "final", ...; "" = none
    int layer = -1;     // transformer block; -1 = none
    std::string module; // "q_proj", ...; "" = none
    std::string group;  // parameter group: "m", "lora", "scale", ...; "" = none
    std::vector<std::pair<std::string, std::string>> other; // any other key=value ("phase=eval", "code=3")

    // "key=value" items joined by commas: split, layer, module, group, then the others in their order.
    std::string key() const;
    bool empty() const { return key().empty(); }
    // Reads a key (items without '=' are skipped; a later item replaces an earlier one of the same key; a
    // layer that is not a whole number stays among the others).
    static SeriesContext parse(std::string_view key);
    // {"layer": 3, "module": "q_proj"}: whole numbers as JSON numbers, everything else as strings.
    nlohmann::json toJson() const;
};

} // namespace qat

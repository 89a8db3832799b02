// The one writer and reader of a series context's text (see qatbench/series_context.h).
#include "qatbench/series_context.h"

namespace qat {

namespace {

bool wholeNumber(std::string_view v, size_t maxDigits)
{
    return !v.empty() && v.size() <= maxDigits && v.find_first_not_of("0123456789") == std::string_view::npos;
}

} // namespace

std::string SeriesContext::key() const
{
    std::string out;
    auto add = [&](std::string_view k, const std::string& v) {
        if (!out.empty()) out += ',';
        out.append(k).append("=").append(v);
    };
    if (!split.empty()) add("split", split);
    if (layer >= 0) add("layer", std::to_string(layer));
    if (!module.empty()) add("module", module);
    if (!group.empty()) add("group", group);
    for (const auto& [k, v] : other)
        add(k, v);
    return out;
}

SeriesContext SeriesContext::parse(std::string_view key)
{
    SeriesContext c;
    size_t start = 0;
    while (start < key.size()) {
        size_t end = key.find(',', start);
        if (end == std::string_view::npos) end = key.size();
        const std::string_view item = key.substr(start, end - start);
        start = end + 1;
        const size_t eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        const std::string_view k = item.substr(0, eq), v = item.substr(eq + 1);
        if (k == "split") {
            c.split = v;
        } else if (k == "module") {
            c.module = v;
        } else if (k == "group") {
            c.group = v;
        } else if (k == "layer" && wholeNumber(v, 9)) {
            c.layer = std::stoi(std::string(v));
        } else {
            std::erase_if(c.other, [&](const auto& kv) { return kv.first == k; });
            c.other.emplace_back(k, v);
        }
    }
    return c;
}

nlohmann::json SeriesContext::toJson() const
{
    nlohmann::json o = nlohmann::json::object();
    auto put = [&](const std::string& k, const std::string& v) {
        o[k] = wholeNumber(v, 17) ? nlohmann::json(std::stoll(v)) : nlohmann::json(v);
    };
    if (!split.empty()) put("split", split);
    if (layer >= 0) o["layer"] = layer;
    if (!module.empty()) put("module", module);
    if (!group.empty()) put("group", group);
    for (const auto& [k, v] : other)
        put(k, v);
    return o;
}

} // namespace qat

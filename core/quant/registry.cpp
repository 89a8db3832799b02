#include "qatbench_sdk/quant_method.h"

#include <cmath>
#include <filesystem>
#include <mutex>

namespace qat {

namespace {
struct Entry
{
    MethodInfo info;
    QuantMethodFactory factory;
};
std::mutex& registryMutex()
{
    static std::mutex m;
    return m;
}
std::vector<Entry>& registry()
{
    static std::vector<Entry> r;
    return r;
}
std::string& defaultId()
{
    static std::string id;
    return id;
}
} // namespace

std::string defaultMethodId()
{
    std::lock_guard lock(registryMutex());
    if (!defaultId().empty()) return defaultId();
    return registry().empty() ? std::string() : registry().front().info.id;
}

void setDefaultMethod(std::string id)
{
    std::lock_guard lock(registryMutex());
    defaultId() = std::move(id);
}

void registerMethod(MethodInfo info, QuantMethodFactory factory)
{
    std::lock_guard lock(registryMutex());
    for (const auto& e : registry())
        if (e.info.id == info.id) return;
    registry().push_back({std::move(info), std::move(factory)});
}

std::unique_ptr<QuantMethod> createMethod(std::string_view id)
{
    std::lock_guard lock(registryMutex());
    for (const auto& e : registry())
        if (e.info.id == id) return e.factory ? e.factory() : nullptr;
    return nullptr;
}

std::vector<MethodInfo> availableMethods()
{
    std::lock_guard lock(registryMutex());
    std::vector<MethodInfo> out;
    for (const auto& e : registry())
        out.push_back(e.info);
    return out;
}

const MethodInfo* findMethod(std::string_view id)
{
    std::lock_guard lock(registryMutex());
    for (const auto& e : registry())
        if (e.info.id == id) return &e.info; // entries are never removed
    return nullptr;
}

OptionSpec OptionSpec::integer(std::string name, int64_t def, int64_t min, int64_t max)
{
    OptionSpec o;
    o.name = std::move(name);
    o.type = OptionType::Int;
    o.defaultValue = def;
    o.min = double(min);
    o.max = double(max);
    return o;
}

OptionSpec OptionSpec::real(std::string name, double def, double min, double max)
{
    OptionSpec o;
    o.name = std::move(name);
    o.type = OptionType::Float;
    o.defaultValue = def;
    o.min = min;
    o.max = max;
    return o;
}

OptionSpec OptionSpec::rate(std::string name, double def)
{
    OptionSpec o = real(std::move(name), def, 1e-8, 1.0);
    o.logScale = true;
    return o;
}

OptionSpec OptionSpec::boolean(std::string name, bool def)
{
    OptionSpec o;
    o.name = std::move(name);
    o.type = OptionType::Bool;
    o.defaultValue = def;
    return o;
}

OptionSpec OptionSpec::choice(std::string name, std::string def, std::vector<std::string> choices)
{
    OptionSpec o;
    o.name = std::move(name);
    o.type = OptionType::Choice;
    o.defaultValue = std::move(def);
    o.choices = std::move(choices);
    return o;
}

OptionSpec OptionSpec::text(std::string name, std::string def)
{
    OptionSpec o;
    o.name = std::move(name);
    o.type = OptionType::String;
    o.defaultValue = std::move(def);
    return o;
}

OptionSpec OptionSpec::withLabel(std::string text) &&
{
    label = std::move(text);
    return std::move(*this);
}

OptionSpec OptionSpec::withHelp(std::string text) &&
{
    help = std::move(text);
    return std::move(*this);
}

OptionSpec OptionSpec::inGroup(std::string name) &&
{
    group = std::move(name);
    return std::move(*this);
}

static std::string rangeText(const OptionSpec& o)
{
    if (o.min == 0 && o.max == 0) return "";
    auto num = [&](double v) {
        if (o.type == OptionType::Int) return std::to_string((long long)v);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        return std::string(buf);
    };
    return " (allowed: " + num(o.min) + " to " + num(o.max) + ")";
}

std::vector<ValidationIssue> checkOptionValue(const OptionSpec& o, const nlohmann::json& v,
                                              const std::string& field)
{
    std::vector<ValidationIssue> issues;
    auto bad = [&](const std::string& msg) { issues.push_back({field, msg}); };
    switch (o.type) {
    case OptionType::Int:
    case OptionType::Float: {
        const bool isInt = o.type == OptionType::Int;
        if (!v.is_number() || (isInt && !v.is_number_integer())) {
            bad(std::string("must be ") + (isInt ? "an integer" : "a number") + rangeText(o));
            return issues;
        }
        const double x = v.get<double>();
        if (!std::isfinite(x)) {
            bad("must be a finite number" + rangeText(o));
            return issues;
        }
        if (!(o.min == 0 && o.max == 0) && (x < o.min || x > o.max)) bad("is " + v.dump() + rangeText(o));
        return issues;
    }
    case OptionType::Bool:
        if (!v.is_boolean()) bad("must be true or false");
        return issues;
    case OptionType::Choice: {
        std::string allowed;
        for (const auto& c : o.choices)
            allowed += (allowed.empty() ? "" : ", ") + c;
        if (!v.is_string()) {
            bad("must be one of: " + allowed);
            return issues;
        }
        for (const auto& c : o.choices)
            if (v.get<std::string>() == c) return issues;
        bad("is '" + v.get<std::string>() + "'; must be one of: " + allowed);
        return issues;
    }
    case OptionType::String:
        if (!v.is_string()) bad("must be a string");
        return issues;
    case OptionType::Path:
        if (!v.is_string())
            bad("must be a file path");
        else if (!v.get<std::string>().empty() && !std::filesystem::exists(v.get<std::string>()))
            bad("file not found: " + v.get<std::string>());
        return issues;
    }
    return issues;
}

std::vector<ValidationIssue> validateOptions(const MethodInfo& method, nlohmann::json& options,
                                             const std::string& pathPrefix)
{
    std::vector<ValidationIssue> issues;
    if (options.is_null()) options = nlohmann::json::object();
    if (!options.is_object()) {
        issues.push_back({pathPrefix, "must be a JSON object"});
        return issues;
    }
    for (const auto& [key, value] : options.items()) {
        bool known = false;
        for (const auto& o : method.options)
            known = known || o.name == key;
        if (!known)
            issues.push_back({pathPrefix + "." + key, "unknown option of method '" + method.id + "'"});
    }
    for (const auto& o : method.options) {
        if (!options.contains(o.name)) options[o.name] = o.defaultValue;
        for (auto& issue : checkOptionValue(o, options[o.name], pathPrefix + "." + o.name))
            issues.push_back(std::move(issue));
    }
    return issues;
}

} // namespace qat

#include "args.h"
#include "commands.h"

#include "qatbench/method.h"

#include <iostream>

namespace qat::cli {

const char* const kMethodsUsage =
    "Usage: qatbench-cli methods [NAME] [--json]\n"
    "Lists the quantization methods and their declared options (name, type, default, range, help).\n"
    "  NAME    only this method\n"
    "  --json  the declarations as JSON (what the GUI form is generated from)\n";

namespace {

const char* typeName(OptionType t)
{
    switch (t) {
    case OptionType::Int:
        return "int";
    case OptionType::Float:
        return "float";
    case OptionType::Bool:
        return "bool";
    case OptionType::Choice:
        return "choice";
    case OptionType::String:
        return "string";
    case OptionType::Path:
        return "path";
    }
    return "?";
}

nlohmann::json toJson(const MethodInfo& m)
{
    nlohmann::json opts = nlohmann::json::array();
    for (const auto& o : m.options) {
        nlohmann::json j = {{"name", o.name},   {"type", typeName(o.type)}, {"default", o.defaultValue},
                            {"label", o.label}, {"help", o.help},           {"group", o.group}};
        if (!(o.min == 0 && o.max == 0)) j["range"] = {o.min, o.max};
        if (!o.choices.empty()) j["choices"] = o.choices;
        opts.push_back(j);
    }
    return {{"id", m.id},         {"title", m.title}, {"summary", m.summary}, {"citation", m.citation},
            {"trains", m.trains}, {"options", opts}};
}

void printText(const MethodInfo& m)
{
    std::cout << m.id << " - " << m.title << (m.trains ? " (trains)" : " (post-training)") << "\n  "
              << m.summary << "\n  " << m.citation << "\n";
    std::string group;
    for (const auto& o : m.options) {
        if (o.group != group) std::cout << "  [" << (group = o.group) << "]\n";
        std::string head = "    " + o.name + " (" + typeName(o.type) + ", default " + o.defaultValue.dump();
        if (!(o.min == 0 && o.max == 0)) {
            char buf[64];
            std::snprintf(buf, sizeof buf, ", %g..%g", o.min, o.max);
            head += buf;
        }
        if (!o.choices.empty()) {
            head += ", one of";
            for (const auto& c : o.choices)
                head += " " + c;
        }
        std::cout << head << ")\n        " << o.help << "\n";
    }
}

} // namespace

int cmdMethods(const Argv& argv)
{
    Args args(argv, {}, {"json"});
    const std::string only = args.positional().empty() ? "" : args.positional()[0];
    nlohmann::json all = nlohmann::json::array();
    bool found = false;
    for (const auto& m : availableMethods()) {
        if (!only.empty() && m.id != only) continue;
        found = true;
        if (args.has("json"))
            all.push_back(toJson(m));
        else
            printText(m), std::cout << "\n";
    }
    if (!found && !only.empty()) {
        std::cerr << "qatbench-cli methods: unknown method '" << only << "'\n";
        return 2;
    }
    if (args.has("json")) std::cout << all.dump(2) << "\n";
    return 0;
}

} // namespace qat::cli

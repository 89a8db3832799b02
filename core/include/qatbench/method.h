#pragma once
// Quantization methods as the rest of the program sees them: a name, a summary and a declared list of
// options. The CLI's help, the config validation and the GUI's experiment form are all generated from this
// declaration.
//
// Intended usage:
//   1. The application registers the methods once at start-up (the mains call registerBuiltinMethods() from
//      the plugins' header, qatbench_plugins/builtin.h); core itself knows no method by name.
//   2. availableMethods() lists them; findMethod(id) gives one; defaultMethodId() is the one a new experiment
//      starts with (the plugins choose it).
//   3. validateOptions() checks a JSON object of option values against the declaration and names each bad
//   field.
// The torch-facing side (how a method runs) lives in core/sdk/qatbench_sdk/quant_method.h.

#include <nlohmann/json.hpp>

#include <cstdint>

#include <string>
#include <string_view>
#include <vector>

namespace qat {

enum class OptionType
{
    Int,
    Float,
    Bool,
    Choice, // one of OptionSpec::choices
    String,
    Path, // a file path; validated to exist
};

struct OptionSpec
{
    std::string name; // JSON key, e.g. "bits"
    OptionType type = OptionType::Int;
    nlohmann::json defaultValue;      // of the matching JSON type
    double min = 0;                   // Int/Float: inclusive lower bound
    double max = 0;                   // Int/Float: inclusive upper bound (min == max == 0: unbounded)
    bool logScale = false;            // Float: a learning rate or similar, shown in scientific notation
    std::vector<std::string> choices; // Choice: allowed values
    std::string label;                // short label for forms, e.g. "Bits"
    std::string help;                 // one or two sentences with unit and meaning
    std::string group;                // form section: "Quantization", "LoRA", "Calibration", "Training", ...

    // Named builders, so that a declaration reads as what it says instead of ten positional fields:
    //   OptionSpec::integer("rank", 16, 1, 4096).withLabel("LoRA rank r").withHelp("...").inGroup("LoRA")
    static OptionSpec integer(std::string name, int64_t def, int64_t min, int64_t max);
    static OptionSpec real(std::string name, double def, double min, double max);
    static OptionSpec rate(std::string name, double def); // a learning rate: [1e-8, 1], log scale
    static OptionSpec boolean(std::string name, bool def);
    static OptionSpec choice(std::string name, std::string def, std::vector<std::string> choices);
    static OptionSpec text(std::string name, std::string def);
    OptionSpec withLabel(std::string text) &&;
    OptionSpec withHelp(std::string text) &&;
    OptionSpec inGroup(std::string name) &&;
};

// A learning-rate search a method offers as `qatbench-cli sweep --preset NAME` (qatbench/sweep.h builds the
// grid): options scaled by factors around the method's declared defaults.
struct SweepAxis
{
    std::string label;                // in the cell labels: "m" -> "m0.01", "calib" -> "calib-x3"
    std::vector<std::string> options; // scaled together, e.g. {"lr_scale", "lr_zero"}
    std::vector<double> factors;      // x the declared default, e.g. {1.0 / 3, 1, 3}
};
struct SweepPresetSpec
{
    std::string name;             // what --preset takes, e.g. "dlqat-lr"
    std::string summary;          // one line for --help
    std::vector<SweepAxis> grid;  // every combination of these axes' factors (labels "m0.01-lora0.001")
    std::vector<SweepAxis> alone; // then each factor of these axes, the rest at the defaults ("calib-x3")
};

struct MethodInfo
{
    std::string id;       // "rtn", "dlqat", ...
    std::string title;    // "DL-QAT"
    std::string summary;  // one paragraph
    std::string citation; // paper, year
    bool trains = false;  // false: post-training only
    // The method's setting in the built-in demo (qatbench/demo.h: a 450K-parameter LLaMA on a generated
    // text): option values over the declared defaults. null = the method takes no part in the demo.
    nlohmann::json demoOptions;
    std::vector<OptionSpec> options;
    std::vector<SweepPresetSpec> sweepPresets;
};

struct ValidationIssue
{
    std::string field;   // JSON path, e.g. "method.options.bits"
    std::string message; // what is wrong and the allowed range
};

std::vector<MethodInfo> availableMethods();
const MethodInfo* findMethod(std::string_view id); // nullptr when unknown

// Fills missing options with defaults; reports unknown keys, wrong types and out-of-range values.
std::vector<ValidationIssue> validateOptions(const MethodInfo& method, nlohmann::json& options,
                                             const std::string& pathPrefix = "method.options");

// The checks of one value against its declaration (type, range, choices; a Path must exist when not empty),
// each issue naming `field`. validateOptions uses it, and so does the experiment's own declaration.
std::vector<ValidationIssue> checkOptionValue(const OptionSpec& option, const nlohmann::json& value,
                                              const std::string& field);

// The method a new experiment starts with: the one setDefaultMethod() named, else the first registered (""
// when none is).
std::string defaultMethodId();
void setDefaultMethod(std::string id);

} // namespace qat

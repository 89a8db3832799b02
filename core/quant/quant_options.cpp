#include "qatbench/error.h"
#include "qatbench/quantizer.h"

namespace qat {

const char* rangeInitName(RangeInit r)
{
    switch (r) {
    case RangeInit::MinMaxZero:
        return "minmax0";
    case RangeInit::MinMax:
        return "minmax";
    case RangeInit::Search:
        return "search";
    }
    return "minmax0";
}

std::vector<OptionSpec> quantizerOptions(int defaultBits, int64_t defaultGroup, RangeInit defaultInit)
{
    std::vector<OptionSpec> o;
    o.push_back({"bits",
                 OptionType::Int,
                 defaultBits,
                 2,
                 8,
                 false,
                 {},
                 "Bits",
                 "Bit-width N of the weight codes: 2^N levels per group.",
                 "Quantization"});
    o.push_back(
        {"group_size",
         OptionType::Int,
         defaultGroup,
         0,
         1 << 20,
         false,
         {},
         "Group size",
         "Consecutive input columns that share one scale and zero-point; 0 = per-channel (whole row). "
         "Must divide the row of every quantized module unless allow_partial_group is set.",
         "Quantization"});
    o.push_back(
        {"allow_partial_group",
         OptionType::Bool,
         false,
         0,
         0,
         false,
         {},
         "Allow a partial last group",
         "When the group size does not divide a row, quantize the rest as a shorter last group instead of "
         "rejecting the config.",
         "Quantization"});
    OptionSpec init{"init", OptionType::Choice, rangeInitName(defaultInit)};
    init.choices = {"minmax0", "minmax", "search"};
    init.label = "Range init";
    init.help =
        "Initial scale and zero-point: minmax0 = min/max of the group with 0 included (the RTN reference), "
        "minmax = plain min/max, search = min/max shrunk to minimize the group's squared error.";
    init.group = "Quantization";
    o.push_back(init);
    o.push_back({"modules",
                 OptionType::String,
                 "all",
                 0,
                 0,
                 false,
                 {},
                 "Modules",
                 "Block linears to quantize: all, attn, mlp or a comma list of q,k,v,o,gate,up,down.",
                 "Quantization"});
    return o;
}

QuantSpec quantSpecFromOptions(const nlohmann::json& options)
{
    QuantSpec s;
    s.bits = options.value("bits", 4);
    s.groupSize = options.value("group_size", int64_t(128));
    s.allowPartialGroup = options.value("allow_partial_group", false);
    const std::string init = options.value("init", std::string("minmax0"));
    if (init == "minmax0")
        s.init = RangeInit::MinMaxZero;
    else if (init == "minmax")
        s.init = RangeInit::MinMax;
    else if (init == "search")
        s.init = RangeInit::Search;
    else
        throw ConfigError("method.options.init",
                          "is '" + init + "'; must be one of: minmax0, minmax, search");
    if (s.bits < 2 || s.bits > 8)
        throw ConfigError("method.options.bits", "is " + std::to_string(s.bits) + " (allowed: 2 to 8)");
    if (s.groupSize < 0)
        throw ConfigError("method.options.group_size", "must be 0 (per-channel) or positive");
    return s;
}

} // namespace qat

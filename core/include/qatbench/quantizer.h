#pragma once
// The group-wise asymmetric uniform quantizer as plain settings (no torch types; Qt code includes this).
// The math lives in core/sdk/qatbench_sdk/quantizer.h. DESIGN.md §4:
//
//     q(w) = clamp(round(w / s) + z, 0, 2^N - 1)        Q(w) = s * (q(w) - z)
//
// Each row of W (out x in) is cut into groups of `groupSize` consecutive input columns (0 = the whole row,
// "per-channel"). s and z are per (row, group); z is an integer in [0, 2^N - 1].
//
// Intended usage:
//   1. A method declares quantizerOptions(...) among its options (so the CLI and GUI forms show them).
//   2. quantSpecFromOptions(options) reads the validated values back.

#include "qatbench/method.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace qat {

enum class RangeInit
{
    MinMaxZero, // xmin = min(0, min w), xmax = max(0, max w): the RTN reference protocol (0 always
                // representable)
    MinMax,     // xmin = min w, xmax = max w
    Search,     // MinMax shrunk by the factor (of a grid of 1.0 .. 0.5) minimizing the group's squared error
};

struct QuantSpec
{
    int bits = 4;            // 2..8
    int64_t groupSize = 128; // columns per group; 0 = per-channel (the whole row)
    RangeInit init = RangeInit::MinMaxZero;
    bool allowPartialGroup = false; // a row length not divisible by groupSize: the last group is shorter
    int searchGrid = 20;            // Search: number of shrink factors tried between 1.0 and 0.5

    int64_t levels() const { return (int64_t(1) << bits) - 1; } // 2^N - 1, the largest code
};

const char* rangeInitName(RangeInit r); // "minmax0", "minmax", "search"

// The declared options every weight quantizing method shares: bits, group_size, allow_partial_group, init,
// modules. defaultInit is the method's default range init.
std::vector<OptionSpec> quantizerOptions(int defaultBits, int64_t defaultGroup, RangeInit defaultInit);

// Reads bits, group_size, allow_partial_group and init from validated options.
QuantSpec quantSpecFromOptions(const nlohmann::json& options);

} // namespace qat

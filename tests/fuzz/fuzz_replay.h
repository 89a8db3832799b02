#pragma once
// The replay side of the fuzz targets (tests/fuzz/replay_corpus.cpp).
#include "fuzz_target.h"

#include <string>
#include <utility>
#include <vector>

namespace qat::fuzz {

// Every QAT_FUZZ_TARGET linked into this binary (built without QAT_LIBFUZZER), by name.
const std::vector<std::pair<std::string, Body>>& registeredTargets();

} // namespace qat::fuzz

#pragma once
// Human-readable numbers shared by the CLI and the GUI, so both print a size the same way.

#include <string>

namespace qat {

// "512 B", "1.5 KiB", "261.5 MiB", "13.2 GiB": powers of 1024, one decimal from KiB on. decimalPoint replaces
// the '.' (the GUI passes its locale's: "261,5 MiB" in German).
std::string formatBytes(long long bytes, const std::string& decimalPoint = ".");

} // namespace qat

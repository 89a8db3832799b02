#include "qatbench/format.h"

#include <cstdio>

namespace qat {

std::string formatBytes(long long bytes, const std::string& decimalPoint)
{
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = double(bytes);
    int u = 0;
    while ((v >= 1024 || v <= -1024) && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    std::string out = buf;
    if (decimalPoint != ".")
        if (const auto dot = out.find('.'); dot != std::string::npos) out.replace(dot, 1, decimalPoint);
    return out;
}

} // namespace qat

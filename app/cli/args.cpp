#include "args.h"

#include "qatbench/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace qat::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valueOptions,
           const std::set<std::string>& flags)
{
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) != 0 || a == "--") {
            m_positional.push_back(a);
            continue;
        }
        std::string key = a.substr(2);
        std::optional<std::string> inlineValue;
        if (auto eq = key.find('='); eq != std::string::npos) {
            inlineValue = key.substr(eq + 1);
            key = key.substr(0, eq);
        }
        if (valueOptions.count(key)) {
            if (inlineValue) {
                m_values[key] = *inlineValue;
            } else {
                if (i + 1 >= argv.size()) throw UsageError("option --" + key + " needs a value");
                m_values[key] = argv[++i];
            }
        } else if (flags.count(key)) {
            m_flags.insert(key);
        } else {
            throw UsageError("unknown option --" + key + " (see --help)");
        }
    }
}

bool Args::has(const std::string& key) const
{
    return m_flags.count(key) || m_values.count(key);
}

std::optional<std::string> Args::get(const std::string& key) const
{
    auto it = m_values.find(key);
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

std::string Args::get(const std::string& key, const std::string& fallback) const
{
    return get(key).value_or(fallback);
}

long long Args::getInt(const std::string& key, long long fallback) const
{
    auto v = get(key);
    if (!v) return fallback;
    try {
        size_t used = 0;
        long long x = std::stoll(*v, &used);
        if (used != v->size()) throw std::invalid_argument("trailing characters");
        return x;
    } catch (const std::exception&) {
        throw UsageError("option --" + key + ": '" + *v + "' is not an integer");
    }
}

double Args::getDouble(const std::string& key, double fallback) const
{
    auto v = get(key);
    if (!v) return fallback;
    try {
        size_t used = 0;
        double x = std::stod(*v, &used);
        if (used != v->size() || !std::isfinite(x)) throw std::invalid_argument("bad number");
        return x;
    } catch (const std::exception&) {
        throw UsageError("option --" + key + ": '" + *v + "' is not a finite number");
    }
}

ProgressPrinter::ProgressPrinter(bool enabled) : m_enabled(enabled), m_tty(isatty(STDERR_FILENO)) {}

ProgressPrinter::~ProgressPrinter()
{
    finish();
}

void ProgressPrinter::update(const std::string& phase, long long done, long long total, double etaSeconds,
                             const std::string& extra)
{
    if (!m_enabled || total <= 0) return;
    const int percent = int(100.0 * double(done) / double(total));
    const std::string eta = etaSeconds >= 0 ? " ETA " + formatDuration(etaSeconds) : "";
    if (m_tty) {
        const int width = 30;
        const int filled = int(width * double(done) / double(total));
        std::string bar(size_t(filled), '#');
        bar.resize(size_t(width), '.');
        std::fprintf(stderr, "\r%-12s [%s] %3d%% %lld/%lld%s %s\033[K", phase.c_str(), bar.c_str(), percent,
                     done, total, eta.c_str(), extra.c_str());
        m_open = true;
    } else if (percent / 5 != m_lastPercent / 5 || done == total) {
        std::fprintf(stderr, "%s: %d%% (%lld/%lld)%s %s\n", phase.c_str(), percent, done, total, eta.c_str(),
                     extra.c_str());
    }
    m_lastPercent = percent;
    std::fflush(stderr);
}

void ProgressPrinter::finish()
{
    if (m_open) std::fprintf(stderr, "\n");
    m_open = false;
}

std::string formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    long long s = (long long)std::llround(seconds);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
    else if (s >= 60)
        std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%llds", s);
    return buf;
}

std::string printable(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out;
}

void printTable(const std::vector<std::vector<std::string>>& rows, std::ostream& out)
{
    std::vector<std::vector<std::string>> safe;
    for (const auto& r : rows) {
        safe.emplace_back();
        for (const auto& c : r)
            safe.back().push_back(printable(c));
    }
    std::vector<size_t> width;
    for (const auto& r : safe)
        for (size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], r[i].size());
        }
    for (const auto& r : safe) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            std::string cell = r[i];
            if (i + 1 < r.size()) cell.resize(width[i] + 2, ' ');
            line += cell;
        }
        out << line << "\n";
    }
}

} // namespace qat::cli

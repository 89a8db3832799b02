#pragma once
// Command-line arguments of one qatbench-cli command: positionals, --flag, --key value and --key=value.

#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "qatbench/error.h"
#include "qatbench/format.h" // formatBytes: one definition for the CLI and the GUI

namespace qat::cli {

// A command line that cannot be carried out as written (an unknown option, a missing or malformed value):
// exit status 2, like a bad config.
class UsageError : public Error
{
public:
    using Error::Error;
};

// Text from the store or a file made safe for a terminal: control characters (an escape sequence in a run
// name, say) are shown as \xNN instead of being sent raw.
std::string printable(std::string_view text);

class Args
{
public:
    // valueOptions: the --keys that take a value; every other --key is a flag. Throws qat::Error on
    // an unknown option or a missing value.
    Args(const std::vector<std::string>& argv, const std::set<std::string>& valueOptions,
         const std::set<std::string>& flags);

    const std::vector<std::string>& positional() const { return m_positional; }
    bool has(const std::string& key) const;
    std::optional<std::string> get(const std::string& key) const;
    std::string get(const std::string& key, const std::string& fallback) const;
    long long getInt(const std::string& key, long long fallback) const;
    double getDouble(const std::string& key, double fallback) const;

private:
    std::vector<std::string> m_positional;
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
};

// Prints a one-line progress bar with ETA to stderr when it is a terminal, else a line every ~5%.
class ProgressPrinter
{
public:
    explicit ProgressPrinter(bool enabled = true);
    ~ProgressPrinter();
    void update(const std::string& phase, long long done, long long total, double etaSeconds,
                const std::string& extra = {});
    void finish();

private:
    bool m_enabled;
    bool m_tty;
    int m_lastPercent = -1;
    bool m_open = false;
};

std::string formatDuration(double seconds); // "1h02m", "3m05s", "12s"

// Rows of cells as an aligned text table (two spaces between columns, the last column unpadded).
void printTable(const std::vector<std::vector<std::string>>& rows, std::ostream& out);

} // namespace qat::cli

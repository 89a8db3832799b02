#include "qatbench/error.h"

namespace qat {

static std::string joinMessage(const std::string& file, const std::string& field, const std::string& message)
{
    std::string out = file;
    if (!field.empty()) out += (out.empty() ? "" : ": ") + field;
    return out + (out.empty() ? "" : ": ") + message;
}

InputError::InputError(std::string file, std::string field, const std::string& message)
    : Error(joinMessage(file, field, message)), m_file(std::move(file)), m_field(std::move(field))
{
}

ConfigError::ConfigError(std::string field, const std::string& message)
    : Error(joinMessage("", field, message)), m_field(std::move(field))
{
}

} // namespace qat

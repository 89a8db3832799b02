#pragma once
// Errors that reach the user. Every message names what was wrong (the file and the field where there is one)
// and, where it can, what to do about it.

#include <stdexcept>
#include <string>

namespace qat {

class Error : public std::runtime_error
{
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Bad input in a named file: "<file>: <field>: <message>". field may be empty.
class InputError : public Error
{
public:
    InputError(std::string file, std::string field, const std::string& message);
    const std::string& file() const { return m_file; }
    const std::string& field() const { return m_field; }

private:
    std::string m_file;
    std::string m_field;
};

// A configuration value out of range: "<field>: <message>" (field as a JSON path, e.g. "method.options.bits").
class ConfigError : public Error
{
public:
    ConfigError(std::string field, const std::string& message);
    const std::string& field() const { return m_field; }

private:
    std::string m_field;
};

// The user (or a progress callback) asked to stop.
class Cancelled : public Error
{
public:
    Cancelled() : Error("cancelled") {}
};

} // namespace qat

#pragma once
// A thin RAII layer over the SQLite C API for the run store (private to core/store).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace qat::store {

class Stmt
{
public:
    Stmt(sqlite3* db, std::string_view sql);
    ~Stmt();
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    Stmt(Stmt&& o) noexcept;

    // Binds are 1-based, as in SQLite.
    Stmt& bind(int i, int64_t v);
    Stmt& bind(int i, int v) { return bind(i, int64_t(v)); }
    Stmt& bind(int i, double v);
    Stmt& bind(int i, const std::string& v);
    Stmt& bind(int i, const char* v) { return bind(i, std::string(v)); }
    Stmt& bindBlob(int i, const void* data, size_t bytes);
    Stmt& bindNull(int i);

    bool step();  // true: a row is ready; false: done. Throws on error.
    void run();   // step() to completion, then reset()
    void reset(); // reset + clear bindings

    bool isNull(int col) const;
    int64_t integer(int col) const;
    double real(int col) const;
    std::string text(int col) const;
    std::vector<unsigned char> blob(int col) const;

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

class Db
{
public:
    Db() = default;
    ~Db();
    Db(Db&& o) noexcept;
    Db& operator=(Db&& o) noexcept;
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    // flags: SQLITE_OPEN_* flags. Throws qat::Error naming the path.
    void open(const std::string& path, int flags, int busyTimeoutMs);
    void close();
    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }

    void exec(std::string_view sql);
    Stmt prepare(std::string_view sql) const { return Stmt(m_db, sql); }
    int64_t scalarInt(std::string_view sql) const; // first column of the first row; 0 when no row
    int64_t lastInsertId() const;
    int changes() const;

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed without commit().
class Transaction
{
public:
    explicit Transaction(Db& db);
    ~Transaction();
    void commit();

private:
    Db& m_db;
    bool m_done = false;
};

[[noreturn]] void throwSqlite(sqlite3* db, int rc, std::string_view what);

double nowUnix();

} // namespace qat::store

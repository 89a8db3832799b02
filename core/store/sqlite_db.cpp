#include "store/sqlite_db.h"

#include "qatbench/error.h"

#include <sqlite3.h>

#include <chrono>
#include <cstring>

namespace qat::store {

void throwSqlite(sqlite3* db, int rc, std::string_view what)
{
    std::string msg = "run store";
    if (db) {
        const char* file = sqlite3_db_filename(db, "main");
        if (file && *file) msg += " " + std::string(file);
    }
    msg += ": " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        msg += " (another process holds the database lock; try again when it is done)";
    else if (rc == SQLITE_FULL)
        msg += " (the disk is full: free some space)";
    else if (rc == SQLITE_READONLY)
        msg += " (the database file or its folder is read-only)";
    throw Error(msg);
}

double nowUnix()
{
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : m_db(db)
{
    const int rc = sqlite3_prepare_v2(db, sql.data(), int(sql.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK) throwSqlite(db, rc, "prepare '" + std::string(sql.substr(0, 60)) + "'");
}

Stmt::~Stmt()
{
    sqlite3_finalize(m_stmt);
}

Stmt::Stmt(Stmt&& o) noexcept : m_db(o.m_db), m_stmt(o.m_stmt)
{
    o.m_stmt = nullptr;
}

static void checkBind(sqlite3* db, int rc)
{
    if (rc != SQLITE_OK) throwSqlite(db, rc, "bind");
}

Stmt& Stmt::bind(int i, int64_t v)
{
    checkBind(m_db, sqlite3_bind_int64(m_stmt, i, v));
    return *this;
}

Stmt& Stmt::bind(int i, double v)
{
    checkBind(m_db, sqlite3_bind_double(m_stmt, i, v));
    return *this;
}

Stmt& Stmt::bind(int i, const std::string& v)
{
    checkBind(m_db, sqlite3_bind_text(m_stmt, i, v.data(), int(v.size()), SQLITE_TRANSIENT));
    return *this;
}

Stmt& Stmt::bindBlob(int i, const void* data, size_t bytes)
{
    checkBind(m_db, sqlite3_bind_blob(m_stmt, i, data, int(bytes), SQLITE_TRANSIENT));
    return *this;
}

Stmt& Stmt::bindNull(int i)
{
    checkBind(m_db, sqlite3_bind_null(m_stmt, i));
    return *this;
}

bool Stmt::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string sql = sqlite3_sql(m_stmt) ? sqlite3_sql(m_stmt) : "";
    sqlite3_reset(m_stmt);
    throwSqlite(m_db, rc, "step '" + sql.substr(0, 60) + "'");
}

void Stmt::run()
{
    while (step()) {
    }
    reset();
}

void Stmt::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Stmt::isNull(int col) const
{
    return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
}
int64_t Stmt::integer(int col) const
{
    return sqlite3_column_int64(m_stmt, col);
}
double Stmt::real(int col) const
{
    return sqlite3_column_double(m_stmt, col);
}

std::string Stmt::text(int col) const
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
    return p ? std::string(p, size_t(sqlite3_column_bytes(m_stmt, col))) : std::string();
}

std::vector<unsigned char> Stmt::blob(int col) const
{
    const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(m_stmt, col));
    const int n = sqlite3_column_bytes(m_stmt, col);
    return p ? std::vector<unsigned char>(p, p + n) : std::vector<unsigned char>();
}

Db::~Db()
{
    close();
}

Db::Db(Db&& o) noexcept : m_db(o.m_db), m_path(std::move(o.m_path))
{
    o.m_db = nullptr;
}

Db& Db::operator=(Db&& o) noexcept
{
    if (this != &o) {
        close();
        m_db = o.m_db;
        m_path = std::move(o.m_path);
        o.m_db = nullptr;
    }
    return *this;
}

void Db::open(const std::string& path, int flags, int busyTimeoutMs)
{
    close();
    m_path = path;
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const std::string err = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        close();
        throw Error("run store " + path + ": cannot open: " + err);
    }
    sqlite3_busy_timeout(m_db, busyTimeoutMs);
    sqlite3_extended_result_codes(m_db, 0);
}

void Db::close()
{
    if (m_db) sqlite3_close_v2(m_db);
    m_db = nullptr;
}

void Db::exec(std::string_view sql)
{
    char* err = nullptr;
    const int rc = sqlite3_exec(m_db, std::string(sql).c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        const std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        std::string full = "run store " + m_path + ": " + msg;
        if (rc == SQLITE_BUSY)
            full += " (another process holds the database lock; try again when it is done)";
        if (rc == SQLITE_FULL) full += " (the disk is full: free some space)";
        throw Error(full);
    }
}

int64_t Db::scalarInt(std::string_view sql) const
{
    Stmt s(m_db, sql);
    return s.step() ? s.integer(0) : 0;
}

int64_t Db::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}
int Db::changes() const
{
    return sqlite3_changes(m_db);
}

Transaction::Transaction(Db& db) : m_db(db)
{
    m_db.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (!m_done) sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit()
{
    m_db.exec("COMMIT");
    m_done = true;
}

} // namespace qat::store

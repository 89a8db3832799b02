#include "store/schema.h"

#include "qatbench/error.h"

#include <sqlite3.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace qat::store {

namespace {

// Migration i (1-based) takes the schema from version i-1 to i. Append only; never edit a released one.
const char* const kMigrations[] = {
    // 1: the initial schema (DESIGN.md §6).
    R"sql(
CREATE TABLE experiment(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created REAL NOT NULL,
    description TEXT NOT NULL DEFAULT '');
CREATE TABLE run(
    id INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK(status IN
        ('queued','running','paused','completed','failed','cancelled','interrupted')),
    method TEXT NOT NULL,
    created REAL NOT NULL,
    started REAL,
    ended REAL,
    model_path TEXT NOT NULL DEFAULT '',
    model_hash TEXT NOT NULL DEFAULT '',
    app_version TEXT NOT NULL DEFAULT '',
    config TEXT NOT NULL DEFAULT '{}',
    message TEXT NOT NULL DEFAULT '',
    work_dir TEXT NOT NULL DEFAULT '',
    pid INTEGER,
    host TEXT NOT NULL DEFAULT '',
    heartbeat REAL,
    total_steps INTEGER NOT NULL DEFAULT 0);
CREATE INDEX run_by_experiment ON run(experiment_id);
CREATE TABLE run_tag(
    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY(run_id, tag)) WITHOUT ROWID;
CREATE INDEX run_tag_by_tag ON run_tag(tag);
CREATE TABLE run_param(
    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value_text TEXT NOT NULL,
    value_num REAL,
    PRIMARY KEY(run_id, key)) WITHOUT ROWID;
CREATE TABLE series(
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    kind INTEGER NOT NULL,
    name TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '',
    split TEXT NOT NULL DEFAULT '',
    layer INTEGER,
    module TEXT NOT NULL DEFAULT '',
    grp TEXT NOT NULL DEFAULT '',
    UNIQUE(run_id, kind, name, context));
CREATE TABLE scalar(
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    wall REAL NOT NULL,
    value REAL,
    nonfinite INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(series_id, step)) WITHOUT ROWID;
CREATE TABLE histogram(
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    wall REAL NOT NULL,
    edges BLOB,
    counts BLOB NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    count INTEGER NOT NULL,
    nonfinite INTEGER NOT NULL DEFAULT 0,
    sum REAL NOT NULL,
    sum_sq REAL NOT NULL,
    PRIMARY KEY(series_id, step)) WITHOUT ROWID;
CREATE TABLE eval_result(
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    dataset TEXT NOT NULL DEFAULT '',
    metric TEXT NOT NULL,
    value REAL,
    nll REAL,
    tokens INTEGER NOT NULL DEFAULT 0,
    protocol TEXT NOT NULL DEFAULT '{}',
    wall REAL NOT NULL);
CREATE INDEX eval_by_run ON eval_result(run_id, step);
CREATE TABLE artifact(
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    step INTEGER NOT NULL DEFAULT -1,
    bytes INTEGER NOT NULL DEFAULT -1,
    wall REAL NOT NULL);
CREATE INDEX artifact_by_run ON artifact(run_id);
)sql",
    // 2: an identity per store and run ids that are never given out twice (issue 12: a deleted run's id, reused,
    // led a new run to its predecessor's work folder and checkpoint).
    R"sql(
CREATE TABLE store_info(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO store_info VALUES('uuid', lower(hex(randomblob(16))));
INSERT INTO store_info VALUES('next_run_id', (SELECT coalesce(max(id), 0) + 1 FROM run));
)sql",
};
constexpr int kMigrationCount = int(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kMigrationCount == kStoreSchemaVersion, "one migration per schema version");

[[noreturn]] void refuse(const std::string& path, const std::string& why)
{
    throw Error("run store " + path + ": " + why +
                "; the file was not changed. Choose another database file "
                "(--db FILE or $QATBENCH_DB).");
}

struct Probe
{
    int applicationId = 0;
    int userVersion = 0;
    std::vector<std::string> tables;
};

// Reads the header fields without writing: SQLITE_OPEN_READONLY never modifies the file. The file is read only
// through SQLite: a descriptor opened and closed on it outside SQLite (an ifstream header check, say) drops every
// POSIX lock this process holds on it, SQLite's included, and a reader in another process then believes itself
// the last connection and unlinks the writer's -wal and -shm (SQLite's "How To Corrupt", section 2.2; issue 12).
Probe probe(const std::string& path, const std::string& openName, int openFlags, int busyTimeoutMs)
{
    Db db;
    db.open(openName, SQLITE_OPEN_READONLY | openFlags, busyTimeoutMs);
    Probe p;
    // The first read of the header tells SQLite's own verdict: SQLITE_NOTADB for anything that is not SQLite.
    sqlite3_stmt* first = nullptr;
    int rc = sqlite3_prepare_v2(db.handle(), "PRAGMA application_id", -1, &first, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_step(first);
    if (rc == SQLITE_ROW) p.applicationId = sqlite3_column_int(first, 0);
    sqlite3_finalize(first);
    if (rc == SQLITE_NOTADB) refuse(path, "is not a QATBench database (not an SQLite file)");
    try {
        if (rc != SQLITE_ROW) throwSqlite(db.handle(), rc, "read the header");
        p.userVersion = int(db.scalarInt("PRAGMA user_version"));
        Stmt s = db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
        while (s.step())
            p.tables.push_back(s.text(0));
    } catch (const Error& e) {
        refuse(path, std::string("is not a readable SQLite database (") + e.what() + ")");
    }
    return p;
}

void checkProbe(const std::string& path, const Probe& p, bool readOnly)
{
    if (p.applicationId == 0 && p.tables.empty()) {
        if (readOnly) throw Error("run store " + path + ": the database is empty (no runs recorded yet)");
        return; // an empty SQLite file: ours to initialize
    }
    if (p.applicationId != kApplicationId) {
        std::string list;
        for (size_t i = 0; i < p.tables.size() && i < 5; ++i)
            list += (i ? ", " : "") + p.tables[i];
        refuse(path, "is an SQLite database but not a QATBench run store (tables: " + list + ")");
    }
    if (p.userVersion > kStoreSchemaVersion)
        throw Error("run store " + path + ": written by a newer QATBench (schema version " +
                    std::to_string(p.userVersion) + "; this build reads up to " +
                    std::to_string(kStoreSchemaVersion) +
                    "). Update QATBench to open it; the file was not changed.");
    if (readOnly && p.userVersion < kStoreSchemaVersion)
        throw Error("run store " + path + ": uses an older schema (version " + std::to_string(p.userVersion) +
                    "); open it once with write access to upgrade it");
}

void migrate(Db& db)
{
    Transaction tx(db);
    // Re-read inside the write lock: another process may have migrated meanwhile.
    int version = int(db.scalarInt("PRAGMA user_version"));
    if (version >= kStoreSchemaVersion) return;
    for (int v = version; v < kMigrationCount; ++v)
        db.exec(kMigrations[v]);
    db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    db.exec("PRAGMA user_version = " + std::to_string(kStoreSchemaVersion));
    tx.commit();
}


// A reader of a WAL database needs its -shm, which it cannot create in a read-only folder; there nobody can
// write either (no -wal can appear), so the file is opened as immutable (issue 12: such a store could not be
// listed).
std::string readOnlyName(const std::string& path, int& flags)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path abs = fs::absolute(path, ec);
    const std::string folder = abs.parent_path().string();
    if (access(folder.c_str(), W_OK) == 0 || fs::exists(path + "-wal", ec)) return path;
    std::string uri = "file:";
    for (const unsigned char c : abs.string()) {
        if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
            uri += char(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            uri += buf;
        }
    }
    flags |= SQLITE_OPEN_URI;
    return uri + "?immutable=1";
}

} // namespace

int openStore(Db& db, const std::string& path, const StoreOptions& options)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (exists && fs::is_directory(path, ec)) refuse(path, "is a folder, not a database file");
    int uriFlags = 0;
    const std::string openName = options.readOnly ? readOnlyName(path, uriFlags) : path;
    if (exists && fs::file_size(path, ec) > 0)
        checkProbe(path, probe(path, openName, uriFlags, options.busyTimeoutMs), options.readOnly);
    else if (options.readOnly)
        throw Error("run store " + path + ": no such database (no runs recorded yet)");
    else if (!exists) {
        const fs::path parent = fs::path(path).parent_path();
        if (!parent.empty()) fs::create_directories(parent, ec);
        if (ec) throw Error("run store " + path + ": cannot create its folder: " + ec.message());
    }

    db.open(openName,
            (options.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | uriFlags,
            options.busyTimeoutMs);
    db.exec("PRAGMA foreign_keys = ON");
    if (!options.readOnly) {
        db.exec("PRAGMA journal_mode = WAL");
        // WAL + NORMAL: a killed process loses nothing committed; only an OS crash can lose the last commits.
        db.exec("PRAGMA synchronous = NORMAL");
        migrate(db);
    }
    return int(db.scalarInt("PRAGMA user_version"));
}

} // namespace qat::store

// RunStore: opening, runs, tags, params, status and liveness.
#include "qatbench/store.h"
#include "qatbench/error.h"
#include "qatbench/version.h"
#include "store/schema.h"
#include "store/store_impl.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <unistd.h>

namespace qat {

using store::Stmt;
using store::Transaction;

std::string defaultDatabasePath()
{
    if (const char* db = std::getenv("QATBENCH_DB"); db && *db) return db;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::string(xdg) + "/QATBench/runs.db";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.local/share/QATBench/runs.db";
}

static const char* const kStatusNames[] = {"queued", "running",   "paused",     "completed",
                                           "failed", "cancelled", "interrupted"};

const char* runStatusName(RunStatus s)
{
    return kStatusNames[int(s)];
}

std::optional<RunStatus> parseRunStatus(std::string_view s)
{
    for (int i = 0; i < 7; ++i)
        if (s == kStatusNames[i]) return RunStatus(i);
    return std::nullopt;
}

bool isActive(RunStatus s)
{
    return s == RunStatus::Queued || s == RunStatus::Running || s == RunStatus::Paused;
}

namespace store {
std::string hostName()
{
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) return "";
    return buf;
}
} // namespace store

RunStore::RunStore(const std::string& path, const StoreOptions& options) : m_impl(std::make_unique<Impl>())
{
    m_impl->path = path;
    m_impl->options = options;
    m_impl->schema = store::openStore(m_impl->db, path, options);
    {
        Stmt s = m_impl->db.prepare("SELECT value FROM store_info WHERE key = 'uuid'");
        if (s.step()) m_impl->storeId = s.text(0);
    }
    if (options.markDeadRuns && !options.readOnly) markDeadRuns(options.staleHeartbeatSeconds);
}

RunStore::~RunStore() = default;
RunStore::RunStore(RunStore&&) noexcept = default;
RunStore& RunStore::operator=(RunStore&&) noexcept = default;

const std::string& RunStore::path() const
{
    return m_impl->path;
}
int RunStore::schemaVersion() const
{
    return m_impl->schema;
}
const std::string& RunStore::storeId() const
{
    return m_impl->storeId;
}

static void checkWritable(const RunStore::Impl& impl)
{
    if (impl.options.readOnly) throw Error("run store " + impl.path + ": opened read-only");
}

namespace {

const char* const kRunColumns =
    "r.id, r.experiment_id, e.name, r.name, r.status, r.method, r.created, r.started, r.ended, r.model_path, "
    "r.model_hash, r.app_version, r.config, r.message, r.work_dir, r.pid, r.host, r.heartbeat, "
    "r.total_steps, "
    "(SELECT MAX((SELECT MAX(step) FROM scalar WHERE series_id = s.id)) FROM series s "
    "  WHERE s.run_id = r.id AND s.kind = 0), "
    "(SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM run_tag WHERE run_id = r.id ORDER BY tag)) "
    "FROM run r JOIN experiment e ON e.id = r.experiment_id";

std::vector<std::string> splitTags(const std::string& joined)
{
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= joined.size() && !joined.empty()) {
        size_t end = joined.find('\x1f', start);
        if (end == std::string::npos) end = joined.size();
        out.push_back(joined.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

RunInfo readRun(const Stmt& s)
{
    RunInfo r;
    r.id = s.integer(0);
    r.experimentId = s.integer(1);
    r.experiment = s.text(2);
    r.name = s.text(3);
    r.status = parseRunStatus(s.text(4)).value_or(RunStatus::Failed);
    r.method = s.text(5);
    r.created = s.real(6);
    r.started = s.isNull(7) ? 0 : s.real(7);
    r.ended = s.isNull(8) ? 0 : s.real(8);
    r.modelPath = s.text(9);
    r.modelHash = s.text(10);
    r.appVersion = s.text(11);
    r.config = s.text(12);
    r.message = s.text(13);
    r.workDir = s.text(14);
    r.pid = s.isNull(15) ? 0 : s.integer(15);
    r.host = s.text(16);
    r.heartbeat = s.isNull(17) ? 0 : s.real(17);
    r.totalSteps = s.integer(18);
    r.lastStep = s.isNull(19) ? -1 : s.integer(19);
    r.tags = splitTags(s.text(20));
    return r;
}

std::string likePattern(const std::string& text)
{
    std::string p = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') p += '\\';
        p += c;
    }
    return p + "%";
}

void flatten(const nlohmann::json& j, const std::string& prefix, std::vector<RunParam>& out)
{
    if (j.is_object()) {
        for (const auto& [k, v] : j.items())
            flatten(v, prefix.empty() ? k : prefix + "." + k, out);
        return;
    }
    RunParam p;
    p.key = prefix;
    p.text = j.dump();
    if (j.is_number())
        p.number = j.get<double>();
    else if (j.is_boolean())
        p.number = j.get<bool>() ? 1.0 : 0.0;
    out.push_back(std::move(p));
}

bool processAlive(int64_t pid)
{
    if (pid <= 0) return false;
    if (pid == int64_t(getpid())) return true;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

} // namespace

std::vector<RunInfo> RunStore::runs(const RunFilter& f) const
{
    std::lock_guard lock(m_impl->mutex);
    std::string sql = std::string("SELECT ") + kRunColumns + " WHERE 1";
    if (!f.statuses.empty()) {
        sql += " AND r.status IN (";
        for (size_t i = 0; i < f.statuses.size(); ++i)
            sql += i ? ",?" : "?";
        sql += ")";
    }
    if (!f.method.empty()) sql += " AND r.method = ?";
    if (!f.experiment.empty()) sql += " AND e.name = ?";
    if (!f.tag.empty()) sql += " AND EXISTS (SELECT 1 FROM run_tag t WHERE t.run_id = r.id AND t.tag = ?)";
    if (!f.text.empty())
        sql += " AND (r.name LIKE ?200 ESCAPE '\\' OR e.name LIKE ?200 ESCAPE '\\' OR r.method LIKE ?200 "
               "ESCAPE '\\' OR r.model_path LIKE ?200 ESCAPE '\\' OR EXISTS (SELECT 1 FROM run_tag t WHERE "
               "t.run_id = r.id AND t.tag LIKE ?200 ESCAPE '\\'))";
    sql += " ORDER BY r.id DESC";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    Stmt s = m_impl->db.prepare(sql);
    int i = 1;
    for (RunStatus st : f.statuses)
        s.bind(i++, runStatusName(st));
    if (!f.method.empty()) s.bind(i++, f.method);
    if (!f.experiment.empty()) s.bind(i++, f.experiment);
    if (!f.tag.empty()) s.bind(i++, f.tag);
    if (!f.text.empty()) s.bind(200, likePattern(f.text));
    std::vector<RunInfo> out;
    while (s.step())
        out.push_back(readRun(s));
    return out;
}

std::optional<RunInfo> RunStore::run(int64_t runId) const
{
    std::lock_guard lock(m_impl->mutex);
    Stmt s = m_impl->db.prepare(std::string("SELECT ") + kRunColumns + " WHERE r.id = ?");
    s.bind(1, runId);
    if (!s.step()) return std::nullopt;
    return readRun(s);
}

std::vector<RunParam> RunStore::params(int64_t runId) const
{
    std::lock_guard lock(m_impl->mutex);
    Stmt s =
        m_impl->db.prepare("SELECT key, value_text, value_num FROM run_param WHERE run_id = ? ORDER BY key");
    s.bind(1, runId);
    std::vector<RunParam> out;
    while (s.step()) {
        RunParam p;
        p.key = s.text(0);
        p.text = s.text(1);
        if (!s.isNull(2)) p.number = s.real(2);
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<std::string> RunStore::experiments() const
{
    std::lock_guard lock(m_impl->mutex);
    Stmt s = m_impl->db.prepare("SELECT name FROM experiment ORDER BY name");
    std::vector<std::string> out;
    while (s.step())
        out.push_back(s.text(0));
    return out;
}

std::vector<std::string> RunStore::allTags() const
{
    std::lock_guard lock(m_impl->mutex);
    Stmt s = m_impl->db.prepare("SELECT DISTINCT tag FROM run_tag ORDER BY tag");
    std::vector<std::string> out;
    while (s.step())
        out.push_back(s.text(0));
    return out;
}

int64_t RunStore::createRun(const NewRun& nr)
{
    checkWritable(*m_impl);
    std::vector<RunParam> params;
    if (!nr.config.empty()) {
        nlohmann::json cfg = nlohmann::json::parse(nr.config, nullptr, false);
        if (cfg.is_discarded()) throw Error("run store: the run's config is not valid JSON");
        flatten(cfg, "", params);
    }
    std::lock_guard lock(m_impl->mutex);
    auto& db = m_impl->db;
    Transaction tx(db);
    const double now = store::nowUnix();
    const std::string experiment = nr.experiment.empty() ? "default" : nr.experiment;
    db.prepare("INSERT OR IGNORE INTO experiment(name, created) VALUES(?, ?)")
        .bind(1, experiment)
        .bind(2, now)
        .run();
    Stmt e = db.prepare("SELECT id FROM experiment WHERE name = ?");
    e.bind(1, experiment);
    e.step();
    const int64_t experimentId = e.integer(0);
    // Ids only grow, even past deleted runs: an id names one run of this store for ever.
    const int64_t id = std::max(db.scalarInt("SELECT CAST(value AS INTEGER) FROM store_info WHERE key = "
                                             "'next_run_id'"),
                                db.scalarInt("SELECT coalesce(max(id), 0) + 1 FROM run"));
    db.prepare("UPDATE store_info SET value = ? WHERE key = 'next_run_id'")
        .bind(1, std::to_string(id + 1))
        .run();
    Stmt ins =
        db.prepare("INSERT INTO run(experiment_id, name, status, method, created, model_path, model_hash, "
                   "app_version, config, work_dir, total_steps, id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    ins.bind(12, id);
    ins.bind(1, experimentId)
        .bind(2, nr.name)
        .bind(3, runStatusName(nr.status))
        .bind(4, nr.method)
        .bind(5, now);
    ins.bind(6, nr.modelPath)
        .bind(7, nr.modelHash)
        .bind(8, version())
        .bind(9, nr.config.empty() ? "{}" : nr.config);
    ins.bind(10, nr.workDir).bind(11, nr.totalSteps);
    ins.run();
    if (nr.name.empty())
        db.prepare("UPDATE run SET name = ? WHERE id = ?")
            .bind(1, experiment + " #" + std::to_string(id))
            .bind(2, id)
            .run();
    Stmt tag = db.prepare("INSERT OR IGNORE INTO run_tag(run_id, tag) VALUES(?, ?)");
    for (const auto& t : nr.tags)
        tag.bind(1, id).bind(2, t).run();
    Stmt par =
        db.prepare("INSERT OR REPLACE INTO run_param(run_id, key, value_text, value_num) VALUES(?,?,?,?)");
    for (const auto& p : params) {
        par.bind(1, id).bind(2, p.key).bind(3, p.text);
        if (p.number) par.bind(4, *p.number);
        par.run();
    }
    tx.commit();
    return id;
}

void RunStore::setStatus(int64_t runId, RunStatus status, const std::string& message)
{
    checkWritable(*m_impl);
    std::lock_guard lock(m_impl->mutex);
    const bool final = !isActive(status);
    Stmt s = m_impl->db.prepare(
        "UPDATE run SET status = ?1, message = ?2, "
        "started = CASE WHEN ?1 = 'running' THEN COALESCE(started, ?3) ELSE started END, "
        "ended = CASE WHEN ?4 THEN ?3 ELSE NULL END, pid = CASE WHEN ?4 THEN NULL ELSE pid END, "
        "heartbeat = ?3 WHERE id = ?5");
    s.bind(1, runStatusName(status)).bind(2, message).bind(3, store::nowUnix()).bind(4, int64_t(final));
    s.bind(5, runId).run();
    if (m_impl->db.changes() == 0) throw Error("run store: no run with id " + std::to_string(runId));
}

void RunStore::claim(int64_t runId)
{
    checkWritable(*m_impl);
    std::lock_guard lock(m_impl->mutex);
    m_impl->db.prepare("UPDATE run SET pid = ?, host = ?, heartbeat = ? WHERE id = ?")
        .bind(1, int64_t(getpid()))
        .bind(2, store::hostName())
        .bind(3, store::nowUnix())
        .bind(4, runId)
        .run();
}

void RunStore::heartbeat(int64_t runId)
{
    checkWritable(*m_impl);
    std::lock_guard lock(m_impl->mutex);
    m_impl->db.prepare("UPDATE run SET heartbeat = ? WHERE id = ?")
        .bind(1, store::nowUnix())
        .bind(2, runId)
        .run();
}

void RunStore::setWorkDir(int64_t runId, const std::string& dir)
{
    checkWritable(*m_impl);
    std::lock_guard lock(m_impl->mutex);
    m_impl->db.prepare("UPDATE run SET work_dir = ? WHERE id = ?").bind(1, dir).bind(2, runId).run();
}

void RunStore::setParam(int64_t runId, const RunParam& param)
{
    checkWritable(*m_impl);
    std::lock_guard lock(m_impl->mutex);
    Stmt s = m_impl->db.prepare(
        "INSERT OR REPLACE INTO run_param(run_id, key, value_text, value_num) VALUES(?,?,?,?)");
    s.bind(1, runId).bind(2, param.key).bind(3, param.text);
    if (param.number) s.bind(4, *param.number);
    s.run();
}

// Names and tags are shown in terminals and tables: control characters (escape sequences) are refused.
static void checkLabel(const std::string& text, const char* what)
{
    if (text.empty()) throw Error(std::string(what) + ": must not be empty");
    for (const char ch : text)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f)
            throw Error(std::string(what) + ": control characters are not allowed");
}

void RunStore::renameRun(int64_t runId, const std::string& name)
{
    checkWritable(*m_impl);
    checkLabel(name, "run name");
    std::lock_guard lock(m_impl->mutex);
    m_impl->db.prepare("UPDATE run SET name = ? WHERE id = ?").bind(1, name).bind(2, runId).run();
    if (m_impl->db.changes() == 0) throw Error("run store: no run with id " + std::to_string(runId));
}

void RunStore::setTags(int64_t runId, const std::vector<std::string>& tags)
{
    checkWritable(*m_impl);
    for (const auto& t : tags)
        checkLabel(t, "tag");
    std::lock_guard lock(m_impl->mutex);
    Transaction tx(m_impl->db);
    m_impl->db.prepare("DELETE FROM run_tag WHERE run_id = ?").bind(1, runId).run();
    Stmt s = m_impl->db.prepare("INSERT OR IGNORE INTO run_tag(run_id, tag) VALUES(?, ?)");
    for (const auto& t : tags)
        if (!t.empty()) s.bind(1, runId).bind(2, t).run();
    tx.commit();
}

void RunStore::addTag(int64_t runId, const std::string& tag)
{
    checkWritable(*m_impl);
    checkLabel(tag, "tag");
    std::lock_guard lock(m_impl->mutex);
    m_impl->db.prepare("INSERT OR IGNORE INTO run_tag(run_id, tag) VALUES(?, ?)")
        .bind(1, runId)
        .bind(2, tag)
        .run();
}

void RunStore::removeTag(int64_t runId, const std::string& tag)
{
    checkWritable(*m_impl);
    std::lock_guard lock(m_impl->mutex);
    m_impl->db.prepare("DELETE FROM run_tag WHERE run_id = ? AND tag = ?").bind(1, runId).bind(2, tag).run();
}

void RunStore::deleteRun(int64_t runId)
{
    checkWritable(*m_impl);
    std::lock_guard lock(m_impl->mutex);
    m_impl->db.prepare("DELETE FROM run WHERE id = ?").bind(1, runId).run();
    if (m_impl->db.changes() == 0) throw Error("run store: no run with id " + std::to_string(runId));
}

void RunStore::clearRunData(int64_t runId)
{
    checkWritable(*m_impl);
    std::lock_guard lock(m_impl->mutex);
    auto& db = m_impl->db;
    Transaction tx(db);
    for (const char* sql : {"DELETE FROM series WHERE run_id = ?", "DELETE FROM eval_result WHERE run_id = ?",
                            "DELETE FROM artifact WHERE run_id = ?"})
        db.prepare(sql).bind(1, runId).run();
    tx.commit();
}

std::vector<int64_t> RunStore::markDeadRuns(double staleSeconds)
{
    checkWritable(*m_impl);
    std::lock_guard lock(m_impl->mutex);
    auto& db = m_impl->db;
    const std::string host = store::hostName();
    const double now = store::nowUnix();
    struct Dead
    {
        int64_t id;
        std::string why;
    };
    std::vector<Dead> dead;
    {
        Stmt s =
            db.prepare("SELECT id, pid, host, heartbeat FROM run WHERE status IN ('running', 'paused') OR "
                       "(status = 'queued' AND pid IS NOT NULL)");
        while (s.step()) {
            const int64_t id = s.integer(0), pid = s.isNull(1) ? 0 : s.integer(1);
            const std::string runHost = s.text(2);
            const double beat = s.isNull(3) ? 0 : s.real(3);
            const std::string where =
                "pid " + std::to_string(pid) + " on " + (runHost.empty() ? "?" : runHost);
            if (runHost == host && !processAlive(pid))
                dead.push_back({id, "its engine process (" + where + ") is gone (killed or crashed)"});
            else if (now - beat > staleSeconds && !(runHost == host && pid == int64_t(getpid())))
                dead.push_back({id, "its engine process (" + where + ") has not reported for " +
                                        std::to_string(int64_t(now - beat)) + " s"});
        }
    }
    std::vector<int64_t> ids;
    if (dead.empty()) return ids;
    Transaction tx(db);
    Stmt up =
        db.prepare("UPDATE run SET status = 'interrupted', message = ?, ended = COALESCE(heartbeat, ?), "
                   "pid = NULL WHERE id = ? AND status IN ('queued', 'running', 'paused')");
    for (const auto& d : dead) {
        up.bind(1, "interrupted: " + d.why + "; resume it with `qatbench-cli run --resume " +
                       std::to_string(d.id) + "` (it continues from its last checkpoint)");
        up.bind(2, now).bind(3, d.id).run();
        ids.push_back(d.id);
    }
    tx.commit();
    return ids;
}

} // namespace qat

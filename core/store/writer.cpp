// RunWriter (batched writes of one run) and histogram binning/encoding.
#include "qatbench/error.h"
#include "store/store_impl.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <tuple>

namespace qat {

using store::Stmt;

namespace store {

std::vector<unsigned char> encodeCounts(const std::vector<int64_t>& counts)
{
    std::vector<unsigned char> out;
    out.reserve(counts.size() * 2);
    for (int64_t c : counts) {
        uint64_t v = uint64_t(std::max<int64_t>(c, 0));
        do {
            unsigned char byte = v & 0x7f;
            v >>= 7;
            out.push_back(byte | (v ? 0x80 : 0));
        } while (v);
    }
    return out;
}

std::vector<int64_t> decodeCounts(const std::vector<unsigned char>& blob)
{
    std::vector<int64_t> out;
    uint64_t v = 0;
    int shift = 0;
    for (unsigned char byte : blob) {
        v |= uint64_t(byte & 0x7f) << shift;
        if (byte & 0x80) {
            shift += 7;
            if (shift > 63) throw Error("run store: corrupt histogram counts");
            continue;
        }
        out.push_back(int64_t(v));
        v = 0;
        shift = 0;
    }
    return out;
}

std::vector<double> uniformEdges(double lo, double hi, size_t bins)
{
    std::vector<double> e(bins + 1);
    for (size_t i = 0; i <= bins; ++i)
        e[i] = lo + (hi - lo) * double(i) / double(bins);
    if (bins > 0) e[bins] = hi;
    return e;
}

bool isUniform(const HistogramPoint& h)
{
    if (h.counts.empty() || h.edges.size() != h.counts.size() + 1) return false;
    return h.edges == uniformEdges(h.min, h.max, h.counts.size());
}

} // namespace store

namespace {

template <typename It> HistogramPoint binSamples(It begin, It end, int bins)
{
    HistogramPoint h;
    bins = std::max(1, bins);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (It it = begin; it != end; ++it) {
        const double v = double(*it);
        if (!std::isfinite(v)) {
            ++h.nonFinite;
            continue;
        }
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        ++h.count;
        h.sum += v;
        h.sumSquares += v * v;
    }
    if (h.count == 0) return h;
    h.min = lo;
    h.max = hi;
    h.counts.assign(size_t(bins), 0);
    if (hi > lo) {
        h.edges = store::uniformEdges(lo, hi, size_t(bins));
    } else {
        // All samples equal: a narrow range around the value so the bins have a width.
        const double half = std::max(std::fabs(lo) * 1e-3, 1e-12);
        h.edges = store::uniformEdges(lo - half, lo + half, size_t(bins));
    }
    const double left = h.edges.front(), width = (h.edges.back() - left) / bins;
    for (It it = begin; it != end; ++it) {
        const double v = double(*it);
        if (!std::isfinite(v)) continue;
        const int b = std::clamp(int((v - left) / width), 0, bins - 1);
        ++h.counts[size_t(b)];
    }
    return h;
}

} // namespace

HistogramPoint makeHistogram(const float* values, size_t n, int bins)
{
    return binSamples(values, values + n, bins);
}

HistogramPoint makeHistogram(const std::vector<double>& values, int bins)
{
    return binSamples(values.begin(), values.end(), bins);
}

struct RunWriter::Buffer
{
    struct Scalar
    {
        std::string name, context;
        int64_t step;
        double wall, value;
    };
    struct Hist
    {
        std::string name, context;
        HistogramPoint h;
    };
    std::vector<Scalar> scalars;
    std::vector<Hist> hists;
    size_t weight = 0; // points, a histogram counting as its bins
    std::map<std::tuple<int, std::string, std::string>, int64_t> seriesIds;
};

RunWriter::RunWriter(RunStore& store, int64_t runId, const WriterOptions& options)
    : m_store(store), m_runId(runId), m_options(options), m_buffer(std::make_unique<Buffer>()),
      m_lastFlush(store::nowUnix())
{}

RunWriter::~RunWriter()
{
    try {
        flush();
    } catch (...) {
        // The destructor must not throw; callers that care call flush() themselves.
    }
}

size_t RunWriter::pending() const
{
    return m_buffer->scalars.size() + m_buffer->hists.size();
}

void RunWriter::scalar(const std::string& name, int64_t step, double value, const std::string& context,
                       double wallTime)
{
    m_buffer->scalars.push_back({name, context, step, wallTime > 0 ? wallTime : store::nowUnix(), value});
    m_buffer->weight += 1;
    maybeFlush();
}

void RunWriter::histogram(const std::string& name, int64_t step, HistogramPoint h, const std::string& context)
{
    h.step = step;
    if (h.wallTime <= 0) h.wallTime = store::nowUnix();
    m_buffer->weight += std::max<size_t>(1, h.counts.size());
    m_buffer->hists.push_back({name, context, std::move(h)});
    maybeFlush();
}

void RunWriter::maybeFlush()
{
    if (m_buffer->weight >= size_t(std::max(1, m_options.flushEveryPoints)) ||
        (store::nowUnix() - m_lastFlush) * 1000.0 >= m_options.flushEveryMs)
        flush();
}

static int64_t seriesId(store::Db& db, std::map<std::tuple<int, std::string, std::string>, int64_t>& cache,
                        int64_t runId, int kind, const std::string& name, const std::string& context)
{
    auto key = std::make_tuple(kind, name, context);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    SeriesInfo parsed;
    store::parseContext(context, parsed);
    Stmt ins =
        db.prepare("INSERT OR IGNORE INTO series(run_id, kind, name, context, split, layer, module, grp) "
                   "VALUES(?,?,?,?,?,?,?,?)");
    ins.bind(1, runId).bind(2, kind).bind(3, name).bind(4, context).bind(5, parsed.split);
    if (parsed.layer >= 0) ins.bind(6, parsed.layer);
    ins.bind(7, parsed.module).bind(8, parsed.group).run();
    Stmt sel = db.prepare("SELECT id FROM series WHERE run_id = ? AND kind = ? AND name = ? AND context = ?");
    sel.bind(1, runId).bind(2, kind).bind(3, name).bind(4, context);
    if (!sel.step()) throw Error("run store: could not create series " + name);
    const int64_t id = sel.integer(0);
    cache.emplace(std::move(key), id);
    return id;
}

void RunWriter::flush()
{
    auto& impl = m_store.impl();
    std::lock_guard lock(impl.mutex);
    auto& db = impl.db;
    auto& buf = *m_buffer;
    const double now = store::nowUnix();
    // A series id created in a rolled-back transaction is gone: work on a copy of the cache.
    auto ids = buf.seriesIds;
    store::Transaction tx(db);
    Stmt sc = db.prepare(
        "INSERT OR REPLACE INTO scalar(series_id, step, wall, value, nonfinite) VALUES(?,?,?,?,?)");
    for (const auto& p : buf.scalars) {
        sc.bind(1, seriesId(db, ids, m_runId, 0, p.name, p.context)).bind(2, p.step).bind(3, p.wall);
        const int flag = store::nonFiniteFlag(p.value);
        if (flag == store::kFinite) sc.bind(4, p.value);
        sc.bind(5, flag).run();
    }
    Stmt hs =
        db.prepare("INSERT OR REPLACE INTO histogram(series_id, step, wall, edges, counts, min, max, count, "
                   "nonfinite, sum, sum_sq) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& e : buf.hists) {
        const auto& h = e.h;
        hs.bind(1, seriesId(db, ids, m_runId, 1, e.name, e.context)).bind(2, h.step).bind(3, h.wallTime);
        if (!store::isUniform(h)) hs.bindBlob(4, h.edges.data(), h.edges.size() * sizeof(double));
        const auto counts = store::encodeCounts(h.counts);
        hs.bindBlob(5, counts.data(), counts.size()).bind(6, h.min).bind(7, h.max).bind(8, h.count);
        hs.bind(9, h.nonFinite).bind(10, h.sum).bind(11, h.sumSquares).run();
    }
    db.prepare("UPDATE run SET heartbeat = ? WHERE id = ?").bind(1, now).bind(2, m_runId).run();
    tx.commit();
    buf.seriesIds = std::move(ids);
    buf.scalars.clear();
    buf.hists.clear();
    buf.weight = 0;
    m_lastFlush = now;
    ++m_flushes;
}

void RunWriter::eval(EvalResult r)
{
    auto& impl = m_store.impl();
    std::lock_guard lock(impl.mutex);
    // A resumed run may evaluate a step again (killed after the evaluation, before its end was recorded):
    // the new result replaces the old one, so no evaluation is stored twice.
    store::Transaction tx(impl.db);
    impl.db.prepare("DELETE FROM eval_result WHERE run_id = ? AND step = ? AND dataset = ? AND metric = ?")
        .bind(1, m_runId)
        .bind(2, r.step)
        .bind(3, r.dataset)
        .bind(4, r.metric.empty() ? "ppl" : r.metric)
        .run();
    Stmt s = impl.db.prepare(
        "INSERT INTO eval_result(run_id, step, dataset, metric, value, nll, tokens, protocol, "
        "wall) VALUES(?,?,?,?,?,?,?,?,?)");
    s.bind(1, m_runId).bind(2, r.step).bind(3, r.dataset).bind(4, r.metric.empty() ? "ppl" : r.metric);
    if (std::isfinite(r.value)) s.bind(5, r.value);
    if (std::isfinite(r.nll)) s.bind(6, r.nll);
    s.bind(7, r.tokens).bind(8, r.protocol.empty() ? "{}" : r.protocol);
    s.bind(9, r.wallTime > 0 ? r.wallTime : store::nowUnix()).run();
    tx.commit();
}

void RunWriter::artifact(Artifact a)
{
    auto& impl = m_store.impl();
    std::lock_guard lock(impl.mutex);
    store::Transaction tx(impl.db);
    impl.db.prepare("DELETE FROM artifact WHERE run_id = ? AND kind = ? AND path = ? AND step = ?")
        .bind(1, m_runId)
        .bind(2, a.kind)
        .bind(3, a.path)
        .bind(4, a.step)
        .run();
    Stmt s =
        impl.db.prepare("INSERT INTO artifact(run_id, kind, path, step, bytes, wall) VALUES(?,?,?,?,?,?)");
    s.bind(1, m_runId).bind(2, a.kind).bind(3, a.path).bind(4, a.step).bind(5, a.bytes);
    s.bind(6, a.wallTime > 0 ? a.wallTime : store::nowUnix()).run();
    tx.commit();
}

} // namespace qat

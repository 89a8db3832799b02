// RunStore readers: series, scalar points (downsampled), histograms, evaluations, artifacts.
#include "qatbench/error.h"
#include "qatbench/series_context.h"
#include "store/store_impl.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace qat {

using store::Stmt;

namespace store {

int nonFiniteFlag(double v)
{
    if (std::isnan(v)) return kNaN;
    if (std::isinf(v)) return v > 0 ? kPosInf : kNegInf;
    return kFinite;
}

double decodeValue(bool isNull, double stored, int flag)
{
    switch (flag) {
    case kNaN:
        return std::numeric_limits<double>::quiet_NaN();
    case kPosInf:
        return std::numeric_limits<double>::infinity();
    case kNegInf:
        return -std::numeric_limits<double>::infinity();
    default:
        return isNull ? std::numeric_limits<double>::quiet_NaN() : stored;
    }
}

void parseContext(const std::string& context, SeriesInfo& out)
{
    const SeriesContext c = SeriesContext::parse(context);
    out.split = c.split;
    out.layer = c.layer;
    out.module = c.module;
    out.group = c.group;
}

} // namespace store

double HistogramPoint::stddev() const
{
    if (count <= 0) return 0.0;
    const double m = mean();
    return std::sqrt(std::max(0.0, sumSquares / double(count) - m * m));
}

std::vector<SeriesInfo> RunStore::series(int64_t runId) const
{
    std::lock_guard lock(m_impl->mutex);
    auto& db = m_impl->db;
    std::vector<SeriesInfo> out;
    {
        Stmt s = db.prepare(
            "SELECT id, kind, name, context, split, layer, module, grp FROM series WHERE run_id = ? "
            "ORDER BY name, layer, context");
        s.bind(1, runId);
        while (s.step()) {
            SeriesInfo si;
            si.id = s.integer(0);
            si.runId = runId;
            si.kind = s.integer(1) == 0 ? SeriesKind::Scalar : SeriesKind::Histogram;
            si.name = s.text(2);
            si.context = s.text(3);
            si.split = s.text(4);
            si.layer = s.isNull(5) ? -1 : int(s.integer(5));
            si.module = s.text(6);
            si.group = s.text(7);
            out.push_back(std::move(si));
        }
    }
    Stmt scalarStats = db.prepare("SELECT COUNT(*), MIN(step), MAX(step), MIN(value), MAX(value) FROM scalar "
                                  "WHERE series_id = ?");
    Stmt last =
        db.prepare("SELECT value, nonfinite FROM scalar WHERE series_id = ? ORDER BY step DESC LIMIT 1");
    Stmt histStats = db.prepare("SELECT COUNT(*), MIN(step), MAX(step) FROM histogram WHERE series_id = ?");
    for (auto& si : out) {
        Stmt& st = si.kind == SeriesKind::Scalar ? scalarStats : histStats;
        st.bind(1, si.id);
        if (st.step() && st.integer(0) > 0) {
            si.count = st.integer(0);
            si.firstStep = st.integer(1);
            si.lastStep = st.integer(2);
            if (si.kind == SeriesKind::Scalar) {
                si.minValue = st.isNull(3) ? std::nan("") : st.real(3);
                si.maxValue = st.isNull(4) ? std::nan("") : st.real(4);
            }
        }
        st.reset();
        if (si.kind == SeriesKind::Scalar && si.count > 0) {
            last.bind(1, si.id);
            if (last.step())
                si.lastValue = store::decodeValue(last.isNull(0), last.real(0), int(last.integer(1)));
            last.reset();
        }
    }
    return out;
}

std::optional<SeriesInfo> RunStore::findSeries(int64_t runId, const std::string& name,
                                               const std::string& context, SeriesKind kind) const
{
    // series() computes the statistics of every series; fine for the sizes runs have (hundreds of series).
    for (auto& s : series(runId))
        if (s.name == name && s.context == context && s.kind == kind) return s;
    return std::nullopt;
}

namespace {

// Emits one point per step bucket: the bucket's last point, with min/max over its finite values.
struct Downsampler
{
    int64_t firstStep;
    double width;
    std::vector<ScalarPoint>& out;
    int64_t bucket = -1;
    ScalarPoint acc;

    void add(const ScalarPoint& p)
    {
        const int64_t b = int64_t(double(p.step - firstStep) / width);
        if (b != bucket) {
            if (bucket >= 0) out.push_back(acc);
            bucket = b;
            acc = p;
            acc.merged = 0;
            acc.min = std::numeric_limits<double>::infinity();
            acc.max = -std::numeric_limits<double>::infinity();
        }
        acc.step = p.step;
        acc.wallTime = p.wallTime;
        acc.value = p.value;
        acc.merged += 1;
        if (std::isfinite(p.value)) {
            acc.min = std::min(acc.min, p.value);
            acc.max = std::max(acc.max, p.value);
        }
    }
    void finish()
    {
        if (bucket >= 0) out.push_back(acc);
        for (auto& p : out)
            if (p.min > p.max) p.min = p.max = p.value; // a bucket of non-finite values only
    }
};

} // namespace

std::vector<ScalarPoint> RunStore::scalars(int64_t seriesId, const ScalarQuery& q) const
{
    std::lock_guard lock(m_impl->mutex);
    auto& db = m_impl->db;
    int64_t count = 0, first = 0, lastStep = 0;
    if (q.maxPoints > 0) {
        Stmt c =
            db.prepare("SELECT COUNT(*), MIN(step), MAX(step) FROM scalar WHERE series_id = ? AND step >= ? "
                       "AND step <= ?");
        c.bind(1, seriesId).bind(2, q.fromStep).bind(3, q.toStep);
        if (c.step()) count = c.integer(0), first = c.integer(1), lastStep = c.integer(2);
    }
    Stmt s =
        db.prepare("SELECT step, wall, value, nonfinite FROM scalar WHERE series_id = ? AND step >= ? AND "
                   "step <= ? ORDER BY step");
    s.bind(1, seriesId).bind(2, q.fromStep).bind(3, q.toStep);
    std::vector<ScalarPoint> out;
    const bool downsample = q.maxPoints > 0 && count > q.maxPoints;
    if (!downsample) out.reserve(size_t(count));
    Downsampler ds{first, double(lastStep - first + 1) / double(std::max(1, q.maxPoints)), out};
    while (s.step()) {
        ScalarPoint p;
        p.step = s.integer(0);
        p.wallTime = s.real(1);
        p.value = store::decodeValue(s.isNull(2), s.real(2), int(s.integer(3)));
        p.min = p.max = p.value;
        if (downsample)
            ds.add(p);
        else
            out.push_back(p);
    }
    if (downsample) ds.finish();
    return out;
}

std::vector<int64_t> RunStore::histogramSteps(int64_t seriesId) const
{
    std::lock_guard lock(m_impl->mutex);
    Stmt s = m_impl->db.prepare("SELECT step FROM histogram WHERE series_id = ? ORDER BY step");
    s.bind(1, seriesId);
    std::vector<int64_t> out;
    while (s.step())
        out.push_back(s.integer(0));
    return out;
}

std::optional<HistogramPoint> RunStore::histogramAt(int64_t seriesId, int64_t step) const
{
    std::lock_guard lock(m_impl->mutex);
    auto& db = m_impl->db;
    auto nearest = [&](const char* cond, const char* order) -> std::optional<int64_t> {
        Stmt s = db.prepare(std::string("SELECT step FROM histogram WHERE series_id = ? AND step ") + cond +
                            " ? ORDER BY step " + order + " LIMIT 1");
        s.bind(1, seriesId).bind(2, step);
        if (!s.step()) return std::nullopt;
        return s.integer(0);
    };
    const auto below = nearest("<=", "DESC"), above = nearest(">=", "ASC");
    if (!below && !above) return std::nullopt;
    int64_t at = below ? *below : *above;
    if (below && above && (*above - step) < (step - *below)) at = *above;

    Stmt s = db.prepare("SELECT wall, edges, counts, min, max, count, nonfinite, sum, sum_sq FROM histogram "
                        "WHERE series_id = ? AND step = ?");
    s.bind(1, seriesId).bind(2, at);
    if (!s.step()) return std::nullopt;
    HistogramPoint h;
    h.step = at;
    h.wallTime = s.real(0);
    h.counts = store::decodeCounts(s.blob(2));
    h.min = s.real(3);
    h.max = s.real(4);
    h.count = s.integer(5);
    h.nonFinite = s.integer(6);
    h.sum = s.real(7);
    h.sumSquares = s.real(8);
    if (s.isNull(1)) {
        h.edges = store::uniformEdges(h.min, h.max, h.counts.size());
    } else {
        const auto blob = s.blob(1);
        h.edges.resize(blob.size() / sizeof(double));
        std::memcpy(h.edges.data(), blob.data(), h.edges.size() * sizeof(double));
    }
    return h;
}

std::vector<EvalResult> RunStore::evalResults(int64_t runId) const
{
    std::lock_guard lock(m_impl->mutex);
    Stmt s = m_impl->db.prepare("SELECT id, step, dataset, metric, value, nll, tokens, protocol, wall FROM "
                                "eval_result WHERE run_id = ? ORDER BY step, id");
    s.bind(1, runId);
    std::vector<EvalResult> out;
    while (s.step()) {
        EvalResult r;
        r.id = s.integer(0);
        r.runId = runId;
        r.step = s.integer(1);
        r.dataset = s.text(2);
        r.metric = s.text(3);
        r.value = s.isNull(4) ? std::nan("") : s.real(4);
        r.nll = s.isNull(5) ? std::nan("") : s.real(5);
        r.tokens = s.integer(6);
        r.protocol = s.text(7);
        r.wallTime = s.real(8);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<Artifact> RunStore::artifacts(int64_t runId) const
{
    std::lock_guard lock(m_impl->mutex);
    Stmt s = m_impl->db.prepare(
        "SELECT id, kind, path, step, bytes, wall FROM artifact WHERE run_id = ? ORDER BY id");
    s.bind(1, runId);
    std::vector<Artifact> out;
    while (s.step()) {
        Artifact a;
        a.id = s.integer(0);
        a.runId = runId;
        a.kind = s.text(1);
        a.path = s.text(2);
        a.step = s.integer(3);
        a.bytes = s.integer(4);
        a.wallTime = s.real(5);
        out.push_back(std::move(a));
    }
    return out;
}

int64_t RunStore::pointCount(int64_t runId) const
{
    std::lock_guard lock(m_impl->mutex);
    Stmt s = m_impl->db.prepare(
        "SELECT COUNT(*) FROM scalar p JOIN series s ON s.id = p.series_id WHERE s.run_id = ?");
    s.bind(1, runId);
    return s.step() ? s.integer(0) : 0;
}

} // namespace qat

#pragma once
// RunStore's private state and the encodings shared by the reader and the writer (private to core/store).

#include "qatbench/store.h"
#include "store/sqlite_db.h"

#include <mutex>

namespace qat {

struct RunStore::Impl
{
    std::string path;
    StoreOptions options;
    store::Db db;
    int schema = 0;
    std::string storeId;
    std::mutex mutex; // one connection, one caller at a time
};

namespace store {

// Non-finite scalars are stored as NULL with a flag, so SQL aggregates over finite values stay meaningful.
enum NonFinite : int
{
    kFinite = 0,
    kNaN = 1,
    kPosInf = 2,
    kNegInf = 3,
};
int nonFiniteFlag(double v);
double decodeValue(bool isNull, double stored, int flag);

// Histogram counts as LEB128 varints (most bins hold small counts); edges as float64, or NULL when they are
// exactly the uniform edges over [min, max] that makeHistogram produces.
std::vector<unsigned char> encodeCounts(const std::vector<int64_t>& counts);
std::vector<int64_t> decodeCounts(const std::vector<unsigned char>& blob);
std::vector<double> uniformEdges(double lo, double hi, size_t bins);
bool isUniform(const HistogramPoint& h);

// The context text -> fields of SeriesInfo (split, layer, module, group), through SeriesContext::parse.
void parseContext(const std::string& context, SeriesInfo& out);

std::string hostName();

} // namespace store
} // namespace qat

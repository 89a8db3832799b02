#include "qatbench/files.h"

#include <cerrno>
#include <cstdio>
#include <ftw.h>

namespace qat {

namespace {

int removeEntry(const char* path, const struct stat*, int, struct FTW*)
{
    return std::remove(path) == 0 ? 0 : -1;
}

} // namespace

bool removeTree(const std::string& path)
{
    if (::nftw(path.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS) == 0) return true;
    return errno == ENOENT;
}

} // namespace qat

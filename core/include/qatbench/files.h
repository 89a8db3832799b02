#pragma once
// Small file-system helpers that must behave the same in every build of QATBench.

#include <string>

namespace qat {

// Removes a file or a whole directory tree (links are removed, not followed); a path that does not exist is
// fine. Returns false when something could not be removed. Not std::filesystem::remove_all: Python torch's
// libtorch.so (2.11, the CUDA build) exports its own std::filesystem symbols, and its remove_all, bound in
// place of libstdc++'s, jumps to address 0 (seen on the CUDA machine). nftw is plain libc.
bool removeTree(const std::string& path);

} // namespace qat

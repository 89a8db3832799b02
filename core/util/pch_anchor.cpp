// Anchor for the shared precompiled torch header (see core/CMakeLists.txt).

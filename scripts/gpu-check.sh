#!/usr/bin/env bash
# Builds core, plugins, qatbench-cli and the core tests against Python torch's LibTorch on a CUDA machine
# (no Qt there) and runs the tests, which also run their tensor checks on CUDA. One command, one go.
# With nvcc on the machine the fused quantizer's kernels (core/quant/cuda) are built for its GPU, and
# core/test_quant_cuda checks them against the ATen path (the configure line "CUDA kernels: ..." says which).
#
#   scripts/gpu-check.sh [DATA_DIR]        DATA_DIR: a copy of shared/ (default $QATBENCH_TEST_DATA or ../shared)
#
# Missing -dev headers (sqlite3.h, nlohmann/json.hpp) come from Debian .deb files in $QATBENCH_DEPS
# (default .devcarry/deps), unpacked with dpkg -x into a temporary prefix, never into /.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=$(realpath -m "${1:-${QATBENCH_TEST_DATA:-../shared}}")
DEPS=${QATBENCH_DEPS:-.devcarry/deps}
BUILD=${QATBENCH_BUILD_DIR:-build-gpu}
PREFIX=/tmp/qatbench-deps

TP=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "gpu",
    torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")'

EXTRA=()
if [ -d "$DEPS" ]; then
    mkdir -p "$PREFIX"
    for deb in "$DEPS"/*.deb; do dpkg -x "$deb" "$PREFIX"; done
    [ -f "$PREFIX/usr/include/sqlite3.h" ] && EXTRA+=(-DSQLite3_INCLUDE_DIR="$PREFIX/usr/include")
    [ -d "$PREFIX/usr/share/cmake/nlohmann_json" ] && EXTRA+=(-Dnlohmann_json_DIR="$PREFIX/usr/share/cmake/nlohmann_json")
fi
if ! ls /usr/lib/x86_64-linux-gnu/libsqlite3.so >/dev/null 2>&1; then
    LIB=$(ls /usr/lib/x86_64-linux-gnu/libsqlite3.so.0* 2>/dev/null | head -1 || true)
    [ -n "$LIB" ] && EXTRA+=(-DSQLite3_LIBRARY="$LIB")
fi

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TP" -DQATBENCH_BUILD_GUI=OFF \
      "${EXTRA[@]}"
cmake --build "$BUILD" -j "$(nproc)" --target all benchmarks
export QATBENCH_TEST_DATA="$DATA"
[ -d "$DATA" ] || unset QATBENCH_TEST_DATA
# Tests run in parallel; give each its share of the cores (oversubscribed OpenMP barriers spin for seconds).
export QATBENCH_THREADS=${QATBENCH_THREADS:-$(( $(nproc) / 4 > 0 ? $(nproc) / 4 : 1 ))}
export OMP_NUM_THREADS=$QATBENCH_THREADS OPENBLAS_NUM_THREADS=$QATBENCH_THREADS # OpenBLAS ignores torch
ctest --test-dir "$BUILD" --output-on-failure --no-tests=error -j 4 ${QATBENCH_CTEST_ARGS:-}

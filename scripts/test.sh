#!/usr/bin/env bash
# Configures, builds and runs the whole test suite. Test data: $QATBENCH_TEST_DATA (default ../shared);
# tests that need it and find no data are reported as skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${QATBENCH_BUILD_DIR:-build}
# Relative paths are taken from the repository root (tests run from inside the build tree).
export QATBENCH_TEST_DATA=$(realpath -m "${QATBENCH_TEST_DATA:-../shared}")
if [ ! -d "$QATBENCH_TEST_DATA" ]; then
    echo "test.sh: no test data at $QATBENCH_TEST_DATA: the tests that need it will be SKIPPED (not passed)"
    unset QATBENCH_TEST_DATA
fi
JOBS=${QATBENCH_JOBS:-$(nproc)}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release ${QATBENCH_CMAKE_ARGS:-}
cmake --build "$BUILD" -j "$JOBS"
# The llama.cpp check of GGUF exports needs node-llama-cpp and node >= 20 (installed once into ~/.cache/qatbench by
# scripts/llamacpp/install.sh, node 20 too where the system's is older); without them test_gguf_llamacpp is SKIPPED.
scripts/llamacpp/install.sh || echo "test.sh: node 20 / node-llama-cpp could not be installed: the llama.cpp check will be SKIPPED"
export QT_QPA_PLATFORM=offscreen
# The full-file perplexity references take minutes on 2 cores: they run on the GPU check (scripts/gpu-check.sh)
# and are reported SKIPPED here unless QATBENCH_SLOW_TESTS=1; test_perplexity (stories260K on the whole TinyStories
# head against transformers' numbers) is the CPU's reference.
# Tests run in parallel; give each its share of the cores (oversubscribed OpenMP barriers spin for seconds).
export QATBENCH_THREADS=${QATBENCH_THREADS:-$(( $(nproc) / $JOBS > 0 ? $(nproc) / $JOBS : 1 ))}
export OMP_NUM_THREADS=$QATBENCH_THREADS OPENBLAS_NUM_THREADS=$QATBENCH_THREADS # OpenBLAS ignores torch
ctest --test-dir "$BUILD" --output-on-failure --no-tests=error -j "$JOBS" ${QATBENCH_CTEST_ARGS:-}

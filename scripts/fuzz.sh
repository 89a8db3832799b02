#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, AddressSanitizer and UBSan in build-fuzz/ (only the
# core sources the readers need, no LibTorch) and runs each for a number of executions. docs/FUZZING.md.
#
# Usage: scripts/fuzz.sh [--runs N] [--jobs J] [--build-only] [--no-install] [TARGET...]
#   --runs N      executions per target (default 1000000)
#   --jobs J      targets run at the same time (default 1)
#   --build-only  build, seed the corpora, run nothing
#   --no-install  do not apt-get the compilers (fail if they are missing)
#   TARGET        safetensors model_config sentencepiece bytelevel_bpe experiment sweep events (default: all)
# Environment: QATBENCH_TEST_DATA (default ../shared next to the checkout) for the seeds; FUZZ_FLAGS, extra
# libFuzzer flags for every target (e.g. "-max_total_time=600").
# Output: build-fuzz/logs/<target>.log, a summary line per target (executions, wall time, coverage, features);
# the corpora in build-fuzz/corpus/ grow from run to run (delete the folder to start from the seeds again);
# a finding leaves build-fuzz/artifacts/<target>/crash-* (or leak-*, timeout-*, oom-*) and makes the exit
# status 1. Reproduce one with: build-fuzz/fuzz_<target> FILE
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/build-fuzz"
RUNS=1000000
JOBS=1
BUILD_ONLY=0
INSTALL=1
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --build-only) BUILD_ONLY=1; shift ;;
    --no-install) INSTALL=0; shift ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
ALL_TARGETS=(safetensors model_config sentencepiece bytelevel_bpe experiment sweep events)
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL_TARGETS[@]}")
DATA="${QATBENCH_TEST_DATA:-$ROOT/../shared}"

# --- compilers (Debian 12: clang 14 and its libFuzzer / sanitizer runtimes) --------------------------------
PKGS=(clang libclang-rt-14-dev libfuzzer-14-dev ninja-build nlohmann-json3-dev libsqlite3-dev)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$INSTALL" = 0 ]; then echo "fuzz.sh: missing Debian packages: ${missing[*]}" >&2; exit 2; fi
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
CXX="${CXX_FUZZ:-clang++}"

# --- sources per target ------------------------------------------------------------------------------------
# Only torch-free core sources. core/quant/registry.cpp includes qatbench_sdk/quant_method.h, which is
# answered by tests/fuzz/shim (no LibTorch types). GGUF and GPTQ readers: add their sources and a target here.
COMMON="tests/fuzz/support.cpp core/util/error.cpp"
TOKENIZER="core/model/tokenizer.cpp core/model/sentencepiece.cpp core/model/bytelevel_bpe.cpp \
core/model/unicode_tables.cpp"
METHODS="tests/fuzz/fuzzbuild_methods.cpp core/quant/registry.cpp core/quant/quant_options.cpp \
plugins/dlqat/dlqat_info.cpp core/train/experiment.cpp core/model/config.cpp"
sources_of() {
  case "$1" in
    safetensors) echo "core/model/safetensors.cpp" ;;
    model_config) echo "core/model/config.cpp" ;;
    sentencepiece|bytelevel_bpe) echo "$TOKENIZER" ;;
    experiment) echo "$METHODS" ;;
    # expandSweep lives next to the sweep runner, which needs the store (SQLite) and, behind stubs, the engine.
    sweep) echo "$METHODS core/engine/sweep.cpp core/store/store.cpp core/store/store_read.cpp \
core/store/writer.cpp core/store/schema.cpp core/store/sqlite_db.cpp core/model/inspect.cpp \
core/model/safetensors.cpp tests/fuzz/fuzzbuild_stubs.cpp" ;;
    events) echo "core/engine/events.cpp" ;;
    *) echo "fuzz.sh: unknown target $1 (known: ${ALL_TARGETS[*]})" >&2; return 1 ;;
  esac
}
libs_of() { if [ "$1" = sweep ]; then echo "-lsqlite3"; fi; }
max_len_of() {
  case "$1" in
    safetensors) echo 8192 ;;
    sentencepiece|bytelevel_bpe) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

# --- build (a generated ninja file: incremental, header dependencies tracked) ------------------------------
mkdir -p "$OUT/obj"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c++20 -O1 -g $SAN -DQAT_LIBFUZZER -I$ROOT/tests/fuzz/shim -I$ROOT/tests/fuzz -I$ROOT/core/include \
-I$ROOT/core -I$ROOT/plugins/dlqat"
{
  echo "rule cxx"
  echo "  command = $CXX $CFLAGS -fsanitize=fuzzer-no-link -MD -MF \$out.d -c \$in -o \$out"
  echo "  depfile = \$out.d"
  echo "  deps = gcc"
  echo "  description = CXX \$in"
  echo "rule link"
  echo "  command = $CXX $SAN -fsanitize=fuzzer \$in -o \$out \$libs"
  echo "  description = LINK \$out"
  declare -A seen=()
  for t in "${TARGETS[@]}"; do
    objs=""
    for s in tests/fuzz/fuzz_$t.cpp $COMMON $(sources_of "$t"); do
      o="obj/${s//\//_}.o"
      objs="$objs $o"
      if [ -z "${seen[$o]:-}" ]; then echo "build $o: cxx $ROOT/$s"; seen[$o]=1; fi
    done
    echo "build fuzz_$t: link$objs"
    echo "  libs = $(libs_of "$t")"
  done
} > "$OUT/build.ninja"
ninja -C "$OUT" -j "${FUZZ_BUILD_JOBS:-2}" | grep -v "^ninja: Entering" || { echo "fuzz.sh: build failed" >&2; exit 2; }

# --- corpora: the checked-in seeds and reproducers, plus real files from the test data ---------------------
seed() { # seed TARGET FILE...
  for f in "${@:2}"; do [ -f "$f" ] && cp -f "$f" "$OUT/corpus/$1/seed-$(basename "$(dirname "$f")")-$(basename "$f")"; done
  return 0
}
for t in "${TARGETS[@]}"; do
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t" "$OUT/logs"
  if [ -d "$ROOT/tests/fuzz/corpus/$t" ]; then cp -f "$ROOT/tests/fuzz/corpus/$t"/* "$OUT/corpus/$t/"; fi
  case "$t" in
    safetensors) seed "$t" "$DATA"/models/parity/*/model.safetensors "$DATA"/models/stories260K*/model.safetensors ;;
    model_config) seed "$t" "$DATA"/models/*/config.json "$DATA"/models/parity/*/config.json ;;
    sentencepiece) seed "$t" "$DATA"/models/stories260K/tokenizer.model ;;
    bytelevel_bpe) seed "$t" "$DATA"/data/tokenizer-fixtures/bytelevel-bpe/tokenizer.json ;;
    experiment) seed "$t" "$ROOT"/resources/experiments/*.json ;;
  esac
done
[ "$BUILD_ONLY" = 1 ] && { echo "fuzz.sh: built ${TARGETS[*]} in $OUT"; exit 0; }

# --- run ---------------------------------------------------------------------------------------------------
run_one() {
  local t="$1" log="$OUT/logs/$1.log" start end rc=0
  start=$(date +%s)
  local cmd=("./fuzz_$t" -runs="$RUNS" -max_len="$(max_len_of "$t")" -dict="$ROOT/tests/fuzz/fuzz.dict"
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="artifacts/$t/")
  # shellcheck disable=SC2206
  cmd+=(${FUZZ_FLAGS:-} "corpus/$t")
  echo "cd $OUT && ${cmd[*]}" > "$log"
  (cd "$OUT" && ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" "${cmd[@]}") >> "$log" 2>&1 || rc=$?
  end=$(date +%s)
  local execs cov ft
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -Eo 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-14s %s  executions %s  wall %ss  cov %s  ft %s  %s\n' "$t" \
    "$([ $rc = 0 ] && echo ok || echo FINDING)" "${execs:-?}" "$((end - start))" "${cov:-?}" "${ft:-?}" \
    "$([ $rc = 0 ] || echo "(see $log, build-fuzz/artifacts/$t/)")"
  return $rc
}
status=0
pids=()
for t in "${TARGETS[@]}"; do
  run_one "$t" &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 1; done
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status

#!/usr/bin/env bash
# Data-parallel check (issue 19 item 3, docs/SCALE.md): the same gutenberg-llama-22M DL-QAT W3 g64 run
# (bench/configs/dlqat-issue17-w3.json, global batch 16 x 511 tokens) on 1 GPU and on N GPUs through c10d NCCL, then
# the two runs side by side: final perplexity, losses and tokens/s (`qatbench-cli compare`), and the wall times.
#
#   scripts/dp-check.sh BUILD_DIR DATA_DIR [N=2]
#
# DATA_DIR is a copy of shared/ (models/gutenberg-llama-22M, data/gutenberg). Environment: STEPS (1000),
# CALIB_STEPS (200), EVAL_WINDOWS (0 = the whole book), OUT (dp-check-out), FLAG (--gpus; --ranks with DEVICE=cpu
# runs the same comparison on CPU processes with Gloo), DEVICE (cuda), TRAIN_TEXT (default: the whole Gutenberg
# training text, unpacked into OUT).
set -euo pipefail
BUILD=$(cd "${1:?usage: scripts/dp-check.sh BUILD_DIR DATA_DIR [N]}" && pwd)
DATA=$(cd "${2:?usage: scripts/dp-check.sh BUILD_DIR DATA_DIR [N]}" && pwd)
N=${3:-2}
REPO=$(cd "$(dirname "$0")/.." && pwd)
CLI=$BUILD/bin/qatbench-cli
OUT=${OUT:-dp-check-out}
FLAG=${FLAG:---gpus}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export NCCL_NVLS_ENABLE=${NCCL_NVLS_ENABLE:-0} # NVLink multicast off (the GPU machine's documentation)

TRAIN=${TRAIN_TEXT:-$OUT/gutenberg-train.txt}
if [ ! -s "$TRAIN" ]; then
  if command -v xz > /dev/null; then xz -dc "$DATA/data/gutenberg/train/gutenberg-train.txt.xz" > "$TRAIN"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
    "$DATA/data/gutenberg/train/gutenberg-train.txt.xz" "$TRAIN"; fi
fi
python3 - "$REPO/bench/configs/dlqat-issue17-w3.json" "$OUT/dp.json" "$DATA" "$TRAIN" <<'PY'
import json, os, sys
src, dst, data, train = sys.argv[1:5]
e = json.load(open(src))
e["name"] = "dp-check"
e["model"]["path"] = os.path.join(data, "models/gutenberg-llama-22M")
e["data"]["train"] = train
e["data"]["eval"] = os.path.join(data, "data/gutenberg/valid/pride_and_prejudice.txt")
e["data"]["eval_max_windows"] = int(os.environ.get("EVAL_WINDOWS", "0"))
e["method"]["options"]["calib_steps"] = int(os.environ.get("CALIB_STEPS", "200"))
e["training"]["steps"] = int(os.environ.get("STEPS", "1000"))
e["training"]["log_every"] = 10
e["device"] = os.environ.get("DEVICE", "cuda")
json.dump(e, open(dst, "w"), indent=2)
PY
rm -f "$OUT/dp.db" "$OUT/dp.db-wal" "$OUT/dp.db-shm"
for n in 1 "$N"; do
  rm -rf "$OUT/work-$n"
  start=$SECONDS
  "$CLI" run --config "$OUT/dp.json" --db "$OUT/dp.db" --work-dir "$OUT/work-$n" "$FLAG" "$n" 2> "$OUT/run-$n.log" ||
    { echo "dp-check: the run on $n failed (see $OUT/run-$n.log)" >&2; tail -5 "$OUT/run-$n.log" >&2; exit 1; }
  echo "dp-check: $FLAG $n: $((SECONDS - start)) s wall" | tee -a "$OUT/summary.txt"
done
"$CLI" compare 1 2 --db "$OUT/dp.db" | tee -a "$OUT/summary.txt"

#!/usr/bin/env bash
# Issue 13, item 4: the product path at real size, on the GPU machine. Writes a random-weight LLaMA-2-7B-shaped
# Hugging Face checkpoint (bf16, 3 shards + model.safetensors.index.json), then runs what a user runs on it:
# `qatbench-cli inspect`, `qatbench-cli run` (DL-QAT W3 g128 r16, calibration + 50 training steps of 1 x 2048,
# bf16, checkpointing per block, a final evaluation of 8 windows) and `qatbench-cli export --format gguf`; then
# bench_dlqat_step with the same shape and settings in the same session, and prints what the run's store
# recorded (load time, tokens/s, peak memory of training and of evaluation) next to the bench's numbers.
#
#   bench/product7b.sh BUILD_DIR DATA_DIR OUT_DIR [CALIB_STEPS] [TRAIN_STEPS]
#
# DATA_DIR: laid out like ../shared (models/gutenberg-llama-22M for the LLaMA-2 tokenizer, data/wikitext-2-raw
# for the texts). OUT_DIR needs ~40 GB free (13.5 GB checkpoint, the run's export, the GGUF).
# SKIP_EXPORT=1 leaves the GGUF export out (its row then reads 0 s). BENCH_FROM=FILE takes the bench's numbers from
# bench_dlqat_step's output of the same settings already run in this session, instead of running it again.
set -euo pipefail
BUILD=$(realpath "$1") DATA=$(realpath "$2") OUT=$(realpath -m "$3")
CALIB=${4:-10} STEPS=${5:-50}
CLI=$BUILD/bin/qatbench-cli
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
M=$OUT/llama2-7b-random
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

echo "== checkpoint"
[ -f "$M/model.safetensors.index.json" ] ||
    python3 "$HERE/python/make_random_llama.py" --out "$M" --tokenizer-from "$DATA/models/gutenberg-llama-22M" \
        --shape llama2-7b --shards 3
du -sh "$M"
s=$(date +%s.%N); cat "$M"/*.safetensors > /dev/null; READ_S=$(since "$s")
echo "read the shards once (cat > /dev/null, page cache warm): $READ_S s"

echo "== inspect"
s=$(date +%s.%N); "$CLI" inspect "$M" > "$OUT/inspect.txt"; INSPECT_S=$(since "$s"); head -20 "$OUT/inspect.txt"
echo "inspect: $INSPECT_S s"

echo "== run"
cat > "$OUT/exp.json" <<JSON
{
  "name": "LLaMA-2-7B shape (random weights) DL-QAT W3 g128",
  "seed": 0, "device": "cuda", "dtype": "bfloat16",
  "model": {"path": "$M"},
  "data": {"train": "$DATA/data/wikitext-2-raw/wiki.valid.raw", "calibration": "",
           "eval": "$DATA/data/wikitext-2-raw/wiki.test.raw", "seq_len": 2048, "batch_size": 1,
           "grad_accum": 1, "eval_seq_len": 2048, "eval_max_windows": 8},
  "method": {"name": "dlqat", "options": {"bits": 3, "group_size": 128, "rank": 16, "alpha": 16.0,
             "calib_steps": $CALIB, "lr_scale": 1e-3, "lr_zero": 1e-2, "lr_m": 1e-3, "lr_lora": 3e-4}},
  "training": {"steps": $STEPS, "warmup_steps": 5, "schedule": "cosine", "grad_clip": 1.0, "log_every": 5,
               "eval_every": 0, "checkpoint_every": 0, "histogram_every": 0, "gradient_checkpointing": true}
}
JSON
rm -f "$OUT/store.db"*
s=$(date +%s.%N)
"$CLI" run --config "$OUT/exp.json" --db "$OUT/store.db" > "$OUT/events.jsonl" 2> "$OUT/run.err" || {
    tail -20 "$OUT/run.err"; tail -5 "$OUT/events.jsonl"; exit 1; }
RUN_S=$(since "$s")
echo "run: $RUN_S s in all"
"$CLI" runs show 1 --db "$OUT/store.db" | sed -n '/^series:/,$p' | grep -E "perf/|eval/ppl|train/loss|calib/loss|SERIES" || true
"$CLI" runs export 1 --format json --db "$OUT/store.db" --out "$OUT/run.json"

EXPORT_S=0
if [ -z "${SKIP_EXPORT:-}" ]; then
    echo "== export gguf"
    s=$(date +%s.%N)
    "$CLI" export 1 --db "$OUT/store.db" --format gguf --out "$OUT/model.gguf" 2>&1 | tail -5
    EXPORT_S=$(since "$s")
    echo "export: $EXPORT_S s, $(du -h "$OUT/model.gguf" | cut -f1)"
fi

echo "== bench (same shape and settings)"
if [ -n "${BENCH_FROM:-}" ]; then
    cp "$BENCH_FROM" "$OUT/bench.txt" && grep -E "^qatbench" "$OUT/bench.txt"
else
    "$BUILD/bench/bench_dlqat_step" --layers 32 --bits 3 --group 128 --peer none | tee "$OUT/bench.txt"
fi

python3 - "$OUT/run.json" "$OUT/bench.txt" "$READ_S" "$INSPECT_S" "$RUN_S" "$EXPORT_S" <<'PY'
import json, re, sys
run = json.load(open(sys.argv[1]))
bench = open(sys.argv[2]).read()
read_s, inspect_s, run_s, export_s = map(float, sys.argv[3:7])
def points(name, ctx=None):
    out = []
    for s in run.get("series", []):
        if s.get("name") == name and (ctx is None or s.get("context") == ctx):
            out += [p.get("value") if isinstance(p, dict) else p[-1] for p in s.get("points", [])]
    return out
load = points("perf/load_s")
tps = points("perf/tokens_per_s", "phase=training")
peak_train = points("perf/peak_mem_bytes", "phase=training")
peak_eval = points("perf/peak_mem_bytes", "phase=eval")
m = re.search(r"^qatbench\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", bench, re.M)
b_step, b_tps, b_peak = (float(m.group(1)), float(m.group(2)), float(m.group(3))) if m else (None,) * 3
tps_run = sorted(tps)[len(tps) // 2] if tps else None  # the median interval: the first holds warm-up
step_run = 2048 / tps_run if tps_run else None
gib = 2.0 ** 30
print("\n| | product path (store) | bench | ratio |")
print("| --- | ---: | ---: | ---: |")
print(f"| load the model | {load[0]:.1f} s (reading the files once: {read_s:.1f} s) | | {load[0] / read_s:.2f} x the read |" if load else "| load | - | | |")
if step_run and b_step:
    print(f"| training step | {step_run:.3f} s ({tps_run:.0f} tokens/s, median interval) | {b_step:.3f} s | {step_run / b_step:.3f} |")
if peak_train and b_peak:
    print(f"| peak memory, training | {max(peak_train) / gib:.2f} GiB | {b_peak:.2f} GiB | {max(peak_train) / gib / b_peak:.3f} |")
if peak_eval:
    print(f"| peak memory, evaluation (8 x 2048) | {max(peak_eval) / gib:.2f} GiB | | {max(peak_eval) / max(peak_train or [1]):.3f} of training |")
print(f"| inspect | {inspect_s:.1f} s | | |")
print(f"| run in all | {run_s:.1f} s | | |")
print(f"| export GGUF | {export_s:.1f} s | | |")
PY

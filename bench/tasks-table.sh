#!/usr/bin/env bash
# docs/EVAL.md's accuracy table (issue 16): gutenberg-llama-22M full precision, RTN and DL-QAT at W4/W3/W2 (g64)
# on every staged task (ARC-Easy, ARC-Challenge, PIQA, WinoGrande, BoolQ, OpenBookQA, MMLU 5-shot), with each
# task's chance level, as a markdown table. Made for one GPU: the six quantization runs share it in parallel,
# then the seven models are scored in parallel (`qatbench-cli tasks` on each run's HF export).
#
#   bench/tasks-table.sh BUILD_DIR DATA_DIR OUT_DIR
#
# BUILD_DIR holds bin/qatbench-cli; DATA_DIR is laid out like the shared folder (models/gutenberg-llama-22M,
# data/gutenberg/train + valid, data/tasks). OUT_DIR gets the configs, one run store per run, logs, the tasks'
# JSON and table.md. DL-QAT is docs/PEERS.md's gutenberg setting (next-token loss, 50 calibration + STEPS
# training steps of 8 x 256 BOS windows, rank 8, alpha 16, init minmax, the same learning rates); RTN is the
# reference's min/max-with-0 grid. The exports are the runs' dequantized HF checkpoints.
# Environment (defaults): DEVICE (cuda), DTYPE (bfloat16: the task scoring; the runs train in float32),
# STEPS (200), CALIB_STEPS (50), BITS ("4 3 2"), GROUP (64), ZS_LIMIT (0 = every question of the zero-shot
# tasks), MMLU_LIMIT (0 = all 14,042), BATCH (64), TRAIN_MAX_BYTES (8000000), THREADS (2 per process),
# EVAL_MAX_WINDOWS (0 = the runs' perplexity on all validation windows). A CPU dry run of the script itself:
#   DEVICE=cpu DTYPE=float32 STEPS=2 CALIB_STEPS=1 BITS=4 ZS_LIMIT=2 MMLU_LIMIT=1 EVAL_MAX_WINDOWS=2 ...
set -euo pipefail

if [[ $# -ne 3 ]]; then
    sed -n '2,19p' "$0"
    exit 2
fi
BUILD=$(realpath "$1")
DATA=$(realpath "$2")
OUT=$(realpath -m "$3")
CLI=$BUILD/bin/qatbench-cli
DEVICE=${DEVICE:-cuda}
DTYPE=${DTYPE:-bfloat16}
STEPS=${STEPS:-200}
CALIB_STEPS=${CALIB_STEPS:-50}
BITS=${BITS:-"4 3 2"}
GROUP=${GROUP:-64}
ZS_LIMIT=${ZS_LIMIT:-0}
MMLU_LIMIT=${MMLU_LIMIT:-0}
BATCH=${BATCH:-64}
TRAIN_MAX_BYTES=${TRAIN_MAX_BYTES:-8000000}
THREADS=${THREADS:-2}
EVAL_MAX_WINDOWS=${EVAL_MAX_WINDOWS:-0}
MODEL=$DATA/models/gutenberg-llama-22M
TASKS=$DATA/data/tasks
ZERO_SHOT=arc_easy,arc_challenge,piqa,winogrande,boolq,openbookqa

[[ -x $CLI ]] || { echo "no qatbench-cli in $BUILD/bin" >&2; exit 2; }
for d in "$MODEL" "$TASKS" "$DATA/data/gutenberg/train" "$DATA/data/gutenberg/valid"; do
    [[ -d $d ]] || { echo "$d is missing" >&2; exit 2; }
done
mkdir -p "$OUT/logs" "$OUT/tasks"
: > "$OUT/commands.txt"
exec 3>&2
export OMP_NUM_THREADS=$THREADS OMP_WAIT_POLICY=passive
START=$(date +%s)
run() {
    echo "+ $*" | tee -a "$OUT/commands.txt" >&3 # fd 3: the script's stderr, whatever the step redirects
    "$@"
}
elapsed() { echo "[$(($(date +%s) - START)) s] $*" >&2; }
# wait_all NAME...: waits for the background jobs recorded in PIDS; names the ones that failed.
wait_all() {
    local failed=0 i
    for i in "${!PIDS[@]}"; do
        if ! wait "${PIDS[$i]}"; then
            echo "${NAMES[$i]} FAILED: tail of $OUT/logs/${NAMES[$i]}.log" >&2
            tail -8 "$OUT/logs/${NAMES[$i]}.log" >&2
            failed=1
        fi
    done
    return $failed
}

# Text: the first TRAIN_MAX_BYTES of the training books (as scripts/peers-table.sh), the validation books joined.
TRAIN=$OUT/train.txt
VALID=$OUT/valid.txt
if [[ ! -s $TRAIN ]]; then
    for f in "$DATA"/data/gutenberg/train/*; do
        case "$f" in *.xz) xz -dc "$f" ;; *.txt) cat "$f" ;; esac
    done | head -c "$TRAIN_MAX_BYTES" > "$TRAIN.tmp" || true # head closing the pipe early is expected
    mv "$TRAIN.tmp" "$TRAIN"
fi
cat "$DATA"/data/gutenberg/valid/*.txt > "$VALID"

# config NAME METHOD BITS: the experiment JSON of one run.
config() {
    local name=$1 method=$2 bits=$3 options
    if [[ $method == rtn ]]; then
        options="\"bits\": $bits, \"group_size\": $GROUP, \"allow_partial_group\": true, \"init\": \"minmax0\""
    else
        options="\"bits\": $bits, \"group_size\": $GROUP, \"allow_partial_group\": true, \"init\": \"minmax\",
                \"rank\": 8, \"alpha\": 16, \"calib_steps\": $CALIB_STEPS,
                \"lr_lora\": 2e-3, \"lr_m\": 2e-3, \"lr_scale\": 1e-3, \"lr_zero\": 1e-3"
    fi
    cat > "$OUT/$name.json" <<EOF
{"name": "tasks-table $name", "seed": 0, "device": "$DEVICE", "dtype": "float32",
 "model": {"path": "$MODEL"},
 "data": {"train": "$TRAIN", "eval": "$VALID", "seq_len": 256, "batch_size": 8, "eval_seq_len": 512,
          "eval_max_windows": $EVAL_MAX_WINDOWS, "window_bos": true},
 "method": {"name": "$method", "options": {$options}},
 "training": {"steps": $STEPS, "warmup_steps": $((STEPS / 10)), "schedule": "cosine", "log_every": 10,
              "eval_every": 0, "histogram_every": 0, "checkpoint_every": 0}}
EOF
}

elapsed "quantizing: RTN and DL-QAT at W${BITS// /, W}, g$GROUP, in parallel on $DEVICE"
PIDS=()
NAMES=()
MODELS=("fp=$MODEL")
for method in rtn dlqat; do
    for b in $BITS; do
        name=$method-w$b
        config "$name" "$method" "$b"
        rm -rf "$OUT/runs/$name"
        mkdir -p "$OUT/runs"
        run "$CLI" run --config "$OUT/$name.json" --db "$OUT/runs/$name.db" --work-dir "$OUT/runs/$name" \
            > "$OUT/logs/$name.log" 2>&1 &
        PIDS+=($!)
        NAMES+=("$name")
        MODELS+=("$name=$OUT/runs/$name/export/hf")
    done
done
# Full precision's perplexity with the engine's protocol (bos-window 512 on the joined validation books).
run "$CLI" eval "$MODEL" --text "$VALID" --seq-len 512 --protocol bos-window --max-windows "$EVAL_MAX_WINDOWS" \
    --device "$DEVICE" --json --quiet > "$OUT/fp-ppl.json" 2> "$OUT/logs/fp.log" &
PIDS+=($!)
NAMES+=(fp)
wait_all
elapsed "runs done"

elapsed "scoring ${#MODELS[@]} models on every task in parallel ($DTYPE on $DEVICE)"
PIDS=()
NAMES=()
for entry in "${MODELS[@]}"; do
    name=${entry%%=*}
    dir=${entry#*=}
    [[ -f $dir/config.json ]] || { echo "$name: no HF export at $dir" >&2; exit 1; }
    for part in zs mmlu; do
        if [[ $part == zs ]]; then tasks=$ZERO_SHOT limit=$ZS_LIMIT; else tasks=mmlu limit=$MMLU_LIMIT; fi
        run "$CLI" tasks "$dir" --data "$TASKS" --tasks "$tasks" --limit "$limit" --device "$DEVICE" \
            --dtype "$DTYPE" --batch "$BATCH" --json --quiet > "$OUT/tasks/$name-$part.json" \
            2> "$OUT/logs/tasks-$name-$part.log" &
        PIDS+=($!)
        NAMES+=("tasks-$name-$part")
    done
done
wait_all
elapsed "scoring done"

python3 - "$OUT" "$DTYPE" "$DEVICE" "$STEPS" "$CALIB_STEPS" "$GROUP" "$BITS" <<'EOF' | tee "$OUT/table.md"
import json, os, re, sys
out, dtype, device, steps, calib, group, bits = sys.argv[1:8]
bits = bits.split()
cols = ["fp"] + [f"rtn-w{b}" for b in bits] + [f"dlqat-w{b}" for b in bits]
title = {"fp": "FP"} | {f"rtn-w{b}": f"RTN W{b}" for b in bits} | {f"dlqat-w{b}": f"DL-QAT W{b}" for b in bits}
res = {}
for c in cols:
    for part in ("zs", "mmlu"):
        for r in json.load(open(os.path.join(out, "tasks", f"{c}-{part}.json"))):
            res[(c, r["task"])] = r
ppl = {"fp": json.load(open(os.path.join(out, "fp-ppl.json")))["ppl"]}
for c in cols[1:]:
    m = re.findall(r"^perplexity ([0-9.]+)", open(os.path.join(out, "logs", f"{c}.log")).read(), re.M)
    ppl[c] = float(m[-1]) if m else float("nan")
def cell(r, key):
    se = r.get(key + "_stderr")
    return f"{100 * r[key]:.1f} ± {100 * se:.1f}" if se is not None else f"{100 * r[key]:.1f}"
order = ["arc_easy", "arc_challenge", "piqa", "winogrande", "boolq", "openbookqa", "mmlu"]
print(f"| task | n | metric | chance | " + " | ".join(title[c] for c in cols) + " |")
print("| --- | ---: | --- | ---: | " + " | ".join("---:" for _ in cols) + " |")
for t in order:
    fp = res[("fp", t)]
    metrics = ["acc"] + (["acc_norm"] if "acc_norm" in fp else []) + (["acc_macro"] if t == "mmlu" else [])
    for m in metrics:
        chance = f"{100 * fp['chance']:.1f}"
        if t == "boolq":
            chance += f" ({100 * fp['majority']:.1f} majority)"
        name = {"acc_macro": "acc (macro over subjects)"}.get(m, m)
        shots = f", {fp['shots']}-shot" if t == "mmlu" else ""
        print(f"| {t} | {fp['questions']:,} | {name}{shots} | {chance} | " +
              " | ".join(cell(res[(c, t)], m) for c in cols) + " |")
print("| validation perplexity (bos-window 512) | | | | " + " | ".join(f"{ppl[c]:.3f}" for c in cols) + " |")
print()
trunc = {t: res[("fp", t)]["truncated"] for t in order if res[("fp", t)]["truncated"]}
print(f"Scored with `qatbench-cli tasks` in {dtype} on {device}; quantized models = the runs' HF exports "
      f"(g{group}; DL-QAT {calib} calibration + {steps} training steps). Prompts truncated from the left "
      f"(longer than the model's 1,024 tokens): " + (", ".join(f"{t} {n}" for t, n in trunc.items()) or "none") + ".")
secs = {c: sum(res[(c, t)]["seconds"] for t in order) for c in cols}
print(f"Scoring time per model (tokenization included, {len(cols)} models in parallel on one {device}): "
      + ", ".join(f"{title[c]} {secs[c]:.0f} s" for c in cols) + ".")
EOF
elapsed "table written to $OUT/table.md"

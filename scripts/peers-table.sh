#!/usr/bin/env bash
# The peers table: RTN, GPTQ, DL-QAT, LLM-QAT, QA-LoRA, L4Q, LR-QAT at W4/W3/W2 g64 on one model, the same steps
# and data for every QAT method, through `qatbench-cli sweep` (resumable: run it again after an interruption).
#
#   scripts/peers-table.sh MODEL_DIR DATA_DIR STEPS [DB]
#
# DATA_DIR is either a folder with train/ (*.txt or *.txt.xz) and valid/ (*.txt) -- e.g. shared/data/gutenberg --
# or one with TinyStories-train-head.txt and TinyStories-validation-head.txt (shared/data/tinystories).
# With a valid/ folder, every exported model is also evaluated per book (BOS + 511 windows, pooled
# token-weighted, as the gutenberg model's SOURCE.md protocol) and that table is printed too.
#
# Environment (defaults): QATBENCH_CLI (build/bin/qatbench-cli), WORK (./peers-work), BITS ("4 3 2"),
# GROUP (64), SEEDS ("0"), DEVICE (auto), DTYPE (float32), SEQ_LEN (256), BATCH (8), EVAL_SEQ (512),
# EVAL_MAX_WINDOWS (0 = all),
# CALIB_STEPS (50: DL-QAT's s/z calibration, on top of STEPS), RANK (8), TRAIN_MAX_BYTES (8000000),
# METHODS ("rtn gptq dlqat llmqat qalora l4q lrqat"; also dlqat-kd: DL-QAT with calib_objective and
# train_objective distill), GEN_SAMPLES (256: LLM-QAT's generated sequences),
# WINDOW_BOS (true for a train/ + valid/ folder, whose model was pretrained on [BOS] + 511 windows; else false):
# every training and evaluation window starts with BOS (data.window_bos).
#
# GPU example (the lead's run):
#   DEVICE=cuda DTYPE=float32 scripts/peers-table.sh ../shared/models/gutenberg-llama-22M ../shared/data/gutenberg 300
set -euo pipefail

if [[ $# -lt 3 ]]; then
    sed -n '2,20p' "$0"
    exit 2
fi
MODEL=$(realpath "$1")
DATA=$(realpath "$2")
STEPS=$3
HERE=$(cd "$(dirname "$0")/.." && pwd)
CLI=${QATBENCH_CLI:-$HERE/build/bin/qatbench-cli}
WORK=$(realpath -m "${WORK:-./peers-work}")
DB=$(realpath -m "${4:-$WORK/runs.db}")
BITS=${BITS:-"4 3 2"}
GROUP=${GROUP:-64}
SEEDS=${SEEDS:-0}
DEVICE=${DEVICE:-auto}
DTYPE=${DTYPE:-float32}
SEQ_LEN=${SEQ_LEN:-256}
BATCH=${BATCH:-8}
EVAL_SEQ=${EVAL_SEQ:-512}
EVAL_MAX_WINDOWS=${EVAL_MAX_WINDOWS:-0}
CALIB_STEPS=${CALIB_STEPS:-50}
RANK=${RANK:-8}
TRAIN_MAX_BYTES=${TRAIN_MAX_BYTES:-8000000}
METHODS=${METHODS:-"rtn gptq dlqat llmqat qalora l4q lrqat"}
GEN_SAMPLES=${GEN_SAMPLES:-256}
[[ -x "$CLI" ]] || { echo "qatbench-cli not found at $CLI (set QATBENCH_CLI)" >&2; exit 2; }
mkdir -p "$WORK"

# Training and evaluation text.
BOOKS=()
if [[ -d "$DATA/train" && -d "$DATA/valid" ]]; then
    TRAIN=$WORK/train.txt
    if [[ ! -s "$TRAIN" ]]; then
        for f in "$DATA"/train/*; do
            case "$f" in *.xz) xz -dc "$f" ;; *.txt) cat "$f" ;; esac
        done | head -c "$TRAIN_MAX_BYTES" > "$TRAIN.tmp" || true # head closing the pipe early is expected
        mv "$TRAIN.tmp" "$TRAIN"
    fi
    EVAL=$WORK/valid.txt
    BOOKS=("$DATA"/valid/*.txt)
    WINDOW_BOS=${WINDOW_BOS:-true}
    [[ -s "$EVAL" ]] || cat "${BOOKS[@]}" > "$EVAL"
elif [[ -f "$DATA/TinyStories-train-head.txt" ]]; then
    TRAIN=$DATA/TinyStories-train-head.txt
    EVAL=$DATA/TinyStories-validation-head.txt
    WINDOW_BOS=${WINDOW_BOS:-false}
else
    echo "$DATA: neither train/ + valid/ nor TinyStories-*-head.txt" >&2
    exit 2
fi

json_list() { local out="" x; for x in "$@"; do out+="${out:+, }$x"; done; echo "[$out]"; }
method_list() {
    local out="" m
    for m in $METHODS; do
        # RTN keeps its own range init (min/max including 0): the protocol of the reference RTN numbers.
        if [[ $m == rtn ]]; then
            out+="${out:+, }{\"label\": \"rtn\", \"name\": \"rtn\", \"options\": {\"init\": \"minmax0\"}}"
        elif [[ $m == dlqat-kd ]]; then # DL-QAT with distillation from the FP model in both stages
            out+="${out:+, }{\"label\": \"dlqat-kd\", \"name\": \"dlqat\", \"options\": {\"calib_objective\": \"distill\", \"train_objective\": \"distill\"}}"
        else
            out+="${out:+, }\"$m\""
        fi
    done
    echo "[$out]"
}
NAME="peers-$(basename "$MODEL")-s${STEPS}"
[[ $WINDOW_BOS == true ]] && NAME+="-bos"
# write_grid FILE "METHODS": the grid of those methods (every cell's name depends only on NAME, method, bits,
# group and seed, so grids of method subsets address the same cells in the store).
write_grid() {
    local METHODS=$2
    # shellcheck disable=SC2086
    cat > "$1" <<EOF
{
  "name": "$NAME",
  "base": {
    "device": "$DEVICE", "dtype": "$DTYPE",
    "model": {"path": "$MODEL"},
    "data": {"train": "$TRAIN", "eval": "$EVAL", "seq_len": $SEQ_LEN, "batch_size": $BATCH,
             "eval_seq_len": $EVAL_SEQ, "eval_max_windows": $EVAL_MAX_WINDOWS, "window_bos": $WINDOW_BOS},
    "training": {"steps": $STEPS, "warmup_steps": $((STEPS / 10)), "schedule": "cosine", "log_every": 10,
                 "eval_every": 0, "histogram_every": 0, "checkpoint_every": 100}
  },
  "methods": $(method_list),
  "bits": $(json_list $BITS),
  "group_sizes": [$GROUP],
  "seeds": $(json_list $SEEDS),
  "options": {"allow_partial_group": true, "init": "minmax", "rank": $RANK, "alpha": $((2 * RANK)),
              "calib_steps": $CALIB_STEPS, "calib_windows": 128, "gen_samples": $GEN_SAMPLES,
              "lr_lora": 2e-3, "lr_m": 2e-3, "lr_scale": 1e-3, "lr_zero": 1e-3, "lr_weight": 1e-4}
}
EOF
}
GRID=$WORK/$NAME.json
write_grid "$GRID" "$METHODS"
echo "grid: $GRID, store: $DB" >&2

EVDEV=${DEVICE/auto/cpu}
# nll and scored tokens of MODEL_DIR on TEXT with PROTOCOL
nll_tokens() {
    "$CLI" eval "$1" --text "$2" --seq-len "$EVAL_SEQ" --protocol "$3" --json --quiet --device "$EVDEV" |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["nll"], d["tokens_scored"])'
}
# Per book, BOS + (EVAL_SEQ - 1) windows, pooled token-weighted (the reference protocol of SOURCE.md); the
# books are evaluated in parallel.
pooled() {
    local i=0 b
    for b in "${BOOKS[@]}"; do
        nll_tokens "$1" "$b" bos-window > "$WORK/book.$i" &
        i=$((i + 1))
    done
    wait
    cat "$WORK"/book.* | python3 -c '
import math, sys
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
print("%.3f" % math.exp(sum(n * t for n, t in rows) / sum(t for _, t in rows)))'
    rm -f "$WORK"/book.*
}
# Results are cached per run id in $WORK/perbook.tsv: the exports may be gone when the table is printed again.
CACHE=$WORK/perbook.tsv
touch "$CACHE"
# per_book GRID: evaluates every completed cell of GRID not in the cache yet; prints a table row per cell.
per_book() {
    "$CLI" sweep --grid "$1" --db "$DB" --table-only --exports | while IFS=$'\t' read -r label bits group seed st run hf; do
        ppl=$(awk -F'\t' -v r="$run" '$1 == r { print $2 }' "$CACHE" | tail -1)
        if [[ -z "$ppl" && "$st" == completed && -d "$hf" ]]; then
            ppl=$(pooled "$hf")
            printf '%s\t%s\n' "$run" "$ppl" >> "$CACHE"
        fi
        echo "| $label | $bits | $group | $seed | ${ppl:--} |"
    done
}

# One method at a time, each followed by its per-book evaluation: an interrupted session keeps what it measured.
status=0
for m in $METHODS; do
    write_grid "$WORK/$NAME.$m.json" "$m"
    "$CLI" sweep --grid "$WORK/$NAME.$m.json" --db "$DB" >/dev/null || status=$?
    if [[ ${#BOOKS[@]} -gt 0 ]]; then per_book "$WORK/$NAME.$m.json" > /dev/null; fi
done
echo
PROTOCOL=stream
[[ $WINDOW_BOS == true ]] && PROTOCOL=bos-window
echo "## $NAME (model $(basename "$MODEL"), eval $(basename "$EVAL"), $PROTOCOL at $EVAL_SEQ, $STEPS steps)"
echo
"$CLI" sweep --grid "$GRID" --db "$DB" --table-only
if [[ $EVAL_MAX_WINDOWS == 0 ]]; then
    read -r n t < <(nll_tokens "$MODEL" "$EVAL" $PROTOCOL)
    echo
    echo "Full precision, same eval text and protocol: ppl $(python3 -c "import math; print('%.3f' % math.exp($n))") ($t tokens)"
fi

if [[ ${#BOOKS[@]} -gt 0 ]]; then
    echo
    echo "Pooled over $(basename -a "${BOOKS[@]}" | tr '\n' ' ')(bos-window $EVAL_SEQ):"
    echo
    echo "| method | bits | group | seed | pooled ppl |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    echo "| full precision | - | - | - | $(pooled "$MODEL") |"
    per_book "$GRID"
fi
exit $status

#!/usr/bin/env bash
# Issue 16 on the GPU in one call: (a) the per-choice log-likelihoods of `qatbench-cli tasks` against Hugging
# Face transformers on the same token ids (float32; 1e-4 nats or 1e-6 x |ll| per choice) for every task, on
# gutenberg-llama-22M and the parity fixtures whose vocabulary fits a tokenizer we have; (b) MMLU 5-shot, all
# 14,042 questions, on gutenberg-llama-22M: ours and the transformers peer on the same requests, questions/s;
# (c) a summary.
#
#   bench/tasks-gpu.sh BUILD_DIR DATA_DIR OUT_DIR
#
# BUILD_DIR holds bin/qatbench-cli (a CUDA build); DATA_DIR is laid out like the shared folder
# (models/gutenberg-llama-22M, models/parity, models/stories260K, data/tasks); everything lands in OUT_DIR
# (commands.txt, per-step JSON and logs, summary.txt). Needs python3 with torch and transformers.
# Environment (defaults): DEVICE (cuda), BATCH (64), ZS_LIMIT (300: questions per zero-shot task in (a)),
# MMLU_LIMIT (5: questions per MMLU subject in (a)), PARITY_ZS_LIMIT (100), PARITY_MMLU_LIMIT (2), TOL (1e-4),
# REL_TOL (1e-6), MMLU_FULL (1: step (b)), PYTHON (python3), PEER_IMPL (transformers; "plain" checks the script
# itself on a machine without transformers: DEVICE=cpu PEER_IMPL=plain PYTHON=/usr/bin/python3 MMLU_FULL=0 ...).
# Exit status: 0 when every comparison passed, 1 when one failed (every step still runs), 2 on bad arguments.
set -euo pipefail

if [[ $# -ne 3 ]]; then
    sed -n '2,17p' "$0"
    exit 2
fi
BUILD=$(realpath "$1")
DATA=$(realpath "$2")
OUT=$(realpath -m "$3")
HERE=$(cd "$(dirname "$0")" && pwd)
CLI=$BUILD/bin/qatbench-cli
PEER=$HERE/python/tasks_peer.py
DEVICE=${DEVICE:-cuda}
BATCH=${BATCH:-64}
ZS_LIMIT=${ZS_LIMIT:-300}
MMLU_LIMIT=${MMLU_LIMIT:-5}
PARITY_ZS_LIMIT=${PARITY_ZS_LIMIT:-100}
PARITY_MMLU_LIMIT=${PARITY_MMLU_LIMIT:-2}
TOL=${TOL:-1e-4}
REL_TOL=${REL_TOL:-1e-6}
MMLU_FULL=${MMLU_FULL:-1}
PYTHON=${PYTHON:-python3}
PEER_IMPL=${PEER_IMPL:-transformers}
ZERO_SHOT=arc_easy,arc_challenge,piqa,winogrande,boolq,openbookqa
TASKS=$DATA/data/tasks
GUTENBERG=$DATA/models/gutenberg-llama-22M

[[ -x $CLI ]] || { echo "no qatbench-cli in $BUILD/bin" >&2; exit 2; }
[[ -d $TASKS && -d $GUTENBERG ]] || { echo "$DATA lacks data/tasks or models/gutenberg-llama-22M" >&2; exit 2; }
mkdir -p "$OUT"
: > "$OUT/commands.txt"
exec 3>&2
FAILED=0

# run CMD...: prints and records the command, then runs it.
run() {
    echo "+ $*" | tee -a "$OUT/commands.txt" >&3 # fd 3: the script's stderr, whatever the step redirects
    "$@"
}

# ours NAME MODEL TASKS LIMIT: qatbench-cli tasks in float32 on the device, with the requests for the peer.
ours() {
    local name=$1 model=$2 tasks=$3 limit=$4 t0 t1
    t0=$(date +%s.%N)
    if ! run "$CLI" tasks "$model" --data "$TASKS" --tasks "$tasks" --limit "$limit" --device "$DEVICE" \
        --dtype float32 --batch "$BATCH" --requests "$OUT/$name.requests.jsonl" --json --quiet \
        > "$OUT/$name.ours.json" 2> "$OUT/$name.ours.log"; then
        echo "$name: qatbench-cli tasks FAILED:" >&2
        tail -5 "$OUT/$name.ours.log" >&2
        return 1
    fi
    t1=$(date +%s.%N)
    echo "$name: qatbench-cli tasks took $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s wall (model load included)" |
        tee -a "$OUT/wall.txt" >&2
}

# peer NAME MODEL: tasks_peer.py on NAME's requests.
peer() {
    local name=$1 model=$2
    run "$PYTHON" "$PEER" --impl "$PEER_IMPL" --model "$model" --requests "$OUT/$name.requests.jsonl" \
        --ours "$OUT/$name.ours.json" --device "$DEVICE" --dtype float32 --batch "$BATCH" --tol "$TOL" --rel-tol "$REL_TOL" \
        --summary "$OUT/$name.peer.json" 2>&1 | tee "$OUT/$name.peer.txt"
}

# check NAME MODEL TASKS LIMIT: ours, then the peer on the same requests; a failure is recorded, not fatal.
check() {
    if ! ours "$@" || ! peer "$1" "$2"; then
        echo "$1: FAILED (see $OUT/$1.*)" | tee -a "$OUT/failed.txt" >&2
        FAILED=1
    fi
}

echo "== device" >&2
run nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader > "$OUT/gpu.txt" 2>&1 ||
    echo "no nvidia-smi ($DEVICE)" > "$OUT/gpu.txt"
cat "$OUT/gpu.txt"
if [[ $PEER_IMPL == transformers ]]; then
    run "$PYTHON" -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)' |
        tee "$OUT/python.txt"
else
    run "$PYTHON" -c 'import torch; print("torch", torch.__version__, "(--impl '"$PEER_IMPL"', not transformers)")' |
        tee "$OUT/python.txt"
fi

echo "== (a) per-choice log-likelihoods against transformers, float32" >&2
check gutenberg-zs "$GUTENBERG" "$ZERO_SHOT" "$ZS_LIMIT"
check gutenberg-mmlu5 "$GUTENBERG" mmlu "$MMLU_LIMIT"

# The parity fixtures carry no tokenizer: those with stories260K's 512-token vocabulary get its tokenizer next
# to their weights (symlinks); the others (vocabularies of 256 and 300) cannot be given text and are skipped.
TOKDIR=$DATA/models/stories260K
for fixture in "$DATA"/models/parity/*/; do
    fixture=${fixture%/}
    name=parity-$(basename "$fixture")
    vocab=$("$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1]))['vocab_size'])" "$fixture/config.json")
    if [[ $vocab != 512 ]]; then
        echo "$name: vocabulary $vocab has no tokenizer here; skipped" | tee -a "$OUT/skipped.txt" >&2
        continue
    fi
    dir=$OUT/models/$name
    mkdir -p "$dir"
    for f in "$fixture"/config.json "$fixture"/model*.safetensors "$TOKDIR"/tokenizer.model \
        "$TOKDIR"/tokenizer_config.json; do
        ln -sf "$f" "$dir/"
    done
    check "$name-zs" "$dir" "$ZERO_SHOT" "$PARITY_ZS_LIMIT"
    check "$name-mmlu5" "$dir" mmlu "$PARITY_MMLU_LIMIT"
done

if [[ $MMLU_FULL == 1 ]]; then
    echo "== (b) MMLU 5-shot, all questions, gutenberg-llama-22M: ours and transformers on the same requests" >&2
    check gutenberg-mmlu-full "$GUTENBERG" mmlu 0
fi

echo "== (c) summary" >&2
"$PYTHON" - "$OUT" "$TOL" "$REL_TOL" <<'EOF' | tee "$OUT/summary.txt"
import glob, json, os, sys
out, tol, rel_tol = sys.argv[1], sys.argv[2], sys.argv[3]
print(f"# bench/tasks-gpu.sh ({open(os.path.join(out, 'gpu.txt')).read().strip()}; "
      f"{open(os.path.join(out, 'python.txt')).read().strip()})")
print()
print(f"| run | task | questions | choices | max abs diff (nats) | max rel diff | tol {tol} or {rel_tol} x abs(ll) |")
print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
for f in sorted(glob.glob(os.path.join(out, "*.peer.json"))):
    s = json.load(open(f))
    run = os.path.basename(f)[: -len(".peer.json")]
    for task, t in s["tasks"].items():
        print(f"| {run} | {task} | {t['questions']} | {t['requests']} | {t['max_abs_diff']:.2e} | "
              f"{t['max_rel_diff']:.1e} | {'pass' if t['pass'] else 'FAIL'} |")
full = os.path.join(out, "gutenberg-mmlu-full.peer.json")
if os.path.exists(full):
    s = json.load(open(full))
    ours = json.load(open(os.path.join(out, "gutenberg-mmlu-full.ours.json")))[0]
    print()
    print(f"MMLU 5-shot, {ours['questions']} questions, gutenberg-llama-22M, float32 on {s['device']}:")
    print(f"  qatbench     {ours['seconds']:7.2f} s  {ours['questions_per_second']:8.1f} questions/s  "
          "(CSV reading, prompts, tokenization and scoring; model load excluded)")
    print(f"  transformers {s['peer_seconds']:7.2f} s  {s['peer_questions_per_second']:8.1f} questions/s  "
          "(scoring the same token ids only; warm-up excluded)")
    print(f"  acc {ours['acc']:.4f}, macro {ours['acc_macro']:.4f}, truncated prompts {ours['truncated']}")
for extra in ("skipped.txt", "failed.txt"):
    path = os.path.join(out, extra)
    if os.path.exists(path):
        print()
        print(open(path).read().strip())
EOF
cat "$OUT/wall.txt" 2>/dev/null || true
if [[ $FAILED != 0 ]]; then
    echo "at least one comparison FAILED" >&2
    exit 1
fi
echo "every comparison passed" >&2

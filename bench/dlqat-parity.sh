#!/usr/bin/env bash
# DL-QAT parity (issue 17): qatbench-cli against the independent plain-PyTorch reference
# (bench/python/dlqat_ref.py) with the issue's settings (bench/configs/dlqat-issue17-w{2,3}.json), and variants
# that each change ONE thing toward the other side, all on one GPU in parallel, every result evaluated the same
# way (qatbench-cli eval of the result's HF folder on each validation book, bos-window 512, NLL pooled over the
# books: the model's reference protocol). Prints one table (variant, W, ppl) and writes it to OUT/table.md.
#
# Usage: bench/dlqat-parity.sh BUILD_DIR DATA_DIR [OUT_DIR]
#   BUILD_DIR  holds bin/qatbench-cli (built with CUDA)
#   DATA_DIR   laid out like ../shared: models/gutenberg-llama-22M, data/gutenberg/{train,valid,books.json}
#   OUT_DIR    table.md, results.json, per-variant logs and JSON, the generated configs (default ./dlqat-parity-out)
# Environment:
#   PARALLEL=7     variants running at once (they share the GPU; 16 cores: one thread each + the tokenizers)
#   DEADLINE=480   seconds from the start after which whatever still runs is stopped (its row says so)
#   ONLY=a,b       run only these variants (names as in the table); default all, in the order below
#   SET=parity     or ablation-w2 / ablation-w3: the paper's ablation at its budget (see ablation() below);
#                  sweep-w2 / sweep-w3: the learning-rate grid; loop: the engine's loop against the plain one
#   EXTRA_JSON=    JSON merged into every qatbench-cli config last (e.g. '{"dtype":"bfloat16"}')
#   PYTHON=python3 the interpreter with torch (sentencepiece optional; transformers for the ref-w2-hf variant)
#   REF_IMPL=own   the reference's model: its own LLaMA forward (own) or transformers' LlamaForCausalLM (hf)
#   Smoke test on a CPU (stories260K): DEVICE=cpu MODEL=.../stories260K TRAIN=... VALID="a.txt" GROUP=4
#     CALIB_STEPS=2 TRAIN_STEPS=2 BATCH=2 SEQ=63 EVAL_SEQ=64 EVAL_MAX_WINDOWS=4 bench/dlqat-parity.sh build x out
set -uo pipefail

BUILD=${1:?usage: bench/dlqat-parity.sh BUILD_DIR DATA_DIR [OUT_DIR]}
DATA=${2:?usage: bench/dlqat-parity.sh BUILD_DIR DATA_DIR [OUT_DIR]}
OUT=${3:-dlqat-parity-out}
REPO=$(cd "$(dirname "$0")/.." && pwd)
CLI=$(cd "$BUILD" && pwd)/bin/qatbench-cli
PY=${PYTHON:-python3}
PARALLEL=${PARALLEL:-7}
DEADLINE=${DEADLINE:-480}
ONLY=${ONLY:-}
DEVICE=${DEVICE:-cuda}
MODEL=${MODEL:-$DATA/models/gutenberg-llama-22M}
GUT=$DATA/data/gutenberg
TRAIN_XZ=${TRAIN:-$GUT/train/gutenberg-train.txt.xz}
if [[ -n ${VALID:-} ]]; then read -r -a BOOKS <<< "$VALID"; else BOOKS=("$GUT"/valid/*.txt); fi
GROUP=${GROUP:-64}
CALIB_STEPS=${CALIB_STEPS:-200}
TRAIN_STEPS=${TRAIN_STEPS:-1000}
BATCH=${BATCH:-16}
SEQ=${SEQ:-511}
EVAL_SEQ=${EVAL_SEQ:-512}
EVAL_MAX_WINDOWS=${EVAL_MAX_WINDOWS:-0}

[[ -x $CLI ]] || { echo "no $CLI: build qatbench-cli first" >&2; exit 2; }
[[ -d $MODEL ]] || { echo "no model folder $MODEL" >&2; exit 2; }
mkdir -p "$OUT/logs" "$OUT/configs" || exit 2
OUT=$(cd "$OUT" && pwd)
WORK=${WORK:-$(mktemp -d /tmp/dlqat-parity.XXXXXX)}
mkdir -p "$WORK"
# 8 jobs share 16 cores: every process one thread (the GPU does the work; the tokenizers are single-threaded).
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
START=$(date +%s)
END=$((START + DEADLINE))
echo "dlqat-parity: work $WORK, out $OUT, $PARALLEL at once, deadline ${DEADLINE}s, device $DEVICE" >&2

# The training text, plain (the engine reads UTF-8 text files; the reference reads the .xz and books.json).
case $TRAIN_XZ in
*.xz)
  TRAIN_TXT=$WORK/train.txt
  if command -v xz > /dev/null; then xz -dc "$TRAIN_XZ" > "$TRAIN_TXT" || exit 2
  else "$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
    "$TRAIN_XZ" "$TRAIN_TXT" || exit 2; fi
  ;;
*) TRAIN_TXT=$TRAIN_XZ ;;
esac

# --------------------------------------------------------------------------------------------------- variants
# name | kind (qb = qatbench-cli, ref = dlqat_ref.py) | bits | environment (qb) | JSON merged into the issue's
# config (qb) or extra arguments (ref). Most likely culprits first (W2, where the issue's gap is).
VARIANTS=(
  "ref-w2|ref|2||"
  "qb-w2|qb|2||{}"
  "qb-w2-linear-s|qb|2||{\"method\":{\"options\":{\"scale_param\":\"linear\"}}}"
  "ref-w2-log-s|ref|2||--scale-param log"
  "ref-w3|ref|3||"
  "qb-w3|qb|3||{}"
  "qb-w2-log-lr1.6e-2|qb|2||{\"method\":{\"options\":{\"lr_scale\":0.016}}}"
  "qb-w2-calib-warmup10|qb|2||{\"method\":{\"options\":{\"calib_warmup_steps\":10}}}"
  "qb-w2-lora-grad-f32|qb|2|QATBENCH_FUSED_LORA_GRAD=float32|{}"
  "qb-w2-as-ref|qb|2|QATBENCH_FUSED_LORA_GRAD=float32|{\"method\":{\"options\":{\"scale_param\":\"linear\",\"calib_warmup_steps\":10}}}"
  "qb-w3-linear-s|qb|3||{\"method\":{\"options\":{\"scale_param\":\"linear\"}}}"
  "ref-w2-as-qb|ref|2||--scale-param log --calib-warmup 20 --schedule qatbench --books joined --tf32 0 --lora-grad-bf16"
  "qb-w2-calib-only|qb|2||{\"training\":{\"steps\":0}}"
  "qb-w2-linear-s-calib-only|qb|2||{\"training\":{\"steps\":0},\"method\":{\"options\":{\"scale_param\":\"linear\"}}}"
  "qb-w2-aten|qb|2|QATBENCH_FUSED_QUANT=0|{}"
  "ref-w3-log-s|ref|3||--scale-param log"
  "ref-w2-hf|ref|2||--impl hf"
  "qb-w3-log-lr1.1e-2|qb|3||{\"method\":{\"options\":{\"lr_scale\":0.011}}}"
  "qb-w2-seed1|qb|2||{\"seed\":1}"
  "ref-w2-seed1|ref|2||--seed 1"
  "qb-w2-clip1|qb|2||{\"training\":{\"grad_clip\":1.0}}"
)

# SET=ablation-w2 / ablation-w3 (issue 17 item 3): the paper's ablation at its own budget instead (calibration
# 1,000 steps, training 5,000, warm-ups 5 %): calibration only, m only, LoRA only, m + LoRA, qatbench-cli only
# (bench/configs/dlqat-ablation-*.json hold the same experiments).
ablation() { # BITS
  local b=$1 t='"training":{"steps":5000,"warmup_steps":250}' c='"calib_steps":1000,"calib_warmup_steps":50'
  VARIANTS=(
    "abl-w$b-both|qb|$b||{$t,\"method\":{\"options\":{$c}}}"
    "abl-w$b-lora|qb|$b||{$t,\"method\":{\"options\":{$c,\"train_m\":false}}}"
    "abl-w$b-m|qb|$b||{$t,\"method\":{\"options\":{$c,\"train_lora\":false}}}"
    "abl-w$b-calib|qb|$b||{$t,\"method\":{\"options\":{$c,\"train_m\":false,\"train_lora\":false}}}"
  )
}
# SET=sweep-w2 / sweep-w3 (issue 17 item 2): the `qatbench-cli sweep --preset dlqat-lr` grid run in parallel here
# (lr_m x lr_lora at 1/3, 1, 3 x the centre; the calibration lrs lr_scale and lr_zero together at 1/3 and 3 x),
# plus the run with DL-QAT's declared defaults (only bits and group size set: "def-wN"). The centre is LR_M,
# LR_LORA, LR_SCALE, LR_ZERO (defaults: the issue's training lrs for the bit width, log s with lr_scale 1e-2).
sweep() { # BITS
  local b=$1 m l sc z
  if [[ $b == 2 ]]; then m=${LR_M:-1e-2} l=${LR_LORA:-3e-3}; else m=${LR_M:-1e-3} l=${LR_LORA:-3e-4}; fi
  sc=${LR_SCALE:-1e-2} z=${LR_ZERO:-1e-2}
  local defaults="{\"method\":{\"options\":{\"__defaults__\":true}}}"
  VARIANTS=("def-w$b|qb|$b||$defaults")
  local fm fl
  for fm in 0.3333333 1 3; do
    for fl in 0.3333333 1 3; do
      local vm vl
      vm=$(awk "BEGIN{printf \"%.3g\", $m*$fm}") vl=$(awk "BEGIN{printf \"%.3g\", $l*$fl}")
      VARIANTS+=("sw-w$b-m$vm-l$vl|qb|$b||{\"method\":{\"options\":{\"scale_param\":\"log\",\"lr_scale\":$sc,\"lr_zero\":$z,\"lr_m\":$vm,\"lr_lora\":$vl}}}")
    done
  done
  # CAND="tag:lr_m:lr_lora:lr_scale:lr_zero ...": candidate defaults, run as the declared-defaults run with only
  # these four lrs (log s) changed ("cand-wN-tag").
  local c
  for c in ${CAND:-}; do
    IFS=: read -r tag cm cl cs cz <<< "$c"
    VARIANTS+=("cand-w$b-$tag|qb|$b||{\"method\":{\"options\":{\"__defaults__\":true,\"scale_param\":\"log\",\"lr_scale\":$cs,\"lr_zero\":$cz,\"lr_m\":$cm,\"lr_lora\":$cl}}}")
  done
  for fc in 0.3333333 3; do
    local vs vz
    vs=$(awk "BEGIN{printf \"%.3g\", $sc*$fc}") vz=$(awk "BEGIN{printf \"%.3g\", $z*$fc}")
    VARIANTS+=("sw-w$b-calib$vs|qb|$b||{\"method\":{\"options\":{\"scale_param\":\"log\",\"lr_scale\":$vs,\"lr_zero\":$vz,\"lr_m\":$m,\"lr_lora\":$l}}}")
  done
}
# SET=loop (issue 13 item 3): the engine's whole loop against the plain PyTorch loop of the same steps (the
# reference), W3, run one at a time for the timings (PARALLEL=1; QATBENCH_TF32=1 so that float32 matmuls are the
# reference's TF32): the engine with logging, histograms and checkpoints at their default intervals, and quiet (no
# histograms or checkpoints, one log line), in float32 and bfloat16 (the reference's --dtype bfloat16: W0 and the
# activations in bfloat16, the grid and the trainable tensors float32, as the engine).
# The table's "train steps/s" column compares them.
loop_set() {
  local d='"log_every":10,"histogram_every":100,"checkpoint_every":200,"eval_every":0'
  local q='"log_every":100000,"histogram_every":0,"checkpoint_every":0,"eval_every":0'
  VARIANTS=(
    "ref-w3|ref|3||"
    "loop-w3-defaults|qb|3||{\"training\":{$d}}"
    "loop-w3-quiet|qb|3||{\"training\":{$q}}"
    "ref-w3-bf16|ref|3||--dtype bfloat16"
    "loop-w3-defaults-bf16|qb|3||{\"dtype\":\"bfloat16\",\"training\":{$d}}"
    "loop-w3-quiet-bf16|qb|3||{\"dtype\":\"bfloat16\",\"training\":{$q}}"
  )
}
case ${SET:-parity} in
parity) ;;
loop) loop_set ;;
ablation-w2) ablation 2 ;;
ablation-w3) ablation 3 ;;
sweep-w2) sweep 2 ;;
sweep-w3) sweep 3 ;;
*) echo "SET must be parity, ablation-w2, ablation-w3, sweep-w2, sweep-w3 or loop" >&2; exit 2 ;;
esac
# Threads per engine process (QATBENCH_THREADS: the engine otherwise takes every core, OMP_NUM_THREADS or not).
export QATBENCH_THREADS=${THREADS:-$(( $(nproc) / PARALLEL > 0 ? $(nproc) / PARALLEL : 1 ))}

ref_lrs() { # the issue's learning rates
  if [[ $1 == 2 ]]; then echo "--lr-scale 1e-3 --lr-zero 1e-2 --lr-m 1e-2 --lr-lora 3e-3"
  else echo "--lr-scale 3e-4 --lr-zero 1e-2 --lr-m 1e-3 --lr-lora 3e-4"; fi
}

left() { # seconds to the deadline, at least 1 (timeout 0 would mean no limit)
  local l=$((END - $(date +%s)))
  echo $((l > 1 ? l : 1))
}

# Pooled perplexity of a HF folder on the validation books through qatbench-cli eval (the reference protocol).
eval_books() { # DIR NAME -> OUT/NAME.eval.json (the books at once)
  local dir=$1 name=$2 i=0 files=() pids=() p
  for b in "${BOOKS[@]}"; do
    local f=$WORK/$name.book$i.json
    timeout "$(left)" "$CLI" eval "$dir" --text "$b" --protocol bos-window --seq-len "$EVAL_SEQ" \
      --max-windows "$EVAL_MAX_WINDOWS" --device "$DEVICE" --batch 16 --json --quiet > "$f" 2>> "$OUT/logs/$name.eval.log" &
    pids+=($!)
    files+=("$f")
    i=$((i + 1))
  done
  for p in "${pids[@]}"; do wait "$p" || return $?; done
  "$PY" - "$OUT/$name.eval.json" "${files[@]}" <<'EOF'
import json, math, os, sys
books, nll, tok = {}, 0.0, 0
for f in sys.argv[2:]:
    r = json.load(open(f))
    books[os.path.basename(r["text"])] = {"ppl": r["ppl"], "nll": r["nll"], "tokens": r["tokens_scored"]}
    nll += r["nll"] * r["tokens_scored"]
    tok += r["tokens_scored"]
json.dump({"ppl": math.exp(nll / tok), "nll": nll / tok, "tokens": tok, "books": books}, open(sys.argv[1], "w"))
EOF
}

run_qb() { # NAME BITS ENV OVERRIDE
  local name=$1 bits=$2 env=$3 over=$4 cfg=$OUT/configs/$1.json
  "$PY" - "$REPO/bench/configs/dlqat-issue17-w$bits.json" "$cfg" "$over" <<EOF || return 1
import json, os, sys
e = json.load(open(sys.argv[1]))
def merge(a, b):
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict): merge(a[k], v)
        else: a[k] = v
e["name"] = "parity/$name"
e["model"]["path"] = "$MODEL"
e["data"].update({"train": "$TRAIN_TXT", "eval": "${BOOKS[0]}", "eval_max_windows": 8,
                  "seq_len": $SEQ, "batch_size": $BATCH})
e["method"]["options"].update({"calib_steps": $CALIB_STEPS, "group_size": $GROUP, "allow_partial_group": False})
e["training"].update({"steps": $TRAIN_STEPS, "warmup_steps": $TRAIN_STEPS // 20})
e["device"] = "$DEVICE"
over = json.loads(sys.argv[3])
if over.get("method", {}).get("options", {}).pop("__defaults__", False):
    # DL-QAT's declared defaults: only bits, group size and the budget (steps, batch, windows) stay set.
    keep = {"bits", "group_size", "calib_steps", "allow_partial_group"}
    e["method"]["options"] = {k: v for k, v in e["method"]["options"].items() if k in keep}
    e["training"] = {k: e["training"][k] for k in ("steps", "warmup_steps", "eval_every", "checkpoint_every",
                                                 "histogram_every", "log_every")}
merge(e, over)
merge(e, json.loads(os.environ.get("EXTRA_JSON") or "{}"))  # e.g. '{"dtype": "bfloat16"}' for every run
json.dump(e, open(sys.argv[2], "w"), indent=2)
EOF
  # shellcheck disable=SC2086
  env $env timeout "$(left)" "$CLI" run --config "$cfg" --db "$WORK/$name.db" --work-dir "$WORK/w-$name" \
    --events jsonl > "$OUT/logs/$name.log" 2>&1 || return $?
  eval_books "$WORK/w-$name/export/hf" "$name"
}

REF_TOKENS=$WORK/tokens-per-book.pt
run_ref() { # NAME BITS ARGS
  local name=$1 bits=$2 args=$3 tokens=$REF_TOKENS
  [[ $args == *"--books joined"* ]] && tokens=$WORK/tokens-joined.pt
  if [[ $tokens == "$REF_TOKENS" ]]; then # tokenized once by the prepare job
    while [[ ! -e $WORK/tokens.done ]]; do
      [[ -e $WORK/tokens.failed || $(date +%s) -ge $END ]] && return 1
      sleep 2
    done
  fi
  # shellcheck disable=SC2086,SC2046
  timeout "$(left)" "$PY" "$REPO/bench/python/dlqat_ref.py" --model "$MODEL" --train "$TRAIN_XZ" \
    ${REF_BOOKS_JSON:+--books-json "$REF_BOOKS_JSON"} --valid "${BOOKS[@]}" --tokens "$tokens" \
    --bits "$bits" --group "$GROUP" $(ref_lrs "$bits") --calib-steps "$CALIB_STEPS" --train-steps "$TRAIN_STEPS" \
    --batch "$BATCH" --seq "$SEQ" --eval-seq "$EVAL_SEQ" --eval-max-windows "$EVAL_MAX_WINDOWS" \
    --device "$DEVICE" --threads 1 --label "$name" --out-json "$OUT/$name.ref.json" \
    --save-hf "$WORK/hf-$name" --impl "${REF_IMPL:-own}" $args > "$OUT/logs/$name.log" 2>&1 || return $?
  eval_books "$WORK/hf-$name" "$name"
}

run_variant() { # the line of VARIANTS
  IFS='|' read -r name kind bits env spec <<< "$1"
  local t0 rc
  t0=$(date +%s)
  if [[ $kind == qb ]]; then run_qb "$name" "$bits" "$env" "$spec"; else run_ref "$name" "$bits" "$spec"; fi
  rc=$?
  echo "{\"name\": \"$name\", \"kind\": \"$kind\", \"bits\": $bits, \"rc\": $rc, \"seconds\": $(($(date +%s) - t0))," \
    "\"env\": \"$env\", \"spec\": $("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$spec")}" \
    > "$OUT/$name.status.json"
  echo "[$(($(date +%s) - START))s] $name done (rc $rc)" >&2
}

REF_BOOKS_JSON=
[[ -e $GUT/books.json && -z ${TRAIN:-} ]] && REF_BOOKS_JSON=$GUT/books.json

# The reference's token stream, once for all reference variants (books in parallel); only when one runs.
NEED_REF=0
for line in "${VARIANTS[@]}"; do
  name=${line%%|*} kind=$(cut -d'|' -f2 <<< "$line")
  [[ -n $ONLY && ",$ONLY," != *",$name,"* ]] && continue
  [[ $kind == ref ]] && NEED_REF=1
done
((NEED_REF)) && (

  timeout "$(left)" "$PY" "$REPO/bench/python/dlqat_ref.py" --model "$MODEL" --train "$TRAIN_XZ" \
    ${REF_BOOKS_JSON:+--books-json "$REF_BOOKS_JSON"} --valid "${BOOKS[@]}" --tokens "$REF_TOKENS" \
    --prepare-only --workers 8 > "$OUT/logs/tokenize.log" 2>&1
  rc=$?
  if ((rc == 0)); then touch "$WORK/tokens.done"; else touch "$WORK/tokens.failed"; fi
) &

# Full precision through the same evaluation: the check that the protocol is the reference's (36.504).
(eval_books "$MODEL" fp; echo "[$(($(date +%s) - START))s] fp done" >&2) &

PIDS=()
running() {
  local n=0 p
  for p in "${PIDS[@]}"; do kill -0 "$p" 2> /dev/null && n=$((n + 1)); done
  echo $n
}
for line in "${VARIANTS[@]}"; do
  name=${line%%|*}
  [[ -n $ONLY && ",$ONLY," != *",$name,"* ]] && continue
  while (($(running) >= PARALLEL)); do sleep 1; done
  if ((END - $(date +%s) <= 30)); then
    echo "deadline: $name not started" >&2
    continue
  fi
  run_variant "$line" &
  PIDS+=($!)
done
wait

"$PY" - "$OUT" "$DEADLINE" "$TRAIN_STEPS" <<'EOF' | tee "$OUT/table.md"
import glob, json, os, sys
out = sys.argv[1]
train_steps = int(sys.argv[3])
def phase_seconds(log, phase):
    """Seconds of an engine phase from its --events jsonl lines: the phase event to the next one."""
    events = []
    try:
        for line in open(log):
            if line.startswith("{"):
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass
    except OSError:
        return None
    marks = [(e.get("phase"), e["t"]) for e in events if e.get("event") in ("phase", "finished") and "t" in e]
    for i, (p, t) in enumerate(marks[:-1]):
        if p == phase:
            return marks[i + 1][1] - t
    return None
def load(p):
    try:
        return json.load(open(p))
    except Exception:
        return None
fp = load(os.path.join(out, "fp.eval.json"))
rows, results = [], []
for st in sorted(glob.glob(os.path.join(out, "*.status.json")), key=os.path.getmtime):
    s = load(st)
    name = s["name"]
    ev = load(os.path.join(out, name + ".eval.json")) or {}
    ref = load(os.path.join(out, name + ".ref.json")) or {}
    frac = ref.get("trainable_fraction")
    try:  # "... N trainable parameters (X % of the model)" in the engine's log
        import re
        m = re.search(r"\(([0-9.]+) % of the model\)", open(os.path.join(out, "logs", name + ".log")).read())
        frac = float(m.group(1)) / 100 if m else frac
    except OSError:
        pass
    calib = ref.get("after_calibration", {}).get("ppl")
    neg = ref.get("s_after_calibration", {}).get("nonpositive", 0)
    ppl = ev.get("ppl")
    status = "ok" if s["rc"] == 0 and ppl else ("stopped at the deadline" if s["rc"] in (124, 137) else "failed rc %d (logs/%s.log)" % (s["rc"], name))
    change = (s["env"] + " " + (s["spec"] if s["spec"] != "{}" else "")).strip()
    train_s = ref.get("train_seconds") if s["kind"] == "ref" else \
        phase_seconds(os.path.join(out, "logs", name + ".log"), "training")
    sps = "%.2f" % (train_steps / train_s) if train_s and s["rc"] == 0 else "-"
    rows.append("| %s | %s | %d | %s | %s | %s | %s | %d | %s | %s | %s |" % (
        name, "reference" if s["kind"] == "ref" else "qatbench-cli", s["bits"],
        "%.2f %%" % (100 * frac) if frac is not None else "-",
        "%.3f" % ppl if ppl else "-", "%.3f" % ref["ppl"] if ref.get("ppl") else "-",
        ("%.3f" % calib if calib else "-") + (" (%d groups s <= 0)" % neg if neg else ""), s["seconds"], sps,
        status, change or "issue settings"))
    results.append({"status": s, "eval": ev, "ref": {k: v for k, v in ref.items() if k not in ("args",)}})
print("## DL-QAT parity (issue 17): pooled validation perplexity, qatbench-cli eval of each result (bos-window 512)")
print()
print("Full precision, same evaluation: %s (reference_eval.json: 36.504). Targets: W2 <= 39.70, W3 <= 37.65;"
      " the issue measured reference 39.51 / 37.56, qatbench-cli 40.43 / 37.73." % ("%.3f" % fp["ppl"] if fp else "-"))
print()
print("| variant | side | W | trainable | ppl | ppl (reference's own eval) | after calibration | seconds | train steps/s | status | change from the issue's settings |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
for r in rows:
    print(r)
json.dump({"fp": fp, "variants": results}, open(os.path.join(out, "results.json"), "w"), indent=1)
EOF
echo "work folder (exports, stores): $WORK" >&2

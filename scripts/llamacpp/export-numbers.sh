#!/usr/bin/env bash
# The numbers of docs/EXPORT.md for one deployable file: GGUF size and bits per weight, perplexity in llama.cpp
# (node-llama-cpp, check.mjs) and in QATBench of the same weights, and of the trained grid before fp16 rounding.
#   scripts/llamacpp/export-numbers.sh DEPLOYABLE.safetensors MODEL_DIR TEXT MAX_WINDOWS WORK_DIR
# Protocol: bos-window, seq 512 (every window [BOS] + 511 tokens of the file encoded once), first MAX_WINDOWS.
# QATBENCH_GGUF_TYPE picks the GGUF type (default auto; q4_k for the approximate Q4_K refit).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cli="${QATBENCH_CLI:-$here/../../build/bin/qatbench-cli}"
nlc="${QATBENCH_LLAMACPP_DIR:-$HOME/.cache/qatbench/llamacpp}"
node="$("$here/node.sh")"
src=$1 model=$2 text=$3 windows=$4 work=$5
mkdir -p "$work"
"$cli" export "$src" --model "$model" --format gguf --type "${QATBENCH_GGUF_TYPE:-auto}" --out "$work/m.gguf" --equivalent-hf "$work/gguf-weights" \
    --force --quiet | tee "$work/export.txt"
"$cli" export "$src" --model "$model" --format hf --dtype float32 --out "$work/grid-f32" --force --quiet
eval_ppl() { "$cli" eval "$1" --text "$text" --seq-len 512 --protocol bos-window --max-windows "$windows" --json --quiet; }
eval_ppl "$work/grid-f32" > "$work/qatbench-grid.json"
eval_ppl "$work/gguf-weights" > "$work/qatbench-gguf.json"
printf '{"model": "%s", "perplexity": {"file": "%s", "seqLen": 512, "maxWindows": %s}}' "$work/m.gguf" "$text" \
    "$windows" > "$work/request.json"
"$node" "$here/check.mjs" "$nlc" "$work/request.json" > "$work/llamacpp.json"
python3 - "$work" <<'PY'
import json, os, sys
w = sys.argv[1]
g, q, l = (json.load(open(os.path.join(w, f))) for f in ("qatbench-grid.json", "qatbench-gguf.json", "llamacpp.json"))
lp = l["perplexity"]
print(f"GGUF {os.path.getsize(os.path.join(w, 'm.gguf'))} bytes; perplexity over {q['tokens_scored']} tokens "
      f"(llama.cpp {lp['scored']}): QATBench trained grid {g['ppl']:.4f}, QATBench GGUF weights {q['ppl']:.4f}, "
      f"llama.cpp {lp['ppl']:.4f}")
PY

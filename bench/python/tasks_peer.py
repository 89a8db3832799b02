#!/usr/bin/env python3
"""Peer check for `qatbench-cli tasks` (issue 16): the same (context, continuation) token ids scored by
Hugging Face transformers, compared per choice, and the throughput of both on the same requests.

Not run in CI (it needs torch + transformers and, for the speed number, a GPU). Usage on the GPU machine:

  build/bin/qatbench-cli tasks MODEL --data shared/data/tasks --tasks mmlu --device cuda --dtype float32 \
      --requests /tmp/req.jsonl --json --quiet > /tmp/ours.json
  python3 bench/python/tasks_peer.py --model MODEL --requests /tmp/req.jsonl --ours /tmp/ours.json \
      --device cuda --dtype float32 --tol 1e-4

--requests writes one JSON line per scored pair: task, question, choice, context (ids), continuation (ids),
ll (QATBench's log-likelihood), question_truncated, max_length. This script builds the harness's input
(context + continuation)[-(max_length + 1):][:-1], runs LlamaForCausalLM in batches (right-padded, longest
first, as lm-eval's HFLM does), sums the continuation tokens' log-softmax in float32 and reports the largest
difference per task. Exit status 1 when a difference exceeds --tol.
"""

import argparse
import json
import sys
import time
from collections import defaultdict


def load_requests(path):
    reqs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                reqs.append(json.loads(line))
    return reqs


def score(model, reqs, device, batch, torch):
    """Harness-style scoring: distinct inputs run once, longest first, right padding."""
    inputs = {}
    for i, r in enumerate(reqs):
        whole = (r["context"] + r["continuation"])[-(r["max_length"] + 1):]
        key = tuple(whole[:-1])
        inputs.setdefault(key, []).append(i)
    keys = sorted(inputs, key=len, reverse=True)
    out = [0.0] * len(reqs)
    with torch.no_grad():
        for b in range(0, len(keys), batch):
            chunk = keys[b:b + batch]
            T = len(chunk[0])
            ids = torch.zeros((len(chunk), T), dtype=torch.long)
            for row, k in enumerate(chunk):
                ids[row, :len(k)] = torch.tensor(k)
            logits = model(ids.to(device)).logits.float()
            logp = torch.log_softmax(logits, dim=-1)
            for row, k in enumerate(chunk):
                for i in inputs[k]:
                    cont = reqs[i]["continuation"]
                    c = len(cont)
                    pos = torch.arange(len(k) - c, len(k), device=device)
                    tgt = torch.tensor(cont, device=device)
                    out[i] = float(logp[row, pos, tgt].double().sum())
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--requests", required=True)
    ap.add_argument("--ours", help="qatbench-cli tasks --json output (for its seconds and questions)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()

    import torch
    from transformers import AutoModelForCausalLM

    dtype = torch.float32 if args.dtype == "float32" else torch.bfloat16
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=dtype).to(args.device).eval()
    reqs = load_requests(args.requests)
    if args.device.startswith("cuda"):
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    lls = score(model, reqs, args.device, args.batch, torch)
    if args.device.startswith("cuda"):
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0

    worst = defaultdict(float)
    questions = defaultdict(set)
    for r, ll in zip(reqs, lls):
        worst[r["task"]] = max(worst[r["task"]], abs(ll - r["ll"]))
        questions[r["task"]].add(r["question"])
    ok = True
    for task in worst:
        passed = worst[task] <= args.tol
        ok &= passed
        print(f"{task:14s} {len(questions[task]):6d} questions  max |ll - transformers| = {worst[task]:.3e}"
              f"  {'PASS' if passed else 'FAIL'} (tol {args.tol:g})")
    n = sum(len(q) for q in questions.values())
    print(f"transformers {args.dtype} on {args.device}: {seconds:.2f} s, {n / seconds:.1f} questions/s")
    if args.ours:
        with open(args.ours, encoding="utf-8") as f:
            ours = json.load(f)
        s = sum(r["seconds"] for r in ours)
        q = sum(r["questions"] for r in ours)
        print(f"qatbench     {args.dtype} on {args.device}: {s:.2f} s, {q / s:.1f} questions/s "
              "(tokenization included)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

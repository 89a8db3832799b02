#!/usr/bin/env python3
"""Peer check for `qatbench-cli tasks` (issue 16): the same (context, continuation) token ids scored by
Hugging Face transformers, compared per choice, and the throughput of both on the same requests.

Not run in CI (it needs torch + transformers and, for the speed number, a GPU). bench/tasks-gpu.sh runs it on
the GPU machine; by hand:

  build/bin/qatbench-cli tasks MODEL --data shared/data/tasks --tasks mmlu --device cuda --dtype float32 \\
      --requests /tmp/req.jsonl --json --quiet > /tmp/ours.json
  python3 bench/python/tasks_peer.py --model MODEL --requests /tmp/req.jsonl --ours /tmp/ours.json \\
      --device cuda --dtype float32 --tol 1e-4 --rel-tol 1e-6

--requests writes one JSON line per scored pair: task, question, choice, context (ids), continuation (ids),
ll (QATBench's log-likelihood), question_truncated, max_length. This script builds the harness's input
(context + continuation)[-(max_length + 1):][:-1], runs the model in batches of distinct inputs (right-padded,
longest first, as lm-eval's HFLM does; pairs with the same input share a forward), takes the log-softmax in
float32 at the continuation positions, sums in float64, and reports the largest difference per task. A choice
passes when |ll - peer| <= max(--tol, --rel-tol * |ll|): 1e-4 nats, or one part in a million of the
log-likelihood where that is larger (a continuation of tens of tokens has a log-likelihood of hundreds of nats,
and there two float32 forwards legitimately differ by more than 1e-4: docs/EVAL.md). Exit status 1 when a
choice fails (or a task's questions disagree with --ours), 2 on bad input.

--impl plain scores with a small LLaMA forward written here in plain torch (default and llama3 RoPE) instead
of transformers: it checks this script's own request handling, batching and comparison where transformers is not
installed (e.g. Debian's python3-torch on the CPU machine). It is not the peer: the issue's proof is --impl
transformers on the GPU.
"""

import argparse
import json
import math
import os
import struct
import sys
import time
from collections import defaultdict


def die(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def load_requests(path):
    reqs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                for key in ("task", "question", "context", "continuation", "ll", "max_length"):
                    if key not in r:
                        raise ValueError(f"no field '{key}'")
                if not r["continuation"]:
                    raise ValueError("empty continuation")
            except ValueError as e:
                die(f"{path}:{n}: {e}")
            reqs.append(r)
    if not reqs:
        die(f"{path}: no requests")
    return reqs


def harness_inputs(reqs):
    """Distinct model inputs -> the requests they serve, longest first (the harness's order)."""
    inputs = {}
    for i, r in enumerate(reqs):
        whole = (r["context"] + r["continuation"])[-(r["max_length"] + 1):]
        inputs.setdefault(tuple(whole[:-1]), []).append(i)
    return inputs, sorted(inputs, key=len, reverse=True)


def score(model, reqs, device, batch, torch):
    """Per-request log-likelihoods: one forward per batch of distinct inputs, one gather and one copy back."""
    inputs, keys = harness_inputs(reqs)
    out = [0.0] * len(reqs)
    with torch.no_grad():
        for b in range(0, len(keys), batch):
            chunk = keys[b:b + batch]
            T = len(chunk[0])
            ids = torch.zeros((len(chunk), T), dtype=torch.long)
            rows, cols, targets, spans = [], [], [], []
            for row, k in enumerate(chunk):
                ids[row, :len(k)] = torch.tensor(k, dtype=torch.long)
                for i in inputs[k]:
                    cont = reqs[i]["continuation"]
                    c = len(cont)
                    rows += [row] * c
                    cols += range(len(k) - c, len(k))
                    targets += cont
                    spans.append((i, c))
            logits = model(ids.to(device)).logits
            picked = logits[torch.tensor(rows, device=device), torch.tensor(cols, device=device)]
            picked = picked.double() if picked.dtype == torch.float64 else picked.float()
            logp = torch.log_softmax(picked, dim=-1)
            lp = logp.gather(1, torch.tensor(targets, device=device).unsqueeze(1)).squeeze(1)
            lp = lp.double().cpu().tolist()
            k = 0
            for i, c in spans:
                out[i] = math.fsum(lp[k:k + c])
                k += c
    return out


# ---- --impl plain: a LLaMA forward in plain torch (self-test of this script without transformers) -------

_ST_DTYPES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}


def read_safetensors(path, torch):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        dtype = getattr(torch, _ST_DTYPES[t["dtype"]])
        out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=dtype).reshape(t["shape"]).float()
    return out


class PlainLlama:
    """Just enough of LlamaForCausalLM for a float32 forward: RMSNorm, default RoPE (rotate_half), GQA, SiLU."""

    class Out:
        def __init__(self, logits):
            self.logits = logits

    def __init__(self, model_dir, device, torch, dtype):
        self.torch = torch
        with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
            c = json.load(f)
        rope = c.get("rope_scaling") or c.get("rope_parameters") or {}
        rope_type = rope.get("rope_type", rope.get("type", "default"))
        if rope_type not in ("default", "llama3"):
            die(f"--impl plain knows default and llama3 RoPE only; {model_dir} uses {rope}")
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads", self.heads)
        self.head_dim = c.get("head_dim") or c["hidden_size"] // self.heads
        self.layers = c["num_hidden_layers"]
        self.eps = c.get("rms_norm_eps", 1e-6)
        theta = c.get("rope_theta", rope.get("rope_theta", 10000.0))
        files = sorted(p for p in os.listdir(model_dir) if p.endswith(".safetensors"))
        w = {}
        for p in files:
            w.update(read_safetensors(os.path.join(model_dir, p), torch))
        if "lm_head.weight" not in w:
            w["lm_head.weight"] = w["model.embed_tokens.weight"]
        self.w = {k: v.to(device, dtype) for k, v in w.items()}
        inv_freq = 1.0 / (theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.float32) / self.head_dim))
        if rope_type == "llama3":  # transformers' _compute_llama3_parameters
            factor, low, high = rope["factor"], rope["low_freq_factor"], rope["high_freq_factor"]
            old_len = rope["original_max_position_embeddings"]
            wavelen = 2 * math.pi / inv_freq
            scaled = torch.where(wavelen > old_len / low, inv_freq / factor, inv_freq)
            smooth = (old_len / wavelen - low) / (high - low)
            smoothed = (1 - smooth) * scaled / factor + smooth * scaled
            medium = ~(wavelen < old_len / high) * ~(wavelen > old_len / low)
            inv_freq = torch.where(medium, smoothed, scaled)
        self.inv_freq = inv_freq.to(device, dtype)

    def _norm(self, x, weight):
        return weight * (x * self.torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))

    @staticmethod
    def _rotate_half(x, torch):
        h = x.shape[-1] // 2
        return torch.cat((-x[..., h:], x[..., :h]), dim=-1)

    def __call__(self, ids):
        torch = self.torch
        B, T = ids.shape
        w = self.w
        x = w["model.embed_tokens.weight"][ids]
        # Angles, cos and sin in float32 whatever the dtype, as transformers computes them: part of the model.
        pos = torch.arange(T, device=ids.device, dtype=torch.float32)
        freqs = torch.outer(pos, self.inv_freq.float())
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().to(self.inv_freq.dtype), emb.sin().to(self.inv_freq.dtype)
        mask = torch.full((T, T), float("-inf"), device=ids.device, dtype=self.inv_freq.dtype).triu(1)
        rep = self.heads // self.kv_heads
        for i in range(self.layers):
            p = f"model.layers.{i}."
            h = self._norm(x, w[p + "input_layernorm.weight"])
            q = (h @ w[p + "self_attn.q_proj.weight"].T).view(B, T, self.heads, self.head_dim).transpose(1, 2)
            k = (h @ w[p + "self_attn.k_proj.weight"].T).view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
            v = (h @ w[p + "self_attn.v_proj.weight"].T).view(B, T, self.kv_heads, self.head_dim).transpose(1, 2)
            q = q * cos + self._rotate_half(q, torch) * sin
            k = k * cos + self._rotate_half(k, torch) * sin
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
            att = torch.softmax((q @ k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask, dim=-1)
            o = (att @ v).transpose(1, 2).reshape(B, T, self.heads * self.head_dim)
            x = x + o @ w[p + "self_attn.o_proj.weight"].T
            h = self._norm(x, w[p + "post_attention_layernorm.weight"])
            g = torch.nn.functional.silu(h @ w[p + "mlp.gate_proj.weight"].T) * (h @ w[p + "mlp.up_proj.weight"].T)
            x = x + g @ w[p + "mlp.down_proj.weight"].T
        x = self._norm(x, w["model.norm.weight"])
        return PlainLlama.Out(x @ w["lm_head.weight"].T)


def load_model(args, torch):
    if args.impl == "plain":
        if args.dtype == "bfloat16":
            die("--impl plain runs float32 or float64")
        return PlainLlama(args.model, args.device, torch, getattr(torch, args.dtype))
    from transformers import AutoModelForCausalLM

    dtype = torch.float32 if args.dtype == "float32" else torch.bfloat16
    try:
        model = AutoModelForCausalLM.from_pretrained(args.model, dtype=dtype)
    except TypeError:  # transformers before 4.56 names it torch_dtype
        model = AutoModelForCausalLM.from_pretrained(args.model, torch_dtype=dtype)
    return model.to(args.device).eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="the model folder qatbench-cli tasks scored")
    ap.add_argument("--requests", required=True, help="qatbench-cli tasks --requests output")
    ap.add_argument("--ours", help="qatbench-cli tasks --json output (its seconds and questions)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float64"],
                    help="float64: --impl plain only, a reference that shows how far float32 itself is off")
    ap.add_argument("--batch", type=int, default=64, help="distinct inputs per forward")
    ap.add_argument("--tol", type=float, default=1e-4, help="allowed |ll - peer| per choice (nats)")
    ap.add_argument("--rel-tol", type=float, default=1e-6,
                    help="or this fraction of |ll| where larger (0: the absolute --tol alone)")
    ap.add_argument("--impl", default="transformers", choices=["transformers", "plain"])
    ap.add_argument("--summary", help="write the numbers as JSON here")
    ap.add_argument("--save-lls", help="write this side's log-likelihoods here, one per request line")
    args = ap.parse_args()

    import torch

    torch.backends.cuda.matmul.allow_tf32 = False  # fp32 means fp32 (the default; said out loud)
    torch.backends.cudnn.allow_tf32 = False
    reqs = load_requests(args.requests)
    model = load_model(args, torch)
    cuda = args.device.startswith("cuda")
    # Warm-up (CUDA context, kernels, allocator) outside the timing, on the shortest input.
    _, keys = harness_inputs(reqs[:1])
    with torch.no_grad():
        model(torch.tensor([list(keys[0])], dtype=torch.long, device=args.device))
    if cuda:
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    lls = score(model, reqs, args.device, args.batch, torch)
    if cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0

    if args.save_lls:
        with open(args.save_lls, "w", encoding="utf-8") as f:
            f.writelines(f"{ll!r}\n" for ll in lls)
    worst = defaultdict(float)
    worst_rel = defaultdict(float)
    failed = defaultdict(int)
    questions = defaultdict(set)
    requests = defaultdict(int)
    for r, ll in zip(reqs, lls):
        d = abs(ll - r["ll"])
        worst[r["task"]] = max(worst[r["task"]], d)
        worst_rel[r["task"]] = max(worst_rel[r["task"]], d / max(abs(ll), 1e-30))
        failed[r["task"]] += d > max(args.tol, args.rel_tol * abs(ll))
        questions[r["task"]].add(r["question"])
        requests[r["task"]] += 1
    ok = True
    summary = {"model": args.model, "impl": args.impl, "device": args.device, "dtype": args.dtype,
               "tol": args.tol, "rel_tol": args.rel_tol, "tasks": {}}
    for task in worst:
        passed = failed[task] == 0
        ok &= passed
        summary["tasks"][task] = {"questions": len(questions[task]), "requests": requests[task],
                                  "max_abs_diff": worst[task], "max_rel_diff": worst_rel[task],
                                  "failed_choices": failed[task], "pass": passed}
        print(f"{task:14s} {len(questions[task]):6d} questions {requests[task]:7d} choices  "
              f"max |ll - {args.impl}| = {worst[task]:.3e} (rel {worst_rel[task]:.1e})  "
              f"{'PASS' if passed else f'FAIL ({failed[task]} choices)'} (tol {args.tol:g} or {args.rel_tol:g} x |ll|)")
    n = sum(len(q) for q in questions.values())
    summary["peer_seconds"] = seconds
    summary["peer_questions_per_second"] = n / seconds
    print(f"{args.impl} {args.dtype} on {args.device}: {seconds:.2f} s for {n} questions, "
          f"{n / seconds:.1f} questions/s (scoring the given token ids: no file reading, no tokenization)")
    if args.ours:
        with open(args.ours, encoding="utf-8") as f:
            ours = json.load(f)
        for r in ours:
            if r["task"] in questions and r["questions"] != len(questions[r["task"]]):
                print(f"{r['task']}: --ours has {r['questions']} questions, the requests "
                      f"{len(questions[r['task']])}: not the same run")
                ok = False
        s = sum(r["seconds"] for r in ours)
        q = sum(r["questions"] for r in ours)
        summary["ours_seconds"] = s
        summary["ours_questions_per_second"] = q / s
        print(f"qatbench {ours[0]['dtype']} on {ours[0]['device']}: {s:.2f} s for {q} questions, "
              f"{q / s:.1f} questions/s (reading the task files and tokenizing included)")
    summary["pass"] = ok
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Peer for bench_eval: Hugging Face transformers' LlamaForCausalLM on the same windows, same batch, same dtype.

bench_eval writes the token windows it evaluates ([N, seq_len] int64, key "windows") to a safetensors file and
runs this script on them, so both sides score exactly the same tokens. Prints one JSON object:
{"ppl", "nll", "tokens_scored", "seconds", "tokens_per_second", "peak_bytes", "device", "dtype", "transformers"}.

Usage: eval_peer.py MODEL_DIR WINDOWS.safetensors --batch 8 --dtype bfloat16 --device cuda [--attn sdpa]
"""
import argparse
import json
import math
import time

import torch
import transformers
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("windows")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--dtype", default="bfloat16", choices=["float32", "bfloat16"])
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--attn", default="sdpa")
    ap.add_argument("--warmup", type=int, default=2, help="batches run before timing")
    a = ap.parse_args()

    dtype = torch.bfloat16 if a.dtype == "bfloat16" else torch.float32
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    windows = load_file(a.windows)["windows"]
    model = AutoModelForCausalLM.from_pretrained(a.model, dtype=dtype, attn_implementation=a.attn).to(a.device)
    model.eval()
    cuda = a.device.startswith("cuda")

    def run(batch):
        ids = batch.to(a.device)
        logits = model(input_ids=ids, use_cache=False).logits
        nll = torch.nn.functional.cross_entropy(
            logits[:, :-1].float().reshape(-1, logits.size(-1)), ids[:, 1:].reshape(-1), reduction="sum")
        return nll.double().item(), ids[:, 1:].numel()

    with torch.inference_mode():
        for i in range(min(a.warmup, (len(windows) + a.batch - 1) // a.batch)):
            run(windows[i * a.batch:(i + 1) * a.batch])
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        total, count = 0.0, 0
        for s in range(0, len(windows), a.batch):
            n, c = run(windows[s:s + a.batch])
            total += n
            count += c
        if cuda:
            torch.cuda.synchronize()
        seconds = time.perf_counter() - t0
    print(json.dumps({
        "ppl": math.exp(total / count), "nll": total / count, "tokens_scored": count, "seconds": seconds,
        "tokens_per_second": windows.numel() / seconds,
        "peak_bytes": torch.cuda.max_memory_allocated() if cuda else 0,
        "device": torch.cuda.get_device_name() if cuda else "cpu", "dtype": a.dtype,
        "transformers": transformers.__version__, "torch": torch.__version__}))


if __name__ == "__main__":
    main()

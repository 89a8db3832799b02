"""The floor under one checkpointed DL-QAT step: its matrix products alone, at cuBLAS's speed for their shapes.

Every block linear of a LLaMA-shaped model runs x W^T forward, again in the checkpointed recompute, dX = g W and
dW = g^T x in backward (DL-QAT's m and LoRA live inside the quantizer, so each needs the full dW); the head runs
forward and dX. Each product is timed alone (torch.matmul in bf16, CUDA events, 20 repetitions after 3 warm-up
runs) and summed over the layers. Prints the per-shape times and the totals with the recompute, without
down_proj's recompute (QATBench skips it: its output is not needed in backward) and with no recompute at all.

    python3 bench/python/gemm_floor.py [--layers 32] [--hidden 4096] [--ffn 11008] [--kv-hidden 4096]
                                       [--vocab 32000] [--seq 2048]
"""
import argparse

import torch


def timed(fn, reps=20):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps / 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=32)
    ap.add_argument("--hidden", type=int, default=4096)
    ap.add_argument("--ffn", type=int, default=11008)
    ap.add_argument("--kv-hidden", type=int, default=4096)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--seq", type=int, default=2048)
    a = ap.parse_args()
    t, h, f = a.seq, a.hidden, a.ffn
    names = ["q", "k", "v", "o", "gate", "up", "down"]
    shapes = [(h, h), (a.kv_hidden, h), (a.kv_hidden, h), (h, h), (f, h), (f, h), (h, f)]  # (out, in)
    opts = dict(device="cuda", dtype=torch.bfloat16)
    total = {"fwd": 0.0, "dx": 0.0, "dw": 0.0}
    down_fwd = 0.0
    for name, (o, i) in zip(names, shapes):
        x, w, g = torch.randn(t, i, **opts), torch.randn(o, i, **opts) * 0.02, torch.randn(t, o, **opts)
        fwd = timed(lambda: torch.nn.functional.linear(x, w))
        dx = timed(lambda: g @ w)
        dw = timed(lambda: g.t() @ x)
        total["fwd"] += fwd
        total["dx"] += dx
        total["dw"] += dw
        if name == "down":
            down_fwd = fwd
        tf = 2 * t * o * i / 1e12
        print("%-4s %5d x %5d: forward %.3f ms, dX %.3f ms, dW %.3f ms (%.0f / %.0f / %.0f TFLOP/s)"
              % (name, o, i, fwd * 1e3, dx * 1e3, dw * 1e3, tf / fwd, tf / dx, tf / dw))
    hx, hw, hg = torch.randn(t, h, **opts), torch.randn(a.vocab, h, **opts), torch.randn(t, a.vocab, **opts)
    head = timed(lambda: torch.nn.functional.linear(hx, hw)) + timed(lambda: hg @ hw)
    n = a.layers
    print("%d blocks: forward %.1f ms, dX %.1f ms, dW %.1f ms; head forward + dX %.1f ms"
          % (n, total["fwd"] * n * 1e3, total["dx"] * n * 1e3, total["dw"] * n * 1e3, head * 1e3))
    with_recompute = (2 * total["fwd"] + total["dx"] + total["dw"]) * n + head
    print("GEMM floor of a checkpointed step: %.1f ms with the recompute, %.1f ms without down_proj's recompute, "
          "%.1f ms with no recompute" % (with_recompute * 1e3, (with_recompute - down_fwd * n) * 1e3,
                                         (with_recompute - total["fwd"] * n) * 1e3))


if __name__ == "__main__":
    main()

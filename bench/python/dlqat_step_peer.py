#!/usr/bin/env python3
"""One DL-QAT training step written the way a PyTorch user writes it (eager), the peer of bench_dlqat_step.

LLaMA-shaped blocks with random bf16 weights on the GPU; every block linear fake-quantized group-wise
(W_hat = m * Q(W0 + (alpha/r) B A), s and z frozen, straight-through round), m + LoRA trained with AdamW,
gradient checkpointing per block; --compile wraps each block in torch.compile (the checkpoint stays outside).
Prints one line: RESULT {"s_per_step": ..., "tokens_per_s": ..., "peak_bytes": ...}.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint


class QuantLinear(torch.nn.Module):
    def __init__(self, out_f, in_f, bits, group, rank, alpha, dev):
        super().__init__()
        self.w0 = (torch.randn(out_f, in_f, device=dev) * 0.02).to(torch.bfloat16)
        self.bits, self.group, self.scale_lora = bits, group, alpha / rank
        wg = self.w0.float().view(out_f, in_f // group, group)
        lo = wg.amin(-1).clamp(max=0)
        hi = wg.amax(-1).clamp(min=0)
        levels = 2 ** bits - 1
        self.s = ((hi - lo) / levels).clamp(min=1e-8)
        self.z = torch.round(-lo / self.s).clamp(0, levels)
        self.m = torch.nn.Parameter(torch.ones(out_f, in_f // group, device=dev))
        bound = 1 / math.sqrt(in_f)
        self.A = torch.nn.Parameter(torch.empty(rank, in_f, device=dev).uniform_(-bound, bound))
        self.B = torch.nn.Parameter(torch.zeros(out_f, rank, device=dev))

    def weight(self):
        out_f, in_f = self.w0.shape
        w = self.w0.float() + self.scale_lora * (self.B @ self.A)
        wg = w.view(out_f, in_f // self.group, self.group)
        s, z = self.s.unsqueeze(-1), self.z.unsqueeze(-1)
        u = wg / s
        u = u + (torch.round(u) - u).detach()  # straight-through round
        q = (u + z).clamp(0, 2 ** self.bits - 1)
        return (self.m.unsqueeze(-1) * s * (q - z)).view(out_f, in_f).to(torch.bfloat16)

    def forward(self, x):
        return F.linear(x, self.weight())


def rms_norm(x, w, eps=1e-5):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype) * w


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class Block(torch.nn.Module):
    def __init__(self, a, dev):
        super().__init__()
        h, f = a.hidden, a.ffn
        kv = a.kv_heads * (h // a.heads)
        q = lambda o, i: QuantLinear(o, i, a.bits, a.group, a.rank, a.alpha, dev)
        self.q, self.k, self.v, self.o = q(h, h), q(kv, h), q(kv, h), q(h, h)
        self.gate, self.up, self.down = q(f, h), q(f, h), q(h, f)
        self.n1 = torch.ones(h, device=dev, dtype=torch.bfloat16)
        self.n2 = torch.ones(h, device=dev, dtype=torch.bfloat16)
        self.heads, self.kv_heads = a.heads, a.kv_heads

    def forward(self, x, cos, sin):
        b, t, h = x.shape
        d = h // self.heads
        n = rms_norm(x, self.n1)
        q = self.q(n).view(b, t, self.heads, d).transpose(1, 2)
        k = self.k(n).view(b, t, self.kv_heads, d).transpose(1, 2)
        v = self.v(n).view(b, t, self.kv_heads, d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.heads // self.kv_heads
        if rep > 1:
            k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        att = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.o(att.transpose(1, 2).reshape(b, t, h))
        n = rms_norm(x, self.n2)
        return x + self.down(F.silu(self.gate(n)) * self.up(n))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--hidden", type=int, default=4096)
    p.add_argument("--ffn", type=int, default=11008)
    p.add_argument("--heads", type=int, default=32)
    p.add_argument("--kv-heads", type=int, default=32)
    p.add_argument("--vocab", type=int, default=32000)
    p.add_argument("--untied", type=int, default=0)
    p.add_argument("--compile", action="store_true")
    p.add_argument("--seq", type=int, default=2048)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--bits", type=int, default=3)
    p.add_argument("--group", type=int, default=128)
    p.add_argument("--rank", type=int, default=16)
    p.add_argument("--alpha", type=float, default=16.0)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--iters", type=int, default=5)
    a = p.parse_args()
    dev = torch.device("cuda")
    torch.manual_seed(0)
    blocks = torch.nn.ModuleList([Block(a, dev) for _ in range(a.layers)])
    embed = (torch.randn(a.vocab, a.hidden, device=dev) * 0.02).to(torch.bfloat16)
    head = (torch.randn(a.vocab, a.hidden, device=dev) * 0.02).to(torch.bfloat16) if a.untied else embed
    run = [torch.compile(blk) for blk in blocks] if a.compile else list(blocks)
    norm = torch.ones(a.hidden, device=dev, dtype=torch.bfloat16)
    d = a.hidden // a.heads
    inv = 1.0 / (10000 ** (torch.arange(0, d, 2, device=dev).float() / d))
    freqs = torch.outer(torch.arange(a.seq, device=dev).float(), inv)
    emb = torch.cat((freqs, freqs), -1)
    cos, sin = emb.cos().to(torch.bfloat16)[None, None], emb.sin().to(torch.bfloat16)[None, None]
    ms = [m.m for blk in blocks for m in blk.modules() if isinstance(m, QuantLinear)]
    lora = [t for blk in blocks for m in blk.modules() if isinstance(m, QuantLinear) for t in (m.A, m.B)]
    opt = torch.optim.AdamW([{"params": ms, "lr": 2e-3, "weight_decay": 0.0},
                             {"params": lora, "lr": 1e-3, "weight_decay": 0.0}])
    ids = torch.randint(0, a.vocab, (a.batch, a.seq + 1), device=dev)

    def step():
        opt.zero_grad(set_to_none=True)
        x = F.embedding(ids[:, :-1], embed)
        for blk in run:
            x = checkpoint(blk, x, cos, sin, use_reentrant=False)
        logits = F.linear(rms_norm(x, norm), head).float()
        loss = F.cross_entropy(logits.view(-1, a.vocab), ids[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ms + lora, 1.0)
        opt.step()
        return loss

    for _ in range(a.warmup):
        step()
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    for _ in range(a.iters):
        step()
    torch.cuda.synchronize()
    dt = (time.perf_counter() - t0) / a.iters
    print("RESULT " + json.dumps({"s_per_step": dt, "tokens_per_s": a.batch * a.seq / dt,
                                  "peak_bytes": torch.cuda.max_memory_allocated(), "torch": torch.__version__,
                                  "layers": a.layers, "compile": a.compile}))


if __name__ == "__main__":
    main()

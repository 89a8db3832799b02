#!/usr/bin/env python3
"""Peer for bench_eval: the same windows, batch and dtype through PyTorch.

bench_eval writes the token windows it evaluates ([N, seq_len] int64, key "windows") to a safetensors file and
runs this script on them, so both sides score exactly the same tokens. Prints one JSON object:
{"ppl", "nll", "tokens_scored", "seconds", "tokens_per_second", "peak_bytes", "device", "dtype", "impl", ...}.

Two implementations of the forward:
  transformers  Hugging Face LlamaForCausalLM (sdpa), the GPU peer;
  plain         a LLaMA forward written here in plain torch from the checkpoint's safetensors (RMSNorm, rotary
                embedding, GQA attention, SwiGLU), with no package beyond torch: the CPU peer, run with Debian's
                python3-torch (1.13, which has no scaled_dot_product_attention: the attention is then the
                eager matmul / masked softmax / matmul, as transformers' "eager" path).
--impl auto takes transformers when it can be imported, else plain.

Usage: eval_peer.py MODEL_DIR WINDOWS.safetensors --batch 8 --dtype bfloat16 --device cuda [--impl plain]
                    [--threads N] [--attn sdpa]
"""
import argparse
import json
import math
import os
import struct
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # reported as JSON so bench_eval can print why the peer did not run
    print(json.dumps({"error": "the peer needs PyTorch: on Debian 12, python3-torch (scripts/install-deps.sh "
                               "installs it) run by /usr/bin/python3"}))
    raise SystemExit(0)

_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64,
           "I32": torch.int32}


def read_safetensors(path):
    """name -> tensor, read without the safetensors package (8-byte header size, JSON header, raw data)."""
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    base = 8 + size
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = bytearray(data[base + begin:base + end])
        t = torch.frombuffer(raw, dtype=_DTYPES[info["dtype"]]) if raw else torch.empty(0, dtype=_DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"])
    return out


def load_weights(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    files = sorted(set(json.load(open(index))["weight_map"].values())) if os.path.exists(index) \
        else ["model.safetensors"]
    weights = {}
    for f in files:
        weights.update(read_safetensors(os.path.join(model_dir, f)))
    return weights


class PlainLlama:
    """LlamaForCausalLM's forward (default or linear rope scaling) in plain torch ops, no grad."""

    def __init__(self, model_dir, dtype, device):
        c = json.load(open(os.path.join(model_dir, "config.json")))
        self.layers = c["num_hidden_layers"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads", self.heads)
        self.head_dim = c.get("head_dim") or c["hidden_size"] // self.heads
        self.eps = c.get("rms_norm_eps", 1e-6)
        scaling = c.get("rope_scaling") or {}
        kind = scaling.get("rope_type", scaling.get("type", "default"))
        if kind not in ("default", "linear"):
            raise SystemExit(f"eval_peer.py --impl plain: rope_scaling {kind} is not implemented")
        w = {k: v.to(device, dtype) for k, v in load_weights(model_dir).items()}
        self.w = w
        self.embed = w["model.embed_tokens.weight"]
        self.head = w.get("lm_head.weight", self.embed) if not c.get("tie_word_embeddings") else self.embed
        exponent = torch.arange(0, self.head_dim, 2, dtype=torch.int64).float() / self.head_dim
        inv_freq = 1.0 / (c.get("rope_theta", 10000.0) ** exponent)
        self.inv_freq = (inv_freq / scaling["factor"] if kind == "linear" else inv_freq).to(device)
        self.dtype = dtype

    def rms(self, x, weight):
        xf = x.float()
        xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return weight * xf.to(x.dtype)

    @staticmethod
    def rotate_half(x):
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    def attention(self, q, k, v):
        rep = self.heads // self.kv_heads
        if rep > 1:
            k = k.repeat_interleave(rep, 1)
            v = v.repeat_interleave(rep, 1)
        if hasattr(F, "scaled_dot_product_attention"):
            return F.scaled_dot_product_attention(q, k, v, is_causal=True)
        t = q.shape[2]
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        mask = torch.full((t, t), float("-inf"), device=q.device).triu(1)
        probs = torch.softmax(scores + mask, dim=-1, dtype=torch.float32).to(q.dtype)
        return torch.matmul(probs, v)

    def __call__(self, ids):
        b, t = ids.shape
        x = F.embedding(ids, self.embed)
        freqs = torch.outer(torch.arange(t, device=ids.device, dtype=torch.float32), self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().to(self.dtype)[None, None], emb.sin().to(self.dtype)[None, None]
        for i in range(self.layers):
            p = f"model.layers.{i}."
            w = lambda name: self.w[p + name + ".weight"]  # noqa: E731
            h = self.rms(x, w("input_layernorm"))
            q = F.linear(h, w("self_attn.q_proj")).view(b, t, self.heads, self.head_dim).transpose(1, 2)
            k = F.linear(h, w("self_attn.k_proj")).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
            v = F.linear(h, w("self_attn.v_proj")).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
            q = q * cos + self.rotate_half(q) * sin
            k = k * cos + self.rotate_half(k) * sin
            o = self.attention(q, k, v).transpose(1, 2).reshape(b, t, self.heads * self.head_dim)
            x = x + F.linear(o, w("self_attn.o_proj"))
            h = self.rms(x, w("post_attention_layernorm"))
            x = x + F.linear(F.silu(F.linear(h, w("mlp.gate_proj"))) * F.linear(h, w("mlp.up_proj")),
                             w("mlp.down_proj"))
        return F.linear(self.rms(x, self.w["model.norm.weight"]), self.head)


def train(model, windows, a):
    """What bench_eval --train-steps times on our side: two warm-up steps, then the timed ones."""
    if not isinstance(model, PlainLlama):
        raise SystemExit("eval_peer.py --train-steps needs --impl plain")
    params = list({id(t): t for t in model.w.values()}.values())
    for t in params:
        t.requires_grad_(True)
    opt = torch.optim.AdamW(params, lr=1e-4)
    n, batch = len(windows), min(a.batch, len(windows))
    loss_value = 0.0

    def step(i):
        nonlocal loss_value
        b = (i * batch) % (n - batch + 1)
        ids = windows[b:b + batch].to(a.device)
        logits = model(ids)[:, :-1]
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), ids[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_value = loss.item()

    step(0)
    step(1)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(a.train_steps):
        step(2 + i)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    tokens = a.train_steps * batch * windows.size(1)
    print(json.dumps({"tokens_per_second": tokens / seconds, "cpu_tokens_per_second": tokens / cpu_seconds,
                      "seconds": seconds, "loss": loss_value, "impl": "plain", "threads": torch.get_num_threads(),
                      "torch": torch.__version__}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("windows")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--dtype", default="bfloat16", choices=["float32", "bfloat16"])
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--impl", default="auto", choices=["auto", "transformers", "plain"])
    ap.add_argument("--attn", default="sdpa", help="transformers' attn_implementation")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: torch's default)")
    ap.add_argument("--warmup", type=int, default=2, help="batches run before timing")
    ap.add_argument("--train-steps", type=int, default=0,
                    help="> 0: time this many training steps (all weights, AdamW lr 1e-4; --impl plain)")
    a = ap.parse_args()

    if a.threads > 0:
        torch.set_num_threads(a.threads)
    impl = a.impl
    transformers = None
    if impl in ("auto", "transformers"):
        try:
            import transformers
        except ImportError:
            if impl == "transformers":
                raise
            impl = "plain"
        else:
            impl = "transformers"
    dtype = torch.bfloat16 if a.dtype == "bfloat16" else torch.float32
    cuda = a.device.startswith("cuda")
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    windows = read_safetensors(a.windows)["windows"]
    if impl == "transformers":
        model = transformers.AutoModelForCausalLM.from_pretrained(a.model, dtype=dtype,
                                                                  attn_implementation=a.attn).to(a.device)
        model.eval()
        forward = lambda ids: model(input_ids=ids, use_cache=False).logits  # noqa: E731
    else:
        forward = PlainLlama(a.model, dtype, a.device)

    if a.train_steps > 0:
        return train(forward, windows, a)

    def run(batch):
        ids = batch.to(a.device)
        logits = forward(ids)
        nll = F.cross_entropy(logits[:, :-1].float().reshape(-1, logits.size(-1)), ids[:, 1:].reshape(-1),
                              reduction="sum")
        return nll.double().item(), ids[:, 1:].numel()

    with torch.inference_mode():
        for i in range(min(a.warmup, (len(windows) + a.batch - 1) // a.batch)):
            run(windows[i * a.batch:(i + 1) * a.batch])
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        c0 = time.process_time()
        total, count = 0.0, 0
        for s in range(0, len(windows), a.batch):
            n, c = run(windows[s:s + a.batch])
            total += n
            count += c
        if cuda:
            torch.cuda.synchronize()
        seconds = time.perf_counter() - t0
        cpu_seconds = time.process_time() - c0
    print(json.dumps({
        "ppl": math.exp(total / count), "nll": total / count, "tokens_scored": count, "seconds": seconds,
        "cpu_seconds": cpu_seconds, "tokens_per_second": windows.numel() / seconds,
        "peak_bytes": torch.cuda.max_memory_allocated() if cuda else 0,
        "device": torch.cuda.get_device_name() if cuda else "cpu", "dtype": a.dtype, "impl": impl,
        "threads": torch.get_num_threads(),
        "transformers": transformers.__version__ if impl == "transformers" else "", "torch": torch.__version__}))


if __name__ == "__main__":
    main()

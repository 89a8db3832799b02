#!/usr/bin/env python3
"""An independent plain-PyTorch DL-QAT (issue 17), written from ../shared/DESIGN.md §4 and the settings of the issue,
with no QATBench code: the yardstick that qatbench-cli's DL-QAT is compared against (bench/dlqat-parity.sh).

    W_hat = m (.) Q(W0 + (alpha / r) B A),   Q(w) = s (clamp(round(w / s) + z, 0, 2^N - 1) - z)   per group of g columns

1. Calibration: only s and z of every group train (W0 fixed, m = 1, no LoRA), next-token loss; then frozen.
2. Training: only m (per group, init 1) and LoRA A (r x in, uniform +-1/sqrt(in) as PEFT) and B (out x r, zeros).
AdamW (0.9, 0.999, eps 1e-8, no weight decay), no clipping, each phase its own schedule (linear warm-up over its first
5 %, cosine to zero at its last step); batches of [BOS] + 511 tokens drawn uniformly from the training stream (each
book encoded on its own + EOS); float32 (TF32 matmuls in training, off in evaluation); seed 0.
Evaluation: the model's reference protocol (models/gutenberg-llama-22M/reference_eval.json): each validation file
encoded as one stream, non-overlapping windows of [BOS] + 511 from token 0, tail dropped, NLL pooled over the books.

Every place where the reference and QATBench may differ is a flag, so that one change at a time can be tested:
  --scale-param linear|log   s learned directly (default: the formula's parameter) or as log s (QATBench)
  --zero ste|float           z rounded straight-through in the forward (default, QATBench) or used as a float
  --schedule zero_at_last|qatbench|hf   where the cosine ends / how warm-up starts (see lr_factor)
  --calib-warmup N / --train-warmup N   explicit warm-up steps (default 5 % of the phase; QATBench's calibration
                                        uses min(training.warmup_steps, calib_steps / 10))
  --books per_book|joined    each book encoded alone + EOS (default) or the whole file as one stream (QATBench)
  --tf32 0|1                 TF32 matmuls in training (default 1, as the issue's reference)
Tokenizer: the sentencepiece module when installed, else this file's plain-Python SentencePiece BPE (same ids);
--tokenizer transformers uses AutoTokenizer instead.
  --lora-grad-bf16           LoRA gradients from bf16 operands (what QATBench's fused CUDA kernel does)
  --grad-clip X              global-norm clipping (default 0 = off)

Runs on torch 1.13 (CPU, Debian) and 2.x (CUDA). The model is this file's own LLaMA forward (--impl own, the
default: it gives qatbench-cli eval's perplexity to every printed digit) or transformers' LlamaForCausalLM with its
block linears replaced (--impl hf).

Example (GPU):
  python3 bench/python/dlqat_ref.py --model M/gutenberg-llama-22M --data D/gutenberg --bits 2 --group 64 \
      --lr-scale 1e-3 --lr-zero 1e-2 --lr-m 1e-2 --lr-lora 3e-3 --tokens /tmp/tok.pt --out-json r.json
Tiny CPU check:
  python3 bench/python/dlqat_ref.py --model S/models/stories260K --train S/data/tinystories/TinyStories-train-head.txt \
      --valid S/data/tinystories/TinyStories-validation-head.txt --bits 2 --group 4 --calib-steps 3 --train-steps 3 \
      --batch 2 --seq 63 --eval-max-windows 4 --device cpu
Prints one JSON line (and writes it to --out-json): ppl pooled and per book, after calibration and at the end.
"""
import argparse
import json
import lzma
import math
import os
import shutil
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------------------------------- safetensors
_DT = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2)}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        a, b = meta["data_offsets"]
        dtype = meta["dtype"]
        raw = bytearray(data[base + a:base + b])
        if dtype == "BF16":
            t = torch.frombuffer(raw, dtype=torch.int16).to(torch.int32) << 16
            t = t.view(torch.float32)
        elif dtype in _DT:
            t = torch.frombuffer(raw, dtype=_DT[dtype][0]).to(torch.float32)
        else:
            raise SystemExit("%s: tensor %s has dtype %s (F32, F16, BF16 expected)" % (path, name, dtype))
        out[name] = t.reshape(meta["shape"]).clone()
    return out


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to("cpu", torch.float32).contiguous()
        b = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ------------------------------------------------------------------------------------------------------ tokenizer
class PureSentencePiece:
    """An encoder for SentencePiece BPE models with byte fallback (LLaMA's tokenizer.model) in plain Python, used
    when the sentencepiece module is not installed (same ids as sentencepiece on gutenberg-llama-22M's whole
    training text and validation books, checked; about 2x faster here thanks to the word memo): pieces from the
    protobuf, extra spaces removed where the model says so, dummy prefix, spaces as U+2581, BPE merging the adjacent pair whose merge is the best-scored piece
    (leftmost on ties), unknown characters as <0xHH> bytes. No merge crosses from a character into a following
    space run (no piece has U+2581 after another character), so words are encoded one by one and memoized."""

    def __init__(self, path):
        with open(path, "rb") as f:
            data = f.read()
        self.pieces, self.types, self.scores = [], [], []
        self.add_dummy_prefix = True  # the proto's defaults
        self.remove_extra_whitespaces = True
        for field, value in self._fields(data):
            if field == 1:
                piece, score, typ = "", 0.0, 1
                for f2, v2 in self._fields(value):
                    if f2 == 1:
                        piece = v2.decode("utf-8")
                    elif f2 == 2:
                        score = struct.unpack("<f", v2)[0]
                    elif f2 == 3:
                        typ = v2
                self.pieces.append(piece)
                self.scores.append(score)
                self.types.append(typ)
            elif field == 3:
                for f2, v2 in self._fields(value):
                    if f2 == 3:
                        self.add_dummy_prefix = bool(v2)
                    elif f2 == 4:
                        self.remove_extra_whitespaces = bool(v2)
        self.ids = {p: i for i, p in enumerate(self.pieces) if self.types[i] in (1, 4)}
        self.bytes = {int(p[3:5], 16): i for i, p in enumerate(self.pieces) if self.types[i] == 6}
        self.bos = self.pieces.index("<s>") if "<s>" in self.pieces else -1
        self.eos = self.pieces.index("</s>") if "</s>" in self.pieces else -1
        self.unk = self.types.index(2) if 2 in self.types else 0
        for p in self.ids:
            if any(c == "\u2581" and p[i - 1] != "\u2581" for i, c in enumerate(p) if i > 0):
                raise ValueError("piece %r has a space after a character: words cannot be encoded alone" % p)
        self.memo = {}

    @staticmethod
    def _fields(buf):
        i, n = 0, len(buf)
        while i < n:
            key, i = PureSentencePiece._varint(buf, i)
            field, wt = key >> 3, key & 7
            if wt == 0:
                v, i = PureSentencePiece._varint(buf, i)
            elif wt == 1:
                v, i = buf[i:i + 8], i + 8
            elif wt == 2:
                ln, i = PureSentencePiece._varint(buf, i)
                v, i = buf[i:i + ln], i + ln
            elif wt == 5:
                v, i = buf[i:i + 4], i + 4
            else:
                raise ValueError("tokenizer.model: wire type %d" % wt)
            yield field, v

    @staticmethod
    def _varint(buf, i):
        shift = result = 0
        while True:
            b = buf[i]
            i += 1
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result, i
            shift += 7

    def _word(self, w):
        syms = list(w)
        while len(syms) > 1:
            best, at = None, -1
            for i in range(len(syms) - 1):
                j = self.ids.get(syms[i] + syms[i + 1])
                if j is not None and (best is None or self.scores[j] > best):
                    best, at = self.scores[j], i
            if at < 0:
                break
            syms[at:at + 2] = [syms[at] + syms[at + 1]]
        out = []
        for sym in syms:
            j = self.ids.get(sym)
            if j is not None:
                out.append(j)
            elif self.bytes:
                out.extend(self.bytes[b] for b in sym.encode("utf-8"))
            else:
                out.append(self.unk)
        return out

    def encode(self, text):
        if self.remove_extra_whitespaces:  # leading, trailing and repeated spaces
            text = " ".join(w for w in text.split(" ") if w)
        if not text:
            return []
        t = text.replace(" ", "\u2581")
        if self.add_dummy_prefix:
            t = "\u2581" + t
        out, start = [], 0
        for i in range(1, len(t) + 1):  # a word ends where a space run follows a character (or at the end)
            if i == len(t) or (t[i] == "\u2581" and t[i - 1] != "\u2581"):
                w = t[start:i]
                ids = self.memo.get(w)
                if ids is None:
                    ids = self._word(w)
                    if len(self.memo) < 2_000_000:
                        self.memo[w] = ids
                out.extend(ids)
                start = i
        return out


class Tokenizer:
    def __init__(self, model_dir, backend="auto"):
        self.backend = None
        if backend == "pure":
            self.pure = PureSentencePiece(os.path.join(model_dir, "tokenizer.model"))
            self.bos, self.eos = self.pure.bos, self.pure.eos
            self.backend = "pure"
            return
        if backend in ("auto", "sentencepiece"):
            try:
                import sentencepiece as spm
                self.sp = spm.SentencePieceProcessor(model_file=os.path.join(model_dir, "tokenizer.model"))
                self.bos, self.eos = self.sp.bos_id(), self.sp.eos_id()
                self.backend = "sentencepiece"
            except ImportError:
                if backend == "sentencepiece":
                    raise
        if backend == "transformers":
            from transformers import AutoTokenizer
            self.hf = AutoTokenizer.from_pretrained(model_dir)
            self.bos, self.eos = self.hf.bos_token_id, self.hf.eos_token_id
            self.backend = "transformers"
        if self.backend is None:  # auto without the sentencepiece module: the plain-Python encoder (same ids)
            self.pure = PureSentencePiece(os.path.join(model_dir, "tokenizer.model"))
            self.bos, self.eos = self.pure.bos, self.pure.eos
            self.backend = "pure"

    def encode(self, text):
        if self.backend == "sentencepiece":
            return self.sp.encode(text)
        if self.backend == "pure":
            return self.pure.encode(text)
        return self.hf(text, add_special_tokens=False)["input_ids"]


def read_text(path):
    if path.endswith(".xz"):
        with lzma.open(path, "rb") as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


_WORKER_TOK = None


def _encode_in_worker(text):
    return _WORKER_TOK.encode(text)


def encode_many(tok, texts, workers):
    """Encodes each text on its own, in `workers` forked processes when > 1 (same ids, in order)."""
    global _WORKER_TOK
    if workers <= 1 or len(texts) < 2:
        return [tok.encode(t) for t in texts]
    import multiprocessing as mp
    _WORKER_TOK = tok
    with mp.get_context("fork").Pool(workers) as pool:
        return pool.map(_encode_in_worker, texts, chunksize=1)


def train_stream(tok, path, books_json, mode, workers=1):
    """The training token stream: each book encoded on its own followed by EOS (per_book, the model's own
    pretraining stream), or the whole file encoded at once with no EOS (joined, what QATBench's engine does)."""
    raw = read_text(path)
    if mode == "joined" or not books_json:
        return torch.tensor(tok.encode(raw.decode("utf-8")), dtype=torch.int32), 1
    with open(books_json) as f:
        books = [b for b in json.load(f)["books"] if b["split"] == "train"]
    # Longest first: the pool finishes sooner.
    texts = [raw[b["offset"]:b["offset"] + b["length"]].decode("utf-8") for b in books]
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    enc = encode_many(tok, [texts[i] for i in order], workers)
    by_book = [None] * len(texts)
    for i, e in zip(order, enc):
        by_book[i] = e
    ids = []
    for e in by_book:
        ids.extend(e)
        ids.append(tok.eos)
    return torch.tensor(ids, dtype=torch.int32), len(books)


def load_tokens(a, tok):
    meta = {"train": os.path.abspath(a.train), "books": a.books, "valid": [os.path.abspath(v) for v in a.valid],
            "tokenizer": os.path.abspath(os.path.join(a.model, "tokenizer.model")), "backend": tok.backend}
    if a.tokens and os.path.exists(a.tokens):
        d = torch.load(a.tokens)
        if d.get("meta") == meta:
            return d
        print("token cache %s is for other inputs; re-tokenizing" % a.tokens, file=sys.stderr)
    t0 = time.time()
    train, docs = train_stream(tok, a.train, a.books_json, a.books, a.workers)
    valid = {os.path.basename(v): torch.tensor(tok.encode(read_text(v).decode("utf-8")), dtype=torch.int32)
             for v in a.valid}
    d = {"meta": meta, "train": train, "docs": docs, "valid": valid, "seconds": time.time() - t0}
    if a.tokens:
        tmp = a.tokens + ".tmp%d" % os.getpid()
        torch.save(d, tmp)
        os.replace(tmp, a.tokens)
    return d


# ---------------------------------------------------------------------------------------------------- quantizer
def round_ste(x):
    return x + (torch.round(x) - x).detach()


class QuantLinear(nn.Module):
    """W_hat = m (.) s (clamp(round((W0 + c B A) / s) + z, 0, L) - z), groups of g consecutive input columns."""

    def __init__(self, w0, bits, group, init, scale_param, zero_mode):
        super().__init__()
        out, inp = w0.shape
        self.group = inp if group <= 0 else group
        if inp % self.group:
            raise SystemExit("group size %d does not divide a row of %d" % (self.group, inp))
        self.levels = float(2 ** bits - 1)
        self.scale_param, self.zero_mode = scale_param, zero_mode
        # W0 in the model's dtype (a bfloat16 model keeps no float32 copy, as QATBench); the grid in float32
        self.register_buffer("w0", w0.contiguous())
        with torch.no_grad():
            wg = self.w0.float().view(out, -1, self.group)
            lo, hi = wg.amin(-1), wg.amax(-1)
            if init == "minmax0":  # the reference RTN protocol: 0 stays representable
                lo, hi = lo.clamp(max=0), hi.clamp(min=0)
            s = ((hi - lo) / self.levels).clamp(min=1e-8)
            z = torch.round(-lo / s).clamp(0, self.levels)
        self.s = nn.Parameter(s.log() if scale_param == "log" else s, requires_grad=False)
        self.z = nn.Parameter(z, requires_grad=False)
        self.m = None
        self.A = None
        self.B = None
        self.c = 1.0
        self.lora_bf16 = False

    def scale(self):
        return self.s.exp() if self.scale_param == "log" else self.s

    def enable(self, train_m, train_lora, rank, alpha):
        out, inp = self.w0.shape
        dev = self.w0.device
        if train_m:
            self.m = nn.Parameter(torch.ones(out, inp // self.group, device=dev))
        if train_lora:
            bound = 1.0 / math.sqrt(inp)  # PEFT: kaiming_uniform_(a=sqrt(5)) = uniform(+-1/sqrt(in))
            self.A = nn.Parameter(torch.empty(rank, inp, device=dev).uniform_(-bound, bound))
            self.B = nn.Parameter(torch.zeros(out, rank, device=dev))
            self.c = alpha / rank

    def latent(self):
        w0 = self.w0.float()
        if self.A is None:
            return w0
        if self.lora_bf16:
            return w0 + _Bf16Lora.apply(self.B, self.A) * self.c
        return w0 + (self.B @ self.A) * self.c

    def weight(self):
        out, inp = self.w0.shape
        w = self.latent().view(out, -1, self.group)
        s = self.scale().unsqueeze(-1)
        z = (round_ste(self.z) if self.zero_mode == "ste" else self.z).unsqueeze(-1)
        q = torch.clamp(round_ste(w / s) + z, 0, self.levels)
        wq = s * (q - z)
        if self.m is not None:
            wq = wq * self.m.unsqueeze(-1)
        return wq.reshape(out, inp)

    def forward(self, x):
        return F.linear(x, self.weight().to(x.dtype))  # W_hat in float32, cast to the activations' dtype


class _Bf16Lora(torch.autograd.Function):
    """B A with the backward products from bf16 operands (float32 results), as QATBench's fused kernel does."""

    @staticmethod
    def forward(ctx, B, A):
        ctx.save_for_backward(B, A)
        return B @ A

    @staticmethod
    def backward(ctx, g):
        B, A = ctx.saved_tensors
        g16 = g.to(torch.bfloat16)
        dB = (g16 @ A.to(torch.bfloat16).t()).float()
        dA = (B.to(torch.bfloat16).t() @ g16).float()
        return dB, dA


# -------------------------------------------------------------------------------------------------------- model
LINEARS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


class Plain(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.register_buffer("w", w)

    def forward(self, x):
        return F.linear(x, self.w)


def rms_norm(x, w, eps):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class OwnLlama(nn.Module):
    """A plain LLaMA forward (HF layout: GQA, RoPE rotate_half, RMSNorm, SwiGLU, tied or separate head)."""

    def __init__(self, cfg, W):
        super().__init__()
        self.cfg = cfg
        self.h = cfg["hidden_size"]
        self.nh = cfg["num_attention_heads"]
        self.nkv = cfg.get("num_key_value_heads", self.nh)
        self.hd = cfg.get("head_dim") or self.h // self.nh
        self.eps = cfg.get("rms_norm_eps", 1e-5)
        theta = cfg.get("rope_theta") or (cfg.get("rope_parameters") or {}).get("rope_theta", 10000.0)
        self.register_buffer("inv_freq", 1.0 / (theta ** (torch.arange(0, self.hd, 2).float() / self.hd)))
        self.register_buffer("embed", W["model.embed_tokens.weight"])
        self.register_buffer("norm", W["model.norm.weight"])
        self.register_buffer("head", W.get("lm_head.weight", W["model.embed_tokens.weight"]))
        self.layers = nn.ModuleList()
        for i in range(cfg["num_hidden_layers"]):
            p = "model.layers.%d." % i
            L = nn.Module()
            L.register_buffer("n1", W[p + "input_layernorm.weight"])
            L.register_buffer("n2", W[p + "post_attention_layernorm.weight"])
            for k in LINEARS:
                sub = "self_attn." if k in LINEARS[:4] else "mlp."
                setattr(L, k, Plain(W[p + sub + k + ".weight"]))
            self.layers.append(L)

    def linear_slots(self):
        for i, L in enumerate(self.layers):
            for k in LINEARS:
                yield i, k, L, getattr(L, k).w if isinstance(getattr(L, k), Plain) else None

    def set_linear(self, i, k, mod):
        setattr(self.layers[i], k, mod)

    def forward(self, ids):
        b, t = ids.shape
        x = F.embedding(ids, self.embed)
        pos = torch.arange(t, device=ids.device).float()
        freqs = pos[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None].to(x.dtype), emb.sin()[None, None].to(x.dtype)  # as transformers
        rep = self.nh // self.nkv
        for L in self.layers:
            y = rms_norm(x, L.n1, self.eps)
            q = L.q_proj(y).view(b, t, self.nh, self.hd).transpose(1, 2)
            k = L.k_proj(y).view(b, t, self.nkv, self.hd).transpose(1, 2)
            v = L.v_proj(y).view(b, t, self.nkv, self.hd).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            if rep > 1:
                k = k.repeat_interleave(rep, dim=1)
                v = v.repeat_interleave(rep, dim=1)
            if hasattr(F, "scaled_dot_product_attention"):
                o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            else:
                att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
                mask = torch.ones(t, t, dtype=torch.bool, device=ids.device).triu(1)
                o = att.masked_fill(mask, float("-inf")).softmax(-1) @ v
            x = x + L.o_proj(o.transpose(1, 2).reshape(b, t, self.nh * self.hd))
            y = rms_norm(x, L.n2, self.eps)
            x = x + L.down_proj(F.silu(L.gate_proj(y)) * L.up_proj(y))
        return F.linear(rms_norm(x, self.norm, self.eps), self.head)


class HfLlama(nn.Module):
    """transformers' LlamaForCausalLM (sdpa attention) with its block linears replaceable."""

    def __init__(self, model_dir, device):
        super().__init__()
        from transformers import LlamaForCausalLM
        try:
            m = LlamaForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="sdpa")
        except TypeError:
            m = LlamaForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float32, attn_implementation="sdpa")
        self.m = m.to(device).eval()
        for p in self.m.parameters():
            p.requires_grad_(False)

    def _mod(self, i, k):
        L = self.m.model.layers[i]
        return (L.self_attn if k in LINEARS[:4] else L.mlp), k

    def linear_slots(self):
        for i in range(len(self.m.model.layers)):
            for k in LINEARS:
                parent, _ = self._mod(i, k)
                yield i, k, parent, getattr(parent, k).weight.detach()

    def set_linear(self, i, k, mod):
        parent, _ = self._mod(i, k)
        setattr(parent, k, mod)

    def forward(self, ids):
        return self.m(input_ids=ids, use_cache=False).logits


# ---------------------------------------------------------------------------------------------------- schedule
def lr_factor(step, total, warm, style):
    """Multiplier of the base lr at 0-based step of a phase of `total` steps.
    zero_at_last: warm-up (step+1)/warm, then cosine from 1 at step `warm` to exactly 0 at step total-1.
    qatbench: the same warm-up, cosine over (step - warm) / (total - warm): never 0 (core/train/trainer.cpp).
    hf: transformers' get_cosine_schedule_with_warmup: warm-up step/warm (0 at step 0), cosine over
        (step - warm) / (total - warm)."""
    if style == "hf":
        if step < warm:
            return step / max(1, warm)
        t = (step - warm) / max(1, total - warm)
    else:
        if warm > 0 and step < warm:
            return (step + 1) / warm
        if style == "zero_at_last":
            t = (step - warm) / max(1, total - 1 - warm)
        else:
            t = (step - warm) / max(1, total - warm)
    t = min(max(t, 0.0), 1.0)
    return 0.5 * (1.0 + math.cos(math.pi * t))


# ---------------------------------------------------------------------------------------------------- evaluation
def bos_windows(ids, bos, seq):
    body = seq - 1
    n = (len(ids) - body) // body + 1 if len(ids) >= body else 0
    w = ids[:n * body].view(n, body).long()
    return torch.cat([torch.full((n, 1), bos, dtype=torch.long), w], 1)


@torch.no_grad()
def evaluate(model, valid, bos, seq, device, max_windows=0, batch=16):
    tf32 = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False  # the reference protocol: float32, TF32 off
    per, total_nll, total_tok = {}, 0.0, 0
    for name, ids in valid.items():
        w = bos_windows(ids, bos, seq)
        if max_windows > 0:
            w = w[:max_windows]
        nll = 0.0
        for i in range(0, len(w), batch):
            x = w[i:i + batch].to(device)
            logits = model(x[:, :-1]).float()
            nll += F.cross_entropy(logits.reshape(-1, logits.size(-1)), x[:, 1:].reshape(-1),
                                   reduction="sum").double().item()
        tok = w.shape[0] * (seq - 1)
        per[name] = {"ppl": math.exp(nll / tok), "nll": nll / tok, "tokens": tok}
        total_nll += nll
        total_tok += tok
    torch.backends.cuda.matmul.allow_tf32 = tf32
    return {"ppl": math.exp(total_nll / total_tok), "nll": total_nll / total_tok, "tokens": total_tok, "books": per}


# ------------------------------------------------------------------------------------------------------ training
class Sampler:
    """Windows [BOS] + seq tokens, start uniform over every position of the stream (torch generator, seeded)."""

    def __init__(self, stream, seq, bos, seed):
        self.stream, self.seq, self.bos = stream, seq, bos
        self.g = torch.Generator().manual_seed(seed)

    def next(self, batch, device):
        starts = torch.randint(0, len(self.stream) - self.seq + 1, (batch,), generator=self.g)
        rows = torch.stack([self.stream[s:s + self.seq] for s in starts.tolist()]).long()
        return torch.cat([torch.full((batch, 1), self.bos, dtype=torch.long), rows], 1).to(device)


def run_phase(name, model, sampler, groups, steps, warm, a, device, log):
    if steps <= 0 or not any(g["params"] for g in groups):
        return []
    opt = torch.optim.AdamW([g for g in groups if g["params"]], betas=(0.9, 0.999), eps=a.eps, weight_decay=0.0)
    for g in opt.param_groups:
        g["base_lr"] = g["lr"]
    params = [p for g in opt.param_groups for p in g["params"]]
    torch.backends.cuda.matmul.allow_tf32 = bool(a.tf32)
    losses, t0 = [], time.time()
    for step in range(steps):
        f = lr_factor(step, steps, warm, a.schedule)
        for g in opt.param_groups:
            g["lr"] = g["base_lr"] * f
        x = sampler.next(a.batch, device)
        logits = model(x[:, :-1])
        loss = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), x[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if a.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(params, a.grad_clip)
        opt.step()
        if (step + 1) % a.log_every == 0 or step == 0 or step + 1 == steps:
            lv = loss.item()
            losses.append((step + 1, lv))
            log("%s step %d/%d loss %.4f lr x%.4f %.1fs" % (name, step + 1, steps, lv, f, time.time() - t0))
    torch.backends.cuda.matmul.allow_tf32 = False
    return losses


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", help="a gutenberg-style folder: train/*.txt[.xz], books.json, valid/*.txt")
    ap.add_argument("--train", help="training text (.txt or .txt.xz); default DATA/train/gutenberg-train.txt.xz")
    ap.add_argument("--books-json", help="book offsets in the training text; default DATA/books.json")
    ap.add_argument("--valid", nargs="*", help="validation files; default DATA/valid/*.txt (sorted)")
    ap.add_argument("--books", default="per_book", choices=["per_book", "joined"])
    ap.add_argument("--tokens", help="token cache (.pt): written when absent, read when its inputs match")
    ap.add_argument("--tokenizer", default="auto", choices=["auto", "sentencepiece", "transformers", "pure"])
    ap.add_argument("--prepare-only", action="store_true", help="only tokenize into --tokens and exit")
    ap.add_argument("--workers", type=int, default=1, help="processes that tokenize the books")
    ap.add_argument("--fp-only", action="store_true", help="evaluate the unquantized model and exit")
    ap.add_argument("--impl", default="auto", choices=["auto", "own", "hf"])
    ap.add_argument("--bits", type=int, default=2)
    ap.add_argument("--group", type=int, default=64, help="0 = per-channel")
    ap.add_argument("--init", default="minmax0", choices=["minmax0", "minmax"])
    ap.add_argument("--scale-param", default="linear", choices=["linear", "log"])
    ap.add_argument("--zero", default="ste", choices=["ste", "float"])
    ap.add_argument("--calib-steps", type=int, default=200)
    ap.add_argument("--train-steps", type=int, default=1000)
    ap.add_argument("--lr-scale", type=float, default=1e-3)
    ap.add_argument("--lr-zero", type=float, default=1e-2)
    ap.add_argument("--lr-m", type=float, default=1e-2)
    ap.add_argument("--lr-lora", type=float, default=3e-3)
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--alpha", type=float, default=16.0)
    ap.add_argument("--no-train-m", action="store_true")
    ap.add_argument("--no-train-lora", action="store_true")
    ap.add_argument("--lora-grad-bf16", action="store_true")
    ap.add_argument("--warmup-frac", type=float, default=0.05)
    ap.add_argument("--calib-warmup", type=int, default=-1, help="-1: warmup-frac of the calibration steps")
    ap.add_argument("--train-warmup", type=int, default=-1, help="-1: warmup-frac of the training steps")
    ap.add_argument("--schedule", default="zero_at_last", choices=["zero_at_last", "qatbench", "hf"])
    ap.add_argument("--eps", type=float, default=1e-8)
    ap.add_argument("--grad-clip", type=float, default=0.0)
    ap.add_argument("--tf32", type=int, default=1)
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"],
                    help="the model's weights and activations; s, z, m and LoRA stay float32 (as QATBench)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=511, help="text tokens per training window (after BOS)")
    ap.add_argument("--eval-seq", type=int, default=512, help="evaluation window, BOS included")
    ap.add_argument("--eval-max-windows", type=int, default=0, help="per book; 0 = all")
    ap.add_argument("--no-eval-calib", action="store_true", help="skip the evaluation after calibration")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--log-every", type=int, default=100)
    ap.add_argument("--label", default="ref")
    ap.add_argument("--save-hf", help="write the fake-quantized model as a float32 HF folder here")
    ap.add_argument("--out-json")
    a = ap.parse_args()

    if a.threads > 0:
        torch.set_num_threads(a.threads)
    if a.data:
        a.train = a.train or os.path.join(a.data, "train", "gutenberg-train.txt.xz")
        bj = os.path.join(a.data, "books.json")
        a.books_json = a.books_json or (bj if os.path.exists(bj) else None)
        if not a.valid:
            vd = os.path.join(a.data, "valid")
            a.valid = sorted(os.path.join(vd, f) for f in os.listdir(vd) if f.endswith(".txt"))
    if not a.train or not a.valid:
        raise SystemExit("give --data DIR or --train FILE and --valid FILE...")
    log = lambda s: print("[%s] %s" % (a.label, s), file=sys.stderr, flush=True)

    tok = Tokenizer(a.model, a.tokenizer)
    data = load_tokens(a, tok)
    log("tokens: train %d (%d documents, %s), valid %s, tokenizer %s" % (
        len(data["train"]), data["docs"], a.books, {k: len(v) for k, v in data["valid"].items()}, tok.backend))
    if a.prepare_only:
        return

    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    with open(os.path.join(a.model, "config.json")) as f:
        cfg = json.load(f)
    impl = "own" if a.impl == "auto" else a.impl
    if impl == "hf":
        if a.dtype != "float32":
            raise SystemExit("--impl hf runs in float32 only; use --impl own for --dtype %s" % a.dtype)
        model = HfLlama(a.model, device)
    else:
        W = read_safetensors(os.path.join(a.model, "model.safetensors"))
        W = {k: v.to(getattr(torch, a.dtype)) for k, v in W.items()}
        model = OwnLlama(cfg, W).to(device)
    bos = tok.bos
    if a.fp_only:
        r = evaluate(model, data["valid"], bos, a.eval_seq, device, a.eval_max_windows)
        r.update({"label": a.label, "bits": 0, "impl": impl})
        log("full precision: ppl %.4f (%d tokens)" % (r["ppl"], r["tokens"]))
        print(json.dumps(r), flush=True)
        if a.out_json:
            with open(a.out_json, "w") as f:
                f.write(json.dumps(r) + "\n")
        return
    result = {"label": a.label, "bits": a.bits, "group": a.group, "impl": impl, "args": vars(a)}

    if impl == "hf":  # every parameter of the model, a tied head once
        n_params = sum(p.numel() for p in model.m.parameters())
    else:
        n_params = sum(t.numel() for n, t in W.items() if n != "lm_head.weight" or not cfg.get("tie_word_embeddings"))
    mods = []
    for i, k, _, w in list(model.linear_slots()):
        q = QuantLinear(w.to(device), a.bits, a.group, a.init, a.scale_param, a.zero).to(device)
        q.lora_bf16 = a.lora_grad_bf16
        model.set_linear(i, k, q)
        mods.append((i, k, q))
    t_start = time.time()
    # Stage 1: calibration of s and z.
    for _, _, q in mods:
        q.s.requires_grad_(True)
        q.z.requires_grad_(True)
    cal_warm = a.calib_warmup if a.calib_warmup >= 0 else int(round(a.warmup_frac * a.calib_steps))
    sampler = Sampler(data["train"], a.seq, bos, a.seed * 2 + 1)
    result["calib_losses"] = run_phase(
        "calib", model, sampler,
        [{"params": [q.s for _, _, q in mods], "lr": a.lr_scale}, {"params": [q.z for _, _, q in mods], "lr": a.lr_zero}],
        a.calib_steps, cal_warm, a, device, log)
    with torch.no_grad():
        for _, _, q in mods:
            q.s.requires_grad_(False)
            q.z.requires_grad_(False)
            if a.zero == "ste":
                q.z.copy_(torch.round(q.z))
    with torch.no_grad():  # a linear s can cross 0 (the grid is then mirrored); reported, not prevented
        s_all = torch.cat([q.scale().flatten() for _, _, q in mods])
        result["s_after_calibration"] = {"min": s_all.min().item(), "nonpositive": int((s_all <= 0).sum()),
                                         "median": s_all.median().item()}
    result["calib_seconds"] = time.time() - t_start
    if not a.no_eval_calib:
        result["after_calibration"] = evaluate(model, data["valid"], bos, a.eval_seq, device, a.eval_max_windows)
        log("after calibration: ppl %.4f" % result["after_calibration"]["ppl"])

    # Stage 2: m and LoRA.
    for _, _, q in mods:
        q.enable(not a.no_train_m, not a.no_train_lora, a.rank, a.alpha)
    mp = [q.m for _, _, q in mods if q.m is not None]
    lp = [t for _, _, q in mods if q.A is not None for t in (q.A, q.B)]
    trainable = sum(p.numel() for p in mp + lp)
    result["trainable"] = trainable
    result["trainable_fraction"] = trainable / float(n_params)
    tr_warm = a.train_warmup if a.train_warmup >= 0 else int(round(a.warmup_frac * a.train_steps))
    sampler = Sampler(data["train"], a.seq, bos, a.seed * 2 + 2)
    t1 = time.time()
    result["train_losses"] = run_phase("train", model, sampler,
                                       [{"params": mp, "lr": a.lr_m}, {"params": lp, "lr": a.lr_lora}],
                                       a.train_steps, tr_warm, a, device, log)
    result["train_seconds"] = time.time() - t1
    result["seconds"] = time.time() - t_start

    # The result: W_hat written into plain linears (an ordinary model), then the reference evaluation.
    with torch.no_grad():
        for i, k, q in mods:
            model.set_linear(i, k, Plain(q.weight().detach().to(q.w0.dtype).clone()))
    final = evaluate(model, data["valid"], bos, a.eval_seq, device, a.eval_max_windows)
    result.update({"ppl": final["ppl"], "nll": final["nll"], "tokens": final["tokens"], "books": final["books"]})
    log("final: ppl %.4f (%d tokens), %.1f s" % (final["ppl"], final["tokens"], result["seconds"]))

    if a.save_hf:
        os.makedirs(a.save_hf, exist_ok=True)
        if impl == "hf":
            state = {(k[:-2] + ".weight" if k.endswith(".w") else k): v for k, v in model.m.state_dict().items()}
            if cfg.get("tie_word_embeddings"):
                state.pop("lm_head.weight", None)
        else:
            state = {"model.embed_tokens.weight": model.embed, "model.norm.weight": model.norm}
            if not cfg.get("tie_word_embeddings", False):
                state["lm_head.weight"] = model.head
            for i, L in enumerate(model.layers):
                p = "model.layers.%d." % i
                state[p + "input_layernorm.weight"] = L.n1
                state[p + "post_attention_layernorm.weight"] = L.n2
                for k in LINEARS:
                    state[p + ("self_attn." if k in LINEARS[:4] else "mlp.") + k + ".weight"] = getattr(L, k).w
        write_safetensors(os.path.join(a.save_hf, "model.safetensors"), state)
        c2 = dict(cfg)
        c2["torch_dtype"] = "float32"
        if "dtype" in c2:
            c2["dtype"] = "float32"
        with open(os.path.join(a.save_hf, "config.json"), "w") as f:
            json.dump(c2, f, indent=2)
        for fn in ("tokenizer.model", "tokenizer_config.json", "tokenizer.json", "generation_config.json"):
            if os.path.exists(os.path.join(a.model, fn)):
                shutil.copy(os.path.join(a.model, fn), os.path.join(a.save_hf, fn))
        result["hf_dir"] = a.save_hf

    line = json.dumps(result)
    print(line, flush=True)
    if a.out_json:
        with open(a.out_json, "w") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()

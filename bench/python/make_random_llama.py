#!/usr/bin/env python3
"""Writes a random-weight LLaMA checkpoint in Hugging Face's layout (issue 13, item 4): config.json, the
weights in bf16 (or float32) split into N safetensors shards with model.safetensors.index.json, and the
tokenizer files copied from a folder that has them. The weights are N(0, 0.02) (norms 1), generated on the
GPU when there is one; nothing is learned, so only speed, memory and the product path are measured with it.

  python3 bench/python/make_random_llama.py --out DIR --tokenizer-from MODEL_DIR [--shape llama2-7b] [--shards 3]

Shapes: llama2-7b (32 layers, hidden 4096, ffn 11008, 32 heads, vocab 32000, untied head, 4096 positions),
llama3-8b (hidden 4096, ffn 14336, 8 key/value heads, vocab 128256, untied). The safetensors files are written
here byte by byte from the format (8-byte header length, JSON header, raw little-endian data): no
safetensors package needed.
"""
import argparse
import json
import os
import shutil
import struct
import time

import torch

SHAPES = {
    "llama2-7b": dict(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32,
                      num_key_value_heads=32, vocab_size=32000, max_position_embeddings=4096,
                      rope_theta=10000.0, rms_norm_eps=1e-5),
    "llama3-8b": dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
                      num_key_value_heads=8, vocab_size=128256, max_position_embeddings=8192,
                      rope_theta=500000.0, rms_norm_eps=1e-5),
}


def tensor_shapes(c):
    h, f, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    hd = h // c["num_attention_heads"]
    kv = c["num_key_value_heads"] * hd
    yield "model.embed_tokens.weight", (v, h)
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        yield p + "input_layernorm.weight", (h,)
        yield p + "self_attn.q_proj.weight", (h, h)
        yield p + "self_attn.k_proj.weight", (kv, h)
        yield p + "self_attn.v_proj.weight", (kv, h)
        yield p + "self_attn.o_proj.weight", (h, h)
        yield p + "post_attention_layernorm.weight", (h,)
        yield p + "mlp.gate_proj.weight", (f, h)
        yield p + "mlp.up_proj.weight", (f, h)
        yield p + "mlp.down_proj.weight", (h, f)
    yield "model.norm.weight", (h,)
    yield "lm_head.weight", (v, h)


def write_shard(path, tensors, dtype_name):
    header, offset = {}, 0
    for name, t in tensors:
        n = t.numel() * t.element_size()
        header[name] = {"dtype": dtype_name, "shape": list(t.shape), "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for _, t in tensors:
            f.write(t.contiguous().view(torch.uint8).numpy().tobytes())
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--tokenizer-from", required=True, help="a model folder with tokenizer.model / tokenizer.json")
    ap.add_argument("--shape", default="llama2-7b", choices=sorted(SHAPES))
    ap.add_argument("--shards", type=int, default=3)
    ap.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float32"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layers", type=int, default=0, help="override the shape's number of blocks (a smaller model)")
    a = ap.parse_args()
    c = dict(SHAPES[a.shape])
    if a.layers > 0:
        c["num_hidden_layers"] = a.layers
    dtype = torch.bfloat16 if a.dtype == "bfloat16" else torch.float32
    st_dtype = "BF16" if a.dtype == "bfloat16" else "F32"
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    gen = torch.Generator(device=dev).manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    shapes = list(tensor_shapes(c))
    total = sum(torch.Size(s).numel() for _, s in shapes) * (2 if dtype == torch.bfloat16 else 4)
    per_shard = total / a.shards
    weight_map, shard, shard_bytes, index = {}, [], 0, 1
    files = [f"model-{i:05d}-of-{a.shards:05d}.safetensors" for i in range(1, a.shards + 1)]

    def flush():
        nonlocal shard, shard_bytes, index
        write_shard(os.path.join(a.out, files[index - 1]), shard, st_dtype)
        for name, _ in shard:
            weight_map[name] = files[index - 1]
        shard, shard_bytes, index = [], 0, index + 1

    for name, shape in shapes:
        if len(shape) == 1:
            t = torch.ones(shape, dtype=dtype)
        else:
            t = (torch.randn(shape, generator=gen, device=dev, dtype=torch.float32) * 0.02).to(dtype).cpu()
        shard.append((name, t))
        shard_bytes += t.numel() * t.element_size()
        if shard_bytes >= per_shard and index < a.shards:
            flush()
    flush()
    with open(os.path.join(a.out, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=1)
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
              "bos_token_id": 1, "eos_token_id": 2, "tie_word_embeddings": False, "torch_dtype": a.dtype,
              "attention_bias": False, "mlp_bias": False, **c}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    for name in ("tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        src = os.path.join(a.tokenizer_from, name)
        if os.path.exists(src):
            shutil.copy(src, os.path.join(a.out, name))
    print(f"make_random_llama: {a.shape} {a.dtype}, {total / 2**30:.2f} GiB in {a.shards} shards, "
          f"{time.time() - t0:.1f} s -> {a.out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark models in HuggingFace snapshot layout with random weights (python3 + numpy only).

  make_models.py --model mbert-base|xglm-564m --out DIR [--seed S] [--dtype float32|float16]

The shapes are those of bert-base-multilingual-cased and facebook/xglm-564m, so that timings mean
what they would with the real checkpoints (no hub here to download them from); the tensor names
are those of the bundled fixtures (tests/data/models/tiny-bert, tiny-xglm), which polyrep is known
to load. Tokenizers: mBERT's real vocab.txt (the real token counts, so tokens/s is comparable);
for XGLM the fixture's small SentencePiece model (real XGLM's is not in the repository; its ids
all lie below vocab_size, so the embedding lookups are valid, only the token counts differ).

Weights: normal(0, 0.02) for matrices and embeddings (HF's initializer_range), padding row of the
word embeddings zero (as HF's init does), LayerNorm weight 1 / bias 0, biases normal(0, 0.01) so
that bias additions are not trivially zero. model.safetensors is written tensor by tensor in
chunks of at most CHUNK elements: memory stays bounded (XGLM-564M in float32 is ~2.3 GB).
"""
import argparse
import json
import os
import shutil
import struct
import sys
import time

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")
CHUNK = 1 << 24  # elements generated at a time (64 MiB in float32)

MODELS = {
    "mbert-base": dict(
        model_type="bert", architectures=["BertModel"], hidden_size=768, num_hidden_layers=12,
        num_attention_heads=12, intermediate_size=3072, vocab_size=119547,
        max_position_embeddings=512, type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12,
        pad_token_id=0, attention_probs_dropout_prob=0.1, hidden_dropout_prob=0.1,
        initializer_range=0.02, position_embedding_type="absolute", classifier_dropout=None,
        directionality="bidi", use_cache=True),
    "xglm-564m": dict(
        model_type="xglm", architectures=["XGLMModel"], d_model=1024, num_layers=24,
        attention_heads=16, ffn_dim=4096, vocab_size=256008, max_position_embeddings=2048,
        scale_embedding=True, activation_function="gelu", layer_norm_eps=1e-5, pad_token_id=1,
        bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, activation_dropout=0.0,
        attention_dropout=0.1, dropout=0.1, init_std=0.02, layerdrop=0.0, use_cache=True),
}


def bert_tensors(c):
    """(name, shape, kind) in the fixture's naming; kind: w = normal 0.02, b = bias, one/zero = LN."""
    h, i = c["hidden_size"], c["intermediate_size"]
    t = [("embeddings.word_embeddings.weight", (c["vocab_size"], h), "emb"),
         ("embeddings.position_embeddings.weight", (c["max_position_embeddings"], h), "w"),
         ("embeddings.token_type_embeddings.weight", (c["type_vocab_size"], h), "w"),
         ("embeddings.LayerNorm.weight", (h,), "one"), ("embeddings.LayerNorm.bias", (h,), "zero"),
         ("pooler.dense.weight", (h, h), "w"), ("pooler.dense.bias", (h,), "b")]
    for n in range(c["num_hidden_layers"]):
        p = f"encoder.layer.{n}."
        for proj in ("query", "key", "value"):
            t += [(p + f"attention.self.{proj}.weight", (h, h), "w"),
                  (p + f"attention.self.{proj}.bias", (h,), "b")]
        t += [(p + "attention.output.dense.weight", (h, h), "w"),
              (p + "attention.output.dense.bias", (h,), "b"),
              (p + "attention.output.LayerNorm.weight", (h,), "one"),
              (p + "attention.output.LayerNorm.bias", (h,), "zero"),
              (p + "intermediate.dense.weight", (i, h), "w"), (p + "intermediate.dense.bias", (i,), "b"),
              (p + "output.dense.weight", (h, i), "w"), (p + "output.dense.bias", (h,), "b"),
              (p + "output.LayerNorm.weight", (h,), "one"), (p + "output.LayerNorm.bias", (h,), "zero")]
    return t


def xglm_tensors(c):
    h, i = c["d_model"], c["ffn_dim"]
    t = [("embed_tokens.weight", (c["vocab_size"], h), "emb"),  # positions are sinusoidal: no weights
         ("layer_norm.weight", (h,), "one"), ("layer_norm.bias", (h,), "zero")]
    for n in range(c["num_layers"]):
        p = f"layers.{n}."
        for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
            t += [(p + f"self_attn.{proj}.weight", (h, h), "w"), (p + f"self_attn.{proj}.bias", (h,), "b")]
        t += [(p + "self_attn_layer_norm.weight", (h,), "one"), (p + "self_attn_layer_norm.bias", (h,), "zero"),
              (p + "fc1.weight", (i, h), "w"), (p + "fc1.bias", (i,), "b"),
              (p + "fc2.weight", (h, i), "w"), (p + "fc2.bias", (h,), "b"),
              (p + "final_layer_norm.weight", (h,), "one"), (p + "final_layer_norm.bias", (h,), "zero")]
    return t


def write_safetensors(path, tensors, dtype, seed, pad_id):
    np_dtype = np.dtype(dtype).newbyteorder("<")
    st_dtype = {"float32": "F32", "float16": "F16"}[dtype]
    tensors = sorted(tensors)  # keys sorted: the file's order does not depend on how the list was built
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape, _ in tensors:
        nbytes = int(np.prod(shape)) * np_dtype.itemsize
        header[name] = {"dtype": st_dtype, "shape": list(shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)  # data starts 8-byte aligned, as the safetensors writer does
    rng = np.random.default_rng(seed)
    tmp = path + ".partial"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name, shape, kind in tensors:
            n = int(np.prod(shape))
            if kind in ("one", "zero"):
                f.write(np.full(n, 1.0 if kind == "one" else 0.0, dtype=np_dtype).tobytes())
                continue
            std = 0.01 if kind == "b" else 0.02
            row = shape[-1] if len(shape) > 1 else 1
            step = max(row, CHUNK // row * row)  # whole rows per chunk, so the pad row is in one
            for start in range(0, n, step):
                block = rng.standard_normal(min(step, n - start), dtype=np.float32)
                block *= std
                if kind == "emb" and start <= pad_id * row < start + block.size:
                    block[pad_id * row - start:(pad_id + 1) * row - start] = 0.0
                f.write(block.astype(np_dtype).tobytes())
    os.replace(tmp, path)  # a killed run leaves no half-written model.safetensors behind
    return offset + 8 + len(text)


def bert_tokenizer_config(vocab_file):
    """tiny-bert's tokenizer_config.json, with the special tokens' ids taken from this vocabulary
    (mBERT has [UNK]/[CLS]/[SEP]/[MASK] at 100-103, tiny-bert at 1-4)."""
    with open(os.path.join(DATA, "models", "tiny-bert", "tokenizer_config.json")) as f:
        cfg = json.load(f)
    with open(vocab_file, encoding="utf-8") as f:
        ids = {line.rstrip("\n"): n for n, line in enumerate(f)}
    decoder = {}
    for entry in cfg["added_tokens_decoder"].values():
        if entry["content"] not in ids:
            sys.exit(f"make_models.py: {vocab_file} has no {entry['content']}")
        decoder[str(ids[entry["content"]])] = entry
    cfg["added_tokens_decoder"] = dict(sorted(decoder.items(), key=lambda kv: int(kv[0])))
    cfg["do_lower_case"] = False
    return cfg


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, choices=sorted(MODELS))
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dtype", default="float32", choices=["float32", "float16"])
    a = ap.parse_args()
    start = time.time()
    os.makedirs(a.out, exist_ok=True)
    cfg = dict(MODELS[a.model], torch_dtype=a.dtype, transformers_version="4.40.2",
               polyrep_benchmark_model=f"random weights, seed {a.seed} (tools/bench/make_models.py)")
    if a.model == "mbert-base":
        tensors = bert_tensors(cfg)
        vocab = os.path.join(DATA, "mbert-cased", "vocab.txt")
        shutil.copyfile(vocab, os.path.join(a.out, "vocab.txt"))
        with open(os.path.join(a.out, "tokenizer_config.json"), "w") as f:
            json.dump(bert_tokenizer_config(vocab), f, indent=2)
        shutil.copyfile(os.path.join(DATA, "models", "tiny-bert", "special_tokens_map.json"),
                        os.path.join(a.out, "special_tokens_map.json"))
    else:
        tensors = xglm_tensors(cfg)
        for name in ("sentencepiece.bpe.model", "tokenizer_config.json", "special_tokens_map.json"):
            shutil.copyfile(os.path.join(DATA, "models", "tiny-xglm", name), os.path.join(a.out, name))
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(dict(sorted(cfg.items())), f, indent=2)
    size = write_safetensors(os.path.join(a.out, "model.safetensors"), tensors, a.dtype, a.seed,
                             cfg["pad_token_id"])
    params = sum(int(np.prod(s)) for _, s, _ in tensors)
    print(f"make_models.py: {a.model} -> {a.out}: {params / 1e6:.1f}M parameters, "
          f"{size / 2**20:.0f} MiB ({a.dtype}), {time.time() - start:.1f} s")


if __name__ == "__main__":
    main()

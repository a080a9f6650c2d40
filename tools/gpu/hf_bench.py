#!/usr/bin/env python3
"""The Python half of tools/gpu/device_check.sh (needs torch, transformers, h5py, numpy).

  hf_bench.py models --out DIR --vocab VOCAB --spm-dir DIR [--small]
      An mBERT-base-shaped BERT and an XGLM-564M-shaped XGLM with random weights (transformers'
      config classes, seed 0, no download), saved in HuggingFace layout (model.safetensors) with
      the real mBERT vocab.txt and, for XGLM, the test fixture's SentencePiece model (its ids lie
      below vocab_size; real XGLM's tokenizer is not in the repository). --small: 2-layer models
      of the same widths, for the CPU rehearsal.
  hf_bench.py hf --model DIR --ids FILE.h5 --dtype float32|bfloat16|float16 --device cuda|cpu
                 [--batch-tokens N] [--seconds S] --json OUT
      HuggingFace transformers on the token ids polyrep wrote into FILE.h5 (/tokens/id,
      /sentences/token_offset), batched by length like polyrep (sorted, padded batches of at most
      N tokens), output_hidden_states=True, every layer's real-token rows copied to the host in
      float16 (what polyrep stores). Reports tokens/s of the forward alone and of forward + copy,
      and torch.cuda.max_memory_allocated.
  hf_bench.py flops --model DIR --ids FILE.h5
      Forward FLOPs of these sentences: per layer 2 * (4 H^2 + 2 H I) per token for the matrix
      products and 4 H n^2 per sentence of n tokens for attention (Q K^T and P V); embeddings and
      LayerNorm are left out.
"""
import argparse
import json
import os
import shutil
import sys
import time

import numpy as np


def load_ids(path):
    import h5py
    with h5py.File(path, "r") as f:
        ids = f["tokens/id"][()].astype(np.int64)
        off = f["sentences/token_offset"][()].astype(np.int64)
    return [ids[off[i]:off[i + 1]] for i in range(len(off) - 1)]


def make_models(args):
    import torch
    from transformers import BertConfig, BertModel, XGLMConfig, XGLMModel
    torch.manual_seed(0)
    layers_bert, layers_xglm = (2, 2) if args.small else (12, 24)
    bert = BertConfig(vocab_size=119547, hidden_size=768, num_hidden_layers=layers_bert,
                      num_attention_heads=12, intermediate_size=3072, max_position_embeddings=512,
                      type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12, pad_token_id=0)
    xglm = XGLMConfig(vocab_size=256008, d_model=1024, num_layers=layers_xglm, attention_heads=16,
                      ffn_dim=4096, max_position_embeddings=2048, activation_function="gelu",
                      scale_embedding=True, layer_norm_eps=1e-5, pad_token_id=1)
    for name, config, cls in [("mbert-base", bert, BertModel), ("xglm-564m", xglm, XGLMModel)]:
        out = os.path.join(args.out, name)
        os.makedirs(out, exist_ok=True)
        start = time.time()
        model = cls(config).eval()
        model.save_pretrained(out, safe_serialization=True)
        if name == "mbert-base":
            shutil.copy(args.vocab, os.path.join(out, "vocab.txt"))
            json.dump({"do_lower_case": False, "tokenizer_class": "BertTokenizer"},
                      open(os.path.join(out, "tokenizer_config.json"), "w"))
        else:
            for f in os.listdir(args.spm_dir):
                if f.startswith("sentencepiece") or f.startswith("tokenizer_config") or f.startswith("special_tokens"):
                    shutil.copy(os.path.join(args.spm_dir, f), out)
        print(f"{name}: {sum(p.numel() for p in model.parameters()) / 1e6:.1f} M parameters, "
              f"built and saved in {time.time() - start:.1f} s", flush=True)


def batches(sentences, budget):
    order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
    batch = []
    for i in order:
        if batch and (len(batch) + 1) * len(sentences[batch[0]]) > budget:
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def run_hf(args):
    import torch
    from transformers import AutoModel
    dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[args.dtype]
    device = torch.device(args.device)
    model = AutoModel.from_pretrained(args.model, torch_dtype=dtype).to(device).eval()
    sentences = load_ids(args.ids)
    pad = model.config.pad_token_id or 0
    prepared = []
    for b in batches(sentences, args.batch_tokens):
        n = len(sentences[b[0]])
        ids = torch.full((len(b), n), pad, dtype=torch.long)
        mask = torch.zeros((len(b), n), dtype=torch.long)
        for j, i in enumerate(b):
            ids[j, :len(sentences[i])] = torch.from_numpy(sentences[i])
            mask[j, :len(sentences[i])] = 1
        prepared.append((ids.to(device), mask.to(device)))
    tokens = sum(len(s) for s in sentences)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    with torch.inference_mode():
        ids, mask = prepared[0]
        model(input_ids=ids, attention_mask=mask, output_hidden_states=True)  # warm-up
        sync()
        result = {}
        for label, copy in [("forward", False), ("forward_copy", True)]:
            start, done = time.time(), 0
            for ids, mask in prepared:
                out = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
                if copy:
                    real = mask.bool()
                    for h in out.hidden_states:
                        h[real].to(torch.float16).cpu()
                done += int(mask.sum())
                if args.seconds and time.time() - start > args.seconds:
                    break
            sync()
            seconds = time.time() - start
            result[label] = {"tokens": done, "seconds": seconds, "tokens_per_s": done / seconds}
    result["dtype"] = args.dtype
    result["device"] = args.device
    result["tokens_in_file"] = tokens
    if device.type == "cuda":
        result["max_memory_allocated_bytes"] = torch.cuda.max_memory_allocated()
    json.dump(result, open(args.json, "w"), indent=1)
    print(json.dumps(result), flush=True)


def flops(args):
    config = json.load(open(os.path.join(args.model, "config.json")))
    h = config.get("hidden_size", config.get("d_model"))
    i = config.get("intermediate_size", config.get("ffn_dim"))
    layers = config.get("num_hidden_layers", config.get("num_layers"))
    lengths = np.array([len(s) for s in load_ids(args.ids)], dtype=np.float64)
    total = layers * (2 * (4 * h * h + 2 * h * i) * lengths.sum() + 4 * h * (lengths ** 2).sum())
    print(json.dumps({"flops": total, "tokens": int(lengths.sum()), "sentences": len(lengths)}))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("models")
    m.add_argument("--out", required=True)
    m.add_argument("--vocab", required=True)
    m.add_argument("--spm-dir", required=True)
    m.add_argument("--small", action="store_true")
    h = sub.add_parser("hf")
    h.add_argument("--model", required=True)
    h.add_argument("--ids", required=True)
    h.add_argument("--dtype", default="float32")
    h.add_argument("--device", default="cuda")
    h.add_argument("--batch-tokens", type=int, default=16384)
    h.add_argument("--seconds", type=float, default=0)
    h.add_argument("--json", required=True)
    f = sub.add_parser("flops")
    f.add_argument("--model", required=True)
    f.add_argument("--ids", required=True)
    args = parser.parse_args()
    {"models": make_models, "hf": run_hf, "flops": flops}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())

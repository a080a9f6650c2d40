#!/usr/bin/env python3
"""polyrep embeddings on the three fixture models, checked against the checkpoints themselves.

The vocabulary file's rows must be model.safetensors' word-embedding rows (read here with numpy,
not with polyrep), its token texts the tokenizer's pieces, its languages the pieces' scripts; the
positions file's rows the position embeddings as the forward adds them (BERT: row p; XLM-R: row
pad_token_id + 1 + p; XGLM: fairseq sinusoids computed here from the formula) followed by the
token-type rows; --vocab-filter and --vocab-sample choose rows as documented; and `reduce` and
`plot` take both files as they are, the positions report joining positions 0, 1, ... by a line.

usage: embeddings_test.py POLYREP DATA WORK
"""
import base64
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys

import h5py
import numpy as np

polyrep, data, work = sys.argv[1:4]


def safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        blob = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", info["dtype"]
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(blob[a:b], dtype="<f4").reshape(info["shape"])
    return out


def sinusoids(rows, dim, padding_idx):  # fairseq / HF XGLMSinusoidalPositionalEmbedding, in float64
    half = dim // 2
    freq = np.exp(np.arange(half) * -(math.log(10000) / (half - 1)))
    arg = np.arange(rows)[:, None] * freq[None, :]
    table = np.concatenate([np.sin(arg), np.cos(arg)], axis=1)
    table[padding_idx] = 0
    return table


def text(v):
    return v.decode() if isinstance(v, bytes) else v


def run(*args):
    subprocess.run([polyrep, *args], check=True)


def check(model, word_key, position_key, type_key):
    mdir = f"{data}/models/{model}"
    weights = safetensors(f"{mdir}/model.safetensors")
    config = json.load(open(f"{mdir}/config.json"))
    out = f"{work}/{model}.h5"
    run("embeddings", "--model", mdir, "--out", out)
    with h5py.File(out) as f, h5py.File(f"{work}/{model}.positions.h5") as p:
        assert text(f.attrs["embedding_table"]) == "vocabulary" and int(f.attrs["complete"]) == 1
        word = weights[word_key]
        ids = f["tokens/id"][()]
        assert list(ids) == list(range(word.shape[0])), "every vocabulary row, in id order"
        assert np.array_equal(f["hidden/tokens"][0], word), "vocabulary rows differ from the checkpoint"
        assert list(f["hidden/layers"][()]) == [0]
        langs = [text(x) for x in f["languages"][()]]
        pieces = f["tokens/text"].asstr()[()]
        script = {i: langs[g] for i, g in enumerate(f["sentences/lang"][()])}
        special = f["tokens/special"][()]
        assert "special" in langs and "Latn" in langs, langs
        for i, piece in enumerate(pieces):
            core = piece.replace("##", "", 1) if piece.startswith("##") else piece.replace("\u2581", "")
            if special[i]:
                assert script[i] == "special", (i, piece, script[i])
            elif core.isascii() and core.isalpha():
                assert script[i] == "Latn", (i, piece, script[i])
            elif core.isdigit() and core.isascii():
                assert script[i] == "Zyyy", (i, piece, script[i])
        pos = p["hidden/tokens"][0]
        n_pos = config["max_position_embeddings"]
        if position_key:
            table = weights[position_key]
            first = config["pad_token_id"] + 1 if config["model_type"] == "xlm-roberta" else 0
            expected = table[first:]
            learned = "learned"
        else:  # XGLM: positions 0.. are rows 2.. of the sinusoid table
            expected = sinusoids(n_pos + 2, config["d_model"], config["pad_token_id"])[2:]
            learned = "sinusoidal"
        types = weights[type_key] if type_key else np.zeros((0, expected.shape[1]), np.float32)
        assert pos.shape == (expected.shape[0] + types.shape[0], expected.shape[1]), pos.shape
        # HF (and polyrep) compute XGLM's sinusoids in float32: the argument p * f is rounded to
        # float32, an error of up to a few p * 2^-24 against this float64 formula.
        tolerance = 1e-6 + 4 * (np.arange(expected.shape[0])[:, None] + 2) * 2.0 ** -24 if not position_key else 0
        assert np.all(np.abs(pos[:expected.shape[0]] - expected) <= tolerance), "position rows"
        assert np.array_equal(pos[expected.shape[0]:], types), "token-type rows"
        assert text(p.attrs["position_embedding"]) == learned
        plangs = [text(x) for x in p["languages"][()]]
        assert plangs[0] == "0-63" and (plangs[-1] == "token types") == bool(type_key), plangs
    print(f"{model}: {word.shape[0]} vocabulary rows in {len(langs)} groups, {pos.shape[0]} position rows")


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
check("tiny-bert", "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
      "embeddings.token_type_embeddings.weight")
check("tiny-xlmr", "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
      "embeddings.token_type_embeddings.weight")
check("tiny-xglm", "embed_tokens.weight", None, None)

# --vocab-filter keeps exactly the rows of the scripts asked for; --vocab-sample draws from them by seed.
bert = f"{data}/models/tiny-bert"
run("embeddings", "--model", bert, "--out", f"{work}/filtered.h5", "--vocab-filter", "scripts=Cyrl,special")
for seed in ("3", "3", "4"):
    run("embeddings", "--model", bert, "--out", f"{work}/sampled-{seed}.h5", "--vocab-filter", "scripts=Cyrl,special",
        "--vocab-sample", "50", "--seed", seed, "--overwrite")
with h5py.File(f"{work}/filtered.h5") as f, h5py.File(f"{work}/tiny-bert.h5") as full:
    names = [text(x) for x in full["languages"][()]]
    wanted = np.where(np.isin(np.array(names)[full["sentences/lang"][()]], ["Cyrl", "special"]))[0]
    assert sorted(text(x) for x in f["languages"][()]) == ["Cyrl", "special"]
    assert np.array_equal(f["tokens/id"][()], wanted), "filtered rows"
    assert np.array_equal(f["hidden/tokens"][0], full["hidden/tokens"][0][wanted])
    with h5py.File(f"{work}/sampled-3.h5") as a, h5py.File(f"{work}/sampled-4.h5") as b:
        ids = a["tokens/id"][()]
        assert len(ids) == 50 and np.all(np.diff(ids) > 0) and np.all(np.isin(ids, wanted)), ids
        assert not np.array_equal(ids, b["tokens/id"][()]), "another seed, another sample"
print(f"filter: {len(wanted)} rows of Cyrl and special; a seeded sample of 50 of them")

# reduce and plot take both files as they are.
run("reduce", f"{work}/tiny-bert.h5", "--pca", "5", "--tsne", "--iterations", "250", "--tsne-max-points", "2000")
run("reduce", f"{work}/tiny-bert.positions.h5", "--pca", "5")
with h5py.File(f"{work}/tiny-bert.h5") as f:
    assert f["reduce/pca/tokens/projection"].shape == (1, 8574, 5)
    assert f["reduce/tsne/tokens/embedding"].shape[0] == 1
if len(sys.argv) > 4 and sys.argv[4] == "--plot":
    run("plot", f"{work}/tiny-bert.positions.h5", "--out", f"{work}/positions-report")
    html = open(f"{work}/positions-report/report.html", encoding="utf-8").read()
    payload = json.loads(re.search(r'id="polyrep-data">(.*?)</script>', html, re.S).group(1))
    cloud = next(c for c in payload["clouds"] if c["name"] == "tokens")
    text_of = np.frombuffer(base64.b64decode(cloud["text"]), "<u4")
    path = np.frombuffer(base64.b64decode(cloud["path"]), "<i4")
    # The line joins positions 0, 1, ..., 511 in order, and no token-type row.
    assert [cloud["strings"][text_of[i]] for i in path] == [f"position {p}" for p in range(512)], "path order"
    print("plot: positions report written; its path joins positions 0..511 in order")
print("reduce: PCA and t-SNE of the vocabulary, PCA of the positions")

#!/usr/bin/env python3
"""extract --attention mean against HuggingFace, through the file.

For each tiny model, the reference's parallel sentences 000..003 (en, de, fr, es, whose HF
head-averaged attentions the fixture holds) become line 0 of four language files, with another
sentence as line 1. `--attention-sentences 1` must give maps for exactly line 0 of each
language; every map must equal HF's `attention_mean` within 1e-5 (--dtype float32); the file at
np 1 and at np 2 (one thread per rank) must be byte-identical in /attention, also with one sentence
per window (ranks then write rounds without maps); the README's h5py recipe must read them;
a causal model's maps are lower-triangular; `--attention none` writes no /attention; and the
float16 file holds the same maps within float16 rounding.

usage: attention_test.py POLYREP DATA WORK MPIRUN...
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

polyrep, data, work, mpirun = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
LANGS = ["eng_Latn", "deu_Latn", "fra_Latn", "spa_Latn"]


def text(v):
    return v.decode() if isinstance(v, bytes) else v


def extract(model, corpus, out, *extra, np2=False):
    cmd = (mpirun if np2 else []) + [polyrep, "extract", "--model", f"{data}/models/{model}", "--corpus", corpus,
                                     "--split", "dev", "--langs", ",".join(LANGS), "--sample", "all",
                                     "--out", out, "-q", "--threads", "1", *extra]
    subprocess.run(cmd, check=True)


def readme_recipe(path, k, layer):
    # README "Attention maps": sentence k's map at layer l.
    with h5py.File(path) as f:
        a = f["attention"]
        o, T = a["offset"][k], a["offset"][k + 1] - a["offset"][k]
        return a["mean"][layer, o:o + T].reshape(int(np.sqrt(T)), -1)


def check_model(model):
    ref = h5py.File(f"{data}/models/{model}/reference.h5")
    sentences = [text(s) for s in ref["sentences"][()]]
    corpus = f"{work}/{model}/corpus"
    os.makedirs(f"{corpus}/dev", exist_ok=True)
    for i, lang in enumerate(LANGS):
        with open(f"{corpus}/dev/{lang}.dev", "w", encoding="utf-8") as f:
            f.write(sentences[i] + "\n" + sentences[4 + i] + "\n")
    f32, f32b, f16, none = (f"{work}/{model}/{n}.h5" for n in ("np1", "np2", "f16", "none"))
    args = ["--attention", "mean", "--attention-sentences", "1"]
    extract(model, corpus, f32, *args, "--dtype", "float32")
    extract(model, corpus, f32b, *args, "--dtype", "float32", np2=True)
    extract(model, corpus, f16, *args, "--dtype", "float16")
    extract(model, corpus, none, "--dtype", "float32")
    # One sentence per window: most rounds' windows hold no map, so ranks join the collective
    # write of /attention/mean with nothing (and np 2 must still equal np 1).
    small1, small2 = f"{work}/{model}/small1.h5", f"{work}/{model}/small2.h5"
    extract(model, corpus, small1, *args, "--dtype", "float32", "--window-tokens", "1")
    extract(model, corpus, small2, *args, "--dtype", "float32", "--window-tokens", "1", np2=True)
    with h5py.File(small1) as a, h5py.File(small2) as b, h5py.File(f32) as c:
        for name in ("sentence", "offset", "mean"):
            assert np.array_equal(a[f"attention/{name}"][()], b[f"attention/{name}"][()]), f"small windows: {name}"
        assert np.abs(a["attention/mean"][()] - c["attention/mean"][()]).max() <= 1e-6, "windows changed the maps"
    layers = int(ref.attrs["num_layers"])
    with h5py.File(f32) as f, h5py.File(f32b) as g, h5py.File(f16) as h, h5py.File(none) as n:
        assert "attention" not in n, "--attention none wrote /attention"
        assert text(f.attrs["attention"]) == "mean" and int(f.attrs["attention_sentences"]) == 1
        assert text(n.attrs["attention"]) == "none"
        source = f["sentences/source_index"][()]
        rows = f["attention/sentence"][()]
        assert rows.dtype == np.int64 and list(source[rows]) == [0] * 4, (rows, source)
        assert list(rows) == [0, 2, 4, 6], rows
        offsets = f["sentences/token_offset"][()]
        lengths = offsets[rows + 1] - offsets[rows]
        assert list(f["attention/offset"][()]) == list(np.concatenate([[0], np.cumsum(lengths ** 2)])), "offsets"
        assert f["attention/mean"].shape == (layers, int((lengths ** 2).sum())), f["attention/mean"].shape
        assert f["attention/mean"].dtype == np.float32 and h["attention/mean"].dtype == np.float16
        for name in ("sentence", "offset", "mean"):
            assert np.array_equal(f[f"attention/{name}"][()], g[f"attention/{name}"][()]), f"np 1 != np 2: {name}"
        worst = 0.0
        for k in range(4):
            expected = ref[f"per_sentence/{k:03d}/attention_mean"][()]  # [L, n, n]
            n_k = expected.shape[-1]
            assert lengths[k] == n_k, (k, lengths[k], n_k)
            for layer in range(layers):
                ours = readme_recipe(f32, k, layer)
                worst = max(worst, float(np.abs(ours - expected[layer]).max()))
                assert np.allclose(ours.sum(1), 1, atol=1e-5)
                if model == "tiny-xglm":
                    assert np.all(np.triu(ours, 1) == 0), "causal map has weight above the diagonal"
                half = readme_recipe(f16, k, layer).astype(np.float32)
                assert np.abs(half - ours).max() <= 1e-3, "float16 maps"
        assert worst <= 1e-5, (model, worst)
        print(f"{model}: 4 maps x {layers} layers, max |ours - HF| = {worst:.3g}; np 1 == np 2; "
              f"{f['attention/mean'].size * 4} bytes in float32")


shutil.rmtree(work, ignore_errors=True)
for model in ("tiny-bert", "tiny-xlmr", "tiny-xglm"):
    check_model(model)

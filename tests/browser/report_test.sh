#!/usr/bin/env bash
# End to end in a real browser: extract (np 2) -> reduce (PCA, token types, t-SNE) -> plot, then
# Debian's headless Chromium opens report.html from disk and, for every cloud, must show no console
# error, draw exactly the points the file holds, and show a point's text (read here from the HDF5
# file with h5py, not from the report) when the mouse is over it. The extraction keeps attention
# maps for 3 sentences per language: the report's maps must equal the file's, and clicking a
# sentence with a map must show its heatmap and its translations' (cells, token labels, colours
# and hover weights from the file), following the layer slider (report_check.py --attention). Also
# checks that the report loads nothing from elsewhere and that the figures and Vega-Lite specs are
# there and parse, and a plot --compare report of a base and a LoRA extraction (report_check.py --compare).
#   report_test.sh POLYREP_BINARY        (exit 77: no Chromium or no h5py here, test skipped)
set -euo pipefail
polyrep=$1
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "$here/../data" && pwd)
python=/usr/bin/python3
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || { echo "skip: no chromium"; exit 77; }
"$python" -c "import h5py, websocket" 2>/dev/null || { echo "skip: needs python3-h5py and python3-websocket"; exit 77; }
work=$(mktemp -d)
trap '[[ -n ${KEEP_WORK:-} ]] || rm -rf "$work"' EXIT
flags=(--oversubscribe)
[[ $(id -u) -eq 0 ]] && flags+=(--allow-run-as-root)

mpirun "${flags[@]}" -np 2 "$polyrep" extract --model "$data/models/tiny-xlmr" --corpus "$data/flores200" \
  --split dev --langs eng_Latn,deu_Latn,hin_Deva,zho_Hans --sample 12 --attention mean --attention-sentences 3 \
  --out "$work/r.h5" -q
mpirun "${flags[@]}" -np 2 "$polyrep" reduce "$work/r.h5" --pca 8 --tsne --average-token-duplicates \
  --iterations 300 --perplexity 5 --tsne-max-points 400
"$polyrep" plot "$work/r.h5" --out "$work/out" --formats svg,png,pdf

if grep -Eio '<(script|link|img)[^>]+(src|href)="[^"]*"' "$work/out/report.html" | grep -vq '"data:'; then
  echo "FAIL: report.html refers to outside resources"; exit 1
fi
echo "ok: report.html is self-contained ($(du -k "$work/out/report.html" | cut -f1) KiB)"

# Expected counts and texts, from the HDF5 file (through its /reduce link).
read -r -a expect < <("$python" - "$work/r.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
sent = f["sentences/text"].asstr()
rows = f["reduce/tsne/tokens/rows"][:]
tok = f["tokens/text"].asstr()
first = f["reduce/types/first_row"][:]
type_rows = f["reduce/tsne/types/rows"][:]  # t-SNE subsampled the types too (--tsne-max-points)
i_s, i_t, i_y = 7, len(rows) // 3, len(type_rows) // 2
print(len(sent), i_s, sent[i_s].encode().hex(), len(rows), i_t, tok[rows[i_t]].encode().hex(),
      len(type_rows), i_y, tok[first[type_rows[i_y]]].encode().hex())
PY
)
# The attention maps: the report's (decoded here from the embedded JSON) must be the file's; the
# second map of the first language with its translations is what the browser must show.
"$python" - "$work/r.h5" "$work/out/report.html" "$work/attention.json" <<'PY'
import base64, json, re, sys
import h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
a = f["attention"]
rows, off, mean = a["sentence"][()], a["offset"][()], a["mean"][()]
tok_off, toks = f["sentences/token_offset"][()], f["tokens/text"].asstr()[()]
src, lang, text = f["sentences/source_index"][()], f["sentences/lang"][()], f["sentences/text"].asstr()[()]
langs = f["languages"].asstr()[()]
html = open(sys.argv[2], encoding="utf-8").read()
p = json.loads(re.search(r'id="polyrep-data">(.*?)</script>', html, re.S).group(1))
att, st = p["attention"], p["sentences"]
table = [(t, l) for t, l in zip(st["text"], np.frombuffer(base64.b64decode(st["lang"]), "<u2"))]
assert att["count"] == len(rows) == att["file_maps"], (att["count"], len(rows))
assert att["layers"] == list(range(1, mean.shape[0] + 1)), att["layers"]
sent = np.frombuffer(base64.b64decode(att["sentence"]), "<i4")
for li in range(mean.shape[0]):
    q = np.frombuffer(base64.b64decode(att["values"][li]), "<u2") / 65535.0
    for k, r in enumerate(rows):
        assert table[sent[k]] == (text[r], lang[r]), f"map {k}: sentence {table[sent[k]]}"
        assert att["tokens"][k] == list(toks[tok_off[r]:tok_off[r + 1]]), f"map {k}: tokens"
        o = sum(len(t) ** 2 for t in att["tokens"][:k])
        d = np.abs(q[o:o + off[k + 1] - off[k]] - mean[li, off[k]:off[k + 1]]).max()
        assert d <= 1e-5, f"layer {li + 1} map {k}: {d}"
print(f"ok: the report's {len(rows)} attention maps x {mean.shape[0]} layers equal the file's (within 1e-5)")
k0 = 1
group = [k for k in range(len(rows)) if src[rows[k]] == src[rows[k0]] and k != k0]
group.sort(key=lambda k: lang[rows[k]])
maps = [{"lang": langs[lang[rows[k]]], "text": text[rows[k]],
         "tokens": list(toks[tok_off[rows[k]]:tok_off[rows[k] + 1]]),
         "weights": [mean[l, off[k]:off[k + 1]].astype(float).tolist() for l in range(mean.shape[0])]}
        for k in [k0] + group]
without = next(r for r in range(len(text)) if r not in set(rows.tolist()))
json.dump({"hidden_layers": f["hidden/layers"][()].tolist(), "attention_layers": att["layers"], "maps": maps,
           "without_map": {"text": text[without], "lang": langs[lang[without]]}}, open(sys.argv[3], "w"))
PY

hex() { "$python" -c "import sys; print(bytes.fromhex(sys.argv[1]).decode())" "$1"; }
check=("$python" "$here/report_check.py" "$work/out/report.html")
"${check[@]}" --cloud sentences --expect-points "${expect[0]}" --hover "${expect[1]}" --expect-text "$(hex "${expect[2]}")"
"${check[@]}" --attention "$work/attention.json"
# With --max-attention-maps 0 the report has none of the file's maps and says so where one was.
"$polyrep" plot "$work/r.h5" --out "$work/out0" --max-attention-maps 0 --no-figures --no-vega-lite
"$python" -c 'import json, sys; e = json.load(open(sys.argv[1])); e["omitted"] = True; json.dump(e, open(sys.argv[2], "w"))' \
  "$work/attention.json" "$work/omitted.json"
"$python" "$here/report_check.py" "$work/out0/report.html" --attention "$work/omitted.json"
"${check[@]}" --cloud tokens --expect-points "${expect[3]}" --hover "${expect[4]}" --expect-text "$(hex "${expect[5]}")" --layer 2
"${check[@]}" --cloud types --expect-points "${expect[6]}" --hover "${expect[7]}" --expect-text "$(hex "${expect[8]}")"

# plot --compare: a base and a LoRA extraction of the same sentences (tiny-bert), reduced alike. The
# payload's two datasets must decode to each file's own layouts (h5py) and its CKA be numpy's of the
# files' sentence vectors; in the browser both models' panels must draw the same points, follow the
# slider together, mark a hovered or pinned point in all four panels and show the payload's CKA
# (report_check.py --compare); figures/ holds the compare_<cloud>_<method>_layerNN files.
cmp=(--model "$data/models/tiny-bert" --corpus "$data/flores200" --split dev --langs eng_Latn,fra_Latn,hin_Deva --sample 10)
mpirun "${flags[@]}" -np 2 "$polyrep" extract "${cmp[@]}" --out "$work/base.h5" -q
mpirun "${flags[@]}" -np 2 "$polyrep" extract "${cmp[@]}" --adapter "$data/adapters/tiny-bert-lora" --out "$work/lora.h5" -q
for f in base lora; do
  mpirun "${flags[@]}" -np 2 "$polyrep" reduce "$work/$f.h5" --pca 8 --tsne --average-token-duplicates \
    --iterations 300 --perplexity 5 --tsne-max-points 400
done
"$polyrep" plot "$work/base.h5" --compare "$work/lora.h5" --labels "base,LoRA" --out "$work/cmp" --formats svg,png
"$python" - "$work" <<'PY'
import base64, json, re, sys
import h5py, numpy as np
work = sys.argv[1]
files = [h5py.File(f"{work}/{n}.h5", "r") for n in ("base", "lora")]
html = open(f"{work}/cmp/report.html", encoding="utf-8").read()
p = json.loads(re.search(r'id="polyrep-data">(.*?)</script>', html, re.S).group(1))
def procrustes(b, a):  # b rotated or reflected, and shifted, onto a (numpy's SVD, not polyrep's)
    b, a = b.astype(np.float64), a.astype(np.float64)
    u, _, vt = np.linalg.svd((b - b.mean(0)).T @ (a - a.mean(0)))
    return (b - b.mean(0)) @ (u @ vt) + a.mean(0)
def layouts(f, c):
    rows = f[f"reduce/tsne/{c['name']}/rows"][()]
    assert c["count"] == len(rows), (c["name"], c["count"], len(rows))
    return {"pca": f[f"reduce/pca/{c['name']}/projection"][()][:, rows, :2], "tsne": f[f"reduce/tsne/{c['name']}/embedding"][()]}
for side, (clouds, f) in enumerate([(p["clouds"], files[0]), (p["compare"]["clouds"], files[1])]):
    for c in clouds:
        want = layouts(f, c)
        if side == 1:  # B's layouts are shown aligned to A's (plot --no-align: as they are)
            ref = layouts(files[0], c)
            want = {m: np.stack([procrustes(want[m][l], ref[m][l]) for l in range(len(want[m]))]) for m in want}
        for v in c["views"]:
            for l, layer in enumerate(v["layers"]):
                b = layer["bounds"]
                q = np.frombuffer(base64.b64decode(layer["xy"]), "<u2").reshape(-1, 2) / 65535.0
                xy = np.stack([b[0] + q[:, 0] * (b[1] - b[0]), b[2] + q[:, 1] * (b[3] - b[2])], 1)
                err = np.abs(xy - want[v["method"]][l]).max(0) / (np.array([b[1] - b[0], b[3] - b[2]]) / 65535)
                assert err.max() <= 1.01, (side, c["name"], v["method"], l, err)
print("ok: the compare payload's two datasets decode to base.h5's layouts and lora.h5's aligned to them (numpy Procrustes), same rows")
def cka(x, y):
    x, y = x - x.mean(0), y - y.mean(0)
    return float(np.linalg.norm(y.T @ x) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)))
m = [f["hidden/sentences/mean"][()].astype(np.float64) for f in files]
expect = {"labels": ["base", "LoRA"], "layers": files[0]["hidden/layers"][()].tolist(), "hover": 7,
          "points": {c["name"]: c["count"] for c in p["clouds"]}, "cka": [cka(m[0][l], m[1][l]) for l in range(m[0].shape[0])]}
json.dump(expect, open(f"{work}/compare.json", "w"))
print("numpy's linear CKA per layer:", ", ".join("%.4f" % v for v in expect["cka"]))
PY
"$python" "$here/report_check.py" "$work/cmp/report.html" --compare "$work/compare.json"
expected=$(for c in sentences tokens types; do for m in pca tsne; do for l in 00 01 02; do for e in png svg; do
  echo "compare_${c}_${m}_layer$l.$e"; done; done; done; done | sort)
[[ "$(cd "$work/cmp/figures" && ls | sort)" == "$expected" ]] || { echo "FAIL: figures/ of the compare report: $(ls "$work/cmp/figures")"; exit 1; }
[[ ! -e $work/cmp/vega-lite ]] || { echo "FAIL: the compare report wrote vega-lite/"; exit 1; }
echo "ok: figures/ holds the $(wc -l <<<"$expected") compare_<cloud>_<method>_layerNN files; report.html $(du -k "$work/cmp/report.html" | cut -f1) KiB"

# polyrep embeddings' positions file: its 512 positions are joined by a line in position order
# (payload "path"; the PCA panel's line goes through all of them).
"$polyrep" embeddings --model "$data/models/tiny-bert" --out "$work/emb.h5"
"$polyrep" reduce "$work/emb.positions.h5" --pca 5
"$polyrep" plot "$work/emb.positions.h5" --out "$work/emb" --no-figures
"$python" "$here/report_check.py" "$work/emb/report.html" --cloud tokens --expect-path 512

for cloud in sentences tokens types; do
  for f in "${cloud}_layer00" "${cloud}_layer02" "${cloud}_pca_grid" "${cloud}_tsne_grid"; do
    for ext in svg png pdf; do
      [[ -s $work/out/figures/$f.$ext ]] || { echo "FAIL: figures/$f.$ext missing"; exit 1; }
    done
  done
done
"$python" - "$work/out" <<'PY'
import json, pathlib, sys, csv
out = pathlib.Path(sys.argv[1])
specs = sorted((out / "vega-lite").glob("*.vl.json"))
assert len(specs) == 3 * 2 * 3, [s.name for s in specs]  # clouds x views x layers
for s in specs:
    spec = json.loads(s.read_text())
    data = out / "vega-lite" / spec["data"]["url"]
    header = next(csv.reader(open(data, newline="")))
    for axis in ("x", "y"):
        assert spec["encoding"][axis]["field"] in header, (s.name, spec["encoding"][axis]["field"])
print(f"ok: {len(specs)} Vega-Lite specs parse and name columns of their CSV")
PY

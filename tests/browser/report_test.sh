#!/usr/bin/env bash
# End to end in a real browser: extract (np 2) -> reduce (PCA, token types, t-SNE) -> plot, then
# Debian's headless Chromium opens report.html from disk and, for every cloud, must show no console
# error, draw exactly the points the file holds, and show a point's text (read here from the HDF5
# file with h5py, not from the report) when the mouse is over it. The extraction keeps attention
# maps for 3 sentences per language: the report's maps must equal the file's, and clicking a
# sentence with a map must show its heatmap and its translations' (cells, token labels, colours
# and hover weights from the file), following the layer slider (report_check.py --attention). Also
# checks that the report loads nothing from elsewhere and that the figures and Vega-Lite specs are
# there and parse.
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

#!/usr/bin/env bash
# End to end in a real browser: extract (np 2) -> reduce (PCA, token types, t-SNE) -> plot, then
# Debian's headless Chromium opens report.html from disk and, for every cloud, must show no console
# error, draw exactly the points the file holds, and show a point's text (read here from the HDF5
# file with h5py, not from the report) when the mouse is over it. Also checks that the report
# loads nothing from elsewhere and that the figures and Vega-Lite specs are there and parse.
#   report_test.sh POLYREP_BINARY        (exit 77: no Chromium or no h5py here, test skipped)
set -euo pipefail
polyrep=$1
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "$here/../data" && pwd)
python=/usr/bin/python3
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || { echo "skip: no chromium"; exit 77; }
"$python" -c "import h5py, websocket" 2>/dev/null || { echo "skip: needs python3-h5py and python3-websocket"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--oversubscribe)
[[ $(id -u) -eq 0 ]] && flags+=(--allow-run-as-root)

mpirun "${flags[@]}" -np 2 "$polyrep" extract --model "$data/models/tiny-xlmr" --corpus "$data/flores200" \
  --split dev --langs eng_Latn,deu_Latn,hin_Deva,zho_Hans --sample 12 --out "$work/r.h5" -q
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
hex() { "$python" -c "import sys; print(bytes.fromhex(sys.argv[1]).decode())" "$1"; }
check=("$python" "$here/report_check.py" "$work/out/report.html")
"${check[@]}" --cloud sentences --expect-points "${expect[0]}" --hover "${expect[1]}" --expect-text "$(hex "${expect[2]}")"
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

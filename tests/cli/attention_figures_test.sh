#!/usr/bin/env bash
# polyrep plot's attention options on an extraction with --attention mean --attention-sentences 3
# (3 languages: 3 translation groups of 3 maps, 2 transformer layers):
# - --attention-figures writes figures/attention/<source_index>_layerNN.<format> for every group
#   and layer in every --formats format, and nothing else there (names from h5py); PNG and SVG
#   files are what they say; without the flag there is no figures/attention;
# - --max-attention-maps 4 keeps one whole group (3 maps), says so, and the figures follow it;
#   with --no-figures only the attention figures are written;
# - --max-attention-maps defaults to 200 (plot --help);
# - a file without maps is refused for --attention-figures before anything is written, and a
#   negative --max-attention-maps is refused;
# - the report grows by about 8/3 bytes per cell and layer with the maps (Uint16 in base64).
#   attention_figures_test.sh POLYREP DATA WORK MPIRUN...
set -euo pipefail
polyrep=$1 data=$2 work=$3
shift 3
mpirun=("$@")
python=/usr/bin/python3
"$python" -c "import h5py" 2>/dev/null || { echo "skip: needs python3-h5py"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
flores=(--corpus "$data/flores200" --split dev --langs eng_Latn,fra_Latn,deu_Latn)

"${mpirun[@]}" "$polyrep" extract --model "$data/models/tiny-bert" "${flores[@]}" --sample 6 \
  --attention mean --attention-sentences 3 --out "$work/a.h5" -q
"${mpirun[@]}" "$polyrep" reduce "$work/a.h5" --pca 4 >/dev/null 2>&1

# Expected names: one file per (source index of a map, transformer layer, format).
expected() {  # FORMATS [MAX_GROUPS]
  "$python" - "$work/a.h5" "$@" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
sources = sorted({int(s) for s in f["sentences/source_index"][()][f["attention/sentence"][()]]})
sources = sources[:int(sys.argv[3])] if len(sys.argv) > 3 else sources
layers = f["attention/mean"].shape[0]
for s in sources:
    for l in range(1, layers + 1):
        for ext in sys.argv[2].split(","):
            print(f"{s}_layer{l:02d}.{ext}")
PY
}
listing() { (cd "$1" && ls | sort); }

"$polyrep" plot "$work/a.h5" --out "$work/all" --formats svg,png --attention-figures --no-vega-lite 2>"$work/all.log"
[[ "$(listing "$work/all/figures/attention")" == "$(expected svg,png | sort)" ]] ||
  fail "figures/attention holds $(listing "$work/all/figures/attention" | tr '\n' ' '), expected $(expected svg,png | tr '\n' ' ')"
n=$(expected svg,png | wc -l)
grep -q "plot: $n attention figures in" "$work/all.log" || fail "no 'plot: $n attention figures' line: $(cat "$work/all.log")"
grep -q "plot: 9 of 9 attention maps in the report (3 of 3 translation groups; [0-9]* KiB)" "$work/all.log" ||
  fail "no '9 of 9 attention maps' line: $(cat "$work/all.log")"
for file in "$work"/all/figures/attention/*.png; do
  [[ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]] || fail "$file is no PNG"
done
for file in "$work"/all/figures/attention/*.svg; do
  grep -q "<svg" "$file" && grep -q "<image" "$file" || fail "$file is no SVG with heatmap images"
done
[[ -s $work/all/figures/sentences_layer00.svg ]] || fail "the scatter figures are missing"
echo "ok: --attention-figures wrote the $n expected files ($(expected svg,png | head -2 | tr '\n' ' ')...)"

"$polyrep" plot "$work/a.h5" --out "$work/plain" --formats png --no-vega-lite 2>/dev/null
[[ ! -e $work/plain/figures/attention ]] || fail "figures/attention written without --attention-figures"
echo "ok: no attention figures without --attention-figures"

"$polyrep" plot "$work/a.h5" --out "$work/cap" --formats png --no-figures --no-vega-lite --attention-figures \
  --max-attention-maps 4 2>"$work/cap.log"
grep -q "plot: 3 of 9 attention maps in the report (1 of 3 translation groups; --max-attention-maps 4; " "$work/cap.log" ||
  fail "no '3 of 9 ... --max-attention-maps 4' line: $(cat "$work/cap.log")"
[[ "$(listing "$work/cap/figures/attention")" == "$(expected png 1 | sort)" ]] ||
  fail "with --max-attention-maps 4: $(listing "$work/cap/figures/attention" | tr '\n' ' '), expected $(expected png 1 | tr '\n' ' ')"
[[ "$(listing "$work/cap/figures")" == attention ]] || fail "--no-figures wrote $(listing "$work/cap/figures" | tr '\n' ' ')"
echo "ok: --max-attention-maps 4 keeps one whole translation group, and its figures only"

"$polyrep" plot --help | grep -q -- "--max-attention-maps INT=200 *$" || fail "--max-attention-maps does not default to 200"
"$polyrep" plot --help | grep -q -- "--attention-figures  " || fail "plot --help has no --attention-figures"
"$polyrep" plot "$work/a.h5" --out "$work/none" --no-figures --no-vega-lite --max-attention-maps 0 2>/dev/null
"$python" - "$work/a.h5" "$(stat -c %s "$work/all/report.html")" "$(stat -c %s "$work/none/report.html")" <<'PY'
import sys, h5py
mean = h5py.File(sys.argv[1], "r")["attention/mean"]
with_maps, without = int(sys.argv[2]), int(sys.argv[3])
per_cell = (with_maps - without) / mean.size  # cells x layers
assert 2.6 <= per_cell <= 2.9, f"{per_cell:.2f} bytes per cell and layer"  # Uint16 in base64: 8/3
print(f"ok: report.html is {with_maps} bytes with the 9 maps, {without} with --max-attention-maps 0:"
      f" {per_cell:.2f} bytes per cell and layer")
PY

"${mpirun[@]}" "$polyrep" extract --model "$data/models/tiny-bert" "${flores[@]}" --sample 2 --out "$work/b.h5" -q
"${mpirun[@]}" "$polyrep" reduce "$work/b.h5" --pca 2 >/dev/null 2>&1
if "$polyrep" plot "$work/b.h5" --out "$work/b" --attention-figures 2>"$work/b.log"; then
  fail "--attention-figures on a file without maps succeeded"
fi
grep -q "error: --attention-figures: .*b.h5 has no attention maps (extract with --attention mean" "$work/b.log" ||
  fail "unexpected message: $(cat "$work/b.log")"
[[ ! -e $work/b ]] || fail "--attention-figures without maps created $work/b"
echo "ok: $(grep -o 'error: .*' "$work/b.log")"
if "$polyrep" plot "$work/a.h5" --out "$work/neg" --max-attention-maps -1 2>"$work/neg.log"; then
  fail "--max-attention-maps -1 was accepted"
fi
grep -q "max-attention-maps" "$work/neg.log" || fail "unexpected message: $(cat "$work/neg.log")"
echo "ok: $(grep -o 'error: .*' "$work/neg.log" | head -1)"

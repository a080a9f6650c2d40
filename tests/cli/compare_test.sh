#!/usr/bin/env bash
# polyrep plot A --compare B on the command line (tiny-bert, 2 languages x 4 sentences):
# - B must be a complete, reduced extraction of the same sentences, tokens and stored layers as A:
#   an unreduced, incomplete, other-sentences (--sample 3), other-languages, other-tokenizer
#   (tiny-xlmr) and other-layers (--layers 0,2) B each end with one error line naming B;
#   --labels needs --compare and two names; --attention-figures is refused with --compare;
# - B reduced without --tsne and --average-token-duplicates: the report shows what both have (the
#   sentences and tokens, PCA only), says so, and figures/ holds the compare_<cloud>_pca_layerNN
#   figures only, no Vega-Lite specs;
# - default labels: the model directory's name, with " + <summary>" per adapter (from h5py);
# - A was extracted with --attention mean: the compare report has no "attention", the one-file
#   report has it and no "compare".
#   compare_test.sh POLYREP DATA WORK MPIRUN...
set -euo pipefail
polyrep=$1 data=$2 work=$3
shift 3
mpirun=("$@")
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
"$python" -c "import h5py" 2>/dev/null || { echo "skip: needs python3-h5py"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
corpus=(--corpus "$data/flores200" --split dev)
bert=(--model "$data/models/tiny-bert" "${corpus[@]}")
two=(--langs eng_Latn,fra_Latn)
extract() { "${mpirun[@]}" "$polyrep" extract "$@" -q; }

extract "${bert[@]}" "${two[@]}" --sample 4 --attention mean --attention-sentences 2 --out "$work/base.h5"
extract "${bert[@]}" "${two[@]}" --sample 4 --adapter "$data/adapters/tiny-bert-lora" --out "$work/lora.h5"
extract "${bert[@]}" "${two[@]}" --sample 4 --adapter "$data/adapters/tiny-bert-lora" --out "$work/lora_pca.h5"
extract "${bert[@]}" "${two[@]}" --sample 4 --out "$work/unreduced.h5"
extract "${bert[@]}" "${two[@]}" --sample 3 --out "$work/fewer.h5"
extract "${bert[@]}" --langs eng_Latn,deu_Latn --sample 4 --out "$work/deu.h5"
extract --model "$data/models/tiny-xlmr" "${corpus[@]}" "${two[@]}" --sample 4 --out "$work/xlmr.h5"
extract "${bert[@]}" "${two[@]}" --sample 4 --layers 0,2 --out "$work/layers.h5"
for f in base lora; do
  "${mpirun[@]}" "$polyrep" reduce "$work/$f.h5" --pca 4 --tsne --average-token-duplicates --iterations 250 \
    --perplexity 2 >/dev/null 2>&1
done
for f in lora_pca fewer deu xlmr layers; do "${mpirun[@]}" "$polyrep" reduce "$work/$f.h5" --pca 4 >/dev/null 2>&1; done
cp "$work/base.h5" "$work/incomplete.h5"
"$python" -c 'import sys, h5py; del h5py.File(sys.argv[1], "r+").attrs["complete"]' "$work/incomplete.h5"

refused() {  # NAME REGEX PLOT-ARGS...
  local name=$1 regex=$2
  shift 2
  bash "$here/expect_failure.sh" "$regex" "$work/out_$name/report.html" -- "$polyrep" plot "$work/base.h5" \
    --out "$work/out_$name" "$@" || fail "$name"
}
refused unreduced "error: --compare: .*/unreduced.h5: no reduction results .*run polyrep reduce first" --compare "$work/unreduced.h5"
refused incomplete "error: --compare: .*/incomplete.h5: incomplete extraction" --compare "$work/incomplete.h5"
refused fewer "error: --compare .*/fewer.h5: not the same sentences as .*/base.h5: /sentences/lang has 6 rows against 8" \
  --compare "$work/fewer.h5"
refused languages "error: --compare .*/deu.h5: not the same sentences as .*/base.h5: /languages differs at row 1 \('deu_Latn' against 'fra_Latn'\)" \
  --compare "$work/deu.h5"
refused tokenizer "error: --compare .*/xlmr.h5: not the same sentences as .*/base.h5: /sentences/token_offset differs at row [0-9]+ .*another tokenizer" \
  --compare "$work/xlmr.h5"
refused layers "error: --compare .*/layers.h5: other stored layers than .*/base.h5 \(0,2 against 0,1,2" --compare "$work/layers.h5"
refused one_label "error: --labels: expected two non-empty names" --compare "$work/lora.h5" --labels base
refused labels_alone "error: --labels: only with --compare" --labels base,LoRA
refused attention "error: --attention-figures: not with --compare" --compare "$work/lora.h5" --attention-figures
echo "ok: 9 refusals, each one error line naming the culprit"

# What both have: B without t-SNE and token types.
"$polyrep" plot "$work/base.h5" --compare "$work/lora_pca.h5" --labels "base, LoRA" --out "$work/pca" --formats svg,png \
  2>"$work/pca.log"
for line in "only base.h5 has the types (reduce --average-token-duplicates): not shown" \
            "only base.h5 has a t-SNE of the sentences (reduce --tsne): PCA only" \
            "only base.h5 has a t-SNE of the tokens (reduce --tsne): PCA only"; do
  grep -qF "$line" "$work/pca.log" || fail "no '$line' in: $(cat "$work/pca.log")"
done
expected=$(for c in sentences tokens; do for l in 00 01 02; do for e in png svg; do echo "compare_${c}_pca_layer$l.$e"; done; done; done)
[[ "$(cd "$work/pca/figures" && ls | sort)" == "$(sort <<<"$expected")" ]] ||
  fail "figures/ holds $(ls "$work/pca/figures" | tr '\n' ' ')"
[[ ! -e $work/pca/vega-lite ]] || fail "a compare report wrote vega-lite/"
"$python" - "$work" <<'PY'
import json, re, sys, h5py
work = sys.argv[1]
def payload(d):
    html = open(f"{work}/{d}/report.html", encoding="utf-8").read()
    return json.loads(re.search(r'id="polyrep-data">(.*?)</script>', html, re.S).group(1))
p = payload("pca")
c = p["compare"]
assert [x["name"] for x in p["clouds"]] == ["sentences", "tokens"] == [x["name"] for x in c["clouds"]], p["clouds"]
for x in p["clouds"] + c["clouds"]:
    assert [v["method"] for v in x["views"]] == ["pca"], (x["name"], [v["method"] for v in x["views"]])
assert c["labels"] == ["base", "LoRA"], c["labels"]
assert p["clouds"][0]["count"] == c["clouds"][0]["count"] == 8
print("ok: B without t-SNE and token types: sentences and tokens, PCA only, in both; labels", c["labels"])
PY

# Default labels, from the files' attributes as h5py reads them; and the one-file report has no "compare".
"$polyrep" plot "$work/base.h5" --compare "$work/lora.h5" --out "$work/default" --no-figures 2>/dev/null
"$polyrep" plot "$work/base.h5" --out "$work/single" --no-figures --no-vega-lite 2>/dev/null
"$python" - "$work" <<'PY'
import json, os, re, sys, h5py
work = sys.argv[1]
def payload(d):
    html = open(f"{work}/{d}/report.html", encoding="utf-8").read()
    return json.loads(re.search(r'id="polyrep-data">(.*?)</script>', html, re.S).group(1))
def label(path):
    f = h5py.File(path, "r")
    return " + ".join([os.path.basename(f.attrs["model"])] + [a["summary"] for a in json.loads(f.attrs["adapters"])])
p = payload("default")
want = [label(f"{work}/base.h5"), label(f"{work}/lora.h5")]
assert p["compare"]["labels"] == want and want[1].startswith("tiny-bert + lora r=4"), (p["compare"]["labels"], want)
assert p["title"] == " vs ".join(want), p["title"]
assert [x["name"] for x in p["compare"]["clouds"]] == ["sentences", "tokens", "types"]
assert all([v["method"] for v in x["views"]] == ["pca", "tsne"] for x in p["clouds"] + p["compare"]["clouds"])
assert "attention" not in p
single = payload("single")
assert "compare" not in single and single["attention"]["count"] == 4, single.keys()
print("ok: default labels", want, "; no attention maps in the compare report; the one-file report has its 4 and no compare")
PY

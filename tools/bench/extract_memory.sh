#!/usr/bin/env bash
# Peak memory per rank must not grow with the corpus: extracts 1,000 and then 20,000 sentences
# drawn from the same text (the bundled English and German Flores lines, repeated) and prints both
# peaks and their ratio (about 1.0 expected; a corpus-sized buffer would show as ~20).
# Usage: tools/bench/extract_memory.sh [MODEL_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${POLYREP_BUILD_DIR:-"$root/build"}
model=${1:-"$root/tests/data/models/tiny-bert"}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
for lang in eng_Latn deu_Latn; do
  for _ in $(seq 1 250); do cat "$root/tests/data/flores200/dev/$lang.dev"; done > "$work/corpus/$lang.txt"
done
declare -A peak
for n in 500 10000; do
  "$build/src/polyrep" extract --model "$model" --corpus "$work/corpus" --langs eng_Latn,deu_Latn \
    --sample $n --seed 1 --out "$work/out$n.h5" --progress 1000 2> "$work/log$n"
  peak[$n]=$(sed -nE 's/.*peak memory per rank ([0-9]+) MiB.*/\1/p' "$work/log$n")
  echo "sentences=$((2 * n))  peak_rss=${peak[$n]} MiB  $(sed -nE 's/.*\(([0-9]+ tokens\/s).*/\1/p' "$work/log$n")"
done
awk -v a="${peak[500]}" -v b="${peak[10000]}" 'BEGIN{printf "peak ratio 20,000 / 1,000 sentences = %.2f\n", b/a}'

#!/usr/bin/env bash
# Regenerates tests/data/ from the steering repository's shared/ folder (the only place this
# script reads): the tiny reference models with their HuggingFace outputs, the real mBERT
# vocabulary with its reference ids, and the first 40 lines of every Flores-200 dev file.
# Usage: tools/make_test_data.sh [SHARED_DIR]   (default: ../shared beside the checkout)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${1:-"$here/../shared"}
out="$here/tests/data"
[ -d "$shared/fixtures" ] || { echo "make_test_data: no fixtures under $shared" >&2; exit 1; }

mkdir -p "$out/models" "$out/mbert-cased" "$out/flores200/dev" "$out/mbert-flores-dev-ids"
for m in tiny-bert tiny-xlmr tiny-xglm; do
  rm -rf "${out:?}/models/$m"
  cp -r "$shared/fixtures/$m" "$out/models/$m"
  chmod -R u+w "$out/models/$m"
done
cp "$shared/data/tokenizers/mbert-cased/vocab.txt" "$out/mbert-cased/vocab.txt"
cp "$shared/fixtures/mbert-flores-dev-ids/"*.ids "$out/mbert-flores-dev-ids/"
for f in "$shared/data/flores200/dev/"*.dev; do
  head -n 40 "$f" > "$out/flores200/dev/$(basename "$f")"
done
cp "$shared/data/flores200/README" "$out/flores200/README.FLORES"
chmod -R u+w "$out"
echo "make_test_data: wrote $(find "$out" -type f | wc -l) files ($(du -sh "$out" | cut -f1)) to $out"

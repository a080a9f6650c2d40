#!/usr/bin/env bash
# polyrep embeddings on an mBERT-base-shaped checkpoint (random weights, real mBERT vocabulary:
# tools/bench/make_models.py), against the baseline a researcher writes by hand in the same run:
# numpy reads the word-embedding matrix out of model.safetensors and h5py writes it with the
# pieces. Prints wall time and peak memory of both, the ratio, and the sizes of polyrep's two files.
#
#   tools/bench/embeddings_bench.sh [POLYREP] [MODEL_DIR]     (MODEL_DIR is made when missing)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
polyrep=${1:-$root/build/src/polyrep}
work=$(mktemp -d "${TMPDIR:-/tmp}/polyrep-embeddings-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
model=${2:-$work/mbert-base}
[ -f "$model/model.safetensors" ] || /usr/bin/python3 "$root/tools/bench/make_models.py" --model mbert-base --out "$model" >/dev/null
measure() {  # measure NAME COMMAND...: wall seconds and peak RSS (MiB) of COMMAND
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
  read -r secs kib < "$work/$name.time"
  printf '%-28s %7.2f s  %7d MiB\n' "$name" "$secs" $((kib / 1024))
}
sync
measure "polyrep embeddings" "$polyrep" embeddings --model "$model" --out "$work/vocab.h5" --dtype float32
measure "numpy + h5py (baseline)" /usr/bin/python3 - "$model" "$work/numpy.h5" <<'PY'
import json, struct, sys
import h5py, numpy as np
model, out = sys.argv[1:3]
with open(f"{model}/model.safetensors", "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    info = header["embeddings.word_embeddings.weight"]
    a, b = info["data_offsets"]
    f.seek(8 + n + a)
    word = np.frombuffer(f.read(b - a), dtype="<f4").reshape(info["shape"])
pieces = open(f"{model}/vocab.txt", encoding="utf-8").read().split("\n")[: word.shape[0]]
with h5py.File(out, "w") as h:
    h["embeddings"] = word
    h.create_dataset("pieces", data=pieces, dtype=h5py.string_dtype())
PY
p=$(awk '{print $1}' "$work/polyrep embeddings.time"); b=$(awk '{print $1}' "$work/numpy + h5py (baseline).time")
awk -v p="$p" -v b="$b" 'BEGIN { printf "ratio polyrep / baseline: %.2f (polyrep also loads every layer, classifies scripts, writes the positions file)\n", p / b }'
printf 'vocabulary file %s MiB (%s), positions file %s MiB\n' \
  "$(( $(stat -c %s "$work/vocab.h5") >> 20 ))" "$(grep -o '[0-9]* vocabulary rows in [0-9]* script groups' "$work/polyrep embeddings.log")" \
  "$(( $(stat -c %s "$work/vocab.positions.h5") >> 20 ))"

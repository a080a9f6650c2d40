#!/usr/bin/env bash
# A good extraction at np 2 through the CLI, then the file as users read it: `polyrep inspect
# --check` says complete, and h5py (when installed) sees str for strings, float16 hidden states,
# and token rows that line up with the sentence offsets.
set -euo pipefail
polyrep=$1; data=$2; work=$3; shift 3
rm -rf "$work"; mkdir -p "$work"
"$@" "$polyrep" extract --model "$data/models/tiny-xlmr" --corpus "$data/flores200" --split dev \
  --langs eng_Latn,spa_Latn,zho_Hans --sample 5 --seed 3 --dtype float16 --pooling mean,max \
  --window-sentences 3 --out "$work/reps.h5"
"$polyrep" inspect --check "$work/reps.h5" | tee "$work/inspect.txt"
grep -q "complete: yes" "$work/inspect.txt"
grep -qx "schema_version: 1" "$work/inspect.txt"
if ! /usr/bin/python3 -c "import h5py" 2>/dev/null; then
  echo "h5py not installed: skipped the h5py half"; exit 0
fi
/usr/bin/python3 - "$work/reps.h5" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert f.attrs["complete"] == 1
assert f.attrs["schema_version"] == 1
assert isinstance(f["sentences/text"].asstr()[0], str)
assert isinstance(f.attrs["model_type"], str), type(f.attrs["model_type"])
assert f["languages"].asstr()[:].tolist() == ["eng_Latn", "spa_Latn", "zho_Hans"]
h = f["hidden/tokens"]
assert h.dtype == np.float16, h.dtype
off = f["sentences/token_offset"][:]
assert off[0] == 0 and off[-1] == h.shape[1] == f["tokens/id"].shape[0]
assert (f["tokens/sentence"][:] == np.repeat(np.arange(len(off) - 1), np.diff(off))).all()
assert f["tokens/text"].asstr()[0] == "<s>"
mean = f["hidden/sentences/mean"]
s = 4
ours = h[:, off[s]:off[s+1], :].astype(np.float64).mean(axis=1)
assert np.abs(ours - mean[:, s, :]).max() < 2e-3
print("h5py ok:", dict(f["hidden"].items()).keys(), h.shape, f["tokens/text"].asstr()[:6].tolist())
PY

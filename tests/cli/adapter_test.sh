#!/usr/bin/env bash
# extract --adapter at np 2: the LoRA adapter changes the states (the fixture's own merged-vs-loaded
# parity is tests/integration/model/adapter_test.cpp), the file records it (path, kind, weights
# hash, summary), inspect shows it, and --resume on the finished file refuses another adapter list.
set -euo pipefail
polyrep=$1; data=$2; work=$3; shift 3
rm -rf "$work"; mkdir -p "$work"
args=(--model "$data/models/tiny-bert" --corpus "$data/flores200" --split dev --langs eng_Latn,fra_Latn --sample 3 -q)
"$@" "$polyrep" extract "${args[@]}" --out "$work/base.h5"
"$@" "$polyrep" extract "${args[@]}" --adapter "$data/adapters/tiny-bert-lora" --out "$work/lora.h5"
/usr/bin/python3 - "$work" "$data/adapters/tiny-bert-lora" <<'PY'
import json, sys, h5py, numpy as np
work, adapter = sys.argv[1:3]
base, lora = h5py.File(f"{work}/base.h5"), h5py.File(f"{work}/lora.h5")
assert json.loads(base.attrs["adapters"]) == [], base.attrs["adapters"]
rec = json.loads(lora.attrs["adapters"])
assert len(rec) == 1 and rec[0]["kind"] == "lora" and rec[0]["path"] == adapter, rec
assert len(rec[0]["weights_hash"]) == 16 and "r=4" in rec[0]["summary"], rec
a, b = base["hidden/tokens"][()], lora["hidden/tokens"][()]
assert np.array_equal(a[0], b[0]), "LoRA on query/value must leave the embedding output alone"
assert np.abs(a[1:] - b[1:]).max() > 1e-3, "the adapter changed nothing"
print("adapter recorded:", rec[0]["summary"], "; layer 1-2 states moved by up to", float(np.abs(a[1:] - b[1:]).max()))
PY
"$polyrep" inspect "$work/lora.h5" | grep -q '^adapters: \[{"kind":"lora"'
# The same adapter named by another path (relative, with ./) is the same input: --resume finds the
# file complete rather than changed.
(cd "$data/models" && "$polyrep" extract "${args[@]}" --adapter ../adapters/./tiny-bert-lora --out "$work/lora.h5" --resume) \
  || { echo "FAIL: the same adapter by another path was taken for another input"; exit 1; }
set +e
out=$("$@" "$polyrep" extract "${args[@]}" --out "$work/lora.h5" --resume 2>&1); rc=$?
set -e
[ $rc -ne 0 ] && grep -q -- "--adapter was '\[{" <<<"$out" || { echo "FAIL: --resume without the adapter was not refused: $out"; exit 1; }
echo "ok: --resume without the adapter refused: $(grep -m1 -o 'error: .*' <<<"$out" | cut -c1-120)"

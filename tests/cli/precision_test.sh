#!/usr/bin/env bash
# --precision is the forward's arithmetic, --dtype the stored type, and the two are independent:
# a bfloat16 forward stored as float32 at np 2 records precision "bfloat16", stores float32, and
# every token state and sentence vector points within cosine 0.999 of the float32 forward's.
# (float16 forwards need libtorch 2.x on a CPU: tests/unit/model/precision_test.cpp.)
set -euo pipefail
polyrep=$1; data=$2; work=$3; shift 3
rm -rf "$work"; mkdir -p "$work"
for p in float32 bfloat16; do
  "$@" "$polyrep" extract --model "$data/models/tiny-xglm" --corpus "$data/flores200" --split dev \
    --langs eng_Latn,zho_Hans --sample 4 --precision $p --dtype float32 --pooling mean,last \
    --out "$work/$p.h5" --metrics "$work/$p.json" 2>&1 | tee "$work/$p.log"
  grep -q "in $p;" "$work/$p.log"
done
/usr/bin/python3 - "$work" <<'PY'
import json, sys, h5py, numpy as np
work = sys.argv[1]
a, b = h5py.File(f"{work}/float32.h5", "r"), h5py.File(f"{work}/bfloat16.h5", "r")
assert a.attrs["precision"] == "float32" and b.attrs["precision"] == "bfloat16"
for name in ["hidden/tokens", "hidden/sentences/mean", "hidden/sentences/last"]:
    x, y = a[name][()], b[name][()]
    assert x.dtype == y.dtype == np.float32, (name, x.dtype, y.dtype)
    x = x.reshape(-1, x.shape[-1]).astype(np.float64); y = y.reshape(-1, y.shape[-1]).astype(np.float64)
    cos = (x * y).sum(1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
    assert cos.min() >= 0.999, (name, cos.min())
    assert not np.array_equal(x, y), name  # the bfloat16 forward really ran
    print(f"{name}: lowest cosine {cos.min():.6f}")
m = json.load(open(f"{work}/bfloat16.json"))
assert m["precision"] == "bfloat16", m.get("precision")
assert "copy" in m["phases"], m["phases"]
PY

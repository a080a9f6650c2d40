#!/usr/bin/env bash
# The cost of durable progress (extract/checkpoint.hpp): `polyrep extract` on the mBERT-base-shaped
# bench model with a checkpoint after every round (--checkpoint-seconds 0: flush + fsync of the file
# and the journal each round), with the default (60 s) and with none before the end (a baseline:
# --checkpoint-seconds 1e9), in one run of this script, each through extract_bench.sh (GEMM ceiling
# measured before every run). Prints tokens/s and the ratio to the baseline. Not run by ctest.
#
#   tools/bench/checkpoint_bench.sh [--configs "2x1"] [--repeat 3] [--work DIR] [extract_bench.sh args]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/build/bench-checkpoint" configs="2x1" repeat=3 args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --work) work=$2; shift 2 ;;
    --configs) configs=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
mkdir -p "$work/models"
for setting in never every default; do
  case $setting in
    never) extra=(--checkpoint-seconds 1000000000) ;;
    every) extra=(--checkpoint-seconds 0) ;;
    default) extra=() ;;
  esac
  mkdir -p "$work/$setting"
  # Every setting shares the generated model (made by the first run).
  ln -sfn "$work/models" "$work/$setting/models"
  echo "== checkpoints: $setting ${extra[*]}"
  bash "$root/tools/bench/extract_bench.sh" --configs "$configs" --repeat "$repeat" --work "$work/$setting" \
    "${args[@]}" -- "${extra[@]}" > "$work/$setting.log"
done
/usr/bin/python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
doc = {s: json.load(open(os.path.join(work, s, "bench.json"))) for s in ("never", "every", "default")}
print("| checkpoints | ranks x threads | tokens | tok/s | of GEMM limit | write s | vs none |")
print("|---|--:|--:|--:|--:|--:|--:|")
for s, label in (("never", "none before the end (baseline)"), ("every", "after every round (--checkpoint-seconds 0)"),
                 ("default", "default (--checkpoint-seconds 60)")):
    for row, base in zip(doc[s]["configs"], doc["never"]["configs"]):
        # Fractions of the ceiling measured before each run: drift of the machine cancels out.
        ratio = row["fraction_of_limit"] / base["fraction_of_limit"]
        print(f"| {label} | {row['ranks']} x {row['threads']} | {row['tokens']} | {row['tokens_per_second']:,.0f} | "
              f"{row['fraction_of_limit']:.3f} | {row['phases_seconds'].get('write', 0):.2f} | {ratio:.3f} |")
PY

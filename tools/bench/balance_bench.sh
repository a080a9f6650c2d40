#!/usr/bin/env bash
# Load balance of `polyrep extract`: per rank, the share of the work the plan gave it (the
# calibrated estimate of include/polyrep/extract/work_estimate.hpp) against the share of forward
# time it measured, and how long it waited for the others, at several rank counts and job sizes.
# The estimate is good when the two shares agree; the balance is good when no rank waits long.
# Not run by ctest.
#
#   tools/bench/balance_bench.sh [--ranks "2 4"] [--samples "25 200"] [--model mbert-base]
#       [--corpus FLORES_DIR] [--polyrep PATH] [--work DIR] [-- extra extract args]
#
# Ranks run 1 thread each, bound to a core where the machine has one per rank; beyond that they
# share cores (the figures then include the sharing). Languages as tools/bench/extract_bench.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "balance_bench.sh: $*" >&2; exit 1; }
py=/usr/bin/python3

ranks="2 4" samples="25 200" model=mbert-base corpus="" polyrep="$root/build/src/polyrep"
work="$root/build/bench" extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ranks) ranks=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --polyrep) polyrep=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
if [ -z "$corpus" ]; then
  [ -d "$root/../shared/data/flores200" ] || die "no Flores-200 at $root/../shared/data/flores200: pass --corpus FLORES_DIR"
  corpus=$(cd "$root/../shared/data/flores200" && pwd)
fi
[ -x "$polyrep" ] || die "no polyrep at $polyrep (build it, or pass --polyrep PATH)"
mkdir -p "$work"
work=$(cd "$work" && pwd)
model_dir="$work/models/$model"
[ -f "$model_dir/model.safetensors" ] || "$py" "$root/tools/bench/make_models.py" --model "$model" --out "$model_dir"
langs=eng_Latn,fra_Latn,rus_Cyrl,zho_Hans,hin_Deva,arb_Arab,jpn_Jpan,swh_Latn

. "$root/jobs/common/launch_lib.sh"
cores=$(pr_node_cores)
for np in $ranks; do
  for sample in $samples; do
    dir="$work/balance/np$np-s$sample"
    mkdir -p "$dir"
    pr_placement "$np" 1 "$cores" "$(pr_mask_not_binding_safe)"
    mpi=(mpirun -np "$np" "${PR_PLACEMENT[@]}")
    [ "$PR_PLACEMENT_BOUND" -eq 1 ] || mpi+=(--oversubscribe)
    [ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
    echo "== np $np, $sample sentences per language: ${mpi[*]}" >&2
    "${mpi[@]}" "$polyrep" extract --model "$model_dir" --corpus "$corpus" --split devtest --langs "$langs" \
      --sample "$sample" --seed 0 --threads 1 --out "$dir/out.h5" --overwrite --metrics "$dir/run.json" -q \
      "${extra[@]}"
    rm -f "$dir/out.h5"
  done
done

"$py" - "$work/balance" <<'PY'
import json, pathlib, sys
rows = []
for run in sorted(pathlib.Path(sys.argv[1]).glob("np*-s*/run.json"), key=lambda p: (len(p.parent.name), p.parent.name)):
    d = json.loads(run.read_text())
    ranks = d["per_rank"]
    work = [r["planned_work"] for r in ranks]
    fwd = [r["seconds"]["forward"] for r in ranks]
    busy = [r["busy_seconds"] for r in ranks]
    print(f"\n{run.parent.name}: {d['ranks']} ranks, {d['sentences']} sentences, {d['tokens']} tokens, "
          f"{sum(r['windows'] for r in ranks)} windows, wall {d['wall_seconds']:.1f} s")
    print("| rank | windows | estimated share | measured forward share | forward s | wait s | finish s |")
    print("| --: | --: | --: | --: | --: | --: | --: |")
    for r, w, f in zip(ranks, work, fwd):
        print(f"| {r['rank']} | {r['windows']} | {w / sum(work):.3f} | {f / sum(fwd):.3f} | {f:.1f} | "
              f"{r['seconds']['wait']:.1f} | {r['finish_seconds']:.1f} |")
    mean = sum(busy) / len(busy)
    est = max(work) / (sum(work) / len(work)) - 1
    print(f"estimated imbalance {100 * est:.1f}%, measured busy imbalance {100 * (max(busy) / mean - 1):.1f}%, "
          f"largest |estimated - measured| share {max(abs(w / sum(work) - f / sum(fwd)) for w, f in zip(work, fwd)):.3f}")
PY

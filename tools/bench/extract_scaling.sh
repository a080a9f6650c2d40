#!/usr/bin/env bash
# Extraction throughput at 1 and 2 ranks on the same data in the same run, and the ratio.
# Uses the bundled 204-language Flores-200 sample (40 lines each) and a bundled model; prints
# tokens/s (forward + write rounds, all ranks), wall seconds, peak memory per rank, np2/np1.
# Usage: tools/bench/extract_scaling.sh [MODEL_DIR] [extra extract flags...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${POLYREP_BUILD_DIR:-"$root/build"}
model=${1:-"$root/tests/data/models/tiny-bert"}; shift || true
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
flags=(--oversubscribe); [ "$(id -u)" -eq 0 ] && flags+=(--allow-run-as-root)
blas=$(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null || echo unknown)
echo "model: $model"; echo "BLAS: $blas"; echo "cores: $(nproc)"
declare -A rate
for np in 1 2; do
  start=$(date +%s.%N)
  mpirun "${flags[@]}" -np $np "$build/src/polyrep" extract --model "$model" \
    --corpus "$root/tests/data/flores200" --langs all --sample all --out "$work/np$np.h5" \
    --progress 1000 "$@" 2> "$work/log$np"
  end=$(date +%s.%N)
  line=$(grep "extract: wrote" "$work/log$np")
  rate[$np]=$(echo "$line" | sed -E 's/.*\(([0-9]+) tokens\/s.*/\1/')
  mem=$(echo "$line" | sed -E 's/.*peak memory per rank ([0-9]+) MiB.*/\1/')
  printf "np=%d  tokens/s=%s  wall=%.1fs  peak_rss_per_rank=%s MiB\n" $np "${rate[$np]}" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" "$mem"
done
awk -v a="${rate[1]}" -v b="${rate[2]}" 'BEGIN{printf "ratio np2/np1 tokens/s = %.2f\n", b/a}'
if h5diff -q "$work/np1.h5" "$work/np2.h5" /hidden/tokens /hidden/tokens; then
  echo "hidden states identical at np1 and np2"
else
  echo "WARNING: hidden states differ between np1 and np2"
fi

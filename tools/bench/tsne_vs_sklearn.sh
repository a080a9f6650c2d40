#!/usr/bin/env bash
# Times polyrep's t-SNE (src/reduce/tsne*.cpp) against scikit-learn's Barnes-Hut TSNE on the same
# data in the same run, at 5k, 20k and 50k points by default, and prints the speed ratio
# (sklearn time / polyrep time), both final KL divergences and each layout's 10-NN agreement with
# the generating clusters.
#
#   tools/bench/tsne_vs_sklearn.sh [SIZE...]
#   env: THREADS (1), PERPLEXITY (30), ITERATIONS (1000), THETA (0.5),
#        TSNE_BENCH=path/to/tsne_bench (default: build/tools/bench/tsne_bench, built by CMake)
# Needs /usr/bin/python3 with numpy and scikit-learn (Debian: apt-get install -y python3-sklearn).
# Both sides get the same thread count: ours via --threads, sklearn's OpenMP gradient via
# OMP_NUM_THREADS (its neighbour search is single-threaded at the default n_jobs).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python=/usr/bin/python3
threads=${THREADS:-1}

if ! "$python" -c 'import sklearn, numpy' 2>/dev/null; then
  echo "tsne_vs_sklearn: needs scikit-learn for $python (apt-get install -y python3-sklearn)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bench=${TSNE_BENCH:-"${POLYREP_BUILD_DIR:-$root/build}/tools/bench/tsne_bench"}
if [[ ! -x "$bench" ]]; then
  echo "tsne_vs_sklearn: $bench not found: build first (bash tools/build.sh)" >&2
  exit 1
fi

sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(5000 20000 50000)
OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=1 "$python" "$root/tools/bench/tsne_sklearn.py" \
  --bench "$bench" --sizes "${sizes[@]}" --threads "$threads" \
  --perplexity "${PERPLEXITY:-30}" --iterations "${ITERATIONS:-1000}" --theta "${THETA:-0.5}"

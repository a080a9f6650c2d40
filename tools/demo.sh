#!/usr/bin/env bash
# The README's demo command: install what is missing, build, then run the whole extraction on the
# data kept in the repository (a tiny random-init BERT and the first 40 lines of Flores-200 dev)
# under `mpirun -np 2`, reduce it (PCA, token types and t-SNE per layer), plot it (interactive
# report, paper figures, Vega-Lite specs), summarise the file, and read it back with h5py.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/build.sh" --target polyrep   # the command only: the tests are most of the build
build=${POLYREP_BUILD_DIR:-"$root/build"}
out=${POLYREP_DEMO_OUT:-"$root/out"}
mkdir -p "$out"

# Two ranks, each bound to half of this machine's cores (polyrep then runs that many threads per
# rank), as jobs/mpirun/run.sh places them; on one core both ranks must share it.
. "$root/jobs/common/launch_lib.sh"
cores=$(pr_node_cores)
pr_placement 2 "$(pr_threads_per_rank "$cores" 2)" "$cores" "$(pr_mask_not_binding_safe)"
mpirun_flags=("${PR_PLACEMENT[@]}")
[ "$PR_PLACEMENT_BOUND" -eq 1 ] || mpirun_flags+=(--oversubscribe)   # 2 ranks on 1 core
[ "$(id -u)" -eq 0 ] && mpirun_flags+=(--allow-run-as-root)

set -x
mpirun "${mpirun_flags[@]}" -np 2 "$build/src/polyrep" extract \
  --model "$root/tests/data/models/tiny-bert" \
  --corpus "$root/tests/data/flores200" --split dev \
  --langs eng_Latn,spa_Latn,fra_Latn,hin_Deva,zho_Hans,arb_Arab \
  --sample 32 --seed 0 --pooling mean,cls --window-sentences 16 \
  --out "$out/demo.h5" --overwrite
mpirun "${mpirun_flags[@]}" -np 2 "$build/src/polyrep" reduce "$out/demo.h5" \
  --pca 20 --tsne --average-token-duplicates --perplexity 30 --iterations 750 --tsne-max-points 5000
"$build/src/polyrep" plot "$out/demo.h5" --out "$out/demo-report"
"$build/src/polyrep" inspect "$out/demo.h5"
set +x
if /usr/bin/python3 -c "import h5py" 2>/dev/null; then
  /usr/bin/python3 - "$out/demo.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
off = f["sentences/token_offset"]
print("sentence 0:", f["sentences/text"].asstr()[0])
print("its tokens:", f["tokens/text"].asstr()[off[0]:off[1]].tolist())
print("last-layer mean vector:", f["hidden/sentences/mean"][-1, 0, :6], "...")
print("explained variance ratio, last layer, first 5 PCs:", f["reduce/pca/sentences/explained_variance_ratio"][-1, :5])
print("t-SNE KL per layer (sentences):", f["reduce/tsne/sentences/kl_divergence"][:])
PY
fi
echo "demo: wrote $out/demo.h5 (reduction results in $out/demo.reduce.h5, read through /reduce)"
echo "demo: open the report in a browser: file://$out/demo-report/report.html"
echo "demo: paper figures in $out/demo-report/figures, Vega-Lite specs in $out/demo-report/vega-lite"

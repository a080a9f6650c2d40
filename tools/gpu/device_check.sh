#!/usr/bin/env bash
# The one prepared check for a lent GPU machine (tools/gpu/README.md): builds polyrep against the
# PyTorch wheel's libtorch with the kit (tools/gpu/gather_kit.sh) standing in for the Open MPI,
# parallel HDF5 and libraries the machine lacks, then fidelity tests on cuda, a smoke extraction
# under mpirun, the benchmark against HuggingFace transformers, and (time permitting) the whole
# Flores-200 devtest. Every phase runs under its own time limit and under one overall deadline,
# so a slow phase cannot eat the rest; later phases run whenever what they need is there.
#
#   tools/gpu/device_check.sh OUTDIR [--rehearse]
#
# --rehearse: the same phases on a machine without a GPU (device cpu, 2-layer models, small
# samples), to test the script itself. OUTDIR gets summary.json, summary.md and logs.tar.gz.
set -uo pipefail
set -a  # every variable below reaches the phases, which run as `bash -c FUNCTION` under timeout
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: device_check.sh OUTDIR [--rehearse]}
rehearse=0; [ "${2:-}" = --rehearse ] && rehearse=1
mkdir -p "$out"; out=$(cd "$out" && pwd)
logs=$out/logs; mkdir -p "$logs"
work=${POLYREP_CHECK_WORK:-/tmp/polyrep-check}; mkdir -p "$work"
kit=${POLYREP_KIT:-$root/tools/gpu/kit}
start=$(date +%s)
# Seconds: the whole script, and each phase at most (env overrides).
TOTAL=${TOTAL:-570}
T_PROBE=${T_PROBE:-30} T_KIT=${T_KIT:-40} T_BUILD=${T_BUILD:-240} T_FIDELITY=${T_FIDELITY:-60}
T_SMOKE=${T_SMOKE:-60} T_MODELS=${T_MODELS:-60} T_BENCH=${T_BENCH:-180} T_FULL=${T_FULL:-240}
T_RUN=${T_RUN:-40}  # one benchmark run (polyrep or HF, one model and precision) at most
device=cuda; [ $rehearse = 1 ] && device=cpu
orig_ld=${LD_LIBRARY_PATH:-}  # Python runs without the kit's libraries (py below)
export PYTHONUNBUFFERED=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
jobs=$(nproc)

py() { LD_LIBRARY_PATH=$orig_ld python3 "$@"; }
export -f py
declare -A status seconds
phases=()
# run_phase NAME LIMIT COMMAND...: the command's output to logs/NAME.log, stopped at
# min(LIMIT, what is left of TOTAL); status ok / failed / timeout / skipped.
run_phase() {
  local name=$1 limit=$2; shift 2
  local left=$((TOTAL - ($(date +%s) - start)))
  phases+=("$name")
  if [ "$left" -lt 10 ]; then status[$name]=skipped; seconds[$name]=0; echo "== $name: skipped (no time left)"; return 1; fi
  [ "$limit" -gt "$left" ] && limit=$left
  echo "== $name (limit ${limit}s)"
  local t0 rc; t0=$(date +%s)
  if declare -F "$1" >/dev/null; then export -f "$1"; fi
  timeout --kill-after=5 "$limit" bash -c '"$@"' phase "$@" > "$logs/$name.log" 2>&1; rc=$?
  seconds[$name]=$(($(date +%s) - t0))
  case $rc in 0) status[$name]=ok ;; 124|137) status[$name]=timeout ;; *) status[$name]=failed ;; esac
  echo "   ${status[$name]} in ${seconds[$name]}s"; tail -3 "$logs/$name.log" | sed 's/^/   | /'
  return $rc
}
skip_phase() { phases+=("$1"); status[$1]=skipped; seconds[$1]=0; echo "== $1: skipped ($2)"; echo "$2" > "$logs/$1.log"; }

# ---- 1. probe
probe() {
  set -x
  uname -a; cat /etc/os-release; ldd --version | head -1; nproc; free -g; df -h "$work" "$out"
  g++ --version | head -1; cmake --version | head -1; ninja --version; nvcc --version | tail -2
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  python3 -c 'import torch, sys; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), "cxx11abi", torch._C._GLIBCXX_USE_CXX11_ABI, "prefix", torch.utils.cmake_prefix_path); print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no gpu")'
  python3 -c 'import transformers, h5py; print("transformers", transformers.__version__, "h5py", h5py.__version__)'
  true
}
run_phase probe "$T_PROBE" probe

# ---- 2. kit: unpack the Debian 12 packages into a prefix, point the environment at it
prefix=$work/kit
kit_unpack() {
  set -e
  rm -rf "$prefix" "$work/fallback"; mkdir -p "$prefix" "$work/fallback" "$work/missing"
  for f in "$kit"/debs/*.deb; do dpkg-deb -x "$f" "$prefix" 2>/dev/null || dpkg -x "$f" "$prefix"; done
  for f in "$kit"/fallback/*.deb; do dpkg-deb -x "$f" "$work/fallback"; done
  local p=$prefix/usr
  # h5pcc: its prefix (it compiles with mpicc.openmpi, which OPAL_PREFIX relocates).
  sed -i "s|^prefix=\"/usr\"|prefix=\"$p\"|" "$p/bin/h5pcc.openmpi"
  ln -sf mpirun.openmpi "$p/bin/mpirun"; ln -sf h5pcc.openmpi "$p/bin/h5pcc"
  # .pc files with /usr prefixes (utf8proc, sentencepiece)
  grep -rl '^prefix=/usr' "$p/lib/x86_64-linux-gnu/pkgconfig" 2>/dev/null | xargs -r sed -i "s|^prefix=/usr|prefix=$p|"
  sed -i "s|/usr/|$p/|g" "$p/lib/x86_64-linux-gnu/pkgconfig/"*.pc 2>/dev/null || true
  # h5pcc -show ends in -lcrypto -lcurl -lsz -lz: the unversioned names only -dev packages
  # provide, linked here to the versioned libraries of the kit, its fallback or the system.
  mkdir -p "$work/devlinks"
  local name so
  for name in crypto:libcrypto.so.3 curl:libcurl.so.4 sz:libsz.so.2 z:libz.so.1 aec:libaec.so.0; do
    so=$(ldconfig -p | awk -v n="${name#*:}" '$1 == n {print $NF; exit}')  # the system's own first
    [ -z "$so" ] && so=$(find "$p/lib" "$work/fallback" -name "${name#*:}" 2>/dev/null | head -1)
    [ -n "$so" ] && ln -sf "$so" "$work/devlinks/lib${name%%:*}.so"
  done
  ls "$p/bin" "$work/devlinks"
}
kit_env() {
  local p=$prefix/usr
  export OPAL_PREFIX=$p PATH=$p/bin:$PATH
  export LD_LIBRARY_PATH=$p/lib/x86_64-linux-gnu:$p/lib/x86_64-linux-gnu/openmpi/lib:$p/lib/x86_64-linux-gnu/hdf5/openmpi:$work/missing${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export LIBRARY_PATH=$work/devlinks HDF5_USE_SHLIB=yes
  export PKG_CONFIG_PATH=$p/lib/x86_64-linux-gnu/pkgconfig:$p/share/pkgconfig PKG_CONFIG=$p/bin/pkgconf
  export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_plm=isolated
  # PMIx looks for its plugins under its configured prefix (/usr/lib/.../pmix2) whatever
  # OPAL_PREFIX says; without them mpirun fails ("You were supposed to get help about: unavailable").
  export PMIX_MCA_mca_base_component_path=$p/lib/x86_64-linux-gnu/pmix2/lib/pmix PMIX_MCA_pcompress_base_silence_warning=1
  export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_pml=ob1 OMPI_MCA_osc=^ucx OMPI_MCA_mtl=^ofi,psm,psm2
}
# Libraries the machine's loader cannot find: the fallback copies of those only.
link_missing() {
  local n
  for bin in "$@"; do
    for lib in $(ldd "$bin" 2>/dev/null | awk '/not found/{print $1}'); do
      n=$(find "$work/fallback" -name "$lib" | head -1)
      [ -n "$n" ] && ln -sf "$n" "$work/missing/$lib" && echo "fallback: $lib"
    done
  done
  true
}
export -f kit_env link_missing
kit_check() {
  kit_env
  local p=$prefix/usr
  link_missing "$p/bin/orterun" "$p/lib/x86_64-linux-gnu/libhdf5_openmpi.so.103" "$p/bin/h5dump.openmpi" "$p/bin/orted"
  link_missing "$p/bin/orterun" "$p/lib/x86_64-linux-gnu/libhdf5_openmpi.so.103"  # what the first ones pulled in
  mpirun --version | head -1
  h5pcc -showconfig | grep -i "parallel hdf5"
  mpirun -np 2 hostname
}
if run_phase kit_unpack "$T_KIT" kit_unpack && run_phase kit_check "$T_KIT" kit_check; then kit_ok=1; else kit_ok=0; fi
kit_env

# ---- 3. build: polyrep and the fidelity tests, against the wheel's libtorch
build=$work/build
torch_prefix=${TORCH_CMAKE_PREFIX:-$(py -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)}
do_build() {
  set -e
  local p=$prefix/usr m=$prefix/usr/lib/x86_64-linux-gnu/openmpi
  rm -f "$build/CMakeCache.txt"  # a rerun keeps the objects, not an earlier run's failed checks
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOLYREP_WITH_PLOT=OFF \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$p;$p/share" \
    -DPOLYREP_GTEST_SOURCE_DIR="$p/src/googletest" \
    -DMPI_SKIP_COMPILER_WRAPPER=ON -DMPI_C_HEADER_DIR="$m/include" -DMPI_C_LIB_NAMES=mpi \
    -DMPI_mpi_LIBRARY="$m/lib/libmpi.so" -DMPIEXEC_EXECUTABLE="$p/bin/mpirun" \
    -DHDF5_C_COMPILER_EXECUTABLE="$p/bin/h5pcc.openmpi" \
    -DEigen3_DIR="$p/share/eigen3/cmake" -DCLI11_DIR="$p/share/cmake/CLI11" \
    -Dnlohmann_json_DIR="$p/share/cmake/nlohmann_json" \
    -DCMAKE_INCLUDE_PATH="$p/include" -DCMAKE_LIBRARY_PATH="$p/lib/x86_64-linux-gnu"
  ninja -C "$build" -j "$jobs" polyrep integration_model
  link_missing "$build/src/polyrep"
  ldd "$build/src/polyrep" | grep -E "torch|mpi|hdf5|not found"
}
if [ $kit_ok = 1 ] && run_phase build "$T_BUILD" do_build; then built=1; else built=0; fi
polyrep=$build/src/polyrep

# ---- 4. fidelity: the HF-reference tests and the 16-bit forwards, on the device
if [ $built = 1 ]; then
  run_phase fidelity "$T_FIDELITY" env POLYREP_TEST_DEVICE=$device \
    ctest --test-dir "$build" -R '^integration\.model\.' --output-on-failure -j 4
else skip_phase fidelity "no build"; fi

# ---- 5. smoke: an extraction under the kit's mpirun at np 1 and 2, read back with h5py
smoke() {
  set -e
  for np in 1 2; do
    mpirun -np $np "$polyrep" extract --model "$root/tests/data/models/tiny-xlmr" --corpus "$root/tests/data/flores200" \
      --split dev --langs eng_Latn,fra_Latn,zho_Hans --sample 8 --device auto --precision float32 \
      --attention mean --attention-sentences 2 \
      --out "$work/smoke$np.h5" --overwrite 2>&1 | tee "$work/smoke$np.log"
    grep -q " on $device" "$work/smoke$np.log"
  done
  py - "$work/smoke1.h5" "$work/smoke2.h5" <<'PY'
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
assert a.attrs["complete"] == 1 and b.attrs["complete"] == 1
x, y = a["hidden/tokens"][()], b["hidden/tokens"][()]
print("tokens", x.shape, "max |np1 - np2|", float(np.abs(x - y).max()))
assert x.shape == y.shape and np.abs(x - y).max() < 1e-4
m, n = a["attention/mean"][()], b["attention/mean"][()]
print("attention maps", a["attention/sentence"].shape[0], m.shape, "max |np1 - np2|", float(np.abs(m - n).max()))
assert m.shape == n.shape and np.abs(m - n).max() < 1e-4
PY
}
if [ $built = 1 ]; then run_phase smoke "$T_SMOKE" smoke; else skip_phase smoke "no build"; fi

# ---- 6. models: mBERT-base- and XGLM-564M-shaped, random weights, built here
models=$work/models
small=(); [ $rehearse = 1 ] && small=(--small)
vocab=$kit/mbert-vocab.txt; [ -f "$vocab" ] || vocab=$root/tests/data/mbert-cased/vocab.txt
if py -c 'import transformers' 2>/dev/null; then have_hf=1; else have_hf=0; fi
if [ $have_hf = 1 ]; then
  run_phase models "$T_MODELS" py "$root/tools/gpu/hf_bench.py" models --out "$models" --vocab "$vocab" \
    --spm-dir "$root/tests/data/models/tiny-xglm" "${small[@]}"
else  # no transformers (a rehearsal on Debian 13, which does not package it): numpy-built mBERT only
  run_phase models "$T_MODELS" py "$root/tools/bench/make_models.py" --model mbert-base --out "$models/mbert-base"
fi
models_ok=$([ "${status[models]}" = ok ] && echo 1 || echo 0)

# The benchmark corpus: the kit's full devtest, else the repository's dev sample.
corpus=$root/tests/data/flores200 split=dev
if [ -f "$kit/flores200-devtest.tar.xz" ]; then
  tar -C "$work" -xJf "$kit/flores200-devtest.tar.xz" && corpus=$work/flores200 split=devtest
fi

# ---- 7. bench: polyrep in float32, bfloat16 and float16 beside HF transformers, per model
gpu_sampler() { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$1" 2>/dev/null & echo $!; }
export -f gpu_sampler
bench() {
  local nlang=${BENCH_LANGS:-32}; [ $rehearse = 1 ] && nlang=${BENCH_LANGS:-8}
  local langs sample; langs=$(ls "$corpus/$split" | sed 's/\..*//' | head -$nlang | paste -sd,)
  sample=${BENCH_SAMPLE:-64}; [ $rehearse = 1 ] && sample=${BENCH_SAMPLE:-4}
  for model in mbert-base xglm-564m; do
    [ -f "$models/$model/config.json" ] || { echo "no $model: skipped"; continue; }
    for precision in float32 bfloat16 float16; do
      local tag=$model-$precision pid
      pid=$(gpu_sampler "$work/$tag.gpumem")
      timeout "$T_RUN" mpirun -np 1 --bind-to none "$polyrep" extract --model "$models/$model" --corpus "$corpus" --split $split \
        --langs "$langs" --sample $sample --device $device --precision $precision --dtype float16 --layers all \
        --out "$work/$tag.h5" --overwrite --metrics "$work/$tag.metrics.json" || echo "polyrep $tag failed"
      kill "$pid" 2>/dev/null || true
      if [ $have_hf = 1 ]; then
        timeout "$T_RUN" env LD_LIBRARY_PATH="$orig_ld" python3 "$root/tools/gpu/hf_bench.py" hf --model "$models/$model" \
          --ids "$work/$tag.h5" --dtype $precision --device $device --seconds 20 --json "$work/$tag.hf.json" || echo "hf $tag failed"
      fi
      py "$root/tools/gpu/hf_bench.py" flops --model "$models/$model" --ids "$work/$tag.h5" > "$work/$tag.flops.json"
      rm -f "$work/$tag.h5"
    done
  done
}
if [ $built = 1 ] && [ $models_ok = 1 ]; then run_phase bench "$T_BENCH" bench; else skip_phase bench "no build or no models"; fi

# ---- 8. full: 204 languages x the whole devtest, layers 0 and 12, bfloat16 forward, float16 stored
full() {
  set -e
  # 10.5 M tokens x 2 layers x 768 x 2 bytes is 32 GB; the rehearsal's 2 sentences a language need little.
  local free need=$([ $rehearse = 1 ] && echo 1 || echo 50); free=$(df -Pk "$work" | awk 'NR==2{print $4}')
  [ "$free" -gt $((need * 1024 * 1024)) ] || { echo "less than $need GiB free in $work"; exit 1; }
  local ranks=${FULL_RANKS:-4} sample=all; [ $rehearse = 1 ] && sample=2
  pid=$(gpu_sampler "$work/full.gpumem")
  mpirun -np $ranks --bind-to none "$polyrep" extract --model "$models/mbert-base" --corpus "$corpus" --split $split \
    --sample $sample --device $device --precision bfloat16 --dtype float16 --layers 0,$([ $rehearse = 1 ] && echo 2 || echo 12) \
    --pooling mean,cls --threads $((jobs / ranks)) --out "$work/full.h5" --overwrite --metrics "$work/full.metrics.json"
  kill "$pid" 2>/dev/null || true
  ls -l "$work/full.h5"; stat -c %s "$work/full.h5" > "$work/full.size"
  rm -f "$work/full.h5"
}
if [ $built = 1 ] && [ $models_ok = 1 ] && [ "$split" = devtest ]; then run_phase full "$T_FULL" full
else skip_phase full "no build, no models or no devtest in the kit"; fi

# ---- 9. summary
py "$root/tools/gpu/summarize.py" "$work" "$out" "$device" "$(IFS=,; echo "${phases[*]}")" \
  "$(for p in "${phases[@]}"; do printf '%s:%s:%s,' "$p" "${status[$p]}" "${seconds[$p]}"; done)" \
  > "$logs/summary.log" 2>&1 || echo "summary failed: $(tail -3 "$logs/summary.log")"
cp "$work"/*.json "$work"/*.gpumem "$work"/*.log "$logs/" 2>/dev/null
tar -C "$out" -czf "$out/logs.tar.gz" logs && rm -rf "$logs"
echo "== done in $(($(date +%s) - start))s: $out"
cat "$out/summary.md" 2>/dev/null

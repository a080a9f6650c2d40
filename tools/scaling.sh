#!/usr/bin/env bash
# One-command scaling experiment: runs `polyrep extract` and `polyrep reduce` over a grid of rank
# counts x language counts (plus a weak-scaling series with a fixed number of languages per rank),
# each with --metrics, then `polyrep scaling-report` turns the metrics into OUT/scaling.csv,
# OUT/scaling.md and a chart (OUT/scaling.svg, .png): wall time per phase, tokens/s per rank,
# strong and weak scaling efficiency, bytes written and write bandwidth, peak memory per rank and
# load imbalance. Ranks are started with jobs/mpirun/run.sh, so a --hostfile spreads them over
# nodes and each rank is bound to its --threads cores when they fit (see jobs/README.md).
# Languages are a seeded shuffle of the corpus's languages, nested (the 8 are among the 32).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  cat <<'EOF'
Usage: tools/scaling.sh [OPTIONS]
  --model DIR          model directory (default: tests/data/models/tiny-bert)
  --corpus DIR         Flores-200 directory, or a directory of <lang>.txt (default: tests/data/flores200)
  --split NAME         Flores-200 split (default: dev)
  --ranks "R..."       rank counts (default: 1 2 4 ... up to the cores of this machine)
  --langs "L..."       language counts; "all" = every language of the corpus (default: "8 32 all")
  --weak N             also run N x R languages at each rank count R, for weak scaling (default 8; 0 = none)
  --sample N           sentences per language (default 20)
  --threads T|auto     threads per rank (default 1: R ranks use R cores; auto = cores / ranks per node)
  --seed S             language shuffle and sentence sampling seed (default 0)
  --extract-args "..." extra extract flags (e.g. "--dtype float16 --layers 0,6,12")
  --reduce-args "..."  reduce flags (default "--pca 20 --tsne --iterations 300 --tsne-max-points 2000";
                       "none" skips reduce)
  --hostfile FILE      spread the ranks over the nodes of this Open MPI hostfile (R must divide by them)
  --launcher-arg WORD  one more word for jobs/mpirun/run.sh and so for mpirun (repeat it), e.g.
                       --launcher-arg --mca --launcher-arg btl_tcp_if_include --launcher-arg eth0
  --out DIR            results (default: out/scaling); extraction files are deleted after each run
                       unless --keep
  --repeat N           run each point N times (the report keeps the last; default 1)
  --keep               keep the extraction and reduce files
EOF
}

model="$root/tests/data/models/tiny-bert" corpus="$root/tests/data/flores200" split=dev
# Cores counted as jobs/mpirun/run.sh counts them (the physical cores this process may use), so
# that "ranks x threads fit" means the same here and there.
. "$root/jobs/common/launch_lib.sh"
cores=$(pr_node_cores)
ranks="" langs="8 32 all" weak=8 sample=20 threads=1 seed=0 extract_args=""
reduce_args="--pca 20 --tsne --iterations 300 --tsne-max-points 2000" hostfile="" out="$root/out/scaling"
repeat=1 keep=0 launcher_args=()
die() { echo "scaling.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --keep) keep=1; shift; continue ;;
  esac
  [ $# -ge 2 ] || die "$1 needs a value (see --help)"
  case $1 in
    --model) model=$2 ;; --corpus) corpus=$2 ;; --split) split=$2 ;; --ranks) ranks=$2 ;;
    --langs) langs=$2 ;; --weak) weak=$2 ;; --sample) sample=$2 ;; --threads) threads=$2 ;;
    --seed) seed=$2 ;; --extract-args) extract_args=$2 ;; --reduce-args) reduce_args=$2 ;;
    --hostfile) hostfile=$2 ;; --out) out=$2 ;; --repeat) repeat=$2 ;;
    --launcher-arg) launcher_args+=("$2") ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done

polyrep=${POLYREP:-"${POLYREP_BUILD_DIR:-$root/build}/src/polyrep"}
[ -x "$polyrep" ] || die "no polyrep binary at $polyrep (build first: bash tools/build.sh, or set POLYREP)"
[ -d "$model" ] || die "--model: no directory $model"
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
for v in weak sample seed repeat; do is_uint "${!v}" || die "--$v: expected a number, got '${!v}'"; done
[ "$threads" = auto ] || { is_uint "$threads" && [ "$threads" -ge 1 ]; } || die "--threads: expected a positive number or auto"
if [ -z "$ranks" ]; then
  ranks=1; r=2; while [ "$r" -le "$cores" ]; do ranks="$ranks $r"; r=$((r * 2)); done
fi
nodes=1
if [ -n "$hostfile" ]; then
  [ -f "$hostfile" ] || die "--hostfile: no file $hostfile"
  nodes=$(grep -cEv '^[[:space:]]*(#|$)' "$hostfile")
fi

# The corpus's languages, shuffled once with the seed; a run with L languages takes the first L,
# in corpus order (so nested prefixes of the shuffle, and the files list them sorted).
if [ -d "$corpus/$split" ]; then
  all_langs=$(find "$corpus/$split" -maxdepth 1 -name "*.$split" -printf '%f\n' | sed "s/\.$split\$//" | sort)
else
  all_langs=$(find "$corpus" -maxdepth 1 \( -name '*.txt' -o -name '*.tsv' \) -printf '%f\n' | sed -E 's/\.(txt|tsv)$//' | sort)
fi
n_all=$(echo "$all_langs" | grep -c . || true)
[ "$n_all" -gt 0 ] || die "--corpus: no languages found in $corpus (split $split)"
shuffled=$(echo "$all_langs" | shuf --random-source=<(yes "polyrep-$seed"))
pick_langs() {  # pick_langs L: comma list of the first L shuffled languages, sorted
  echo "$shuffled" | head -n "$1" | sort | paste -sd, -
}

points=()
for r in $ranks; do
  is_uint "$r" && [ "$r" -ge 1 ] || die "--ranks: expected positive numbers, got '$r'"
  [ $((r % nodes)) -eq 0 ] || die "--ranks: $r ranks do not divide over the $nodes nodes of $hostfile"
  for l in $langs; do
    [ "$l" = all ] && l=$n_all
    is_uint "$l" && [ "$l" -ge 1 ] || die "--langs: expected positive numbers or 'all', got '$l'"
    [ "$l" -le "$n_all" ] || die "--langs: $l languages asked for, the corpus has $n_all"
    points+=("$r:$l")
  done
  if [ "$weak" -gt 0 ] && [ $((weak * r)) -le "$n_all" ]; then points+=("$r:$((weak * r))"); fi
done
# One run per distinct point, in rank order.
mapfile -t points < <(printf '%s\n' "${points[@]}" | sort -t: -k1,1n -k2,2n -u)

mkdir -p "$out/metrics" "$out/logs" "$out/runs"
launcher=(bash "$root/jobs/mpirun/run.sh")
[ -n "$hostfile" ] && launcher+=(--hostfile "$hostfile")
launcher+=("${launcher_args[@]}")
echo "scaling: $(basename "$model") on $corpus ($n_all languages), sample $sample, threads/rank $threads, cores here $cores"
echo "scaling: ${#points[@]} points (ranks:languages): ${points[*]}"
for point in "${points[@]}"; do
  r=${point%%:*} l=${point##*:}
  per_node=$((r / nodes))
  flags=(--ranks-per-node "$per_node")
  [ "$threads" = auto ] || flags+=(--threads "$threads")
  t=${threads/auto/$(( cores / per_node > 0 ? cores / per_node : 1 ))}
  # run.sh binds each rank to t cores of its own when per_node x t fit in the cores; otherwise it
  # leaves ranks unbound and mpirun needs --oversubscribe for more ranks than cores.
  [ $((per_node * t)) -le "$cores" ] || { flags+=(--oversubscribe); echo "scaling: note: r$r uses $((per_node * t)) threads per node on $cores cores (oversubscribed, ranks not bound to cores)"; }
  h5="$out/runs/r$r-l$l.h5"
  for ((k = 1; k <= repeat; k++)); do
    log="$out/logs/r$r-l$l.log"
    # shellcheck disable=SC2086
    POLYREP="$polyrep" "${launcher[@]}" "${flags[@]}" -- extract --model "$model" --corpus "$corpus" \
      --split "$split" --langs "$(pick_langs "$l")" --sample "$sample" --seed "$seed" \
      --out "$h5" --overwrite --progress 60 --metrics "$out/metrics/extract-r$r-l$l.json" $extract_args \
      > "$log" 2>&1 || { tail -n 20 "$log" >&2; die "extract failed at $r ranks, $l languages (log: $log)"; }
    if [ "$reduce_args" != none ]; then
      # shellcheck disable=SC2086
      POLYREP="$polyrep" "${launcher[@]}" "${flags[@]}" -- reduce "$h5" $reduce_args \
        --metrics "$out/metrics/reduce-r$r-l$l.json" >> "$log" 2>&1 \
        || { tail -n 20 "$log" >&2; die "reduce failed at $r ranks, $l languages (log: $log)"; }
    fi
  done
  grep -h "extract: wrote" "$log" | sed "s/^/scaling: r$r l$l: /" || true
  [ "$keep" -eq 1 ] || rm -f "$h5" "${h5%.h5}.reduce.h5"
done
"$polyrep" scaling-report "$out/metrics" --out "$out"
echo "scaling: wrote $out/scaling.csv, $out/scaling.md and the chart $out/scaling.svg (.png)"

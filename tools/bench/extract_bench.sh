#!/usr/bin/env bash
# Throughput of `polyrep extract` on a full-size model against this machine's own GEMM ceiling,
# measured in the same run (tools/bench/gemm_limit.cpp), so that the ratio means something on any
# machine and despite noise between runs. Not run by ctest.
#
#   tools/bench/extract_bench.sh [--model mbert-base|xglm-564m] [--corpus FLORES_DIR] [--langs N]
#       [--sample N] [--repeat R] [--polyrep PATH] [--gemm-limit PATH] [--work DIR]
#       [--configs "1x2 2x1"] [-- extra extract args]
#
# Steps: make the random-weight model (make_models.py) unless WORK/models/MODEL exists; gemm_limit
# at 2 and 1 threads (and at every T of --configs); then, per config RxT (ranks x threads per
# rank), `--repeat` runs of extract on N languages x --sample devtest sentences (--seed 0), each
# with --metrics. The median run by wall time is reported (min/max kept). Prints a table and writes
# WORK/bench.json and WORK/bench.md. --polyrep points at another build to compare against it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "extract_bench.sh: $*" >&2; exit 1; }
py=/usr/bin/python3  # the system python has numpy + h5py; a pyenv one first on PATH may not

model=mbert-base corpus="" nlangs=8 sample=100 repeat=3 configs="1x2 2x1"
polyrep="$root/build/src/polyrep" gemm="" work="$root/build/bench" extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --langs) nlangs=$2; shift 2 ;;
    --sample) sample=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --polyrep) polyrep=$2; shift 2 ;;
    --gemm-limit) gemm=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --configs) configs=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
case "$model" in mbert-base|xglm-564m) ;; *) die "--model must be mbert-base or xglm-564m, not '$model'" ;; esac
[[ "$nlangs" =~ ^[1-8]$ ]] || die "--langs must be 1..8, not '$nlangs'"
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a positive integer, not '$repeat'"
[[ "$sample" =~ ^[1-9][0-9]*$ ]] || die "--sample must be a positive integer, not '$sample'"
if [ -z "$corpus" ]; then
  [ -d "$root/../shared/data/flores200" ] || die "no Flores-200 at $root/../shared/data/flores200: pass --corpus FLORES_DIR"
  corpus=$(cd "$root/../shared/data/flores200" && pwd)
fi
# A fixed list across scripts (Latin, Cyrillic, Han, Devanagari, Arabic, Japanese): tokenizer
# fertility and so tokens per sentence differ a lot between them.
all_langs=(eng_Latn fra_Latn rus_Cyrl zho_Hans hin_Deva arb_Arab jpn_Jpan swh_Latn)
langs=("${all_langs[@]:0:$nlangs}")
for l in "${langs[@]}"; do
  [ -f "$corpus/devtest/$l.devtest" ] || die "corpus $corpus has no devtest/$l.devtest (need Flores-200 with devtest)"
done
lang_list=$(IFS=,; echo "${langs[*]}")
[ -x "$polyrep" ] || die "no polyrep at $polyrep (build it, or pass --polyrep PATH)"
if [ -z "$gemm" ]; then  # beside --polyrep's build, else the repo's (an older build may lack it)
  gemm="$(dirname "$(dirname "$polyrep")")/tools/bench/gemm_limit"
  [ -x "$gemm" ] || gemm="$root/build/tools/bench/gemm_limit"
fi
[ -x "$gemm" ] || die "no gemm_limit at $gemm (cmake --build BUILD --target gemm_limit, or pass --gemm-limit PATH)"
configs_arr=()
for c in $configs; do
  [[ "$c" =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || die "--configs: '$c' is not RANKSxTHREADS (e.g. 2x1)"
  configs_arr+=("$c")
done
[ ${#configs_arr[@]} -gt 0 ] || die "--configs is empty"

mkdir -p "$work"
work=$(cd "$work" && pwd)
model_dir="$work/models/$model"
if [ ! -f "$model_dir/model.safetensors" ]; then
  echo "== making $model in $model_dir (random weights)"
  "$py" "$root/tools/bench/make_models.py" --model "$model" --out "$model_dir"
fi

# Ranks placed as the launchers place them (jobs/common/launch_lib.sh): each bound to T cores of its
# own when R x T fit (Open MPI's default would put a rank's threads on one core: PITFALLS #9),
# else unbound and oversubscribed.
. "$root/jobs/common/launch_lib.sh"
cores=$(pr_node_cores)
mpi=(mpirun)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)

# The GEMM ceiling at every thread count a rank uses, 1 and 2 always (the issue's reference points).
threads_needed=$(printf '%s\n' 1 2 "${configs_arr[@]#*x}" | sort -nu)
for t in $threads_needed; do
  echo "== gemm_limit --threads $t"
  "$gemm" --model "$model_dir" --threads "$t" > "$work/gemm_t$t.json"
  "$py" -c 'import json,sys; b=json.load(open(sys.argv[1]))["best"]; print("   %.1f GFLOP/s at M=%d -> %.0f tokens/s limit" % (b["gflops"], b["rows"], b["tokens_per_second_limit"]))' "$work/gemm_t$t.json"
done

for c in "${configs_arr[@]}"; do
  r=${c%x*} t=${c#*x}
  pr_placement "$r" "$t" "$cores" "$(pr_mask_not_binding_safe)"
  over=("${PR_PLACEMENT[@]}"); [ "$PR_PLACEMENT_BOUND" -eq 1 ] || over+=(--oversubscribe)
  mkdir -p "$work/$c"
  for i in $(seq 1 "$repeat"); do
    # This VM's speed drifts by 10-20% over minutes: the ceiling each run is compared with is
    # measured just before it (best of M = 1024, 2048), not once at the start.
    "$gemm" --model "$model_dir" --threads "$t" --rows 1024,2048 --seconds 1 > "$work/$c/gemm$i.json"
    echo "== $c run $i/$repeat: $r rank(s) x $t thread(s)"
    "${mpi[@]}" "${over[@]}" -np "$r" "$polyrep" extract --model "$model_dir" --corpus "$corpus" \
      --split devtest --langs "$lang_list" --sample "$sample" --seed 0 --threads "$t" \
      --metrics "$work/$c/run$i.json" --out "$work/$c/out.h5" --overwrite -q "${extra[@]}" \
      || die "extract failed for config $c (run $i); command: mpirun -np $r $polyrep extract ..."
  done
done

if "$py" -c "import transformers" 2>/dev/null || python3 -c "import transformers" 2>/dev/null; then
  peer="HF transformers installed, but no HF+h5py peer is implemented here: peer not timed"
else
  peer="HF transformers not installed: peer not timed"
fi

"$py" - "$work" "$model" "$corpus" "$polyrep" "$cores" "$repeat" "$peer" "${configs_arr[@]}" <<'EOF'
import json, os, statistics, sys
work, model, corpus, polyrep, cores, repeat, peer, *configs = sys.argv[1:]
# The phases a run reports, in its order (an older --polyrep may name fewer or others).
PHASES = []
gemm = {}
for name in os.listdir(work):
    if name.startswith("gemm_t") and name.endswith(".json"):
        g = json.load(open(os.path.join(work, name)))
        gemm[g["threads"]] = g

def rank_max(m, phase):
    return max(r["seconds"].get(phase, 0.0) for r in m["per_rank"])

def peak_mib(m):
    return max(r.get("peak_rss_bytes", r.get("counters", {}).get("peak_rss_bytes", 0)) for r in m["per_rank"]) / 2**20

rows = []
for c in configs:
    r, t = map(int, c.split("x"))
    runs = [json.load(open(os.path.join(work, c, f"run{i}.json"))) for i in range(1, int(repeat) + 1)]
    for i, m in enumerate(runs, 1):  # each run against the ceiling measured just before it
        g = json.load(open(os.path.join(work, c, f"gemm{i}.json")))["best"]
        m["limit"] = g["tokens_per_second_limit"] * r  # R independent ranks at T threads each
        m["fraction"] = m["tokens"] / m["wall_seconds"] / m["limit"]
    walls = sorted(m["wall_seconds"] for m in runs)
    # Median run by fraction of its ceiling (with an even count the lower middle one).
    m = sorted(runs, key=lambda m: m["fraction"])[(len(runs) - 1) // 2]
    limit = m["limit"]
    wall, fwd = m["wall_seconds"], rank_max(m, "forward")
    phases = {p: rank_max(m, p) for p in m["phases"]}
    PHASES += [p for p in m["phases"] if p not in PHASES]
    rows.append(dict(config=c, ranks=r, threads=t, tokens=m["tokens"], sentences=m["sentences"],
                     wall_seconds=wall, wall_min=walls[0], wall_max=walls[-1], runs=len(runs),
                     tokens_per_second=m["tokens"] / wall,
                     forward_tokens_per_second=m["tokens"] / fwd if fwd > 0 else None,
                     gemm_limit_tokens_per_second=limit,
                     fraction_of_limit=m["tokens"] / wall / limit,
                     fractions_of_limit_all_runs=[round(x["fraction"], 3) for x in runs],
                     forward_fraction_of_limit=(m["tokens"] / fwd / limit) if fwd > 0 else None,
                     phases_seconds=phases,
                     phases_percent={p: 100 * s / wall for p, s in phases.items()},
                     peak_mib_per_rank=peak_mib(m)))

blas = sorted({g["blas"] for g in gemm.values()})
doc = dict(format="polyrep-extract-bench-1", model=model, corpus=corpus, polyrep=polyrep,
           cores=int(cores), blas=blas, peer=peer,
           gemm_limit={str(t): g["best"] for t, g in sorted(gemm.items())}, configs=rows)
json.dump(doc, open(os.path.join(work, "bench.json"), "w"), indent=2)

f = lambda x, d=0: "–" if x is None else f"{x:,.{d}f}"
head = ["ranks x threads", "tokens", "wall s (min–max)", "tok/s", "fwd tok/s", "GEMM limit tok/s",
        "of limit", "fwd of limit"] + [f"{p} s (%)" for p in PHASES] + ["peak MiB/rank"]
lines = ["| " + " | ".join(head) + " |", "|" + " --: |" * len(head)]
for x in rows:
    star = " (*)" if x["ranks"] * x["threads"] > int(cores) else ""
    cells = [f"{x['ranks']} x {x['threads']}{star}", str(x["tokens"]),
             f"{x['wall_seconds']:.2f} ({x['wall_min']:.2f}–{x['wall_max']:.2f})",
             f(x["tokens_per_second"]), f(x["forward_tokens_per_second"]), f(x["gemm_limit_tokens_per_second"]),
             f(x["fraction_of_limit"], 2), f(x["forward_fraction_of_limit"], 2)]
    cells += [f"{x['phases_seconds'][p]:.2f} ({x['phases_percent'][p]:.0f}%)" if p in x["phases_seconds"]
              else "–" for p in PHASES]
    cells.append(f(x["peak_mib_per_rank"]))
    lines.append("| " + " | ".join(cells) + " |")
limits = ", ".join(f"{t} thread(s): {g['best']['gflops']:.1f} GFLOP/s at M={g['best']['rows']} = "
                   f"{g['best']['tokens_per_second_limit']:,.0f} tokens/s" for t, g in sorted(gemm.items()))
md = [f"# extract benchmark: {model}", "",
      f"corpus {corpus}, {rows[0]['sentences']} sentences; polyrep {polyrep}; {cores} cores; "
      f"median of {repeat} run(s) per config by fraction of the GEMM limit, each run against the limit "
      f"measured just before it; wall includes model load; phases are the maximum over ranks.",
      "", *lines, "",
      *(["(*) more threads than cores: the limit (R x one process at T threads) cannot be reached"]
        if any(x["ranks"] * x["threads"] > int(cores) for x in rows) else []),
      *[f"{x['config']}: fraction of the limit in each run: {x['fractions_of_limit_all_runs']}" for x in rows],
      f"BLAS: {'; '.join(blas)}", f"GEMM limit at the start (linears only): {limits}", peer]
open(os.path.join(work, "bench.md"), "w").write("\n".join(md) + "\n")
print("\n".join(md))
print(f"\n(written {work}/bench.json and bench.md)")
EOF

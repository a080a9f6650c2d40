#!/usr/bin/env bash
# Runs one polyrep subcommand under Open MPI's mpirun on the nodes of a hostfile, with the ranks
# laid out per node, threads sized so that the node's cores are not oversubscribed, each rank bound
# to cores of its own when they fit, and (with --gpus-per-node) one GPU per rank. Prints the mpirun
# command it runs. See jobs/README.md.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/common/launch_lib.sh"
PR_LOG_TAG=run.sh

usage() {
  cat <<'EOF'
Usage: run.sh [OPTIONS] [MPIRUN ARGS...] -- SUBCOMMAND [ARGS...]
       run.sh [OPTIONS] --pipeline [--reduce-args "ARGS"] -- extract [ARGS...]
       run.sh [OPTIONS] --exec -- COMMAND [ARGS...]

  --hostfile FILE      Open MPI hostfile, one node per line ("node7 slots=4"). Without it mpirun
                       uses its own default: the Slurm/PBS allocation it runs in, else this host.
  --nodes N            number of nodes (default: hosts in the hostfile, else $SLURM_JOB_NUM_NODES, else 1)
  --ranks-per-node N   MPI ranks per node (default 1)
  --gpus-per-node G    one rank per GPU: G ranks per node, each with its own GPU (CUDA_VISIBLE_DEVICES
                       chosen from the local rank) and `extract --device cuda`
  --cores-per-node C   cores of one node (default: the physical cores this process may use here,
                       hardware threads counted once; the nodes are assumed alike)
  --threads T          threads per rank (default: cores-per-node / ranks-per-node), passed as
                       OMP_NUM_THREADS and polyrep's --threads (unless ARGS already have --threads)
  --pipeline           SUBCOMMAND is extract; afterwards run `reduce` on its --out file
  --reduce-args ARGS   reduce's options for --pipeline, one string (default "--pca 50 --tsne")
  --exec               the words after -- are a command to run as every rank instead of polyrep
                       (check a hostfile with: run.sh --hostfile h --exec -- hostname)
  --dry-run            print the mpirun command(s) and run nothing
  Anything else before -- goes to mpirun unchanged, e.g. --mca btl_tcp_if_include eth0, -x VAR,
  --prefix /opt/openmpi, --oversubscribe, --map-by ..., --bind-to ... (these two replace the
  placement run.sh chooses: ppr:N:node:pe=T --bind-to core when N x T <= C, else --bind-to none)

Environment: POLYREP (polyrep binary; default `polyrep` on PATH, then the repository's
build/src/polyrep), POLYREP_MPIRUN (default mpirun), POLYREP_JOBS_VERBOSE=1 (a line per rank
saying where it runs), POLYREP_HOST_CORES (this host's cores, instead of counting them).
EOF
}

hostfile="" nodes="" rpn="" gpus="" cores="" threads="" pipeline=0 exec_mode=0 dry_run=0
reduce_args="--pca 50 --tsne"
mpirun_extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --hostfile|--nodes|--ranks-per-node|--gpus-per-node|--cores-per-node|--threads|--reduce-args)
      [ $# -ge 2 ] || pr_die "$1 needs a value" ;;
  esac
  case $1 in
    --hostfile) hostfile=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --ranks-per-node) rpn=$2; shift 2 ;;
    --gpus-per-node) gpus=$2; shift 2 ;;
    --cores-per-node) cores=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --pipeline) pipeline=1; shift ;;
    --reduce-args) reduce_args=$2; shift 2 ;;
    --exec) exec_mode=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) mpirun_extra+=("$1"); shift ;;
  esac
done
[ $# -gt 0 ] || { usage >&2; pr_die "nothing to run: give -- SUBCOMMAND [ARGS...]"; }

if [ -n "$hostfile" ]; then
  [ -n "$nodes" ] || nodes=$(pr_hostfile_nodes "$hostfile")
  hostfile=$(cd "$(dirname "$hostfile")" && pwd)/$(basename "$hostfile")
fi
[ -n "$nodes" ] || nodes=${SLURM_JOB_NUM_NODES:-1}
if [ -n "$gpus" ]; then
  [ -z "$rpn" ] || [ "$rpn" = "$gpus" ] || pr_die "--ranks-per-node $rpn and --gpus-per-node $gpus disagree (one rank per GPU)"
  rpn=$gpus
fi
[ -n "$rpn" ] || rpn=1
# The cores this host lets us use (affinity, SMT siblings once, cgroup quota): the nodes are
# assumed alike; say --cores-per-node when the nodes differ from the host run.sh runs on.
[ -n "$cores" ] || cores=$(pr_node_cores)
for v in nodes rpn cores; do
  pr_is_uint "${!v}" && [ "${!v}" -ge 1 ] || pr_die "--${v/rpn/ranks-per-node}: expected a positive integer, got '${!v}'"
done
# A --threads among polyrep's own arguments wins, and OMP_NUM_THREADS follows it.
if [ "$exec_mode" -eq 0 ] && pr_has_opt --threads "$@"; then threads=$(pr_opt_value --threads "$@"); fi
[ -n "$threads" ] || threads=$(pr_threads_per_rank "$cores" "$rpn")
pr_is_uint "$threads" && [ "$threads" -ge 1 ] || pr_die "--threads: expected a positive integer, got '$threads'"
np=$((nodes * rpn))
pr_log "$nodes node(s) x $rpn rank(s) = $np ranks, $threads thread(s) per rank ($cores cores per node)${gpus:+, one GPU per rank}"

mpirun_cmd=("${POLYREP_MPIRUN:-mpirun}")
[ "$(id -u)" -eq 0 ] && mpirun_cmd+=(--allow-run-as-root)
mpirun_cmd+=(-np "$np")
[ -n "$hostfile" ] && mpirun_cmd+=(--hostfile "$hostfile")
# Placement: Open MPI's default binding (one core per rank when np <= 2) would squeeze a rank's
# threads onto one core, so say where ranks go. Each rank gets $threads cores of its own when a
# node has them (see pr_placement); a --map-by or --bind-to of the user's replaces ours.
user_map=$(pr_opt_value --map-by "${mpirun_extra[@]}"; pr_opt_value -map-by "${mpirun_extra[@]}")
user_bind=0
pr_has_opt --bind-to "${mpirun_extra[@]}" || pr_has_opt -bind-to "${mpirun_extra[@]}" && user_bind=1
if [ -z "$user_map" ] && [ "$user_bind" -eq 0 ]; then
  pr_placement "$rpn" "$threads" "$cores" "$(pr_mask_not_binding_safe)"
  mpirun_cmd+=("${PR_PLACEMENT[@]}")
  pr_log "placement: $PR_PLACEMENT_NOTE"
elif [ "$user_bind" -eq 0 ]; then
  # The user's mapping; with pe=N in it Open MPI binds each rank to N cores itself, else nothing
  # binds a rank to one core.
  case ${user_map,,} in *pe=*) ;; *) mpirun_cmd+=(--bind-to none) ;; esac
  pr_log "placement: your --map-by $user_map"
elif [ -z "$user_map" ]; then
  mpirun_cmd+=(--map-by "ppr:$rpn:node")
  pr_log "placement: your --bind-to $(pr_opt_value --bind-to "${mpirun_extra[@]}"; pr_opt_value -bind-to "${mpirun_extra[@]}")"
fi
[ -n "${LD_LIBRARY_PATH:-}" ] && mpirun_cmd+=(-x LD_LIBRARY_PATH)
mpirun_cmd+=("${mpirun_extra[@]}" "$PR_RANK_WRAPPER" --threads "$threads")
[ -n "$gpus" ] && mpirun_cmd+=(--gpu)
# Remote ranks see no environment of ours (ssh): say it on the wrapper's command line.
[ "${POLYREP_JOBS_VERBOSE:-0}" = 1 ] && mpirun_cmd+=(--verbose)
mpirun_cmd+=(--)

# run_one POLYREP_OR_COMMAND [ARGS...]: one mpirun of the layout above.
run_one() {
  pr_show_command "${mpirun_cmd[@]}" "$@"
  [ "$dry_run" -eq 1 ] && return 0
  PR_FORWARD_SIGNAL=USR1 pr_run_forwarding "${mpirun_cmd[@]}" "$@"
}

if [ "$exec_mode" -eq 1 ]; then
  run_one "$@"
else
  gpu_flag=0; [ -n "$gpus" ] && gpu_flag=1
  pr_run_polyrep run_one "$threads" "$gpu_flag" "$pipeline" "$reduce_args" "$@"
fi

# Sourced by the launchers in jobs/ (mpirun/run.sh, slurm/polyrep.sbatch, htcondor/parallel_wrapper.sh):
# what they share about finding polyrep, sizing threads and completing polyrep's arguments.
# Functions only; sourcing it changes nothing. Needs bash.

PR_JOBS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PR_RANK_WRAPPER="$PR_JOBS_DIR/common/rank_wrapper.sh"

pr_log() { echo "${PR_LOG_TAG:-polyrep-jobs}: $*" >&2; }
pr_die() { pr_log "error: $*"; exit 2; }

# The polyrep binary as an absolute path (ranks on other nodes get no PATH of ours): $POLYREP, else
# `polyrep` on PATH, else the build tree next to jobs/ (build/src/polyrep).
pr_find_polyrep() {
  local p=${POLYREP:-}
  if [ -z "$p" ]; then
    p=$(command -v polyrep 2>/dev/null || true)
    [ -z "$p" ] && [ -x "$PR_JOBS_DIR/../build/src/polyrep" ] && p="$PR_JOBS_DIR/../build/src/polyrep"
  elif [ "${p#*/}" = "$p" ]; then
    p=$(command -v "$p" 2>/dev/null || true)
  fi
  [ -n "$p" ] && [ -x "$p" ] || pr_die "polyrep not found: set POLYREP=/path/to/polyrep (the same path on every node)"
  echo "$(cd "$(dirname "$p")" && pwd)/$(basename "$p")"
}

pr_is_uint() { case $1 in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }

# pr_threads_per_rank CORES RANKS: cores shared out so that ranks x threads <= cores (at least 1).
pr_threads_per_rank() {
  local t=$(( $1 / $2 ))
  [ "$t" -ge 1 ] || t=1
  echo "$t"
}

# Distinct hosts of an Open MPI hostfile ("host slots=N ..." lines, # comments).
pr_hostfile_nodes() {
  [ -r "$1" ] || pr_die "hostfile '$1' not readable"
  sed -e 's/#.*//' "$1" | awk 'NF { print $1 }' | sort -u | awk 'END { print NR }'
}

# pr_has_opt NAME ARGS...: whether NAME (e.g. --threads) is among ARGS, as "NAME V" or "NAME=V".
pr_has_opt() {
  local name=$1 a; shift
  for a in "$@"; do
    [ "$a" = "$name" ] && return 0
    case $a in "$name"=*) return 0 ;; esac
  done
  return 1
}

# pr_opt_value NAME ARGS...: the value of NAME in ARGS ("NAME V" or "NAME=V"), empty if absent.
pr_opt_value() {
  local name=$1; shift
  while [ $# -gt 0 ]; do
    case $1 in
      "$name") echo "${2:-}"; return 0 ;;
      "$name"=*) echo "${1#"$name"=}"; return 0 ;;
    esac
    shift
  done
}

# pr_complete_args THREADS GPU SUBCOMMAND ARGS...: sets PR_ARGS to polyrep's argument list with
# what the launcher decided added, unless the user said otherwise: --threads for extract and reduce
# (reduce's --threads is per t-SNE job), --device cuda for extract with one GPU per rank.
pr_complete_args() {
  local threads=$1 gpu=$2; shift 2
  PR_ARGS=("$@")
  case ${1:-} in
    extract|reduce)
      pr_has_opt --threads "$@" || PR_ARGS+=(--threads "$threads")
      if [ "$1" = extract ] && [ "$gpu" -eq 1 ] && ! pr_has_opt --device "$@"; then
        PR_ARGS+=(--device cuda)
      fi ;;
  esac
}

# pr_run_polyrep RUNNER THREADS GPU PIPELINE REDUCE_ARGS SUBCOMMAND [ARGS...]: runs polyrep through
# RUNNER (a function given the command words) once, or with PIPELINE=1 as extract and then reduce
# of extract's --out file with REDUCE_ARGS (one string). Returns the first failing status.
pr_run_polyrep() {
  local runner=$1 threads=$2 gpu=$3 pipeline=$4 reduce_args=$5 polyrep out
  shift 5
  polyrep=$(pr_find_polyrep) || exit 2
  pr_complete_args "$threads" "$gpu" "$@"
  if [ "$pipeline" -eq 0 ]; then
    "$runner" "$polyrep" "${PR_ARGS[@]}"
    return
  fi
  [ "${1:-}" = extract ] || pr_die "--pipeline runs extract then reduce: the subcommand must be extract, not '${1:-}'"
  out=$(pr_opt_value --out "$@")
  [ -n "$out" ] || pr_die "--pipeline: extract has no --out FILE"
  "$runner" "$polyrep" "${PR_ARGS[@]}" || return
  local -a words
  read -r -a words <<<"$reduce_args"
  pr_complete_args "$threads" 0 reduce "$out" "${words[@]}"
  "$runner" "$polyrep" "${PR_ARGS[@]}"
}

# pr_run_forwarding CMD...: runs CMD (an mpirun, srun) as a child and waits for it; a TERM, INT or
# HUP sent to this script goes on to CMD, which then takes its ranks down, and the script exits
# 143 once CMD is gone instead of going on to a next step. Returns CMD's exit status.
PR_CHILD=0
PR_STOPPING=0
pr_forward_signal() { PR_STOPPING=1; [ "$PR_CHILD" -eq 0 ] || kill -TERM "$PR_CHILD" 2>/dev/null || true; }
pr_run_forwarding() {
  trap pr_forward_signal TERM INT HUP
  "$@" &
  PR_CHILD=$!
  local rc=0
  wait "$PR_CHILD" || rc=$?
  # A trapped signal interrupts `wait`: wait again until the command has finished tearing down.
  while kill -0 "$PR_CHILD" 2>/dev/null; do wait "$PR_CHILD" || rc=$?; done
  PR_CHILD=0
  [ "$PR_STOPPING" -eq 0 ] || { pr_log "stopped by a signal"; exit 143; }
  return "$rc"
}

# Major version of the Open MPI whose mpirun we use (4: ORTE; 5 and later: PRRTE), 4 if unknown.
pr_ompi_major() {
  local v
  v=$("${POLYREP_MPIRUN:-mpirun}" --version 2>/dev/null | sed -n 's/.*(Open MPI) \([0-9][0-9]*\)\..*/\1/p' | head -n 1)
  echo "${v:-4}"
}

# Prints a command line (on stderr, "+ " first, as set -x does) so that it can be pasted back into a shell.
pr_show_command() {
  local out="" a
  for a in "$@"; do
    case $a in
      *[!A-Za-z0-9_./:=,@%+-]*|'') out+="'${a//\'/\'\\\'\'}' " ;;
      *) out+="$a " ;;
    esac
  done
  echo "+ ${out% }" >&2
}

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

# ---- Cores and binding ----
# A rank that runs T threads needs T cores of its own: Open MPI binds each rank to ONE core by
# default when np <= 2 (PITFALLS 9: half speed with 2 threads), and a rank bound to fewer cores
# than it has threads runs them in turn. polyrep logs each rank's placement ("placement: rank 1
# on node7: CPUs 2-3 (2 cores of its own), 2 threads") and warns when threads share cores.

# pr_expand_cpus LIST: "0-3,8" -> 0 1 2 3 8, one per line (the kernel's cpu list format).
pr_expand_cpus() {
  tr ',' '\n' <<<"$1" | awk -F- 'NF && $1 != "" { last = (NF > 1) ? $2 : $1; for (c = $1; c <= last; c++) print c }'
}

# The logical CPUs this process may run on (its affinity mask, which taskset, Slurm and HTCondor
# narrow), one per line; every online CPU when the mask cannot be read.
pr_allowed_cpus() {
  local list
  list=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status 2>/dev/null || true)
  [ -n "$list" ] || list="0-$(( $(nproc --all) - 1 ))"
  pr_expand_cpus "$list"
}

# pr_node_cores: the physical cores this process may use, counted as polyrep counts them: the
# CPUs of its affinity mask with SMT siblings once (Open MPI's pe=N counts cores, not hardware
# threads), capped by a cgroup CPU quota (containers). POLYREP_HOST_CORES overrides the count
# (for hosts whose /sys says something else than what a job gets).
pr_node_cores() {
  if [ -n "${POLYREP_HOST_CORES:-}" ]; then echo "$POLYREP_HOST_CORES"; return; fi
  local -a cpus files
  local c n quota period
  mapfile -t cpus < <(pr_allowed_cpus)
  for c in "${cpus[@]}"; do files+=("/sys/devices/system/cpu/cpu$c/topology/thread_siblings_list"); done
  # One line per CPU naming its core's siblings: equal lines are one core.
  n=$(cat "${files[@]}" 2>/dev/null | sort -u | awk 'END { print NR }' || true)
  [ "${n:-0}" -ge 1 ] || n=${#cpus[@]}
  # cgroup v2 "cpu.max" ("max 100000" or "200000 100000"), else v1 cfs quota (-1: none).
  read -r quota period 2>/dev/null < /sys/fs/cgroup/cpu.max \
    || { quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || true); period=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null || true); }
  if pr_is_uint "${quota:-}" && pr_is_uint "${period:-}" && [ "$period" -gt 0 ]; then
    quota=$(( (quota + period - 1) / period ))
    [ "$quota" -ge 1 ] && [ "$quota" -lt "$n" ] && n=$quota
  fi
  echo "$n"
}

# The CPUs of this process's cpuset cgroup (v2 cpuset.cpus.effective, v1 cpuset.effective_cpus),
# one per line; nothing when there is none to read. (cgroup files report size 0: read, not -s.)
pr_cgroup_cpuset() {
  local line path f list
  while IFS= read -r line; do
    case $line in
      0::*) path=${line#0::}
            for f in "/sys/fs/cgroup$path/cpuset.cpus.effective" "/sys/fs/cgroup/unified$path/cpuset.cpus.effective"; do
              list=$(cat "$f" 2>/dev/null || true)
              [ -n "$list" ] && { pr_expand_cpus "$list"; return 0; }
            done ;;
      *:cpuset:*|*:cpuset,*|*,cpuset:*|*,cpuset,*)
            path=${line#*:*:}
            for f in "/sys/fs/cgroup/cpuset$path/cpuset.effective_cpus" "/sys/fs/cgroup/cpuset$path/cpuset.cpus"; do
              list=$(cat "$f" 2>/dev/null || true)
              [ -n "$list" ] && { pr_expand_cpus "$list"; return 0; }
            done ;;
    esac
  done < /proc/self/cgroup 2>/dev/null
  return 0
}

# pr_mask_not_binding_safe: prints why binding ranks here would be wrong, nothing when it is fine.
# Open MPI binds within the CPUs it finds allowed, which are those of a cpuset cgroup (Slurm's
# task/cgroup), but not those of a mere affinity mask (taskset, Slurm's task/affinity, HTCondor's
# ASSIGN_CPU_AFFINITY): measured with Open MPI 4.1.4 under `taskset -c 1`, `--bind-to core` put
# the rank on CPU 0. --bind-to none keeps the mask the ranks inherit.
pr_mask_not_binding_safe() {
  local mine online cpuset
  mine=$(pr_allowed_cpus | paste -sd, -)
  online=$(pr_expand_cpus "$(cat /sys/devices/system/cpu/online 2>/dev/null || echo "0-$(( $(nproc --all) - 1 ))")" | paste -sd, -)
  [ "$mine" = "$online" ] && return 0
  cpuset=$(pr_cgroup_cpuset | paste -sd, -)
  [ "$mine" = "$cpuset" ] && return 0
  echo "an affinity mask lets this process run on CPUs $(pr_allowed_cpus | paste -sd, -) only (of $online), and Open MPI's binding would not keep to it; unbound ranks inherit it"
}

# pr_placement RANKS_PER_NODE THREADS CORES [REASON]: the mpirun words that place one node's ranks,
# in PR_PLACEMENT, and a line saying what they do, in PR_PLACEMENT_NOTE (PR_PLACEMENT_BOUND: 1 when
# ranks are bound). Each rank gets THREADS cores of its own (ppr:N:node:pe=T --bind-to core; pe=T
# is how both Open MPI 4 and 5 spell it) when RANKS_PER_NODE x THREADS <= CORES and no REASON not
# to bind was given; otherwise ranks are not bound (--bind-to none) and the note, a warning when
# the cores are too few, says why.
pr_placement() {
  local rpn=$1 threads=$2 cores=$3 reason=${4:-}
  PR_PLACEMENT_BOUND=0
  if [ $((rpn * threads)) -gt "$cores" ]; then
    PR_PLACEMENT=(--map-by "ppr:$rpn:node" --bind-to none)
    PR_PLACEMENT_NOTE="warning: $rpn rank(s) x $threads thread(s) = $((rpn * threads)) threads per node but $cores cores per node: ranks are not bound to cores (--bind-to none) and their threads share the cores; lower --threads or --ranks-per-node"
  elif [ -n "$reason" ]; then
    PR_PLACEMENT=(--map-by "ppr:$rpn:node" --bind-to none)
    PR_PLACEMENT_NOTE="ranks are not bound to cores (--bind-to none): $reason"
  else
    PR_PLACEMENT=(--map-by "ppr:$rpn:node:pe=$threads" --bind-to core)
    PR_PLACEMENT_BOUND=1
    PR_PLACEMENT_NOTE="each rank bound to $threads core(s) of its own (--map-by ppr:$rpn:node:pe=$threads --bind-to core)"
  fi
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
# (reduce's --threads is per t-SNE job), --device cuda for extract with one GPU per rank, and
# --resume for extract (unless --overwrite) and reduce: a requeued or resubmitted job then finishes
# what the killed one left instead of starting over; without a partial file it starts from the
# beginning, and with complete output of the same inputs it does nothing.
pr_complete_args() {
  local threads=$1 gpu=$2; shift 2
  PR_ARGS=("$@")
  case ${1:-} in
    extract|reduce)
      pr_has_opt --threads "$@" || PR_ARGS+=(--threads "$threads")
      if [ "$1" = extract ] && [ "$gpu" -eq 1 ] && ! pr_has_opt --device "$@"; then
        PR_ARGS+=(--device cuda)
      fi
      if ! pr_has_opt --resume "$@" && ! pr_has_opt --overwrite "$@"; then
        PR_ARGS+=(--resume)
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
  if [ "${1:-}" = extract ] && [ -n "$(pr_opt_value --out "$@")" ]; then
    pr_watch_output "$(pr_opt_value --out "$@")" "$pipeline"
  fi
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
  PR_RESUMABLE_FILE="" PR_OUTPUT_FILE="" PR_NEXT_STEP=0
  "$runner" "$polyrep" "${PR_ARGS[@]}"
}

# pr_run_forwarding CMD...: runs CMD (an mpirun, srun) as a child and waits for it; a TERM, INT or
# HUP sent to this script goes on to CMD, which passes it to the ranks (they stop after their
# current round, resumable), and the script exits once CMD is gone instead of going on to a next
# step: with 75 when CMD did, or when PR_RESUMABLE_FILE (an extract's OUT.partial.resume) exists,
# else 143. mpirun 4 itself exits 1 after a signal even when every rank exited 75, hence the file.
# Returns CMD's exit status.
# PR_FORWARD_SIGNAL: what CMD is sent. run.sh sets USR1 for mpirun: Open MPI's mpirun passes USR1
# on to every rank at once, but a TERM only a second later and a KILL a second after that, too
# soon for a round to finish (polyrep stops on USR1 as on TERM).
PR_CHILD=0
PR_STOPPING=0
PR_FORWARD_SIGNAL=TERM
pr_forward_signal() { PR_STOPPING=1; [ "$PR_CHILD" -eq 0 ] || kill -"$PR_FORWARD_SIGNAL" "$PR_CHILD" 2>/dev/null || true; }
pr_run_forwarding() {
  trap pr_forward_signal TERM INT HUP
  "$@" &
  PR_CHILD=$!
  local rc=0
  wait "$PR_CHILD" || rc=$?
  # A trapped signal interrupts `wait`: wait again until the command has finished tearing down.
  while kill -0 "$PR_CHILD" 2>/dev/null; do wait "$PR_CHILD" || rc=$?; done
  PR_CHILD=0
  [ "$PR_STOPPING" -eq 0 ] || pr_exit_stopped "$rc"
  return "$rc"
}
PR_RESUMABLE_FILE="" PR_OUTPUT_FILE="" PR_NEXT_STEP=0
# pr_watch_output OUT NEXT_STEP: the extract output a stop is judged by; NEXT_STEP=1 when a step
# (the pipeline's reduce) follows the extraction.
pr_watch_output() { PR_OUTPUT_FILE=$1 PR_RESUMABLE_FILE="$1.partial.resume" PR_NEXT_STEP=$2; }
# A run that finished before the signal reached its ranks (Open MPI 4's mpirun passes it on a
# second late, and then exits 1) is done: exit 0, or 75 when a next step is still to run.
pr_exit_stopped() {
  if [ "$1" -eq 75 ] || { [ -n "$PR_RESUMABLE_FILE" ] && [ -f "$PR_RESUMABLE_FILE" ]; }; then
    pr_log "stopped by a signal; resumable: the same command finishes the run (it passes --resume)"
    exit 75
  fi
  if [ -n "$PR_OUTPUT_FILE" ] && [ -f "$PR_OUTPUT_FILE" ] && [ ! -e "$PR_OUTPUT_FILE.partial" ]; then
    if [ "$PR_NEXT_STEP" -eq 1 ]; then
      pr_log "stopped by a signal once $PR_OUTPUT_FILE was complete; resumable: the same command runs the next step"
      exit 75
    fi
    pr_log "a signal came as the run finished: $PR_OUTPUT_FILE is complete"
    exit 0
  fi
  pr_log "stopped by a signal"
  exit 143
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

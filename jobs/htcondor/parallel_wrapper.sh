#!/usr/bin/env bash
# The executable of polyrep.sub (HTCondor parallel universe, Open MPI 4): HTCondor starts one copy
# on each of the job's machine_count nodes, with _CONDOR_PROCNO (0..N-1) and _CONDOR_NPROCS.
#
#   arguments = [run.sh options and mpirun args...] -- SUBCOMMAND [ARGS...]
#   e.g.        --pipeline -- extract --model /shared/xlmr --corpus /shared/flores200 --out reps.h5
#
# Every node publishes "hostname cores gpus binding" through condor_chirp into the job's spool
# directory on the submit machine. Node 0 waits for all of them (POLYREP_CONDOR_START_TIMEOUT),
# writes a hostfile, runs jobs/mpirun/run.sh with it (ranks per node, threads from the slot's cores,
# one rank per GPU when the slots have GPUs, ranks bound to cores of their own where every slot
# owns its machine's cores), posts a heartbeat while it runs, and finally a "done" message with
# mpirun's exit status, on which the other nodes exit. How mpirun reaches the other nodes
# (POLYREP_CONDOR_LAUNCH):
#   chirp (default)  no ssh: the hostfile names the nodes condor-node-K and mpirun's launch agent is
#                    chirp_agent.sh, which passes the `orted` command for node K through the spool;
#                    node K's wrapper fetches and runs it, so the daemon and the ranks are children
#                    of the HTCondor job on that node (counted, limited and killed by HTCondor).
#   ssh              the hostfile has the nodes' hostnames and mpirun uses POLYREP_CONDOR_RSH_AGENT
#                    (default ssh): needs password-less ssh between execute nodes; the other
#                    nodes' wrappers only wait.
#
# Removal (condor_rm, eviction: SIGTERM to each node's wrapper): node 0 stops run.sh and mpirun
# (whose ranks go with it), the others stop their orted and its ranks, each waits up to
# POLYREP_CONDOR_KILL_GRACE seconds and then SIGKILLs what is left, and exits 143. A node whose
# node 0 goes silent (no heartbeat for POLYREP_CONDOR_HEARTBEAT_TIMEOUT seconds) stops its
# processes and exits 1 rather than holding its slot forever. See jobs/README.md.
set -uo pipefail
# jobs/ must be on a filesystem the nodes share (so must polyrep, its inputs and the output file);
# POLYREP_JOBS_DIR says where when HTCondor runs a copy of this script from the scratch directory.
jobs_dir=${POLYREP_JOBS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
[ -f "$jobs_dir/common/launch_lib.sh" ] || { echo "parallel_wrapper: no $jobs_dir/common/launch_lib.sh; set POLYREP_JOBS_DIR" >&2; exit 2; }
. "$jobs_dir/common/launch_lib.sh"

procno=${_CONDOR_PROCNO:?not an HTCondor parallel universe job (no _CONDOR_PROCNO)}
nprocs=${_CONDOR_NPROCS:?no _CONDOR_NPROCS}
PR_LOG_TAG="parallel_wrapper[node $procno/$nprocs]"
spool=${POLYREP_CONDOR_SPOOL:-${_CONDOR_REMOTE_SPOOL_DIR:-}}
[ -n "$spool" ] || pr_die "no _CONDOR_REMOTE_SPOOL_DIR: set POLYREP_CONDOR_SPOOL to a directory chirp can reach"
mode=${POLYREP_CONDOR_LAUNCH:-chirp}
start_timeout=${POLYREP_CONDOR_START_TIMEOUT:-600}
hb_timeout=${POLYREP_CONDOR_HEARTBEAT_TIMEOUT:-120}
hb_every=${POLYREP_CONDOR_HEARTBEAT_EVERY:-10}
grace=${POLYREP_CONDOR_KILL_GRACE:-20}
scratch=${_CONDOR_SCRATCH_DIR:-${TMPDIR:-/tmp}}
# HTCondor's starter sets no HOME, and Open MPI 5's mpirun stops without one ("Unable to get the
# user home directory", opal_init failed; 5.0.7): the scratch directory stands in, as for the orted.
[ -n "${HOME:-}" ] || export HOME=$scratch
msgdir=$(mktemp -d "$scratch/polyrep-wrapper.XXXXXX")

find_chirp() {
  if [ -n "${POLYREP_CONDOR_CHIRP:-}" ]; then echo "$POLYREP_CONDOR_CHIRP"; return; fi
  if command -v condor_chirp >/dev/null; then command -v condor_chirp; return; fi
  local libexec
  libexec=$(condor_config_val libexec 2>/dev/null || true)
  [ -x "$libexec/condor_chirp" ] && { echo "$libexec/condor_chirp"; return; }
  pr_die "condor_chirp not found (is +WantIOProxy = true in the submit file?)"
}
chirp=$(find_chirp) || exit 2

# ad_value FILE ATTR: an attribute of a ClassAd file ($_CONDOR_JOB_AD, $_CONDOR_MACHINE_AD).
ad_value() {
  [ -r "${1:-}" ] || return 1
  awk -v a="$2" 'tolower($1) == tolower(a) && $2 == "=" { $1 = ""; $2 = ""; gsub(/^ +|"/, ""); print; exit }' "$1" | grep .
}

# Messages of this run are named polyrep.KEY.*; KEY changes when the job starts again after an eviction.
key=${POLYREP_CONDOR_RUN_ID:-$(ad_value "${_CONDOR_JOB_AD:-}" ClusterId).$(ad_value "${_CONDOR_JOB_AD:-}" ProcId).$(ad_value "${_CONDOR_JOB_AD:-}" NumJobStarts || echo 0)}
key=${key//[!A-Za-z0-9._-]/}

ulog() {
  pr_log "$*"
  "$chirp" ulog "polyrep node $procno: $*" >/dev/null 2>&1 || true
}

# post NAME TEXT / fetch NAME / unpost NAME: messages in the spool. "# end" marks a complete one.
post() {
  printf '%s\n# end\n' "$2" > "$msgdir/out.$1"
  "$chirp" put "$msgdir/out.$1" "$spool/polyrep.$key.$1" >/dev/null 2>&1
}
fetch() {
  rm -f "$msgdir/in.$1"
  "$chirp" fetch "$spool/polyrep.$key.$1" "$msgdir/in.$1" >/dev/null 2>&1 || return 1
  [ "$(tail -n 1 "$msgdir/in.$1")" = "# end" ] || return 1
  sed '$d' "$msgdir/in.$1"
}
unpost() { "$chirp" remove "$spool/polyrep.$key.$1" >/dev/null 2>&1 || true; }

# The slot's CPUs: its Cpus (machine ad), else what the job asked for, else all we may use.
slot_cpus() {
  ad_value "${_CONDOR_MACHINE_AD:-}" Cpus || ad_value "${_CONDOR_JOB_AD:-}" RequestCpus || nproc
}
# The cores threads are sized by: the slot's CPUs, but no more than the physical cores this node
# lets its processes use (HTCondor counts hardware threads as CPUs by default; Open MPI's pe=N and
# polyrep count cores). POLYREP_CORES_PER_NODE overrides it.
node_cores() {
  local c=${POLYREP_CORES_PER_NODE:-} host_cores
  if [ -z "$c" ]; then
    c=$(slot_cpus)
    host_cores=$(pr_node_cores)
    [ "$c" -le "$host_cores" ] || c=$host_cores
  fi
  echo "$c"
}
# Whether Open MPI may bind ranks to cores on this node: "bind", or one word for why not:
#   share  the slot has fewer CPUs than its processes may run on: nothing pins the job to cores of
#          its own (HTCondor shares a machine by cgroup CPU weights unless configured otherwise),
#          so Open MPI would bind to the machine's first cores, whichever jobs use them;
#   mask   an affinity mask (ASSIGN_CPU_AFFINITY) pins the slot, and Open MPI's binding does not
#          keep to such a mask (a cpuset cgroup it does keep to).
node_binding() {
  if [ "$(slot_cpus)" -lt "$(nproc)" ]; then echo share
  elif [ -n "$(pr_mask_not_binding_safe)" ]; then echo mask
  else echo bind
  fi
}
node_gpus() {
  if [ -n "${POLYREP_GPUS_PER_NODE:-}" ]; then echo "$POLYREP_GPUS_PER_NODE"; return; fi
  local v=${CUDA_VISIBLE_DEVICES:-}
  [ -n "$v" ] && [ "$v" != -1 ] || { echo 0; return; }
  awk -F, '{ print NF }' <<<"$v"
}

# alive PID...: whether any of them still runs (a zombie does not count: it has exited).
alive() {
  local p st
  for p in "$@"; do
    st=$(ps -o stat= -p "$p" 2>/dev/null) || continue
    [ "${st#Z}" = "$st" ] && return 0
  done
  return 1
}
descendants() {
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done
}
# kill_group LEADER: TERM to the process group LEADER heads (started with setsid) and to all its
# descendants (Open MPI may put ranks in groups of their own), KILL after $grace seconds.
kill_group() {
  local leader=$1 _
  local -a pids
  mapfile -t pids < <(echo "$leader"; descendants "$leader")
  kill -TERM -- "-$leader" "${pids[@]}" 2>/dev/null
  for _ in $(seq 1 $((grace * 5))); do
    # shellcheck disable=SC2046  # pgrep's pids, one word each
    alive "${pids[@]}" $(pgrep -g "$leader") || return 0
    sleep 0.2
  done
  ulog "processes still there after ${grace}s: SIGKILL"
  kill -KILL -- "-$leader" "${pids[@]}" 2>/dev/null
  return 0
}

# ---- node 0: collects the nodes, runs run.sh, posts heartbeats and "done" ----
hb_pid=0 run_pid=0

heartbeat_loop() {
  local parent=$1 n=0
  while kill -0 "$parent" 2>/dev/null; do
    n=$((n + 1))
    post heartbeat "$parent $(date +%s) $n"
    sleep "$hb_every"
  done
}

# What a node posts about itself: "host cores gpus binding".
node_info() { echo "$(hostname) $(node_cores) $(node_gpus) $(node_binding)"; }

# collect_nodes: fills info[K] = "host cores gpus binding" for every node, waiting for the others.
collect_nodes() {
  local k deadline=$((SECONDS + start_timeout))
  info[0]=$(node_info)
  for ((k = 1; k < nprocs; k++)); do
    until info[k]=$(fetch "node.$k"); do
      [ "$SECONDS" -lt "$deadline" ] || { ulog "node $k did not report within ${start_timeout}s"; return 1; }
      sleep 1
    done
  done
}

# plan USER_PLACEMENT: from info[], writes the hostfile and sets layout (run.sh options) and agent
# (mpirun args). run.sh binds each rank to cores of its own when the slots have enough of them;
# where a node cannot bind (see node_binding) all ranks stay unbound, unless the user's arguments
# place them (USER_PLACEMENT=1: a --map-by or --bind-to of theirs).
plan() {
  local user_placement=$1 k host cores gpus binding min_cores="" min_gpus="" rpn unbound=""
  for ((k = 0; k < nprocs; k++)); do
    read -r host cores gpus binding <<<"${info[k]}"
    pr_log "node $k: $host, $cores cores, $gpus GPU(s), binding: ${binding:-bind}"
    [ -z "$min_cores" ] || [ "$cores" -lt "$min_cores" ] && min_cores=$cores
    [ -z "$min_gpus" ] || [ "$gpus" -lt "$min_gpus" ] && min_gpus=$gpus
    case ${binding:-bind} in
      bind) ;;
      share) unbound+="; node $k ($host): its slot has fewer CPUs than the machine lets it run on and nothing pins it to cores of its own" ;;
      *) unbound+="; node $k ($host): an affinity mask pins its slot and Open MPI's binding would not keep to it" ;;
    esac
  done
  if [ "$min_gpus" -gt 0 ] && [ "${POLYREP_DEVICE:-}" != cpu ]; then
    rpn=$min_gpus; layout=(--gpus-per-node "$rpn")
  else
    rpn=${POLYREP_RANKS_PER_NODE:-1}; layout=(--ranks-per-node "$rpn")
  fi
  layout+=(--cores-per-node "$min_cores")
  if [ -n "$unbound" ] && [ "$user_placement" -eq 0 ]; then
    pr_log "ranks are not bound to cores (--bind-to none): ${unbound#; }"
    layout+=(--bind-to none)
  fi
  hostfile="$msgdir/hostfile"
  : > "$hostfile"
  for ((k = 0; k < nprocs; k++)); do
    read -r host _ <<<"${info[k]}"
    if [ "$mode" = chirp ]; then
      [ "$k" -eq 0 ] && host=localhost || host=condor-node-$k
    fi
    echo "$host slots=$rpn" >> "$hostfile"
  done
  # Open MPI 5 launches PRRTE daemons (prted): its launcher's parameters are plm_ssh_*, set with
  # --prtemca. Open MPI 4 (ORTE, orted): plm_rsh_* with --mca.
  local set=--mca plm=plm_rsh
  [ "$(pr_ompi_major)" -ge 5 ] && { set=--prtemca; plm=plm_ssh; }
  case $mode in
    chirp) agent=("$set" "${plm}_agent" "$jobs_dir/htcondor/chirp_agent.sh" "$set" "${plm}_no_tree_spawn" 1) ;;
    ssh) agent=("$set" "${plm}_agent" "${POLYREP_CONDOR_RSH_AGENT:-ssh}") ;;
    *) pr_die "POLYREP_CONDOR_LAUNCH: expected chirp or ssh, got '$mode'" ;;
  esac
}

# The heartbeat loop and whatever it runs (sleep, condor_chirp): frozen first, so that it starts
# nothing new while its children are listed.
stop_heartbeat() {
  [ "$hb_pid" -ne 0 ] || return 0
  kill -STOP "$hb_pid" 2>/dev/null
  # shellcheck disable=SC2046  # ps's pids, one word each
  kill -KILL "$hb_pid" $(ps -o pid= --ppid "$hb_pid" 2>/dev/null) 2>/dev/null
  hb_pid=0
}

node0_finish() {
  local k
  post 'done' "$1"
  stop_heartbeat
  unpost heartbeat
  for ((k = 1; k < nprocs; k++)); do unpost "node.$k"; done
  ulog "finished with exit status $1"
  exit "$1"
}

# On removal, no "done": the other nodes get the same signal from HTCondor.
node0_stop() {
  ulog "signal received: stopping mpirun and its ranks"
  [ "$run_pid" -eq 0 ] || kill_group "$run_pid"
  stop_heartbeat
  exit 143
}

node0_main() {
  trap node0_stop TERM INT HUP
  unpost 'done'
  heartbeat_loop $$ &
  hb_pid=$!
  disown "$hb_pid"   # no "Killed" notice from bash when stop_heartbeat ends it
  declare -a info layout agent
  collect_nodes || node0_finish 1
  local a user_placement=0
  for a in "$@"; do
    case $a in
      --) break ;;
      --map-by|--map-by=*|-map-by|--bind-to|--bind-to=*|-bind-to) user_placement=1 ;;
    esac
  done
  plan "$user_placement"
  export POLYREP_CONDOR_CHIRP=$chirp POLYREP_CONDOR_SPOOL=$spool POLYREP_CONDOR_KEY=$key
  local cmd=("$jobs_dir/mpirun/run.sh" --hostfile "$hostfile" "${layout[@]}" "${agent[@]}" "$@")
  ulog "all $nprocs nodes reported; hostfile: $(tr '\n' ';' < "$hostfile")"
  setsid "${cmd[@]}" &
  run_pid=$!
  local rc=0
  wait "$run_pid" || rc=$?
  run_pid=0
  node0_finish "$rc"
}

# ---- nodes 1..N-1: run the orted commands node 0's mpirun sends, until "done" ----
orted_pid=0 hb_seen="" hb_at=$SECONDS

# heartbeat_ok: false once node 0 has been silent too long (start_timeout before its first beat).
heartbeat_ok() {
  local hb limit=$hb_timeout
  if hb=$(fetch heartbeat) && [ "$hb" != "$hb_seen" ]; then hb_seen=$hb; hb_at=$SECONDS; fi
  [ -n "$hb_seen" ] || limit=$start_timeout
  [ $((SECONDS - hb_at)) -le "$limit" ] && return 0
  ulog "no heartbeat from node 0 for $((SECONDS - hb_at))s: giving up"
  return 1
}

run_orted() {
  local cmdfile="$msgdir/orted.sh" rc=0
  # In the foreground, so that HTCondor's process tracking and this script's signals reach it.
  printf '%s\n' "$1" | sed -e 's/ --daemonize / /' > "$cmdfile"
  ulog "starting the orted node 0's mpirun asked for"
  HOME=$scratch setsid /bin/sh "$cmdfile" &
  orted_pid=$!
  while alive "$orted_pid"; do
    heartbeat_ok || { kill_group "$orted_pid"; exit 1; }
    sleep 1
  done
  wait "$orted_pid" || rc=$?
  orted_pid=0
  ulog "orted exited with status $rc"
}

worker_stop() {
  ulog "signal received: stopping orted and its ranks"
  [ "$orted_pid" -eq 0 ] || kill_group "$orted_pid"
  exit 143
}

worker_main() {
  trap worker_stop TERM INT HUP
  post "node.$procno" "$(node_info)" || ulog "warning: condor_chirp put failed"
  local cmd rc
  while :; do
    if rc=$(fetch 'done'); then
      ulog "node 0 finished with exit status $rc"
      [ "$rc" = 0 ] && exit 0
      exit 1
    fi
    if [ "$mode" = chirp ] && cmd=$(fetch "orted.$procno"); then
      unpost "orted.$procno"
      run_orted "$cmd"
      continue
    fi
    heartbeat_ok || exit 1
    sleep 1
  done
}

trap 'rm -rf "$msgdir"' EXIT
if [ "$procno" -eq 0 ]; then node0_main "$@"; else worker_main; fi

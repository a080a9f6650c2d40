#!/usr/bin/env bash
# jobs/htcondor/parallel_wrapper.sh as HTCondor's parallel universe would run it, without HTCondor
# (not packaged for Debian): three copies started at once, one per pretend node (network namespaces
# node0..node2 of tests/cluster/lib/netns_cluster.sh, each with its own hostname and address, MPI on
# TCP over the veths), each with what the starter provides: a clean environment, _CONDOR_PROCNO,
# _CONDOR_NPROCS, a scratch directory with .job.ad and .machine.ad (Cpus = 2), the job's spool
# directory, and a condor_chirp on PATH (tests/cluster/condor_sim/condor_chirp: put/fetch/remove/ulog
# on plain files standing in for the submit machine's spool).
#
# Jobs:
#   A  chirp launch (default, no ssh), --pipeline: extract + reduce with 3 ranks on 3 nodes; all
#      wrappers exit 0, orted started on node1 and node2 by their wrappers, each rank runs the
#      slot's 2 cores as threads (polyrep's placement lines; bound to them with --map-by
#      ppr:1:node:pe=2 --bind-to core when the slot's 2 CPUs are the whole machine), file complete
#      and equal to a single-process extraction, nothing left running, no orted command left in
#      the spool.
#   B  ssh launch (netns_agent.sh playing ssh, hostnames in the hostfile): extract; same checks.
#   C  removal: a long extraction, SIGTERM to the three wrappers once ranks compute (as condor_rm
#      does); every process (mpirun, orted, polyrep) must be gone within 15 s, all wrappers exit
#      143, and no output file exists (a .partial may).
#   E  vacate and restart: SIGTERM to the wrappers once a round is recorded, then the same job
#      again (HTCondor restarts an evicted job): it resumes the partial file and finishes it;
#      every dataset equals an uninterrupted run of the same job (E0), byte for byte.
#   D  node 0 hangs: a long extraction, then every process of node0 is frozen (SIGSTOP, as a hung
#      machine or a partition); node1 and node2 must notice the missing heartbeat, stop their orted
#      and ranks and exit 1 by themselves.
#
# Usage: condor_parallel_sim.sh [POLYREP]. Needs root and `ip netns` (exit 77 otherwise).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/netns_cluster.sh"
nc_require_root_netns
command -v mpirun >/dev/null || cl_skip "mpirun not installed"
cl_find_polyrep "${1:-}"
cl_start condor
cl_on_exit nc_down
t0=$SECONDS

NC_DIR=$CL_TMP nc_up node0 node1 node2
cl_ok "cluster up: $(tr '\n' ';' < "$NC_MAP")"
work="$CL_TMP/work"   # the job's initial directory, on the "shared filesystem"
mkdir -p "$work"
cd "$work"
net=(--mca btl tcp,self --mca btl_tcp_if_include "$NC_NET" --mca oob_tcp_if_include "$NC_NET"
     --mca mpi_yield_when_idle 1)
small=(--model "$CL_DATA/models/tiny-bert" --corpus "$CL_DATA/flores200" --split dev
       --langs eng_Latn,fra_Latn,spa_Latn --sample 8 --seed 5)
long=(--model "$CL_DATA/models/tiny-bert" --corpus "$CL_DATA/flores200" --split dev
      --langs all --sample 40 --layers -1 --dtype float16 --progress 1)
wpids=()

# What the wrappers should choose: threads = the slot's 2 CPUs (fewer if this machine has fewer
# cores); ranks bound to them when the slot is the whole machine (2 CPUs here) and no affinity
# mask narrows this process, else left unbound (the slot shares a bigger machine).
. "$CL_ROOT/jobs/common/launch_lib.sh"
host_cores=$(pr_node_cores)
threads=$(( host_cores < 2 ? host_cores : 2 ))
bound=""; [ "$(nproc)" -le 2 ] && [ -z "$(pr_mask_not_binding_safe)" ] && bound=bound
if [ -n "$bound" ]; then placement="--map-by ppr:1:node:pe=$threads --bind-to core"; else placement="--map-by ppr:1:node --bind-to none"; fi

# check_placement JOB: node 0's mpirun placed the 3 ranks as expected, one per node, and polyrep
# says each runs $threads threads (on cores of its own when bound).
check_placement() {
  local f="$CL_TMP/$1/node0.out" hosts
  grep -q -- "^+ mpirun .* $placement " "$f" || { show_job "$1"; cl_fail "job $1: mpirun not started with $placement"; }
  grep -q "$threads thread(s) per rank" "$f" || { show_job "$1"; cl_fail "job $1: not $threads threads per rank (Cpus = 2)"; }
  cl_check_placement "$f" 3 "$threads" $bound
  hosts=$(awk '{ print $2 }' "$CL_TMP/placement.table" | paste -sd' ' -)
  [ "$hosts" = "node0 node1 node2" ] || { show_job "$1"; cl_fail "job $1: polyrep's placement lines put ranks 0-2 on '$hosts'"; }
  cl_ok "$1: $placement; polyrep's placement lines: ranks 0-2 on node0 node1 node2, each running $threads thread(s)${bound:+ on $threads core(s) of its own}, no warning that threads share cores"
}

# start_job NAME [VAR=VALUE...] -- WRAPPER ARGS...: the three nodes' wrappers, in the background.
start_job() {
  local name=$1 k dir; shift
  local env_extra=()
  while [ "$1" != -- ]; do env_extra+=("$1"); shift; done
  shift
  dir="$CL_TMP/$name"
  mkdir -p "$dir/spool"
  for k in 0 1 2; do
    mkdir -p "$dir/scratch$k"
    printf 'ClusterId = 7\nProcId = 0\nRequestCpus = 2\n' > "$dir/scratch$k/.job.ad"
    printf 'Cpus = 2\nMemory = 4096\nName = "slot1@node%s"\n' "$k" > "$dir/scratch$k/.machine.ad"
    nc_prefix "node$k"
    "${NC_CMD[@]}" env -i PATH="$here/condor_sim:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      _CONDOR_PROCNO=$k _CONDOR_NPROCS=3 _CONDOR_SCRATCH_DIR="$dir/scratch$k" \
      _CONDOR_REMOTE_SPOOL_DIR="$dir/spool" _CONDOR_JOB_AD="$dir/scratch$k/.job.ad" \
      _CONDOR_MACHINE_AD="$dir/scratch$k/.machine.ad" CONDOR_SIM_ULOG="$dir/user.log" \
      POLYREP="$CL_POLYREP" POLYREP_JOBS_VERBOSE=1 POLYREP_CONDOR_HEARTBEAT_EVERY=2 \
      POLYREP_CONDOR_KILL_GRACE=5 "${env_extra[@]}" \
      "$CL_ROOT/jobs/htcondor/parallel_wrapper.sh" "$@" > "$dir/node$k.out" 2>&1 &
    wpids[k]=$!
  done
}
cl_on_exit 'for p in "${wpids[@]}"; do kill -KILL "$p" 2>/dev/null; done'

# wait_wrappers SECONDS: until all three wrappers exit; sets rcs ("rc0 rc1 rc2") and took (seconds).
wait_wrappers() {
  local deadline=$((SECONDS + $1)) start=$SECONDS k rc
  while kill -0 "${wpids[@]}" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  took=$((SECONDS - start))
  rcs=""
  for k in 0 1 2; do
    if kill -0 "${wpids[k]}" 2>/dev/null; then rcs+="running "; continue; fi
    rc=0; wait "${wpids[k]}" || rc=$?
    rcs+="$rc "
  done
  rcs=${rcs% }
}

show_job() { local f; for f in "$CL_TMP/$1"/node*.out; do cl_show_log "$f" 25; done; }

# wait_computing NAME: until node 0's polyrep reports extraction progress and every node runs a polyrep.
wait_computing() {
  local i m ok
  for i in $(seq 1 300); do
    ok=1
    grep -q 'extract: .*%' "$CL_TMP/$1/node0.out" || ok=0
    for m in node0 node1 node2; do
      ip netns pids "$(nc_ns "$m")" | xargs -r ps -o comm= -p 2>/dev/null | grep -qx polyrep || ok=0
    done
    [ "$ok" -eq 1 ] && return 0
    kill -0 "${wpids[@]}" 2>/dev/null || break
    sleep 0.2
  done
  show_job "$1"; cl_fail "job $1: ranks never computed on all three nodes"
}

no_processes_left() {
  local left
  left=$(nc_live_pids | tr '\n' ' ')
  [ -z "${left// /}" ] || { ps -o pid,stat,args -p "$(echo $left | tr ' ' ',')" || true; cl_fail "$1: processes left: $left"; }
}

# ---- A: chirp launch, extract + reduce ----
reduce=(--pca 10 --tsne --perplexity 5 --iterations 250)
start_job A -- "${net[@]}" --pipeline --reduce-args "${reduce[*]}" -- extract "${small[@]}" --out "$work/A.h5"
wait_wrappers 150
[ "$rcs" = "0 0 0" ] || { show_job A; cl_fail "job A: wrapper exit statuses $rcs"; }
cl_ok "A: all three wrappers exited 0 after ${took}s (chirp launch, no ssh)"
grep -q 'hostfile: localhost slots=1;condor-node-1 slots=1;condor-node-2 slots=1;' "$CL_TMP/A/node0.out" \
  || { show_job A; cl_fail "job A: unexpected hostfile"; }
for k in 1 2; do
  n=$(grep -c "starting the orted node 0's mpirun asked for" "$CL_TMP/A/node$k.out" || true)
  [ "$n" -eq 2 ] || { show_job A; cl_fail "job A: node$k started $n orted (expected 2: extract, reduce)"; }
done
hosts=$(grep -ho 'rank_wrapper: rank [0-9]/3 local 0 host node[012]' "$CL_TMP/A"/node*.out | awk '{print $7}' | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
[ "$hosts" = "node0=2 node1=2 node2=2 " ] || { show_job A; cl_fail "job A: ranks per host '$hosts'"; }
cl_ok "A: node1 and node2 each ran 2 orted fetched through chirp; one rank per node per step ($hosts)"
check_placement A
cl_reference "${small[@]}"
cl_check_file "$work/A.h5" 3
cl_check_reduce "$work/A.h5" "${reduce[@]:0:2}"
compgen -G "$CL_TMP/A/spool/*orted*" >/dev/null && cl_fail "job A: orted commands left in the spool: $(ls "$CL_TMP/A/spool")"
no_processes_left "job A"
cl_ok "A: no process left on any node, no orted command left in the spool"

# ---- B: ssh launch (netns_agent.sh as ssh) ----
start_job B POLYREP_CONDOR_LAUNCH=ssh "POLYREP_CONDOR_RSH_AGENT=$here/netns_agent.sh $NC_MAP" \
  -- "${net[@]}" -- extract "${small[@]}" --out "$work/B.h5"
wait_wrappers 120
[ "$rcs" = "0 0 0" ] || { show_job B; cl_fail "job B: wrapper exit statuses $rcs"; }
grep -q 'hostfile: node0 slots=1;node1 slots=1;node2 slots=1;' "$CL_TMP/B/node0.out" || { show_job B; cl_fail "job B: unexpected hostfile"; }
hosts=$(grep -ho 'rank_wrapper: rank [0-9]/3 local 0 host node[012]' "$CL_TMP/B"/node*.out | awk '{print $7}' | sort | tr '\n' ' ')
[ "$hosts" = "node0 node1 node2 " ] || { show_job B; cl_fail "job B: ranks on '$hosts'"; }
check_placement B
cl_check_file "$work/B.h5" 3
no_processes_left "job B"
cl_ok "B: ssh launch with the nodes' hostnames: all exited 0 after ${took}s, one rank per node, nothing left"

# ---- C: removal (condor_rm sends SIGTERM to every node's wrapper) ----
start_job C -- "${net[@]}" -- extract "${long[@]}" --out "$work/C.h5"
wait_computing C
kill -TERM "${wpids[@]}"
gone=""
for i in $(seq 1 150); do
  [ -z "$(nc_live_pids)" ] && { gone=$((i / 5)); break; }
  sleep 0.2
done
[ -n "$gone" ] || { show_job C; nc_live_pids | xargs -r ps -o pid,stat,args -p; cl_fail "job C: processes still running 30 s after SIGTERM"; }
wait_wrappers 5
[ "$rcs" = "143 143 143" ] || { show_job C; cl_fail "job C: wrapper exit statuses $rcs (expected 143)"; }
[ "$gone" -le 15 ] || cl_fail "job C: took ${gone}s to stop everything (more than 15 s)"
[ ! -e "$work/C.h5" ] || cl_fail "job C: $work/C.h5 exists after removal, as if complete"
partial="no .partial"; [ -e "$work/C.h5.partial" ] && partial="only C.h5.partial"
cl_ok "C: SIGTERM mid-extraction: mpirun, orted and all polyrep ranks gone within ${gone}s, wrappers exited 143, no C.h5 ($partial)"

# ---- E: vacate and restart: SIGTERM to the wrappers once a round is recorded (as condor_vacate_job
# and eviction send), then the same job started again, as HTCondor restarts an evicted job
# (polyrep.sub keeps a job that exits 75 queued too): the wrappers pass --resume, node 0's run
# finishes the partial file, and it equals an uninterrupted run of the same job (E0), byte for
# byte ----
medium=(--model "$CL_DATA/models/tiny-bert" --corpus "$CL_DATA/flores200" --split dev
        --langs eng_Latn,fra_Latn,deu_Latn,spa_Latn,zho_Hans,arb_Arab,hin_Deva,rus_Cyrl --sample 40
        --layers -1 --dtype float16 --checkpoint-seconds 0)
start_job E1 -- "${net[@]}" -- extract "${medium[@]}" --out "$work/E.h5"
for i in $(seq 1 1200); do [ -s "$work/E.h5.partial.done" ] && break; sleep 0.05; done
[ -s "$work/E.h5.partial.done" ] || { show_job E1; cl_fail "job E1 recorded no round within 60 s"; }
kill -TERM "${wpids[@]}"
wait_wrappers 30
[ "$rcs" = "143 143 143" ] || { show_job E1; cl_fail "job E1: wrapper exit statuses $rcs (expected 143)"; }
[ -e "$work/E.h5.partial.resume" ] && [ ! -e "$work/E.h5" ] || cl_fail "job E1 left no resumable partial file ($(ls "$work" | tr '\n' ' '))"
start_job E2 -- "${net[@]}" -- extract "${medium[@]}" --out "$work/E.h5"
wait_wrappers 150
[ "$rcs" = "0 0 0" ] || { show_job E2; cl_fail "job E2: wrapper exit statuses $rcs"; }
resumed=$(grep -ho 'resuming .*E.h5.partial: .* to go' "$CL_TMP/E2/node0.out" | head -n 1)
case $resumed in
  *": 0 of "*|'') show_job E2; cl_fail "job E2 did not resume job E1's windows: '${resumed}'" ;;
esac
# The uninterrupted reference is the same job on the same simulated nodes. On this machine's
# packages of 2026-12-02 a 3-node job's float16 states differ by one unit in the last place from a
# single process on the host at the same threads (with the previous release's binary too; cause
# not found), so that comparison is reported, not required; resume must still be byte-exact.
start_job E0 -- "${net[@]}" -- extract "${medium[@]}" --out "$work/E0.h5"
wait_wrappers 150
[ "$rcs" = "0 0 0" ] || { show_job E0; cl_fail "job E0: wrapper exit statuses $rcs"; }
/usr/bin/python3 "$CL_ROOT/tests/cli/resume_test.py" compare "$work/E0.h5" "$work/E.h5" \
  || cl_fail "job E2: the resumed file differs from an uninterrupted extraction"
"$CL_POLYREP" extract "${medium[@]}" --threads "$threads" --out "$CL_TMP/medium-reference.h5" -q \
  || cl_fail "reference extraction of the medium input failed"
/usr/bin/python3 "$CL_ROOT/tests/cli/resume_test.py" compare "$CL_TMP/medium-reference.h5" "$work/E0.h5" >/dev/null 2>&1 \
  && echo "note: the 3-node job equals a single process on the host, byte for byte" \
  || echo "note: the 3-node job differs from a single process on the host (last-place float16 rounding)"
no_processes_left "job E2"
cl_ok "E: SIGTERM to the wrappers after a recorded round, the job started again: ${resumed#*: }, wrappers exited 0 after ${took}s, every dataset equal to an uninterrupted extraction"

# ---- D: node 0 hangs (SIGSTOP on everything in node0); the others must give up by themselves ----
start_job D POLYREP_CONDOR_HEARTBEAT_TIMEOUT=10 -- "${net[@]}" -- extract "${long[@]}" --out "$work/D.h5"
wait_computing D
frozen=$(ip netns pids "$(nc_ns node0)" | tr '\n' ' ')
kill -STOP $frozen
start=$SECONDS
while { kill -0 "${wpids[1]}" || kill -0 "${wpids[2]}"; } 2>/dev/null && [ $((SECONDS - start)) -lt 60 ]; do sleep 0.2; done
took=$((SECONDS - start))
left=$(nc_live_pids node1 node2 | tr '\n' ' ')
# Node 0 thaws and is removed (as HTCondor would once the job is gone): its wrapper stops the rest.
kill -CONT $frozen 2>/dev/null || true
kill -TERM "${wpids[0]}" 2>/dev/null || true
for k in 1 2; do
  rc=0; kill -0 "${wpids[k]}" 2>/dev/null && rc=running || wait "${wpids[k]}" || rc=$?
  [ "$rc" = 1 ] || { show_job D; cl_fail "job D: node$k wrapper status '$rc' ${took}s after node 0 froze (expected 1)"; }
  grep -q 'no heartbeat from node 0' "$CL_TMP/D/node$k.out" || { show_job D; cl_fail "job D: node$k did not report the missing heartbeat"; }
done
[ -z "${left// /}" ] || { ps -o pid,stat,args -p "$(echo $left | tr ' ' ',')" || true; cl_fail "job D: processes left on node1/node2: $left"; }
for i in $(seq 1 100); do kill -0 "${wpids[0]}" 2>/dev/null || break; sleep 0.2; done
wait "${wpids[0]}" 2>/dev/null || true
cl_ok "D: node 0 frozen mid-extraction: node1 and node2 stopped their orted and ranks and exited 1 after ${took}s (heartbeat timeout 10 s)"
no_processes_left "job D"

echo "condor_parallel_sim: passed in $((SECONDS - t0)) s (nodes: network namespaces on this machine)"

#!/usr/bin/env bash
# The launchers' decisions, without a cluster and without running polyrep: the commands
# jobs/mpirun/run.sh --dry-run prints (ranks, threads, GPUs, pipeline, pass-through), the GPU and
# threads rank_wrapper.sh picks for a given local rank, the srun command polyrep.sbatch builds in a
# pretend 2-node GPU allocation (a fake srun on PATH), and parallel_wrapper.sh's plan for 3 nodes
# with 2 GPUs each (three local copies, condor_chirp stand-in, run.sh --dry-run) and its timeouts
# when nodes are missing. Placement everywhere: ranks bound to cores of their own
# (ppr:N:node:pe=T --bind-to core) when N x T fit in a node's cores and nothing speaks against
# binding, --bind-to none otherwise. Expected values are written out here, not computed by the
# scripts; the host's own cores and CPU count are pretended (POLYREP_HOST_CORES, a fake nproc).
#
# Usage: launcher_args.sh [POLYREP]. No root, no MPI run; a few seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
cl_find_polyrep "${1:-}"
cl_start args
jobs="$CL_ROOT/jobs"
export POLYREP="$CL_POLYREP"
P="$CL_POLYREP"
W="$jobs/common/rank_wrapper.sh"
root_flag=""; [ "$(id -u)" -eq 0 ] && root_flag="--allow-run-as-root "

# expect_line FILE LINE: LINE is one of FILE's lines, exactly.
expect_line() {
  grep -qxF -- "$2" "$1" || { echo "expected line:"; echo "  $2"; echo "got:"; sed 's/^/  /' "$1"; cl_fail "$3"; }
}
# The launchers do not bind ranks when this process's affinity mask is narrower than the machine
# (Open MPI's binding would not keep to it): run them with every online CPU allowed, so that the
# answers do not depend on the mask the test was started with.
whole=()
command -v taskset >/dev/null && whole=(taskset -c "$(cat /sys/devices/system/cpu/online)")
dry() { "${whole[@]}" "$jobs/mpirun/run.sh" --dry-run "$@" > "$CL_TMP/out" 2>&1; }
# A fake nproc (CPUs this process may use) for the launchers that compare it with their share.
mkdir -p "$CL_TMP/fakebin"
printf '#!/bin/sh
[ -n "${FAKE_NPROC:-}" ] && [ $# -eq 0 ] && { echo "$FAKE_NPROC"; exit 0; }
exec /usr/bin/nproc "$@"
' > "$CL_TMP/fakebin/nproc"
chmod +x "$CL_TMP/fakebin/nproc"

printf '# three nodes\nnodeA slots=2\nnodeB slots=2 # comment\n\nnodeC slots=2\nnodeA slots=2\n' > "$CL_TMP/hosts"
H="$CL_TMP/hosts"

dry --hostfile "$H" --ranks-per-node 2 --cores-per-node 8 --mca btl_tcp_if_include eth0 -- extract --model m --out o.h5
expect_line "$CL_TMP/out" "run.sh: 3 node(s) x 2 rank(s) = 6 ranks, 4 thread(s) per rank (8 cores per node)" "hostfile nodes / threads"
expect_line "$CL_TMP/out" "run.sh: placement: each rank bound to 4 core(s) of its own (--map-by ppr:2:node:pe=4 --bind-to core)" "placement note"
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 6 --hostfile $H --map-by ppr:2:node:pe=4 --bind-to core --mca btl_tcp_if_include eth0 $W --threads 4 -- $P extract --model m --out o.h5 --threads 4 --resume" "ranks-per-node command"
cl_ok "run.sh: 3 hosts (comments, blank and repeated lines ignored) x 2 ranks, 8 cores -> -np 6, 4 threads, each rank bound to 4 cores (ppr:2:node:pe=4 --bind-to core), mpirun args passed through"

dry --nodes 2 --gpus-per-node 4 --cores-per-node 16 -- extract --model m --out o.h5
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 8 --map-by ppr:4:node:pe=4 --bind-to core $W --threads 4 --gpu -- $P extract --model m --out o.h5 --threads 4 --device cuda --resume" "GPU command"
cl_ok "run.sh --gpus-per-node 4: 4 ranks per node, rank_wrapper --gpu, extract --device cuda, 16/4 = 4 threads"

dry --nodes 1 --cores-per-node 6 --ranks-per-node 2 --map-by node --bind-to core -- extract --threads=3 --device cpu --out o.h5
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 2 --map-by node --bind-to core $W --threads 3 -- $P extract --threads=3 --device cpu --out o.h5 --resume" "user settings kept"
cl_ok "run.sh: the user's --threads=3, --device, --map-by and --bind-to win, nothing added twice"

# Placement: too few cores, the user's own mapping or binding alone, a narrowed mask, the default cores.
dry --nodes 2 --ranks-per-node 4 --cores-per-node 6 -- extract --threads 2 --out o.h5
expect_line "$CL_TMP/out" "run.sh: placement: warning: 4 rank(s) x 2 thread(s) = 8 threads per node but 6 cores per node: ranks are not bound to cores (--bind-to none) and their threads share the cores; lower --threads or --ranks-per-node" "fallback warning"
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 8 --map-by ppr:4:node --bind-to none $W --threads 2 -- $P extract --threads 2 --out o.h5 --resume" "fallback command"
dry --cores-per-node 4 --map-by node -- extract --out o.h5
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 1 --bind-to none --map-by node $W --threads 4 -- $P extract --out o.h5 --threads 4 --resume" "user --map-by"
dry --cores-per-node 4 --map-by=slot:PE=4 -- extract --out o.h5
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 1 --map-by=slot:PE=4 $W --threads 4 -- $P extract --out o.h5 --threads 4 --resume" "user --map-by with PE"
dry --cores-per-node 4 --ranks-per-node 2 --bind-to hwthread -- extract --out o.h5
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 2 --map-by ppr:2:node --bind-to hwthread $W --threads 2 -- $P extract --out o.h5 --threads 2 --resume" "user --bind-to"
POLYREP_HOST_CORES=6 dry --ranks-per-node 3 -- extract --out o.h5
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 3 --map-by ppr:3:node:pe=2 --bind-to core $W --threads 2 -- $P extract --out o.h5 --threads 2 --resume" "default cores"
cl_ok "run.sh placement: 4 ranks x 2 threads on 6 cores -> --bind-to none with a warning; a --map-by of the user's gets --bind-to none unless it has PE=; a --bind-to of theirs gets ppr:N:node; cores per node default to the host's (6 -> 3 ranks x pe=2)"
if [ "$(/usr/bin/nproc --all)" -ge 2 ] && command -v taskset >/dev/null; then
  taskset -c 0 "$jobs/mpirun/run.sh" --dry-run --cores-per-node 4 -- extract --out o.h5 > "$CL_TMP/out" 2>&1
  expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 1 --map-by ppr:1:node --bind-to none $W --threads 4 -- $P extract --out o.h5 --threads 4 --resume" "narrowed mask"
  grep -q "^run.sh: placement: ranks are not bound to cores (--bind-to none): an affinity mask lets this process run on CPUs 0 only" "$CL_TMP/out" \
    || { cat "$CL_TMP/out"; cl_fail "run.sh under taskset -c 0: no note saying why ranks are not bound"; }
  cl_ok "run.sh under taskset -c 0 (an affinity mask Open MPI's binding would leave): --bind-to none, and says why"
fi

dry --hostfile "$H" --cores-per-node 2 --pipeline -- extract --model m --out 'my out.h5'
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 3 --hostfile $H --map-by ppr:1:node:pe=2 --bind-to core $W --threads 2 -- $P reduce 'my out.h5' --pca 50 --tsne --threads 2 --resume" "pipeline reduce"
dry --cores-per-node 2 --pipeline --reduce-args "--pca 5" -- extract --out=x.h5
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 1 --map-by ppr:1:node:pe=2 --bind-to core $W --threads 2 -- $P reduce x.h5 --pca 5 --threads 2 --resume" "pipeline --out= form"
cl_ok "run.sh --pipeline: extract, then reduce of its --out (quoted when it has a space; --out=FILE too)"

for bad in "--pipeline -- reduce x.h5" "--ranks-per-node 0 -- extract" "--gpus-per-node 2 --ranks-per-node 3 -- extract" "--pipeline -- extract --model m"; do
  rc=0; "$jobs/mpirun/run.sh" --dry-run $bad > "$CL_TMP/out" 2>&1 || rc=$?
  [ "$rc" -eq 2 ] && grep -q 'run.sh: error:' "$CL_TMP/out" || { cat "$CL_TMP/out"; cl_fail "run.sh $bad: expected a one-line error and status 2, got $rc"; }
done
rc=0; POLYREP=/nonexistent/polyrep "$jobs/mpirun/run.sh" --dry-run -- extract > "$CL_TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q 'polyrep not found' "$CL_TMP/out" || cl_fail "missing polyrep not reported"
cl_ok "run.sh refuses bad layouts and a missing polyrep with status 2"

# rank_wrapper.sh: which GPU and how many threads each rank gets.
rw() { env -u CUDA_VISIBLE_DEVICES -u OMPI_COMM_WORLD_LOCAL_RANK -u SLURM_LOCALID -u MPI_LOCALRANKID "$@" \
         /bin/sh -c 'echo "${CUDA_VISIBLE_DEVICES:-unset} ${OMP_NUM_THREADS:-unset}"'; }
check_rw() { local got; got=$(rw "${@:2}" 2>/dev/null); [ "$got" = "$1" ] || cl_fail "rank_wrapper ${*:2}: got '$got', expected '$1'"; }
check_rw "6 3"      OMPI_COMM_WORLD_LOCAL_RANK=2 CUDA_VISIBLE_DEVICES=4,5,6,7 "$W" --gpu --threads 3 --
check_rw "1 unset"  SLURM_LOCALID=1 "$W" --gpu --
check_rw "0 2"      OMPI_COMM_WORLD_LOCAL_RANK=0 SLURM_LOCALID=5 CUDA_VISIBLE_DEVICES=0,1 "$W" --gpu --threads 2 --
check_rw "GPU-bb 1" MPI_LOCALRANKID=1 CUDA_VISIBLE_DEVICES=GPU-aa,GPU-bb "$W" --gpu --threads 1 --
check_rw "3 unset"  OMPI_COMM_WORLD_LOCAL_RANK=3 CUDA_VISIBLE_DEVICES=3 "$W" --gpu --
check_rw "0,1 4"    OMPI_COMM_WORLD_LOCAL_RANK=1 CUDA_VISIBLE_DEVICES=0,1 "$W" --threads 4 --
warn=$(env OMPI_COMM_WORLD_LOCAL_RANK=2 CUDA_VISIBLE_DEVICES=0,1 "$W" --gpu -- true 2>&1)
[[ $warn == *"only 2 GPU(s) visible"* ]] || cl_fail "no warning for more ranks than GPUs: '$warn'"
cl_ok "rank_wrapper: GPU = CUDA_VISIBLE_DEVICES[local rank] (Open MPI, Slurm, hydra variables; Open MPI's first), one visible GPU kept, warning when ranks outnumber GPUs; OMP_NUM_THREADS from --threads"

# polyrep.sbatch in a pretend allocation: 2 nodes x 4 tasks, 4 cpus per task, 4 GPUs per node,
# the job has all 16 CPUs of its nodes (fake srun and mpirun on PATH that only print their arguments).
cat > "$CL_TMP/fakebin/srun" <<'EOF'
#!/bin/sh
[ "$1" = "--mpi=list" ] && { printf 'MPI plugin types are...\n\tnone\n\tpmi2\n\tpmix\n'; exit 0; }
echo "fake srun ran: $*"
EOF
printf '#!/bin/sh\necho "fake mpirun ran: $*"\n' > "$CL_TMP/fakebin/mpirun"
chmod +x "$CL_TMP/fakebin/srun" "$CL_TMP/fakebin/mpirun"
sb() { env PATH="$CL_TMP/fakebin:$PATH" POLYREP_JOBS_DIR="$jobs" SLURM_JOB_ID=42 SLURM_JOB_NUM_NODES=2 \
         SLURM_JOB_NODELIST='gpu[1-2]' SLURM_NTASKS=8 SLURM_TASKS_PER_NODE='4(x2)' SLURM_CPUS_PER_TASK=4 \
         SLURM_GPUS_ON_NODE=4 SLURM_CPUS_ON_NODE=16 POLYREP_HOST_CORES=16 FAKE_NPROC=${FAKE_NPROC:-16} \
         "${whole[@]}" bash "$jobs/slurm/polyrep.sbatch" "$@" > "$CL_TMP/out" 2>&1; }
sb --pipeline -- extract --model m --out o.h5 || { cat "$CL_TMP/out"; cl_fail "polyrep.sbatch failed"; }
expect_line "$CL_TMP/out" "+ srun --mpi=pmix --ntasks=8 --cpus-per-task=4 --cpu-bind=cores --kill-on-bad-exit=1 $W --threads 4 --gpu -- $P extract --model m --out o.h5 --threads 4 --device cuda --resume" "sbatch srun extract"
expect_line "$CL_TMP/out" "+ srun --mpi=pmix --ntasks=8 --cpus-per-task=4 --cpu-bind=cores --kill-on-bad-exit=1 $W --threads 4 --gpu -- $P reduce o.h5 --pca 50 --tsne --threads 4 --resume" "sbatch srun reduce"
POLYREP_SLURM_LAUNCHER=mpirun sb extract --model m --out o.h5 || { cat "$CL_TMP/out"; cl_fail "polyrep.sbatch (mpirun) failed"; }
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 8 --map-by ppr:4:node:pe=4 --bind-to core $W --threads 4 --gpu -- $P extract --model m --out o.h5 --threads 4 --device cuda --resume" "sbatch mpirun command"
# The job has 16 of a node's 32 CPUs and nothing confines it to them: binding could take another job's cores.
FAKE_NPROC=32 POLYREP_SLURM_LAUNCHER=mpirun sb extract --model m --out o.h5 || { cat "$CL_TMP/out"; cl_fail "polyrep.sbatch (mpirun, shared node) failed"; }
expect_line "$CL_TMP/out" "polyrep.sbatch: ranks are not bound to cores (--bind-to none): the job has 16 of the 32 CPUs this node lets it use (no cpuset confines it), so binding could take other jobs' cores" "sbatch shared-node note"
expect_line "$CL_TMP/out" "+ mpirun ${root_flag}-np 8 --map-by ppr:4:node --bind-to none $W --threads 4 --gpu -- $P extract --model m --out o.h5 --threads 4 --device cuda --resume" "sbatch mpirun command on a shared node"
rc=0; env -u SLURM_JOB_ID bash "$jobs/slurm/polyrep.sbatch" extract > "$CL_TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && grep -q 'not inside a Slurm job' "$CL_TMP/out" || cl_fail "polyrep.sbatch outside Slurm: status $rc"
cl_ok "polyrep.sbatch: srun --mpi=pmix --cpu-bind=cores with 8 tasks, --cpus-per-task 4 passed on, one GPU per rank, --pipeline; the same layout through mpirun (fake mpirun), ranks bound to 4 cores each, unbound when the job shares an unconfined node; refuses to run outside a job"

# parallel_wrapper.sh: three local "nodes" with 2 GPUs and 8 CPUs each, run.sh in --dry-run.
condor_job() {
  local name=$1 nodes=$2 k; shift 2
  mkdir -p "$CL_TMP/$name/spool"
  pids=()
  for k in $nodes; do
    mkdir -p "$CL_TMP/$name/s$k"
    printf 'Cpus = 8\n' > "$CL_TMP/$name/s$k/.machine.ad"
    "${whole[@]}" env PATH="$here/condor_sim:$CL_TMP/fakebin:$PATH" POLYREP_HOST_CORES=8 FAKE_NPROC=${FAKE_NPROC:-8} _CONDOR_PROCNO=$k _CONDOR_NPROCS=3 _CONDOR_SCRATCH_DIR="$CL_TMP/$name/s$k" \
      _CONDOR_REMOTE_SPOOL_DIR="$CL_TMP/$name/spool" _CONDOR_MACHINE_AD="$CL_TMP/$name/s$k/.machine.ad" \
      CUDA_VISIBLE_DEVICES=0,1 POLYREP_CONDOR_HEARTBEAT_EVERY=1 POLYREP_CONDOR_START_TIMEOUT=20 \
      POLYREP_CONDOR_HEARTBEAT_TIMEOUT=20 "$@" \
      "$jobs/htcondor/parallel_wrapper.sh" --dry-run -- extract --model m --out o.h5 > "$CL_TMP/$name/node$k.out" 2>&1 &
    pids+=($!)
  done
  rcs=""
  for k in "${pids[@]}"; do rc=0; wait "$k" || rc=$?; rcs+="$rc "; done
}
condor_job gpu "0 1 2"
[ "$rcs" = "0 0 0 " ] || { cat "$CL_TMP/gpu"/node*.out; cl_fail "parallel_wrapper dry run: statuses $rcs"; }
f="$CL_TMP/gpu/node0.out"
hf=$(grep -o -- '--hostfile [^ ]*' "$f" | head -n1 | cut -d' ' -f2)
expect_line "$f" "parallel_wrapper[node 0/3]: all 3 nodes reported; hostfile: localhost slots=2;condor-node-1 slots=2;condor-node-2 slots=2;" "condor hostfile"
expect_line "$f" "+ mpirun ${root_flag}-np 6 --hostfile $hf --map-by ppr:2:node:pe=4 --bind-to core --mca plm_rsh_agent $jobs/htcondor/chirp_agent.sh --mca plm_rsh_no_tree_spawn 1 $W --threads 4 --gpu -- $P extract --model m --out o.h5 --threads 4 --device cuda --resume" "condor GPU plan"
cl_ok "parallel_wrapper: 3 nodes x 2 GPUs (CUDA_VISIBLE_DEVICES), Cpus = 8 of 8 -> 6 ranks, one GPU each, 4 threads bound to 4 cores each, chirp agent; all nodes exit 0 on node 0's done"

# Slots of 8 CPUs on machines of 16, nothing pinning them: ranks stay unbound.
FAKE_NPROC=16 condor_job shared "0 1 2"
[ "$rcs" = "0 0 0 " ] || { cat "$CL_TMP/shared"/node*.out; cl_fail "parallel_wrapper dry run (shared slots): statuses $rcs"; }
f="$CL_TMP/shared/node0.out"
hf=$(grep -o -- '--hostfile [^ ]*' "$f" | head -n1 | cut -d' ' -f2)
h=$(hostname)
expect_line "$f" "parallel_wrapper[node 0/3]: ranks are not bound to cores (--bind-to none): node 0 ($h): its slot has fewer CPUs than the machine lets it run on and nothing pins it to cores of its own; node 1 ($h): its slot has fewer CPUs than the machine lets it run on and nothing pins it to cores of its own; node 2 ($h): its slot has fewer CPUs than the machine lets it run on and nothing pins it to cores of its own" "condor shared-slot note"
expect_line "$f" "+ mpirun ${root_flag}-np 6 --hostfile $hf --map-by ppr:2:node --bind-to none --mca plm_rsh_agent $jobs/htcondor/chirp_agent.sh --mca plm_rsh_no_tree_spawn 1 $W --threads 4 --gpu -- $P extract --model m --out o.h5 --threads 4 --device cuda --resume" "condor shared-slot plan"
cl_ok "parallel_wrapper: slots of 8 CPUs on 16-CPU machines -> still 4 threads per rank, ranks not bound (--bind-to none), and says why"

t1=$SECONDS
condor_job lonely0 "0" POLYREP_CONDOR_START_TIMEOUT=3
[ "$rcs" = "1 " ] && grep -q 'node 1 did not report within 3s' "$CL_TMP/lonely0/node0.out" || { cat "$CL_TMP/lonely0/node0.out"; cl_fail "node 0 alone: status $rcs"; }
condor_job lonely1 "1" POLYREP_CONDOR_START_TIMEOUT=3
[ "$rcs" = "1 " ] && grep -q 'no heartbeat from node 0' "$CL_TMP/lonely1/node1.out" || { cat "$CL_TMP/lonely1/node1.out"; cl_fail "node 1 alone: status $rcs"; }
cl_ok "parallel_wrapper: node 0 without its nodes, and a node without node 0, give up with status 1 after the start timeout ($((SECONDS - t1)) s for both)"
echo "launcher_args: passed"

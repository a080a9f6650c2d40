#!/usr/bin/env bash
# Runs as every MPI rank, between the launcher (mpirun, srun, prterun) and polyrep: it sets what
# must differ per rank and then execs the command, so the rank IS the command afterwards (signals,
# exit status and MPI's PMIx connection are unchanged).
#
#   rank_wrapper.sh [--gpu] [--threads T] [--verbose] [--] CMD [ARGS...]
#
#   --gpu        one GPU per rank: CUDA_VISIBLE_DEVICES is narrowed to the GPU picked by the local
#                rank (the rank's index among the ranks on its node), so each rank sees exactly one
#                device, as cuda:0. When the scheduler already restricted CUDA_VISIBLE_DEVICES
#                (Slurm --gres, HTCondor request_gpus) the pick is made within that list.
#   --threads T  OMP_NUM_THREADS (and OPENBLAS_/MKL_NUM_THREADS) = T, for libtorch's intra-op pool.
#   --verbose    one line per rank on stderr saying where it runs, its CPUs included (also
#                POLYREP_JOBS_VERBOSE=1).
#
# The local rank comes from whichever launcher started us: OMPI_COMM_WORLD_LOCAL_RANK (Open MPI's
# mpirun, 4 and 5), MPI_LOCALRANKID (MPICH/Intel MPI hydra), SLURM_LOCALID (srun), PMI_LOCAL_RANK.
# Open MPI's variable is read before SLURM_LOCALID because mpirun inside an sbatch job inherits the
# batch step's SLURM_LOCALID (0 on every rank).
set -euo pipefail

gpu=0
threads=""
verbose=${POLYREP_JOBS_VERBOSE:-0}
while [ $# -gt 0 ]; do
  case $1 in
    --gpu) gpu=1; shift ;;
    --threads) threads=$2; shift 2 ;;
    --verbose) verbose=1; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "rank_wrapper: no command given" >&2; exit 2; }

local_rank=${OMPI_COMM_WORLD_LOCAL_RANK:-${MPI_LOCALRANKID:-${SLURM_LOCALID:-${PMI_LOCAL_RANK:-0}}}}
rank=${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-${PMIX_RANK:-${SLURM_PROCID:-0}}}}
size=${OMPI_COMM_WORLD_SIZE:-${PMI_SIZE:-${SLURM_NTASKS:-1}}}

# Echoes the device to show this rank: an element of CUDA_VISIBLE_DEVICES when it is set (ids or
# GPU-UUIDs), else the local rank itself (all of the node's GPUs are ours).
pick_gpu() {
  local visible=${CUDA_VISIBLE_DEVICES:-}
  if [ -z "$visible" ]; then echo "$local_rank"; return; fi
  local -a list
  IFS=, read -r -a list <<<"$visible"
  local n=${#list[@]}
  if [ "$local_rank" -ge "$n" ] && [ "$n" -gt 1 ]; then
    echo "rank_wrapper: rank $rank: local rank $local_rank but only $n GPU(s) visible" \
         "($visible); sharing GPU ${list[$((local_rank % n))]}" >&2
  fi
  echo "${list[$((local_rank % n))]}"
}

if [ "$gpu" -eq 1 ]; then
  CUDA_VISIBLE_DEVICES=$(pick_gpu)
  export CUDA_VISIBLE_DEVICES
fi
if [ -n "$threads" ]; then
  export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads MKL_NUM_THREADS=$threads
fi
if [ "$verbose" = 1 ]; then
  # cpus: the affinity mask the launcher gave this rank (where its threads may run).
  echo "rank_wrapper: rank $rank/$size local $local_rank host $(hostname)" \
       "gpu ${CUDA_VISIBLE_DEVICES:-none} threads ${OMP_NUM_THREADS:-unset} pid $$" \
       "cpus $(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status 2>/dev/null || true)" >&2
fi
exec "$@"

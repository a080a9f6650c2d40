#pragma once
/// Where a rank runs and how many threads it should use. Launchers pin ranks: Open MPI binds
/// each rank to one core when np <= 2 (to a socket above), Slurm gives --cpus-per-task CPUs,
/// containers cap CPU time with a cgroup quota. A rank that starts as many threads as the node has
/// cores while bound to one core runs them all on that core (measured: half the throughput), so
/// the default thread count is read from what the rank may really use: its CPU affinity mask,
/// shared fairly with the other ranks of its node whose masks overlap it, counted in physical
/// cores (SMT siblings count once), and capped by the cgroup CPU quota split over the node's ranks.
///
/// `Environment` detects the placement once over MPI_COMM_WORLD (collectively, at start-up) and
/// keeps it for the process, so that every later run in the process, on any communicator, sees
/// the same default; without an Environment the process is taken as alone on its node.
#include <string>
#include <vector>

namespace polyrep::mpi {

class Comm;

struct Placement {
  std::vector<int> cpus;     // logical CPUs this process may run on, ascending
  int node_ranks = 1;        // ranks on this node (MPI_COMM_TYPE_SHARED)
  double cores = 1;          // this rank's fair share of physical cores
  int default_threads = 1;   // max(1, floor(cores)): what --threads 0 means
};

/// Logical CPUs of this process's affinity mask (sched_getaffinity), ascending; every online CPU
/// when the mask cannot be read.
std::vector<int> allowed_cpus();

/// The CPUs a cgroup CPU quota allows (cgroup v2 cpu.max, else v1 cpu.cfs_quota_us /
/// cpu.cfs_period_us), rounded up; 0 when there is no quota or none can be read.
int cgroup_cpu_limit();

/// Physical cores among `cpus`: CPUs listed as SMT siblings of each other count once. `siblings`
/// gives each CPU's sibling list (as /sys/.../topology/thread_siblings_list); a CPU missing from
/// it is its own core.
double physical_cores(const std::vector<int>& cpus, const std::vector<std::vector<int>>& siblings);

/// Pure: rank `me`'s fair share of the CPUs in its mask when the node's ranks have the masks
/// `node_masks` (one per node rank): each CPU counts 1/k for the k masks that contain it.
double fair_cpu_share(const std::vector<std::vector<int>>& node_masks, int me);

/// Pure: a placement from the node's masks, this rank's physical/logical core ratio and the
/// cgroup limit (0 = none; the quota is shared by the node's ranks).
Placement make_placement(const std::vector<std::vector<int>>& node_masks, int me, double physical_per_logical,
                         int cgroup_limit);

/// "0-3,8,10-11".
std::string format_cpu_list(const std::vector<int>& cpus);

/// Collective over `comm`: gathers the masks of the ranks on each node and builds this rank's
/// placement from them.
Placement detect_placement(const Comm& comm);

/// The process's placement (see above). Not thread-safe against set_process_placement.
const Placement& process_placement();
void set_process_placement(const Placement& placement);

}  // namespace polyrep::mpi

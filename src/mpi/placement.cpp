#include "polyrep/mpi/placement.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "polyrep/mpi/comm.hpp"

namespace polyrep::mpi {
namespace {

/// "0-3,8" -> {0,1,2,3,8}; malformed parts are skipped (the kernel's format is trusted).
std::vector<int> parse_cpu_list(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    int first = 0, last = 0;
    char dash = 0;
    std::stringstream range(part);
    if (!(range >> first)) continue;
    last = (range >> dash >> last && dash == '-') ? last : first;
    for (int c = first; c <= last; ++c) out.push_back(c);
  }
  return out;
}

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::vector<std::vector<int>> read_siblings(const std::vector<int>& cpus) {
  const int top = cpus.empty() ? 0 : cpus.back();
  std::vector<std::vector<int>> siblings(static_cast<std::size_t>(top) + 1);
  for (int c : cpus) {
    siblings[static_cast<std::size_t>(c)] = parse_cpu_list(read_first_line(
        "/sys/devices/system/cpu/cpu" + std::to_string(c) + "/topology/thread_siblings_list"));
  }
  return siblings;
}

double smt_ratio(const std::vector<int>& cpus) {
  return cpus.empty() ? 1.0 : physical_cores(cpus, read_siblings(cpus)) / double(cpus.size());
}

Placement alone_on_node() {
  const std::vector<int> cpus = allowed_cpus();
  return make_placement({cpus}, 0, smt_ratio(cpus), cgroup_cpu_limit());
}

Placement& stored() {
  static Placement placement = alone_on_node();
  return placement;
}

}  // namespace

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &set)) out.push_back(c);
    }
  }
  if (out.empty()) {
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    for (int c = 0; c < std::max(1L, online); ++c) out.push_back(c);
  }
  return out;
}

int cgroup_cpu_limit() {
  // cgroup v2: "max 100000" or "200000 100000".
  std::stringstream v2(read_first_line("/sys/fs/cgroup/cpu.max"));
  std::string quota;
  double period = 0;
  if (v2 >> quota >> period && quota != "max" && period > 0) {
    return static_cast<int>(std::ceil(std::stod(quota) / period - 1e-9));
  }
  // cgroup v1: a quota of -1 means none.
  const std::string q1 = read_first_line("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  const std::string p1 = read_first_line("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  try {
    const double q = std::stod(q1), p = std::stod(p1);
    if (q > 0 && p > 0) return static_cast<int>(std::ceil(q / p - 1e-9));
  } catch (const std::exception&) {
  }
  return 0;
}

double physical_cores(const std::vector<int>& cpus, const std::vector<std::vector<int>>& siblings) {
  double cores = 0;
  for (int c : cpus) {
    int in_mask = 1;  // the CPU itself
    if (c >= 0 && static_cast<std::size_t>(c) < siblings.size()) {
      for (int s : siblings[static_cast<std::size_t>(c)]) {
        if (s != c && std::binary_search(cpus.begin(), cpus.end(), s)) ++in_mask;
      }
    }
    cores += 1.0 / in_mask;
  }
  return cores;
}

double fair_cpu_share(const std::vector<std::vector<int>>& node_masks, int me) {
  std::map<int, int> users;
  for (const auto& mask : node_masks) {
    for (int c : mask) ++users[c];
  }
  double share = 0;
  for (int c : node_masks.at(static_cast<std::size_t>(me))) share += 1.0 / users[c];
  return share;
}

Placement make_placement(const std::vector<std::vector<int>>& node_masks, int me, double physical_per_logical,
                         int cgroup_limit) {
  Placement p;
  p.cpus = node_masks.at(static_cast<std::size_t>(me));
  p.node_ranks = static_cast<int>(node_masks.size());
  p.cores = fair_cpu_share(node_masks, me) * physical_per_logical;
  if (cgroup_limit > 0) p.cores = std::min(p.cores, double(cgroup_limit) / p.node_ranks);
  p.default_threads = std::max(1, static_cast<int>(std::floor(p.cores + 1e-9)));
  return p;
}

std::string format_cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(cpus[i]);
    if (j > i) out += '-' + std::to_string(cpus[j]);
    i = j + 1;
  }
  return out;
}

Placement detect_placement(const Comm& comm) {
  const Comm node = comm.split_shared();
  const std::vector<int> cpus = allowed_cpus();
  const std::vector<std::int64_t> sizes = node.allgather(static_cast<std::int64_t>(cpus.size()));
  const std::vector<std::int32_t> all = node.allgatherv(std::vector<std::int32_t>(cpus.begin(), cpus.end()));
  std::vector<std::vector<int>> masks;
  std::size_t at = 0;
  for (std::int64_t n : sizes) {
    masks.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(at),
                       all.begin() + static_cast<std::ptrdiff_t>(at + static_cast<std::size_t>(n)));
    at += static_cast<std::size_t>(n);
  }
  return make_placement(masks, node.rank(), smt_ratio(cpus), cgroup_cpu_limit());
}

const Placement& process_placement() { return stored(); }

void set_process_placement(const Placement& placement) { stored() = placement; }

}  // namespace polyrep::mpi

#include "polyrep/mpi/placement.hpp"

#include <gtest/gtest.h>
#include <sched.h>

namespace polyrep::mpi {
namespace {

using Masks = std::vector<std::vector<int>>;

TEST(Placement, EachCpuIsSharedByTheMasksThatHoldIt) {
  EXPECT_DOUBLE_EQ(fair_cpu_share({{0}, {1}}, 0), 1.0);                // bound, one core each
  EXPECT_DOUBLE_EQ(fair_cpu_share({{0, 1}, {0, 1}, {0, 1}}, 2), 2.0 / 3);  // 3 unbound ranks, 2 CPUs
  EXPECT_DOUBLE_EQ(fair_cpu_share({{0, 1, 2, 3}, {2, 3}}, 0), 1 + 1 + 0.5 + 0.5);
  EXPECT_DOUBLE_EQ(fair_cpu_share({{0, 1, 2, 3}, {2, 3}}, 1), 0.5 + 0.5);
}

TEST(Placement, SmtSiblingsCountAsOneCore) {
  // CPUs 0/2 and 1/3 are hyperthreads of the same two cores.
  const Masks siblings{{0, 2}, {1, 3}, {0, 2}, {1, 3}};
  EXPECT_DOUBLE_EQ(physical_cores({0, 1, 2, 3}, siblings), 2.0);
  EXPECT_DOUBLE_EQ(physical_cores({0, 1}, siblings), 2.0);  // one thread of each core
  EXPECT_DOUBLE_EQ(physical_cores({0, 2}, siblings), 1.0);
  EXPECT_DOUBLE_EQ(physical_cores({4, 5}, siblings), 2.0);  // no topology: each CPU a core
}

TEST(Placement, DefaultThreadsAreTheWholeCoresOfTheShare) {
  Placement p = make_placement({{0, 1}, {0, 1}, {0, 1}}, 0, 1.0, 0);
  EXPECT_EQ(p.node_ranks, 3);
  EXPECT_DOUBLE_EQ(p.cores, 2.0 / 3);
  EXPECT_EQ(p.default_threads, 1);  // never 0
  p = make_placement({{0, 1, 2, 3}}, 0, 0.5, 0);  // 4 logical CPUs on 2 SMT cores
  EXPECT_EQ(p.cpus, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(p.default_threads, 2);
  p = make_placement({{0, 1, 2, 3, 4, 5, 6, 7}}, 0, 1.0, 2);  // container limited to 2 CPUs
  EXPECT_DOUBLE_EQ(p.cores, 2.0);
  p = make_placement({{0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}}, 1, 1.0, 3);  // quota 3, 2 ranks
  EXPECT_DOUBLE_EQ(p.cores, 1.5);
  EXPECT_EQ(p.default_threads, 1);
  p = make_placement({{2, 3}, {0, 1}}, 0, 1.0, 0);  // mpirun --map-by slot:PE=2
  EXPECT_EQ(p.default_threads, 2);
}

TEST(Placement, CpuListsAreCompact) {
  EXPECT_EQ(format_cpu_list({0, 1, 2, 3, 8, 10, 11}), "0-3,8,10-11");
  EXPECT_EQ(format_cpu_list({5}), "5");
  EXPECT_EQ(format_cpu_list({}), "");
}

TEST(Placement, AllowedCpusFollowTheAffinityMask) {
  cpu_set_t before;
  ASSERT_EQ(sched_getaffinity(0, sizeof before, &before), 0);
  const std::vector<int> all = allowed_cpus();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(static_cast<int>(all.size()), CPU_COUNT(&before));
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(all.back(), &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);  // as mpirun --bind-to core does
  EXPECT_EQ(allowed_cpus(), std::vector<int>{all.back()});
  ASSERT_EQ(sched_setaffinity(0, sizeof before, &before), 0);
  EXPECT_EQ(allowed_cpus(), all);
}

}  // namespace
}  // namespace polyrep::mpi

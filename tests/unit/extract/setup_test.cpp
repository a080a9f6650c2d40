#include "polyrep/extract/setup.hpp"

#include <gtest/gtest.h>

namespace polyrep::extract {
namespace {

mpi::Placement placement(std::vector<int> cpus, double cores) {
  mpi::Placement p;
  p.cpus = std::move(cpus);
  p.cores = cores;
  p.default_threads = std::max(1, static_cast<int>(cores));
  return p;
}

TEST(Setup, ThreadsFollowThePlacementUnlessGiven) {
  EXPECT_EQ(resolve_threads(0, placement({0, 1, 2}, 3)), 3);
  EXPECT_EQ(resolve_threads(2, placement({0, 1, 2}, 3)), 2);
  EXPECT_EQ(resolve_threads(0, placement({0, 1}, 2.0 / 3)), 1);
}

TEST(Setup, MoreThreadsThanOwnCoresIsOversubscribed) {
  EXPECT_TRUE(oversubscribed(placement({0}, 1), 2));    // mpirun -np 1 bound to one core, --threads 2
  EXPECT_FALSE(oversubscribed(placement({0, 1}, 2), 2));
  EXPECT_FALSE(oversubscribed(placement({0, 1}, 2.0 / 3), 1));  // one thread is always allowed
  EXPECT_TRUE(oversubscribed(placement({0, 1}, 1), 2));  // two unbound ranks on two cores, 2 threads each
}

TEST(Setup, PlacementLineSaysCpusCoresAndThreads) {
  EXPECT_EQ(placement_line(1, "node7", placement({2, 3}, 2), 2),
            "rank 1 on node7: CPUs 2-3 (2 cores of its own), 2 threads");
  EXPECT_EQ(placement_line(0, "h", placement({0, 1}, 2.0 / 3), 1),
            "rank 0 on h: CPUs 0-1 (0.667 cores of its own), 1 thread");
}

TEST(Setup, OverlapWhereTheWriterHasACoreOrAsked) {
  using model::Device;
  EXPECT_FALSE(resolve_overlap(Overlap::automatic, Device::cpu, false, true));  // would share the cores
  EXPECT_TRUE(resolve_overlap(Overlap::automatic, Device::cpu, true, true));    // a spare core
  EXPECT_TRUE(resolve_overlap(Overlap::automatic, Device::cuda, false, true));
  EXPECT_TRUE(resolve_overlap(Overlap::on, Device::cpu, false, true));
  EXPECT_FALSE(resolve_overlap(Overlap::on, Device::cpu, true, false));  // MPI cannot take it
  EXPECT_FALSE(resolve_overlap(Overlap::off, Device::cuda, true, true));
}

}  // namespace
}  // namespace polyrep::extract

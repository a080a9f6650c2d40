// gtest main for tests run under mpiexec: only rank 0 prints, and every rank returns the same
// verdict (a failure on any rank fails the whole run), so ctest sees one consistent exit code.
// MPI starts as in polyrep's main (mpi::Environment: thread level, error handler, placement).
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>

#include "polyrep/mpi/comm.hpp"
#include "polyrep/mpi/environment.hpp"

int main(int argc, char** argv) {
  polyrep::mpi::Environment environment(argc, argv);
  const polyrep::mpi::Comm world = polyrep::mpi::Comm::world();
  ::testing::InitGoogleTest(&argc, argv);
  if (!world.is_root()) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int local_failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  const bool any_failed = world.allreduce_or(local_failed != 0);
  if (local_failed != 0) std::fprintf(stderr, "mpi test: failures on rank %d\n", world.rank());
  return any_failed ? 1 : 0;
}

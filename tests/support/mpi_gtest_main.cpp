// gtest main for tests run under mpiexec: only rank 0 prints, and every rank returns the same
// verdict (a failure on any rank fails the whole run), so ctest sees one consistent exit code.
#include <gtest/gtest.h>
#include <mpi.h>

#include "polyrep/core/log.hpp"

int main(int argc, char** argv) {
  int provided = 0;  // as polyrep's Environment: extract may write from a second thread
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  polyrep::log::set_rank(rank, size);
  ::testing::InitGoogleTest(&argc, argv);
  if (rank != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int local_failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  int any_failed = 0;
  MPI_Allreduce(&local_failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (local_failed != 0) std::fprintf(stderr, "mpi test: failures on rank %d\n", rank);
  MPI_Finalize();
  return any_failed;
}

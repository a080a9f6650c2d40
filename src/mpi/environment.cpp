#include "polyrep/mpi/environment.hpp"

#include <mpi.h>

#include "polyrep/core/log.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/mpi/placement.hpp"

namespace polyrep::mpi {

int query_thread_level() {
  int level = MPI_THREAD_SINGLE;
  check(MPI_Query_thread(&level), "MPI_Query_thread");
  return level;
}

Environment::Environment(int& argc, char**& argv) {
  int initialized = 0;
  check(MPI_Initialized(&initialized), "MPI_Initialized");
  if (initialized) {
    check(MPI_Query_thread(&provided_), "MPI_Query_thread");
  } else {
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided_), "MPI_Init_thread");
    owns_ = true;
  }
  // Default is MPI_ERRORS_ARE_FATAL, which aborts before check() could report anything.
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  const Comm world = Comm::world();
  log::set_rank(world.rank(), world.size());
  // Once, with every rank present: later runs on any communicator (Comm::self() too) then agree
  // on what --threads 0 means in this process.
  set_process_placement(detect_placement(world));
}

Environment::~Environment() {
  if (!owns_) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

}  // namespace polyrep::mpi

#pragma once
/// RAII MPI start-up and shut-down for main(): MPI_Init_thread with MPI_THREAD_SERIALIZED (extract's
/// writer thread calls MPI while the main thread computes, never at the same time as it; libtorch's
/// worker threads never do), MPI_ERRORS_RETURN on MPI_COMM_WORLD
/// so that failed calls throw MpiError instead of aborting, log::set_rank, and the process's
/// placement (placement.hpp: CPUs and default threads), detected collectively over MPI_COMM_WORLD. If MPI is already
/// initialised (a test harness did it) the Environment neither initialises nor finalises it.
/// Every HDF5 file opened with the MPI-IO driver must be closed before the Environment is
/// destroyed.
namespace polyrep::mpi {

/// MPI_Query_thread: the thread level of the running MPI (MPI_THREAD_SINGLE ... MULTIPLE).
int query_thread_level();

class Environment {
 public:
  Environment(int& argc, char**& argv);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  Environment(Environment&&) = delete;
  Environment& operator=(Environment&&) = delete;

  /// The thread level MPI granted (MPI_THREAD_SERIALIZED or better unless the library is limited).
  int thread_level() const noexcept { return provided_; }

 private:
  bool owns_ = false;
  int provided_ = 0;
};

}  // namespace polyrep::mpi

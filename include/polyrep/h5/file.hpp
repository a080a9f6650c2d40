#pragma once
/// An HDF5 file, serial (sec2 driver) or parallel (MPI-IO driver). Parallel factories are
/// collective: every rank of the communicator calls them with the same path and flags, and so are
/// every later metadata operation on the file (creating/opening groups, datasets, attributes,
/// extending, closing) - with `collective_metadata_reads` on (the default), even *reading*
/// metadata (opening a dataset, reading an attribute, exists()) must be done by all ranks, or the
/// job hangs. Parallel files keep HDF5's default "semi" close degree: `close()` fails with IoError
/// while datasets/groups of the file are still open, so close those first. The destructor closes
/// silently; on a parallel file that is itself collective, so let a File go out of scope only on a
/// path every rank takes (use mpi::agree around code that may throw on one rank).
#include <hdf5.h>

#include <filesystem>
#include <string>

#include "polyrep/h5/handle.hpp"
#include "polyrep/mpi/comm.hpp"

namespace polyrep::h5 {

/// Tuning of parallel (MPI-IO) files; File::ParallelOptions.
struct ParallelFileOptions {
  /// H5Pset_all_coll_metadata_ops: metadata reads done once and broadcast instead of by every
  /// rank (scales to many ranks; requires every rank to make the same metadata calls).
  bool collective_metadata_reads = true;
  /// H5Pset_coll_metadata_write: metadata written with collective MPI-IO at flush/close.
  bool collective_metadata_writes = true;
};

class File {
 public:
  using ParallelOptions = ParallelFileOptions;

  File() noexcept = default;

  /// Collective. Without truncate_existing, an existing file is an IoError naming it (all ranks).
  static File create_parallel(const std::filesystem::path& path, const mpi::Comm& comm,
                              bool truncate_existing, const ParallelOptions& options = {});
  /// Collective. A missing file is an IoError naming it (all ranks).
  static File open_parallel(const std::filesystem::path& path, const mpi::Comm& comm, bool writable,
                            const ParallelOptions& options = {});
  static File create(const std::filesystem::path& path, bool truncate_existing);
  static File open(const std::filesystem::path& path, bool writable);

  hid_t id() const noexcept { return handle_.get(); }
  bool valid() const noexcept { return handle_.valid(); }
  bool is_parallel() const noexcept { return parallel_; }
  const std::filesystem::path& path() const noexcept { return path_; }

  /// H5Fflush(H5F_SCOPE_GLOBAL); collective on parallel files.
  void flush();
  /// Closes and checks (this is where buffered metadata is written); throws IoError naming the
  /// file.
  void close();

 private:
  File(Handle handle, std::filesystem::path path, bool parallel) noexcept
      : handle_(std::move(handle)), path_(std::move(path)), parallel_(parallel) {}

  Handle handle_;
  std::filesystem::path path_;
  bool parallel_ = false;
};

/// True when the file that `obj` (any id in it) belongs to uses the MPI-IO driver.
bool is_parallel_file(hid_t obj);
/// True on rank 0 of the communicator of the file that `obj` belongs to; always true for serial
/// files (for "one rank writes, the others join with an empty selection").
bool is_file_root(hid_t obj);
/// The name of the file that `obj` belongs to, for error messages ("" if unknown).
std::string file_name(hid_t obj);

}  // namespace polyrep::h5

#include "polyrep/h5/file.hpp"

#include <system_error>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/error.hpp"

namespace polyrep::h5 {

namespace {

std::string in_quotes(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

bool path_exists(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

Handle parallel_access(const mpi::Comm& comm, const ParallelFileOptions& options) {
  Handle fapl = property_list(H5P_FILE_ACCESS);
  check(H5Pset_fapl_mpio(fapl.get(), comm.handle(), MPI_INFO_NULL), "H5Pset_fapl_mpio");
  check(H5Pset_all_coll_metadata_ops(fapl.get(), options.collective_metadata_reads),
        "H5Pset_all_coll_metadata_ops");
  check(H5Pset_coll_metadata_write(fapl.get(), options.collective_metadata_writes),
        "H5Pset_coll_metadata_write");
  return fapl;
}

Handle create_with(const std::filesystem::path& path, bool exists, bool truncate_existing,
                   hid_t fapl) {
  if (exists && !truncate_existing) {
    throw IoError("cannot create HDF5 file " + in_quotes(path) +
                  ": the file already exists (choose another name or allow overwriting it)");
  }
  const unsigned flags = truncate_existing ? H5F_ACC_TRUNC : H5F_ACC_EXCL;
  return Handle(check_id(H5Fcreate(path.c_str(), flags, H5P_DEFAULT, fapl),
                         "creating HDF5 file " + in_quotes(path)),
                &H5Fclose);
}

Handle open_with(const std::filesystem::path& path, bool exists, bool writable, hid_t fapl) {
  if (!exists) throw IoError("cannot open HDF5 file " + in_quotes(path) + ": no such file");
  return Handle(check_id(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl),
                         "opening HDF5 file " + in_quotes(path)),
                &H5Fclose);
}

// Collective existence check, so every rank takes the same branch even if only some see the file.
bool exists_on_any_rank(const std::filesystem::path& path, const mpi::Comm& comm) {
  return comm.allreduce_or(path_exists(path));
}

/// Owns the file id of any object (H5Iget_file_id returns a new reference).
Handle file_of(hid_t obj) {
  return Handle(check_id(H5Iget_file_id(obj), "H5Iget_file_id"), &H5Fclose);
}

}  // namespace

File File::create_parallel(const std::filesystem::path& path, const mpi::Comm& comm,
                           bool truncate_existing, const ParallelOptions& options) {
  silence_auto_print();
  const bool exists = exists_on_any_rank(path, comm);
  Handle fapl = parallel_access(comm, options);
  return File(create_with(path, exists, truncate_existing, fapl.get()), path, true);
}

File File::open_parallel(const std::filesystem::path& path, const mpi::Comm& comm, bool writable,
                         const ParallelOptions& options) {
  silence_auto_print();
  const bool exists = exists_on_any_rank(path, comm);
  Handle fapl = parallel_access(comm, options);
  return File(open_with(path, exists, writable, fapl.get()), path, true);
}

File File::create(const std::filesystem::path& path, bool truncate_existing) {
  silence_auto_print();
  return File(create_with(path, path_exists(path), truncate_existing, H5P_DEFAULT), path, false);
}

File File::open(const std::filesystem::path& path, bool writable) {
  silence_auto_print();
  return File(open_with(path, path_exists(path), writable, H5P_DEFAULT), path, false);
}

void File::flush() {
  check(H5Fflush(id(), H5F_SCOPE_GLOBAL), "flushing HDF5 file " + in_quotes(path_));
}

void File::close() {
  if (!handle_.valid()) return;
  const ssize_t open_objects =
      H5Fget_obj_count(id(), H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR);
  std::string what = "HDF5 file " + in_quotes(path_);
  if (open_objects > 0) {
    what += " (" + std::to_string(open_objects) + " dataset/group/attribute handles still open)";
  }
  handle_.close(what);
}

bool is_parallel_file(hid_t obj) {
  Handle file = file_of(obj);
  Handle fapl(check_id(H5Fget_access_plist(file.get()), "H5Fget_access_plist"), &H5Pclose);
  return check_id(H5Pget_driver(fapl.get()), "H5Pget_driver") == H5FD_MPIO;
}

bool is_file_root(hid_t obj) {
  Handle file = file_of(obj);
  Handle fapl(check_id(H5Fget_access_plist(file.get()), "H5Fget_access_plist"), &H5Pclose);
  if (check_id(H5Pget_driver(fapl.get()), "H5Pget_driver") != H5FD_MPIO) return true;
  MPI_Comm comm = MPI_COMM_NULL;
  MPI_Info info = MPI_INFO_NULL;
  check(H5Pget_fapl_mpio(fapl.get(), &comm, &info), "H5Pget_fapl_mpio");
  // H5Pget_fapl_mpio hands out duplicates that we must free.
  int rank = 0;
  const int rc = MPI_Comm_rank(comm, &rank);
  MPI_Comm_free(&comm);
  if (info != MPI_INFO_NULL) MPI_Info_free(&info);
  mpi::check(rc, "MPI_Comm_rank");
  return rank == 0;
}

std::string file_name(hid_t obj) {
  const ssize_t n = H5Fget_name(obj, nullptr, 0);
  if (n <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return "";
  }
  std::string name(static_cast<std::size_t>(n) + 1, '\0');
  if (H5Fget_name(obj, name.data(), name.size()) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return "";
  }
  name.resize(static_cast<std::size_t>(n));
  return name;
}

}  // namespace polyrep::h5

#pragma once
/// N-dimensional HDF5 datasets with hyperslab reads and writes from contiguous memory buffers.
///
/// Parallel use (HighFive/openPMD style): create/open/extend/close are collective; `write(...,
/// collective=true)` uses H5FD_MPIO_COLLECTIVE transfer, so *every* rank must call it for every
/// round, a rank with nothing to write passing an all-zero `count` (an empty selection). After a
/// collective write `last_no_collective_cause()` tells whether HDF5 really did collective I/O
/// (0) or silently fell back to independent I/O (H5D_MPIO_* cause bits, local | global).
///
/// The most common silent fallback is a datatype conversion: the memory type must equal the file
/// type (float16 datasets need float16 bit patterns in memory, not float32). `write` with
/// collective=true therefore throws polyrep::Error when the types differ - convert in memory first.
/// Independent (collective=false) writes and all reads may convert.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "polyrep/h5/file.hpp"
#include "polyrep/h5/handle.hpp"
#include "polyrep/h5/types.hpp"

namespace polyrep::h5 {

/// Layout choices for Dataset::create; Dataset::CreateOptions.
struct DatasetCreateOptions {
  /// Chunk shape (same rank as dims). Empty: contiguous, unless the dataset is extendable, which
  /// needs chunks: then about 1 MiB chunks are chosen (trailing dimensions kept whole).
  std::vector<hsize_t> chunk;
  /// Unlimited maximum size along dim 0 (extend() can grow it); needs chunked layout.
  bool allow_extend = false;
  /// Explicit maximum dims (H5S_UNLIMITED allowed), e.g. {layers, H5S_UNLIMITED, hidden} to grow
  /// the row dimension of a [layers, rows, hidden] dataset. Overrides allow_extend when not empty.
  std::vector<hsize_t> max_dims;
  /// Write the fill value (zeros) at allocation. Off by default: for large parallel datasets
  /// that would write the whole dataset once more; every element we create is written anyway.
  bool write_fill_value = false;
};

class Dataset {
 public:
  using CreateOptions = DatasetCreateOptions;

  Dataset() noexcept = default;

  static Dataset create(hid_t loc, const std::string& path, const Datatype& type,
                        const std::vector<hsize_t>& dims, const CreateOptions& options = {});
  static Dataset open(hid_t loc, const std::string& path);

  hid_t id() const noexcept { return handle_.get(); }
  const std::string& path() const noexcept { return path_; }
  std::vector<hsize_t> dims() const;
  std::size_t rank() const { return dims().size(); }
  /// The file datatype.
  Datatype type() const;
  bool in_parallel_file() const noexcept { return parallel_; }

  /// Writes the hyperslab [start, start+count) from `buf` (count elements, row-major, of
  /// `mem_type`). An all-zero count is an empty selection (buf may be null). Throws IoError when
  /// the slab is outside the dataset, and polyrep::Error for collective=true on a serial file or
  /// with mem_type != file type.
  void write(const void* buf, const Datatype& mem_type, const std::vector<hsize_t>& start,
             const std::vector<hsize_t>& count, bool collective);
  /// Reads the hyperslab [start, start+count) into `buf`, converting to `mem_type`. With
  /// collective=true (parallel files only) every rank must call it, as for write.
  void read(void* buf, const Datatype& mem_type, const std::vector<hsize_t>& start,
            const std::vector<hsize_t>& count, bool collective = false) const;

  /// After a collective write/read: 0 when it was collective, else H5D_MPIO_* cause bits
  /// (H5D_MPIO_DATATYPE_CONVERSION = 0x2, ...). 0 before any collective transfer.
  std::uint32_t last_no_collective_cause() const noexcept { return last_cause_; }

  /// Grows (or shrinks) the dataset; needs allow_extend for dim 0. Collective on parallel files.
  void extend(const std::vector<hsize_t>& new_dims);

  /// Where a contiguous dataset's raw data lies in the file: {byte offset, bytes}. {0, 0} for a
  /// dataset without contiguous storage allocated (chunked, compact, or not yet allocated). Used to
  /// tell raw data from HDF5's own metadata (extract/checkpoint.hpp).
  std::pair<std::uint64_t, std::uint64_t> storage_extent() const;

  void close();

 private:
  Dataset(Handle handle, std::string path, bool parallel) noexcept
      : handle_(std::move(handle)), path_(std::move(path)), parallel_(parallel) {}
  Handle make_dxpl(bool collective) const;
  void transfer(bool writing, void* buf, const Datatype& mem_type,
                const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                bool collective) const;

  Handle handle_;
  std::string path_;
  bool parallel_ = false;
  mutable std::uint32_t last_cause_ = 0;
};

/// Reads a whole dataset converted to T (any rank; 1-D or flattened row-major).
template <typename T>
std::vector<T> read_all(const Dataset& ds) {
  std::vector<hsize_t> dims = ds.dims();
  std::size_t n = 1;
  for (hsize_t d : dims) n *= static_cast<std::size_t>(d);
  std::vector<T> out(n);
  ds.read(out.data(), native<T>(), std::vector<hsize_t>(dims.size(), 0), dims);
  return out;
}

/// Creates a 1-D dataset of `file_type` holding `values`. On a parallel file this is collective:
/// every rank passes the same values, rank 0 of the file's communicator writes them, the others
/// join with an empty selection (so native<T>() must equal file_type there).
template <typename T>
Dataset write_vector(hid_t loc, const std::string& path, const Datatype& file_type,
                     const std::vector<T>& values) {
  const hsize_t n = values.size();
  Dataset ds = Dataset::create(loc, path, file_type, {n});
  const bool parallel = ds.in_parallel_file();
  ds.write(values.data(), native<T>(), {0}, {is_file_root(ds.id()) ? n : 0}, parallel);
  return ds;
}

}  // namespace polyrep::h5

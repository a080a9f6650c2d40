#include "polyrep/h5/dataset.hpp"

#include <algorithm>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/error.hpp"
#include "polyrep/h5/file.hpp"

namespace polyrep::h5 {

namespace {

std::string in_quotes(const std::string& path) { return "'" + path + "'"; }

std::string shape(const std::vector<hsize_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

bool has_variable_length(const Datatype& type) {
  return type.type_class() == H5T_VLEN || type.is_variable_string();
}

std::vector<hsize_t> max_dims_of(const std::vector<hsize_t>& dims,
                                 const DatasetCreateOptions& options) {
  if (!options.max_dims.empty()) {
    if (options.max_dims.size() != dims.size()) {
      throw Error("max dims " + shape(options.max_dims) + " do not match dataset shape " +
                  shape(dims));
    }
    return options.max_dims;
  }
  std::vector<hsize_t> max_dims = dims;
  if (options.allow_extend && !max_dims.empty()) max_dims[0] = H5S_UNLIMITED;
  return max_dims;
}

// About 1 MiB per chunk: start from the whole (unlimited: very long) extent and shrink leading
// dimensions first, so that a chunk holds whole trailing rows (one token's hidden vector).
std::vector<hsize_t> default_chunk(const Datatype& type, const std::vector<hsize_t>& dims,
                                   const std::vector<hsize_t>& max_dims) {
  constexpr double kTargetBytes = 1 << 20;
  std::vector<hsize_t> chunk(dims.size());
  double bytes = static_cast<double>(type.size());
  for (std::size_t i = 0; i < dims.size(); ++i) {
    chunk[i] = max_dims[i] == H5S_UNLIMITED ? hsize_t{1} << 20 : std::max<hsize_t>(dims[i], 1);
    bytes *= static_cast<double>(chunk[i]);
  }
  for (std::size_t i = 0; i < chunk.size() && bytes > kTargetBytes; ++i) {
    const double others = bytes / static_cast<double>(chunk[i]);
    chunk[i] = std::max<hsize_t>(static_cast<hsize_t>(kTargetBytes / others), 1);
    bytes = others * static_cast<double>(chunk[i]);
  }
  return chunk;
}

bool extendable(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& max_dims) {
  return dims != max_dims;
}

Handle creation_properties(const Datatype& type, const std::vector<hsize_t>& dims,
                           const std::vector<hsize_t>& max_dims,
                           const DatasetCreateOptions& options) {
  Handle dcpl = property_list(H5P_DATASET_CREATE);
  std::vector<hsize_t> chunk = options.chunk;
  if (chunk.empty() && extendable(dims, max_dims)) chunk = default_chunk(type, dims, max_dims);
  if (!chunk.empty()) {
    if (chunk.size() != dims.size()) {
      throw Error("chunk shape " + shape(chunk) + " does not match dataset shape " + shape(dims));
    }
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk");
  }
  // HDF5 refuses "never fill" for variable-length types (unwritten elements would be garbage
  // pointers).
  if (!has_variable_length(type)) {
    check(H5Pset_fill_time(dcpl.get(),
                           options.write_fill_value ? H5D_FILL_TIME_ALLOC : H5D_FILL_TIME_NEVER),
          "H5Pset_fill_time");
  }
  return dcpl;
}

Handle dataspace(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& maxdims) {
  if (dims.empty()) return Handle(check_id(H5Screate(H5S_SCALAR), "H5Screate"), &H5Sclose);
  return Handle(
      check_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
               "H5Screate_simple"),
      &H5Sclose);
}

}  // namespace

Dataset Dataset::create(hid_t loc, const std::string& path, const Datatype& type,
                        const std::vector<hsize_t>& dims, const CreateOptions& options) {
  const std::string what = "creating dataset " + in_quotes(path) + " " + shape(dims);
  const std::vector<hsize_t> max_dims = max_dims_of(dims, options);
  Handle space = dataspace(dims, max_dims);
  Handle dcpl = creation_properties(type, dims, max_dims, options);
  Handle lcpl = property_list(H5P_LINK_CREATE);
  check(H5Pset_create_intermediate_group(lcpl.get(), 1), "H5Pset_create_intermediate_group");
  check(H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8), "H5Pset_char_encoding");
  hid_t id =
      H5Dcreate2(loc, path.c_str(), type.id(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT);
  Handle handle(check_id(id, what), &H5Dclose);
  const bool parallel = is_parallel_file(handle.get());
  return Dataset(std::move(handle), path, parallel);
}

Dataset Dataset::open(hid_t loc, const std::string& path) {
  Handle handle(
      check_id(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), "opening dataset " + in_quotes(path)),
      &H5Dclose);
  const bool parallel = is_parallel_file(handle.get());
  return Dataset(std::move(handle), path, parallel);
}

std::vector<hsize_t> Dataset::dims() const {
  Handle space(check_id(H5Dget_space(id()), "H5Dget_space " + in_quotes(path_)), &H5Sclose);
  const int rank = static_cast<int>(
      check_size(H5Sget_simple_extent_ndims(space.get()), "dataspace rank of " + in_quotes(path_)));
  std::vector<hsize_t> d(static_cast<std::size_t>(rank));
  if (rank > 0) {
    check_size(H5Sget_simple_extent_dims(space.get(), d.data(), nullptr),
               "dataspace dims of " + in_quotes(path_));
  }
  return d;
}

Datatype Dataset::type() const {
  return Datatype::owned(H5Dget_type(id()), "H5Dget_type " + in_quotes(path_));
}

Handle Dataset::make_dxpl(bool collective) const {
  Handle dxpl = property_list(H5P_DATASET_XFER);
  check(H5Pset_dxpl_mpio(dxpl.get(), collective ? H5FD_MPIO_COLLECTIVE : H5FD_MPIO_INDEPENDENT),
        "H5Pset_dxpl_mpio");
  return dxpl;
}

void Dataset::write(const void* buf, const Datatype& mem_type, const std::vector<hsize_t>& start,
                    const std::vector<hsize_t>& count, bool collective) {
  if (collective && !mem_type.equals(type())) {
    throw Error("collective write to dataset " + in_quotes(path_) + ": memory type " +
                mem_type.describe() + " differs from the file type " + type().describe() +
                "; HDF5 would silently fall back to independent I/O, so convert in memory first");
  }
  transfer(true, const_cast<void*>(buf), mem_type, start, count, collective);
}

void Dataset::read(void* buf, const Datatype& mem_type, const std::vector<hsize_t>& start,
                   const std::vector<hsize_t>& count, bool collective) const {
  transfer(false, buf, mem_type, start, count, collective);
}

void Dataset::transfer(bool writing, void* buf, const Datatype& mem_type,
                       const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                       bool collective) const {
  const std::string what = std::string(writing ? "writing" : "reading") + " dataset " +
                           in_quotes(path_) + " at " + shape(start) + " count " + shape(count);
  if (collective && !parallel_) throw Error(what + ": collective transfer needs a parallel file");
  const std::vector<hsize_t> d = dims();
  if (start.size() != d.size() || count.size() != d.size()) {
    throw Error(what + ": rank differs from the dataset's " + shape(d));
  }
  const bool empty = std::find(count.begin(), count.end(), 0) != count.end();
  for (std::size_t i = 0; i < d.size() && !empty; ++i) {
    if (start[i] + count[i] > d[i])
      throw IoError(what + ": outside the dataset's shape " + shape(d));
  }
  Handle file_space(check_id(H5Dget_space(id()), what), &H5Sclose);
  Handle mem_space;
  if (empty) {
    // Both selections empty; the memory space must still be simple, or HDF5 reports the transfer
    // as not collective (H5D_MPIO_NOT_SIMPLE_OR_SCALAR_DATASPACES).
    const hsize_t one = 1;
    mem_space = Handle(check_id(H5Screate_simple(1, &one, nullptr), what), &H5Sclose);
    check(H5Sselect_none(mem_space.get()), what);
    check(H5Sselect_none(file_space.get()), what);
  } else if (!d.empty()) {
    mem_space = Handle(
        check_id(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), what),
        &H5Sclose);
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          what);
  } else {
    mem_space = Handle(check_id(H5Screate(H5S_SCALAR), what), &H5Sclose);
  }
  Handle dxpl = parallel_ ? make_dxpl(collective) : Handle();
  const hid_t xfer = dxpl.valid() ? dxpl.get() : H5P_DEFAULT;
  char dummy = 0;
  void* data = buf != nullptr ? buf : &dummy;
  check(writing ? H5Dwrite(id(), mem_type.id(), mem_space.get(), file_space.get(), xfer, data)
                : H5Dread(id(), mem_type.id(), mem_space.get(), file_space.get(), xfer, data),
        what);
  if (collective) {
    std::uint32_t local = 0;
    std::uint32_t global = 0;
    check(H5Pget_mpio_no_collective_cause(dxpl.get(), &local, &global), what);
    last_cause_ = local | global;
  }
}

void Dataset::extend(const std::vector<hsize_t>& new_dims) {
  const std::string what = "extending dataset " + in_quotes(path_) + " to " + shape(new_dims);
  if (new_dims.size() != dims().size()) throw Error(what + ": rank differs from the dataset's");
  check(H5Dset_extent(id(), new_dims.data()), what);
}

std::pair<std::uint64_t, std::uint64_t> Dataset::storage_extent() const {
  Handle dcpl(check_id(H5Dget_create_plist(id()), "H5Dget_create_plist"), &H5Pclose);
  if (H5Pget_layout(dcpl.get()) != H5D_CONTIGUOUS) return {0, 0};
  const haddr_t offset = H5Dget_offset(id());
  if (offset == HADDR_UNDEF) return {0, 0};
  return {static_cast<std::uint64_t>(offset), static_cast<std::uint64_t>(H5Dget_storage_size(id()))};
}

void Dataset::close() { handle_.close("dataset " + in_quotes(path_)); }

}  // namespace polyrep::h5

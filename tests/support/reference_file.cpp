#include "reference_file.hpp"

#include <hdf5.h>

#include <cstdio>
#include <stdexcept>

namespace polyrep::test {
namespace {

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("reference.h5: " + what);
}

struct Closer {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Closer() {
    if (id >= 0) close(id);
  }
};

template <typename T>
Array<T> read_numeric(hid_t file, const std::string& name, hid_t memtype) {
  Closer ds{H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) throw std::runtime_error("reference.h5: no dataset " + name);
  Closer space{H5Dget_space(ds.id), H5Sclose};
  int rank = H5Sget_simple_extent_ndims(space.id);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  Array<T> out;
  std::size_t n = 1;
  for (hsize_t d : dims) {
    out.shape.push_back(d);
    n *= d;
  }
  out.data.resize(n);
  check(H5Dread(ds.id, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data.data()), "read " + name);
  return out;
}

}  // namespace

ReferenceFile::ReferenceFile(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file_ < 0) throw std::runtime_error("cannot open " + path);
}

ReferenceFile::~ReferenceFile() { H5Fclose(static_cast<hid_t>(file_)); }

bool ReferenceFile::exists(const std::string& name) const {
  return H5Lexists(static_cast<hid_t>(file_), name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> ReferenceFile::strings(const std::string& name) const {
  Closer ds{H5Dopen2(static_cast<hid_t>(file_), name.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) throw std::runtime_error("reference.h5: no dataset " + name);
  Closer space{H5Dget_space(ds.id), H5Sclose};
  hssize_t n = H5Sget_simple_extent_npoints(space.id);
  Closer type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, H5T_VARIABLE);
  H5Tset_cset(type.id, H5T_CSET_UTF8);
  std::vector<char*> raw(static_cast<std::size_t>(n), nullptr);
  check(H5Dread(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), "read " + name);
  std::vector<std::string> out;
  for (char* s : raw) out.emplace_back(s ? s : "");
  H5Dvlen_reclaim(type.id, space.id, H5P_DEFAULT, raw.data());
  return out;
}

Array<std::int64_t> ReferenceFile::int64(const std::string& name) const {
  return read_numeric<std::int64_t>(static_cast<hid_t>(file_), name, H5T_NATIVE_INT64);
}

Array<float> ReferenceFile::float32(const std::string& name) const {
  return read_numeric<float>(static_cast<hid_t>(file_), name, H5T_NATIVE_FLOAT);
}

std::string ReferenceFile::attr_string(const std::string& name) const {
  Closer attr{H5Aopen(static_cast<hid_t>(file_), name.c_str(), H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) throw std::runtime_error("reference.h5: no attribute " + name);
  Closer ftype{H5Aget_type(attr.id), H5Tclose};
  if (H5Tis_variable_str(ftype.id) > 0) {
    Closer type{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(type.id, H5T_VARIABLE);
    H5Tset_cset(type.id, H5T_CSET_UTF8);
    char* raw = nullptr;
    check(H5Aread(attr.id, type.id, &raw), "read attribute " + name);
    std::string out = raw ? raw : "";
    H5free_memory(raw);
    return out;
  }
  std::size_t size = H5Tget_size(ftype.id);
  std::string out(size, '\0');
  check(H5Aread(attr.id, ftype.id, out.data()), "read attribute " + name);
  out.resize(out.find('\0') == std::string::npos ? size : out.find('\0'));
  return out;
}

std::int64_t ReferenceFile::attr_int(const std::string& name) const {
  Closer attr{H5Aopen(static_cast<hid_t>(file_), name.c_str(), H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) throw std::runtime_error("reference.h5: no attribute " + name);
  std::int64_t value = 0;
  check(H5Aread(attr.id, H5T_NATIVE_INT64, &value), "read attribute " + name);
  return value;
}

std::string ReferenceFile::sentence_group(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "per_sentence/%03d/", i);
  return buf;
}

}  // namespace polyrep::test

#include "polyrep/h5/strings.hpp"

#include <cstring>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/error.hpp"

namespace polyrep::h5 {

namespace {

std::string in_quotes(const std::string& path) { return "'" + path + "'"; }

void require_1d_string(const Dataset& ds, const std::string& what) {
  if (ds.type().type_class() != H5T_STRING) throw Error(what + ": not a string dataset");
  if (ds.rank() != 1) throw Error(what + ": not a 1-D dataset");
}

/// Frees what H5Dread allocated for variable-length strings, even when conversion throws.
class VlenBuffer {
 public:
  VlenBuffer(std::size_t n, hid_t mem_type, hsize_t count)
      : pointers_(n, nullptr), type_(mem_type) {
    space_ = Handle(check_id(H5Screate_simple(1, &count, nullptr), "H5Screate_simple"), &H5Sclose);
  }
  ~VlenBuffer() {
    if (!pointers_.empty() &&
        H5Dvlen_reclaim(type_, space_.get(), H5P_DEFAULT, pointers_.data()) < 0) {
      H5Eclear2(H5E_DEFAULT);
    }
  }
  VlenBuffer(const VlenBuffer&) = delete;
  VlenBuffer& operator=(const VlenBuffer&) = delete;
  char** data() { return pointers_.data(); }
  const char* at(std::size_t i) const { return pointers_[i]; }

 private:
  std::vector<char*> pointers_;
  hid_t type_;
  Handle space_;
};

std::vector<std::string> read_variable(const Dataset& ds, const Datatype& file_type, hsize_t start,
                                       hsize_t count) {
  // Same character set as the file: HDF5 does not convert between ASCII and UTF-8 strings.
  const Datatype mem = utf8_string();
  const H5T_cset_t cset = H5Tget_cset(file_type.id());
  if (cset < 0) throw_error("H5Tget_cset " + in_quotes(ds.path()));
  check(H5Tset_cset(mem.id(), cset), "H5Tset_cset");
  VlenBuffer buffer(static_cast<std::size_t>(count), mem.id(), count);
  ds.read(buffer.data(), mem, {start}, {count});
  std::vector<std::string> out(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (buffer.at(i) != nullptr) out[i] = buffer.at(i);
  }
  return out;
}

std::vector<std::string> read_fixed(const Dataset& ds, const Datatype& file_type, hsize_t start,
                                    hsize_t count) {
  const std::size_t width = file_type.size();
  std::vector<char> raw(width * static_cast<std::size_t>(count));
  // Reading with the file type itself avoids HDF5's string padding conversion.
  ds.read(raw.data(), file_type, {start}, {count});
  std::vector<std::string> out(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char* p = raw.data() + i * width;
    out[i].assign(p, strnlen(p, width));
  }
  return out;
}

}  // namespace

void write_strings(Dataset& ds, hsize_t start, const std::vector<std::string>& values) {
  const std::string what = "writing strings to dataset " + in_quotes(ds.path());
  require_1d_string(ds, what);
  if (!ds.type().is_variable_string()) throw Error(what + ": not a variable-length string dataset");
  if (ds.in_parallel_file()) {
    throw Error(what +
                ": parallel HDF5 cannot write variable-length strings; reopen the file "
                "serially on one rank");
  }
  std::vector<const char*> pointers(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].find('\0') != std::string::npos) {
      throw Error(what + ": value " + std::to_string(start + i) + " contains a NUL byte");
    }
    pointers[i] = values[i].c_str();
  }
  const hsize_t n = values.size();
  ds.write(pointers.data(), utf8_string(), {start}, {n}, false);
}

std::vector<std::string> read_strings(const Dataset& ds, hsize_t start, hsize_t count) {
  require_1d_string(ds, "reading strings from dataset " + in_quotes(ds.path()));
  if (count == 0) return {};
  const Datatype file_type = ds.type();
  return file_type.is_variable_string() ? read_variable(ds, file_type, start, count)
                                        : read_fixed(ds, file_type, start, count);
}

std::vector<std::string> read_strings(const Dataset& ds) {
  const std::vector<hsize_t> d = ds.dims();
  return read_strings(ds, 0, d.empty() ? 0 : d[0]);
}

Dataset write_string_dataset(hid_t loc, const std::string& path,
                             const std::vector<std::string>& values) {
  Dataset ds = Dataset::create(loc, path, utf8_string(), {static_cast<hsize_t>(values.size())});
  if (!values.empty()) write_strings(ds, 0, values);
  return ds;
}

}  // namespace polyrep::h5

#include "polyrep/h5/attribute.hpp"

#include <cstring>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/error.hpp"
#include "polyrep/h5/handle.hpp"
#include "polyrep/h5/types.hpp"

namespace polyrep::h5 {

namespace {

std::string object_name(hid_t obj) {
  const ssize_t n = H5Iget_name(obj, nullptr, 0);
  if (n <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return "?";
  }
  std::string name(static_cast<std::size_t>(n) + 1, '\0');
  H5Iget_name(obj, name.data(), name.size());
  name.resize(static_cast<std::size_t>(n));
  return name;
}

std::string describe(hid_t obj, const std::string& name) {
  return "attribute '" + name + "' of '" + object_name(obj) + "'";
}

/// Creates (replacing) the attribute and writes `data`; `count` < 0 means a scalar.
void write_attr(hid_t obj, const std::string& name, const Datatype& type, long long count,
                const void* data) {
  const std::string what = "writing " + describe(obj, name);
  if (has_attr(obj, name)) check(H5Adelete(obj, name.c_str()), what);
  const hsize_t n = count < 0 ? 0 : static_cast<hsize_t>(count);
  Handle space(check_id(count < 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), what),
               &H5Sclose);
  Handle acpl = property_list(H5P_ATTRIBUTE_CREATE);
  check(H5Pset_char_encoding(acpl.get(), H5T_CSET_UTF8), what);
  Handle attr(
      check_id(H5Acreate2(obj, name.c_str(), type.id(), space.get(), acpl.get(), H5P_DEFAULT),
               what),
      &H5Aclose);
  char dummy = 0;
  check(H5Awrite(attr.get(), type.id(), data != nullptr ? data : &dummy), what);
  attr.close(describe(obj, name));
}

struct OpenAttr {
  Handle attr;
  Datatype type;
  Handle space;
  std::size_t count = 0;
  std::string what;
};

OpenAttr open_attr(hid_t obj, const std::string& name) {
  OpenAttr a;
  a.what = "reading " + describe(obj, name);
  if (!has_attr(obj, name)) throw IoError(a.what + ": no such attribute");
  a.attr = Handle(check_id(H5Aopen(obj, name.c_str(), H5P_DEFAULT), a.what), &H5Aclose);
  a.type = Datatype::owned(H5Aget_type(a.attr.get()), a.what);
  a.space = Handle(check_id(H5Aget_space(a.attr.get()), a.what), &H5Sclose);
  a.count =
      static_cast<std::size_t>(check_size(H5Sget_simple_extent_npoints(a.space.get()), a.what));
  return a;
}

template <typename T>
std::vector<T> read_numbers(hid_t obj, const std::string& name) {
  OpenAttr a = open_attr(obj, name);
  const H5T_class_t c = a.type.type_class();
  if (c != H5T_INTEGER && !(c == H5T_FLOAT && std::is_floating_point_v<T>)) {
    throw IoError(a.what + ": holds " + a.type.describe() + ", not a number of the wanted kind");
  }
  std::vector<T> values(a.count);
  char dummy = 0;
  check(H5Aread(a.attr.get(), native<T>().id(),
                values.empty() ? static_cast<void*>(&dummy) : values.data()),
        a.what);
  return values;
}

template <typename T>
T read_scalar(hid_t obj, const std::string& name) {
  std::vector<T> v = read_numbers<T>(obj, name);
  if (v.size() != 1) {
    throw IoError("reading " + describe(obj, name) + ": holds " + std::to_string(v.size()) +
                  " values, expected one");
  }
  return v.front();
}

std::vector<std::string> read_string_values(OpenAttr& a) {
  if (a.type.type_class() != H5T_STRING) {
    throw IoError(a.what + ": holds " + a.type.describe() + ", not a string");
  }
  std::vector<std::string> out(a.count);
  if (a.count == 0) return out;
  if (!a.type.is_variable_string()) {
    const std::size_t width = a.type.size();
    std::vector<char> raw(width * a.count);
    check(H5Aread(a.attr.get(), a.type.id(), raw.data()), a.what);
    for (std::size_t i = 0; i < a.count; ++i) {
      out[i].assign(raw.data() + i * width, strnlen(raw.data() + i * width, width));
    }
    return out;
  }
  const Datatype mem = utf8_string();
  check(H5Tset_cset(mem.id(), H5Tget_cset(a.type.id())), a.what);
  std::vector<char*> pointers(a.count, nullptr);
  check(H5Aread(a.attr.get(), mem.id(), pointers.data()), a.what);
  for (std::size_t i = 0; i < a.count; ++i) {
    if (pointers[i] != nullptr) out[i] = pointers[i];
  }
  check(H5Dvlen_reclaim(mem.id(), a.space.get(), H5P_DEFAULT, pointers.data()), a.what);
  return out;
}

}  // namespace

void set_attr(hid_t obj, const std::string& name, const std::string& value) {
  set_attr(obj, name, value.c_str());
}

void set_attr(hid_t obj, const std::string& name, const char* value) {
  write_attr(obj, name, utf8_string(), -1, &value);
}

void set_attr(hid_t obj, const std::string& name, std::int64_t value) {
  write_attr(obj, name, int64(), -1, &value);
}

void set_attr(hid_t obj, const std::string& name, double value) {
  write_attr(obj, name, float64(), -1, &value);
}

void set_attr(hid_t obj, const std::string& name, const std::vector<std::int64_t>& value) {
  write_attr(obj, name, int64(), static_cast<long long>(value.size()), value.data());
}

void set_attr(hid_t obj, const std::string& name, const std::vector<double>& value) {
  write_attr(obj, name, float64(), static_cast<long long>(value.size()), value.data());
}

void set_attr(hid_t obj, const std::string& name, const std::vector<std::string>& value) {
  std::vector<const char*> pointers;
  for (const std::string& s : value) pointers.push_back(s.c_str());
  write_attr(obj, name, utf8_string(), static_cast<long long>(pointers.size()), pointers.data());
}

bool has_attr(hid_t obj, const std::string& name) {
  return check_tri(H5Aexists(obj, name.c_str()), "checking " + describe(obj, name));
}

void delete_attr(hid_t obj, const std::string& name) {
  check(H5Adelete(obj, name.c_str()), "deleting " + describe(obj, name));
}

std::string get_attr_string(hid_t obj, const std::string& name) {
  OpenAttr a = open_attr(obj, name);
  std::vector<std::string> values = read_string_values(a);
  if (values.size() != 1) {
    throw IoError(a.what + ": holds " + std::to_string(values.size()) + " strings, expected one");
  }
  return values.front();
}

std::vector<std::string> get_attr_string_vector(hid_t obj, const std::string& name) {
  OpenAttr a = open_attr(obj, name);
  return read_string_values(a);
}

std::int64_t get_attr_int(hid_t obj, const std::string& name) {
  return read_scalar<std::int64_t>(obj, name);
}

double get_attr_double(hid_t obj, const std::string& name) {
  return read_scalar<double>(obj, name);
}

std::vector<std::int64_t> get_attr_int_vector(hid_t obj, const std::string& name) {
  return read_numbers<std::int64_t>(obj, name);
}

std::vector<double> get_attr_double_vector(hid_t obj, const std::string& name) {
  return read_numbers<double>(obj, name);
}

}  // namespace polyrep::h5

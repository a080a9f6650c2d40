#pragma once
/// Attributes on a file (root group), group or dataset id. Strings are stored as scalar
/// variable-length UTF-8 (h5py reads them as str), integers as int64, reals as float64, vectors as
/// 1-D arrays. Setting an attribute that exists replaces it (delete + recreate, so its type may
/// change). On parallel files setting is collective with identical values on every rank; with
/// collective metadata reads on, getting/has_attr are collective too.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace polyrep::h5 {

void set_attr(hid_t obj, const std::string& name, const std::string& value);
void set_attr(hid_t obj, const std::string& name, const char* value);
void set_attr(hid_t obj, const std::string& name, std::int64_t value);
void set_attr(hid_t obj, const std::string& name, double value);
void set_attr(hid_t obj, const std::string& name, const std::vector<std::int64_t>& value);
void set_attr(hid_t obj, const std::string& name, const std::vector<double>& value);
void set_attr(hid_t obj, const std::string& name, const std::vector<std::string>& value);

/// int, std::size_t, bool, ... would be ambiguous between int64 and double: stored as int64.
template <typename T,
          std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, std::int64_t>, int> = 0>
void set_attr(hid_t obj, const std::string& name, T value) {
  set_attr(obj, name, static_cast<std::int64_t>(value));
}

bool has_attr(hid_t obj, const std::string& name);
void delete_attr(hid_t obj, const std::string& name);

/// Getters throw IoError naming the attribute when it is missing or of an unconvertible type.
std::string get_attr_string(hid_t obj, const std::string& name);
std::int64_t get_attr_int(hid_t obj, const std::string& name);
double get_attr_double(hid_t obj, const std::string& name);
std::vector<std::int64_t> get_attr_int_vector(hid_t obj, const std::string& name);
std::vector<double> get_attr_double_vector(hid_t obj, const std::string& name);
std::vector<std::string> get_attr_string_vector(hid_t obj, const std::string& name);

}  // namespace polyrep::h5

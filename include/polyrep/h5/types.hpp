#pragma once
/// HDF5 datatypes as RAII values. File types are little-endian IEEE/standard types; `float16()` is
/// built by hand because HDF5 1.10 has no predefined half type: a copy of H5T_IEEE_F32LE with
/// sign bit 15, exponent at 10 (5 bits), mantissa at 0 (10 bits), size 2, exponent bias 15 -
/// exactly what h5py builds, so h5py/numpy read it as float16. `utf8_string()` is a
/// variable-length string with the UTF-8 character set (h5py: `h5py.check_string_dtype` reports
/// utf-8; `ds.asstr()[...]` gives str, attributes read directly as str).
///
/// Conversions: reading/writing with a memory type different from the file type makes HDF5 convert
/// (float32 memory into a float16 dataset works), but in a parallel file any conversion silently
/// turns collective I/O into independent I/O, so Dataset::write refuses mismatched types when
/// collective I/O is requested.
#include <hdf5.h>

#include <cstdint>
#include <string>

#include "polyrep/h5/handle.hpp"

namespace polyrep::h5 {

class Datatype {
 public:
  Datatype() noexcept = default;
  /// A predefined type (H5T_NATIVE_INT, ...), never closed.
  static Datatype predefined(hid_t id) noexcept;
  /// Takes ownership of a datatype id from H5Tcopy/H5Dget_type/...; throws IoError if id < 0.
  static Datatype owned(hid_t id, const std::string& what);

  hid_t id() const noexcept { return handle_.get(); }
  bool valid() const noexcept { return handle_.valid(); }

  /// H5Tequal: same class, size, byte order, fields.
  bool equals(const Datatype& other) const;
  H5T_class_t type_class() const;
  std::size_t size() const;
  bool is_variable_string() const;
  /// "float16", "float32", "int32", "uint8", "utf8 string", ... or "<class>/<size> bytes".
  std::string describe() const;

 private:
  Handle handle_;
};

Datatype float32();
Datatype float64();
/// IEEE binary16, little-endian (see above).
Datatype float16();
Datatype int32();
Datatype int64();
Datatype uint8();
Datatype uint16();
/// Variable-length UTF-8 string (memory and file type alike).
Datatype utf8_string();

/// The memory type of a C++ arithmetic type (native byte order). For float16 data held as
/// std::uint16_t bit patterns, use float16() as the memory type, not native<std::uint16_t>().
template <typename T>
Datatype native();
template <>
Datatype native<float>();
template <>
Datatype native<double>();
template <>
Datatype native<std::int8_t>();
template <>
Datatype native<std::uint8_t>();
template <>
Datatype native<std::int16_t>();
template <>
Datatype native<std::uint16_t>();
template <>
Datatype native<std::int32_t>();
template <>
Datatype native<std::uint32_t>();
template <>
Datatype native<std::int64_t>();
template <>
Datatype native<std::uint64_t>();

}  // namespace polyrep::h5

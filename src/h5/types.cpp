#include "polyrep/h5/types.hpp"

#include "polyrep/h5/error.hpp"

namespace polyrep::h5 {

namespace {

Datatype copy_of(hid_t predefined, const char* name) {
  return Datatype::owned(H5Tcopy(predefined), std::string("H5Tcopy(") + name + ")");
}

}  // namespace

Datatype Datatype::predefined(hid_t id) noexcept {
  Datatype t;
  t.handle_ = Handle(id, nullptr);
  return t;
}

Datatype Datatype::owned(hid_t id, const std::string& what) {
  Datatype t;
  t.handle_ = Handle(check_id(id, what), &H5Tclose);
  return t;
}

bool Datatype::equals(const Datatype& other) const {
  return check_tri(H5Tequal(id(), other.id()), "H5Tequal");
}

H5T_class_t Datatype::type_class() const {
  const H5T_class_t c = H5Tget_class(id());
  if (c == H5T_NO_CLASS) throw_error("H5Tget_class");
  return c;
}

std::size_t Datatype::size() const {
  const std::size_t n = H5Tget_size(id());
  if (n == 0) throw_error("H5Tget_size");
  return n;
}

bool Datatype::is_variable_string() const {
  return type_class() == H5T_STRING && check_tri(H5Tis_variable_str(id()), "H5Tis_variable_str");
}

std::string Datatype::describe() const {
  const H5T_class_t c = type_class();
  const std::size_t bytes = size();
  const std::string bits = std::to_string(bytes * 8);
  switch (c) {
    case H5T_FLOAT:
      return "float" + bits;
    case H5T_INTEGER: {
      const H5T_sign_t sign = H5Tget_sign(id());
      return (sign == H5T_SGN_NONE ? "uint" : "int") + bits;
    }
    case H5T_STRING:
      return is_variable_string() ? "variable-length string" : bits + "-bit fixed-length string";
    default:
      return "HDF5 type class " + std::to_string(static_cast<int>(c)) + " of " +
             std::to_string(bytes) + " bytes";
  }
}

Datatype float32() { return copy_of(H5T_IEEE_F32LE, "H5T_IEEE_F32LE"); }
Datatype float64() { return copy_of(H5T_IEEE_F64LE, "H5T_IEEE_F64LE"); }
Datatype int32() { return copy_of(H5T_STD_I32LE, "H5T_STD_I32LE"); }
Datatype int64() { return copy_of(H5T_STD_I64LE, "H5T_STD_I64LE"); }
Datatype uint8() { return copy_of(H5T_STD_U8LE, "H5T_STD_U8LE"); }
Datatype uint16() { return copy_of(H5T_STD_U16LE, "H5T_STD_U16LE"); }

Datatype float16() {
  // Same recipe as h5py: fields before size, because H5Tset_size refuses to cut through fields.
  Datatype t = copy_of(H5T_IEEE_F32LE, "H5T_IEEE_F32LE");
  check(H5Tset_fields(t.id(), 15, 10, 5, 0, 10), "H5Tset_fields (float16)");
  check(H5Tset_size(t.id(), 2), "H5Tset_size (float16)");
  check(H5Tset_ebias(t.id(), 15), "H5Tset_ebias (float16)");
  return t;
}

Datatype utf8_string() {
  Datatype t = copy_of(H5T_C_S1, "H5T_C_S1");
  check(H5Tset_size(t.id(), H5T_VARIABLE), "H5Tset_size (variable string)");
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "H5Tset_cset (UTF-8)");
  return t;
}

template <>
Datatype native<float>() {
  return copy_of(H5T_NATIVE_FLOAT, "H5T_NATIVE_FLOAT");
}
template <>
Datatype native<double>() {
  return copy_of(H5T_NATIVE_DOUBLE, "H5T_NATIVE_DOUBLE");
}
template <>
Datatype native<std::int8_t>() {
  return copy_of(H5T_NATIVE_INT8, "H5T_NATIVE_INT8");
}
template <>
Datatype native<std::uint8_t>() {
  return copy_of(H5T_NATIVE_UINT8, "H5T_NATIVE_UINT8");
}
template <>
Datatype native<std::int16_t>() {
  return copy_of(H5T_NATIVE_INT16, "H5T_NATIVE_INT16");
}
template <>
Datatype native<std::uint16_t>() {
  return copy_of(H5T_NATIVE_UINT16, "H5T_NATIVE_UINT16");
}
template <>
Datatype native<std::int32_t>() {
  return copy_of(H5T_NATIVE_INT32, "H5T_NATIVE_INT32");
}
template <>
Datatype native<std::uint32_t>() {
  return copy_of(H5T_NATIVE_UINT32, "H5T_NATIVE_UINT32");
}
template <>
Datatype native<std::int64_t>() {
  return copy_of(H5T_NATIVE_INT64, "H5T_NATIVE_INT64");
}
template <>
Datatype native<std::uint64_t>() {
  return copy_of(H5T_NATIVE_UINT64, "H5T_NATIVE_UINT64");
}

}  // namespace polyrep::h5

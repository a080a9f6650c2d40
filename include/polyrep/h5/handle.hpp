#pragma once
/// `Handle`: the one RAII owner of an HDF5 identifier (hid_t) in polyrep, HighFive-style. It is
/// move-only and closes its id with the close function it was given (H5Fclose, H5Dclose, ...);
/// the destructor never throws and ignores close failures, so code that needs to know whether a
/// close succeeded (files: the final flush happens there) calls `close()`, which checks and throws
/// IoError. A Handle with a null close function borrows the id (predefined datatypes, H5P_DEFAULT).
#include <hdf5.h>

#include <string>

namespace polyrep::h5 {

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle() noexcept = default;
  /// Takes ownership of `id` (unless `closer` is null). `id` must be valid: construct Handles from
  /// checked results (see error.hpp).
  Handle(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  ~Handle() { reset(); }

  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) {
    other.id_ = H5I_INVALID_HID;
    other.closer_ = nullptr;
  }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      closer_ = other.closer_;
      other.id_ = H5I_INVALID_HID;
      other.closer_ = nullptr;
    }
    return *this;
  }

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  /// Closes now, ignoring failure (used by destructors).
  void reset() noexcept;
  /// Closes now and throws IoError("closing <what>: <HDF5 message>") on failure; no-op when empty.
  void close(const std::string& what);

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// An owned property list (H5Pclose).
Handle property_list(hid_t list_class);

}  // namespace polyrep::h5

#include "polyrep/h5/handle.hpp"

#include "polyrep/h5/error.hpp"

namespace polyrep::h5 {

void Handle::reset() noexcept {
  if (id_ >= 0 && closer_ != nullptr) {
    // A failed close leaves an error stack behind; it must not be blamed on the next call.
    if (closer_(id_) < 0) H5Eclear2(H5E_DEFAULT);
  }
  id_ = H5I_INVALID_HID;
  closer_ = nullptr;
}

void Handle::close(const std::string& what) {
  if (id_ < 0) return;
  const hid_t id = id_;
  Closer closer = closer_;
  id_ = H5I_INVALID_HID;
  closer_ = nullptr;
  if (closer != nullptr) check(closer(id), "closing " + what);
}

Handle property_list(hid_t list_class) {
  return Handle(check_id(H5Pcreate(list_class), "H5Pcreate"), &H5Pclose);
}

}  // namespace polyrep::h5

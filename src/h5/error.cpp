#include "polyrep/h5/error.hpp"

#include <mutex>
#include <vector>

#include "polyrep/core/error.hpp"

namespace polyrep::h5 {

namespace {

struct StackEntry {
  std::string function;
  std::string description;
};

herr_t collect(unsigned /*n*/, const H5E_error2_t* err, void* data) {
  auto* entries = static_cast<std::vector<StackEntry>*>(data);
  entries->push_back(
      {err->func_name != nullptr ? err->func_name : "", err->desc != nullptr ? err->desc : ""});
  return 0;
}

}  // namespace

void silence_auto_print() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

std::string take_error_stack() {
  std::vector<StackEntry> entries;
  // Upward: the innermost entry (where the problem was detected, with errno and file name) first.
  if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, &collect, &entries) < 0 || entries.empty()) {
    H5Eclear2(H5E_DEFAULT);
    return "";
  }
  H5Eclear2(H5E_DEFAULT);
  std::string text = entries.front().description;
  const StackEntry& api = entries.back();
  if (entries.size() > 1 && api.description != entries.front().description) {
    text += " (" + api.function + ": " + api.description + ")";
  }
  return text;
}

void throw_error(const std::string& what) {
  const std::string stack = take_error_stack();
  throw IoError(stack.empty() ? what + ": HDF5 call failed" : what + ": " + stack);
}

hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) throw_error(what);
  return id;
}

void check(herr_t rc, const std::string& what) {
  if (rc < 0) throw_error(what);
}

bool check_tri(htri_t rc, const std::string& what) {
  if (rc < 0) throw_error(what);
  return rc > 0;
}

long long check_size(long long n, const std::string& what) {
  if (n < 0) throw_error(what);
  return n;
}

}  // namespace polyrep::h5

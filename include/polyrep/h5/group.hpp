#pragma once
/// HDF5 groups and path helpers. Paths are '/'-separated, absolute ("/hidden/sentences") or
/// relative to `loc` (a file or group id). On parallel files these are collective metadata
/// operations.
#include <hdf5.h>

#include <string>
#include <vector>

#include "polyrep/h5/handle.hpp"

namespace polyrep::h5 {

class Group {
 public:
  Group() noexcept = default;
  /// Creates the group and any missing intermediate groups; an existing group is an IoError.
  static Group create(hid_t loc, const std::string& path);
  static Group open(hid_t loc, const std::string& path);
  /// Opens the group, creating it (and intermediates) if missing.
  static Group require(hid_t loc, const std::string& path);

  hid_t id() const noexcept { return handle_.get(); }
  const std::string& path() const noexcept { return path_; }
  void close();

 private:
  Group(Handle handle, std::string path) noexcept
      : handle_(std::move(handle)), path_(std::move(path)) {}
  Handle handle_;
  std::string path_;
};

inline Group create_group(hid_t loc, const std::string& path) { return Group::create(loc, path); }
inline Group open_group(hid_t loc, const std::string& path) { return Group::open(loc, path); }

/// True when every component of `path` exists under `loc` (checked link by link, so a missing
/// parent is "false", not an error).
bool exists(hid_t loc, const std::string& path);

/// Unlinks `path` (a dataset or a whole group) if it exists. Collective on parallel files. The
/// space is not reclaimed inside the file (HDF5 never shrinks files; h5repack does).
void remove(hid_t loc, const std::string& path);

/// Names of the links directly inside the group at `path` ("." for loc itself), sorted by name.
std::vector<std::string> list(hid_t loc, const std::string& path = ".");

/// Absolute paths of every dataset under the absolute `group` ("/": the whole file), depth first
/// in name order. Follows the links it meets (a file with external links would be left).
std::vector<std::string> dataset_paths(hid_t loc, const std::string& group = "/");

}  // namespace polyrep::h5

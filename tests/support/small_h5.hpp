#pragma once
// A polyrep-looking HDF5 file for unit tests of readers: /hidden, plus whatever `fill` adds to the
// root (attributes such as schema_version or complete). Serial, in `dir`; returns its path.
#include <filesystem>
#include <functional>

#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "temp_dir.hpp"

namespace polyrep::test {

inline std::filesystem::path small_polyrep_file(const TempDir& dir, const std::function<void(hid_t)>& fill) {
  const std::filesystem::path path = dir / "f.h5";
  h5::File f = h5::File::create(path, true);
  h5::create_group(f.id(), "/hidden");
  fill(f.id());
  f.close();
  return path;
}

}  // namespace polyrep::test

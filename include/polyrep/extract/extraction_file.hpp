#pragma once
/// Whether a path holds an extraction that the readers (reduce, plot, inspect) can use, with one
/// message naming the file for each way it cannot: missing, a directory, not HDF5 at all (a text
/// file), an HDF5 file polyrep did not write, a reduce results file given in its place, or an
/// extraction whose run never finished (no `complete = 1`: finalize sets it last) — and, apart from
/// these, a file written by a newer polyrep (schema/version.hpp).
#include <hdf5.h>

#include <filesystem>

namespace polyrep::extract {

enum class FileKind {
  foreign,     // HDF5, but neither polyrep's attributes nor its groups
  results,     // a `polyrep reduce` results file (<name>.reduce.h5)
  incomplete,  // polyrep's groups without complete = 1 (an interrupted run's file)
  complete,    // a finished extraction
};

/// Before any HDF5 call: InputError naming `path` when it does not exist, is a directory, or
/// carries no HDF5 signature (at offset 0 or a user-block offset 512, 1024, 2048, ...).
void require_hdf5_file(const std::filesystem::path& path);

/// What an open file is, from its root attributes and top-level groups only.
FileKind classify_file(hid_t root);

/// InputError naming `path` unless the open file is a complete extraction whose schema this
/// polyrep reads (schema/version.hpp: a newer schema is its own message, checked first).
void require_complete_extraction(hid_t root, const std::filesystem::path& path);

}  // namespace polyrep::extract

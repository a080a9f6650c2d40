#pragma once
/// The schema version: which layout of the files (schema/extraction.hpp, schema/results.hpp,
/// schema/attributes.hpp) a file has, so that a reader can tell a file it does not understand from
/// a damaged one. Both files carry it as the root attribute `schema_version` (int64), written by
/// extract when it creates the file (so an unfinished run's partial file has it too) and by reduce
/// with its stamp.
///
/// The rule every reader applies (reduce, plot, inspect, `extract --resume`, through
/// require_readable_schema, before anything else is read):
/// - greater than kSchemaVersion: a newer polyrep wrote it; one InputError naming the file,
///   "written by a newer polyrep (schema N; this one reads up to M): upgrade polyrep" — the
///   layout may have changed in any way, so none of the other checks can be trusted;
/// - missing: read as 1. Every file polyrep wrote before the attribute existed has exactly the
///   schema-1 layout (the attribute was added without changing any dataset), so this is exact,
///   not a guess; whether such a file is polyrep's at all is decided afterwards, as before, by
///   extract/extraction_file.hpp ("not written by polyrep", "incomplete", ...);
/// - present but not a positive integer: a damaged file (its own message);
/// - 1..kSchemaVersion: read (older versions are read as they were written; there are none yet).
/// The version goes up when a reader of the previous version would misread a new file (a dataset
/// or attribute renamed, removed, reshaped or given another meaning); adding a dataset or attribute
/// that older readers may ignore does not change it.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>

namespace polyrep::schema {

/// The schema this polyrep writes, and the newest it reads.
inline constexpr std::int64_t kSchemaVersion = 1;

/// Sets `schema_version = kSchemaVersion` on the root of the open file `root` (as h5::set_attr:
/// collective with the same value on parallel files).
void write_schema_version(hid_t root);

/// The schema version of the open file `root` (1 when the attribute is missing); InputError naming
/// `path` when the attribute is not a positive integer.
std::int64_t schema_version(hid_t root, const std::filesystem::path& path);

/// The file's schema version, after checking that this polyrep reads it: InputError naming `path`
/// when it is newer than kSchemaVersion (or damaged, as schema_version). Reads one attribute:
/// collective on parallel files, like any attribute read.
std::int64_t require_readable_schema(hid_t root, const std::filesystem::path& path);

}  // namespace polyrep::schema

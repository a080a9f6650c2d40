#include "polyrep/extract/extraction_file.hpp"

#include <cstring>
#include <fstream>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/schema/attributes.hpp"
#include "polyrep/schema/extraction.hpp"
#include "polyrep/schema/version.hpp"

namespace polyrep::extract {
namespace fs = std::filesystem;

namespace {

constexpr char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};

// HDF5 looks for its superblock at 0, then at every power of two from 512 (a user block).
bool has_hdf5_signature(const fs::path& path, std::uintmax_t size) {
  std::ifstream in(path, std::ios::binary);
  for (std::uintmax_t offset = 0; in && offset + sizeof kSignature <= size; offset = offset == 0 ? 512 : offset * 2) {
    char head[sizeof kSignature] = {};
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(head, sizeof head)) return false;
    if (std::memcmp(head, kSignature, sizeof head) == 0) return true;
  }
  return false;
}

bool is_complete(hid_t root) {
  if (!h5::has_attr(root, schema::attr::complete)) return false;
  try {
    return h5::get_attr_int(root, schema::attr::complete) == 1;
  } catch (const Error&) {
    return false;  // another type: not ours
  }
}

}  // namespace

void require_hdf5_file(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw InputError(path.string() + ": no such file");
  if (fs::is_directory(status)) throw InputError(path.string() + ": is a directory, not an HDF5 file");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) throw InputError(path.string() + ": cannot be read (" + ec.message() + ")");
  if (!has_hdf5_signature(path, size))
    throw InputError(path.string() + ": not an HDF5 file (no HDF5 signature; expected a file written by polyrep extract)");
}

FileKind classify_file(hid_t root) {
  if (h5::has_attr(root, schema::attr::source_run_id)) return FileKind::results;
  if (is_complete(root)) return FileKind::complete;
  const bool ours = h5::has_attr(root, schema::attr::polyrep_version) ||
                    h5::has_attr(root, schema::attr::schema_version) || h5::exists(root, schema::hidden::group) ||
                    (h5::exists(root, schema::tokens::group) && h5::exists(root, schema::sentences::group));
  return ours ? FileKind::incomplete : FileKind::foreign;
}

void require_complete_extraction(hid_t root, const fs::path& path) {
  // First: a newer layout may lack what the checks below look for.
  schema::require_readable_schema(root, path);
  switch (classify_file(root)) {
    case FileKind::complete:
      return;
    case FileKind::foreign:
      throw InputError(path.string() + ": not a polyrep extraction file (no polyrep_version attribute, no /hidden group)");
    case FileKind::results:
      throw InputError(path.string() + ": a polyrep reduce results file, not an extraction: give the extraction file it "
                                       "was made from");
    case FileKind::incomplete:
      throw InputError(path.string() + ": incomplete extraction (no complete=1: the run did not finish); run polyrep "
                                       "extract again");
  }
}

}  // namespace polyrep::extract

#include "polyrep/schema/version.hpp"

#include "polyrep/core/error.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/schema/attributes.hpp"

namespace polyrep::schema {

void write_schema_version(hid_t root) { h5::set_attr(root, attr::schema_version, kSchemaVersion); }

std::int64_t schema_version(hid_t root, const std::filesystem::path& path) {
  // Files from before the attribute existed have the schema-1 layout (version.hpp).
  if (!h5::has_attr(root, attr::schema_version)) return 1;
  std::int64_t version = 0;
  try {
    version = h5::get_attr_int(root, attr::schema_version);
  } catch (const Error&) {
    version = 0;  // a string or a float: not what any polyrep writes
  }
  if (version < 1) {
    throw InputError(path.string() + ": damaged polyrep file (its schema_version attribute is not a positive "
                                     "integer)");
  }
  return version;
}

std::int64_t require_readable_schema(hid_t root, const std::filesystem::path& path) {
  const std::int64_t version = schema_version(root, path);
  if (version > kSchemaVersion) {
    throw InputError(path.string() + ": written by a newer polyrep (schema " + std::to_string(version) +
                     "; this one reads up to " + std::to_string(kSchemaVersion) + "): upgrade polyrep");
  }
  return version;
}

}  // namespace polyrep::schema

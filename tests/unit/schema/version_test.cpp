// The schema version rule on small HDF5 files made here: written as 1, missing read as 1, newer
// refused with the one "newer polyrep" line, a malformed attribute called damaged.
#include "polyrep/schema/version.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "small_h5.hpp"
#include "temp_dir.hpp"

namespace polyrep::schema {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

// A file with /hidden (polyrep-looking) and whatever `fill` adds.
fs::path made(const TempDir& dir, const std::function<void(hid_t)>& fill) { return test::small_polyrep_file(dir, fill); }

std::string error_of(const fs::path& path) {
  h5::File f = h5::File::open(path, false);
  try {
    require_readable_schema(f.id(), path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(SchemaVersion, WrittenAsOne) {
  EXPECT_EQ(kSchemaVersion, 1);
  TempDir dir;
  const fs::path path = made(dir, [](hid_t root) { write_schema_version(root); });
  h5::File f = h5::File::open(path, false);
  EXPECT_EQ(h5::get_attr_int(f.id(), "schema_version"), 1);
  EXPECT_EQ(schema_version(f.id(), path), 1);
  EXPECT_EQ(require_readable_schema(f.id(), path), 1);
}

TEST(SchemaVersion, MissingIsReadAsOne) {
  TempDir dir;
  const fs::path path = made(dir, [](hid_t root) { h5::set_attr(root, "polyrep_version", std::string("0.1.0")); });
  h5::File f = h5::File::open(path, false);
  EXPECT_EQ(schema_version(f.id(), path), 1);
  EXPECT_EQ(error_of(path), "");
}

TEST(SchemaVersion, NewerIsRefusedWithOneLineNamingTheFile) {
  TempDir dir;
  const fs::path path = made(dir, [](hid_t root) { h5::set_attr(root, "schema_version", std::int64_t{99}); });
  EXPECT_EQ(error_of(path),
            path.string() + ": written by a newer polyrep (schema 99; this one reads up to 1): upgrade polyrep");
  const fs::path two = made(dir, [](hid_t root) { h5::set_attr(root, "schema_version", std::int64_t{2}); });
  EXPECT_NE(error_of(two).find("(schema 2; this one reads up to 1)"), std::string::npos);
}

TEST(SchemaVersion, MalformedIsDamagedNotNewer) {
  TempDir dir;
  const std::string damaged = ": damaged polyrep file (its schema_version attribute is not a positive integer)";
  for (const std::function<void(hid_t)>& fill :
       {std::function<void(hid_t)>([](hid_t root) { h5::set_attr(root, "schema_version", std::string("1")); }),
        std::function<void(hid_t)>([](hid_t root) { h5::set_attr(root, "schema_version", std::int64_t{0}); }),
        std::function<void(hid_t)>([](hid_t root) { h5::set_attr(root, "schema_version", std::int64_t{-3}); }),
        std::function<void(hid_t)>([](hid_t root) { h5::set_attr(root, "schema_version", 1.5); })}) {
    const fs::path path = made(dir, fill);
    EXPECT_EQ(error_of(path), path.string() + damaged);
  }
}

}  // namespace
}  // namespace polyrep::schema

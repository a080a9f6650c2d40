// `polyrep inspect` on small files made here: the schema version line, and a newer schema refused.
#include "polyrep/extract/inspect.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "small_h5.hpp"
#include "temp_dir.hpp"

namespace polyrep::extract {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

// A complete polyrep-looking file with whatever `fill` adds.
fs::path made(const TempDir& dir, const std::function<void(hid_t)>& fill) {
  return test::small_polyrep_file(dir, [&](hid_t root) {
    h5::set_attr(root, "complete", std::int64_t{1});
    fill(root);
  });
}

TEST(Inspect, PrintsTheSchemaVersion) {
  TempDir dir;
  const FileReport recorded = inspect_file(made(dir, [](hid_t root) { h5::set_attr(root, "schema_version", 1); }));
  EXPECT_TRUE(recorded.complete);
  EXPECT_NE(recorded.text.find("\nschema_version: 1\n"), std::string::npos) << recorded.text;
  const FileReport old = inspect_file(made(dir, [](hid_t) {}));
  EXPECT_NE(old.text.find("\nschema_version: 1 (not recorded: written before polyrep kept it)\n"), std::string::npos)
      << old.text;
}

TEST(Inspect, NewerSchemaIsRefused) {
  TempDir dir;
  const fs::path path = made(dir, [](hid_t root) { h5::set_attr(root, "schema_version", 99); });
  try {
    inspect_file(path);
    FAIL() << "inspected a file of schema 99";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() + ": written by a newer polyrep (schema 99; this one reads up to 1): upgrade polyrep");
  }
}

}  // namespace
}  // namespace polyrep::extract

// What the readers (reduce, plot, inspect) accept as an extraction, from files made here.
#include "polyrep/extract/extraction_file.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "temp_dir.hpp"

namespace polyrep::extract {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string hdf5_error(const fs::path& path) {
  return error_of([&] { require_hdf5_file(path); });
}

// An HDF5 file set up by `fill`, then classified and checked.
template <typename Fill>
std::pair<FileKind, std::string> made(const TempDir& dir, Fill&& fill) {
  const fs::path path = dir / "f.h5";
  {
    h5::File f = h5::File::create(path, true);
    fill(f.id());
  }
  EXPECT_EQ(hdf5_error(path), "");
  h5::File f = h5::File::open(path, false);
  return {classify_file(f.id()), error_of([&] { require_complete_extraction(f.id(), path); })};
}

TEST(ExtractionFile, NotAnHdf5FileIsNamedBeforeHdf5IsAsked) {
  TempDir dir;
  EXPECT_EQ(hdf5_error(dir / "none.h5"), (dir / "none.h5").string() + ": no such file");
  EXPECT_NE(hdf5_error(dir.path()).find("is a directory"), std::string::npos);
  dir.write("text.h5", "not an hdf5 file\n");
  EXPECT_NE(hdf5_error(dir / "text.h5").find("text.h5: not an HDF5 file"), std::string::npos);
  dir.write("empty.h5", "");
  EXPECT_NE(hdf5_error(dir / "empty.h5").find("not an HDF5 file"), std::string::npos);
}

TEST(ExtractionFile, SignatureAfterAUserBlockIsFound) {
  TempDir dir;
  std::string bytes(512, 'u');
  bytes += std::string("\x89HDF\r\n\x1a\n", 8) + std::string(100, '\0');
  dir.write("block.h5", bytes);
  EXPECT_EQ(hdf5_error(dir / "block.h5"), "");
}

TEST(ExtractionFile, KindsFromAttributesAndGroups) {
  TempDir dir;
  auto foreign = made(dir, [](hid_t root) { h5::create_group(root, "/measurements"); });
  EXPECT_EQ(foreign.first, FileKind::foreign);
  EXPECT_NE(foreign.second.find("f.h5: not a polyrep extraction file"), std::string::npos) << foreign.second;

  auto incomplete = made(dir, [](hid_t root) { h5::create_group(root, "/hidden"); });
  EXPECT_EQ(incomplete.first, FileKind::incomplete);
  EXPECT_NE(incomplete.second.find("f.h5: incomplete extraction"), std::string::npos) << incomplete.second;

  auto zero = made(dir, [](hid_t root) {
    h5::set_attr(root, "polyrep_version", std::string("0.1"));
    h5::set_attr(root, "complete", std::int64_t{0});
  });
  EXPECT_EQ(zero.first, FileKind::incomplete);

  auto results = made(dir, [](hid_t root) {
    h5::set_attr(root, "source_run_id", std::string("abc"));
    h5::set_attr(root, "complete", std::int64_t{1});
  });
  EXPECT_EQ(results.first, FileKind::results);
  EXPECT_NE(results.second.find("reduce results file, not an extraction"), std::string::npos) << results.second;

  auto complete = made(dir, [](hid_t root) {
    h5::create_group(root, "/hidden");
    h5::set_attr(root, "complete", std::int64_t{1});
  });
  EXPECT_EQ(complete.first, FileKind::complete);
  EXPECT_EQ(complete.second, "");

  auto text_flag = made(dir, [](hid_t root) { h5::set_attr(root, "complete", std::string("yes")); });
  EXPECT_EQ(text_flag.first, FileKind::foreign);
}

// A newer polyrep's file is "upgrade", whatever it looks like to this one: complete, without the
// groups it knows, or without `complete`.
TEST(ExtractionFile, NewerSchemaIsRefusedBeforeAnyOtherCheck) {
  TempDir dir;
  const std::string newer = "f.h5: written by a newer polyrep (schema 7; this one reads up to 1): upgrade polyrep";
  auto complete = made(dir, [](hid_t root) {
    h5::create_group(root, "/hidden");
    h5::set_attr(root, "complete", std::int64_t{1});
    h5::set_attr(root, "schema_version", std::int64_t{7});
  });
  EXPECT_EQ(complete.first, FileKind::complete);
  EXPECT_NE(complete.second.find(newer), std::string::npos) << complete.second;
  auto bare = made(dir, [](hid_t root) { h5::set_attr(root, "schema_version", std::int64_t{7}); });
  EXPECT_EQ(bare.first, FileKind::incomplete);  // the attribute alone marks a file as polyrep's
  EXPECT_NE(bare.second.find(newer), std::string::npos) << bare.second;
  auto current = made(dir, [](hid_t root) {
    h5::create_group(root, "/hidden");
    h5::set_attr(root, "complete", std::int64_t{1});
    h5::set_attr(root, "schema_version", std::int64_t{1});
  });
  EXPECT_EQ(current.second, "");
}

}  // namespace
}  // namespace polyrep::extract

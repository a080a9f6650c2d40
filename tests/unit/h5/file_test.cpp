#include "polyrep/h5/file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/group.hpp"
#include "temp_dir.hpp"

namespace h5 = polyrep::h5;

namespace {

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const polyrep::IoError& e) {
    return e.what();
  }
  return "<no IoError>";
}

TEST(File, CreateOverExistingWithoutTruncateThrowsNamingIt) {
  polyrep::test::TempDir dir;
  const auto path = dir / "out.h5";
  h5::File::create(path, false).close();
  const std::string msg = message_of([&] { h5::File::create(path, false); });
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("exists"), std::string::npos) << msg;
  h5::File again = h5::File::create(path, true);  // truncation allowed
  EXPECT_TRUE(again.valid());
  EXPECT_FALSE(again.is_parallel());
}

TEST(File, OpenMissingThrowsNamingIt) {
  polyrep::test::TempDir dir;
  const auto path = dir / "missing.h5";
  const std::string msg = message_of([&] { h5::File::open(path, false); });
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
}

TEST(File, OpenNonHdf5ThrowsNamingIt) {
  polyrep::test::TempDir dir;
  const auto path = dir / "text.h5";
  std::ofstream(path) << "not an HDF5 file\n";
  const std::string msg = message_of([&] { h5::File::open(path, false); });
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("signature"), std::string::npos) << msg;  // HDF5's own reason travels along
}

TEST(File, CreateInMissingDirectoryThrows) {
  polyrep::test::TempDir dir;
  const auto path = dir / "no_dir" / "x.h5";
  const std::string msg = message_of([&] { h5::File::create(path, true); });
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
}

TEST(File, ReadOnlyFileRefusesWrites) {
  polyrep::test::TempDir dir;
  const auto path = dir / "ro.h5";
  h5::File::create(path, false).close();
  h5::File f = h5::File::open(path, false);
  EXPECT_THROW(h5::Group::create(f.id(), "/g"), polyrep::IoError);
}

TEST(Group, IntermediatesExistsAndList) {
  polyrep::test::TempDir dir;
  h5::File f = h5::File::create(dir / "g.h5", false);
  EXPECT_FALSE(h5::exists(f.id(), "/hidden/sentences"));
  { h5::Group g = h5::create_group(f.id(), "/hidden/sentences"); }
  EXPECT_TRUE(h5::exists(f.id(), "/hidden"));
  EXPECT_TRUE(h5::exists(f.id(), "/hidden/sentences"));
  EXPECT_TRUE(h5::exists(f.id(), "hidden/sentences/"));
  EXPECT_FALSE(h5::exists(f.id(), "/hidden/tokens"));
  EXPECT_FALSE(h5::exists(f.id(), "/nope/deeper/still"));
  EXPECT_THROW(h5::create_group(f.id(), "/hidden/sentences"), polyrep::IoError);
  h5::Group again = h5::Group::require(f.id(), "/hidden/sentences");
  h5::Group::require(f.id(), "/hidden/tokens");
  h5::Dataset::create(f.id(), "/hidden/mean", h5::float32(), {1});
  EXPECT_EQ(h5::list(f.id(), "/hidden"), (std::vector<std::string>{"mean", "sentences", "tokens"}));
  EXPECT_EQ(h5::list(again.id()), std::vector<std::string>{});
  EXPECT_THROW(h5::open_group(f.id(), "/absent"), polyrep::IoError);
}

TEST(File, CloseIsCheckedAndIdempotent) {
  polyrep::test::TempDir dir;
  h5::File f = h5::File::create(dir / "c.h5", false);
  h5::Dataset::create(f.id(), "x", h5::int32(), {2});
  f.close();
  EXPECT_FALSE(f.valid());
  f.close();
  h5::File moved = h5::File::open(dir / "c.h5", true);
  h5::File target = std::move(moved);
  EXPECT_TRUE(target.valid());
  EXPECT_FALSE(moved.valid());  // NOLINT(bugprone-use-after-move): moved-from state is specified
}

}  // namespace

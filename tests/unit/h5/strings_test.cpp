#include "polyrep/h5/strings.hpp"

#include <gtest/gtest.h>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/file.hpp"
#include "temp_dir.hpp"

namespace h5 = polyrep::h5;

namespace {

TEST(Strings, Utf8RoundTripIncludingEmptyAndNonAscii) {
  polyrep::test::TempDir dir;
  const std::vector<std::string> values = {"\xE2\x96\x81gato", "日本語",      "", "##ing",
                                           "plain ascii",      "ñandú 🦤"};
  {
    h5::File f = h5::File::create(dir / "s.h5", false);
    h5::write_string_dataset(f.id(), "/tokens/text", values);
  }
  h5::File f = h5::File::open(dir / "s.h5", false);
  h5::Dataset ds = h5::Dataset::open(f.id(), "/tokens/text");
  EXPECT_TRUE(ds.type().is_variable_string());
  EXPECT_EQ(H5Tget_cset(ds.type().id()), H5T_CSET_UTF8);
  EXPECT_EQ(h5::read_strings(ds), values);
  EXPECT_EQ(h5::read_strings(ds, 1, 2), (std::vector<std::string>{"日本語", ""}));
  EXPECT_EQ(h5::read_strings(ds, 3, 0), std::vector<std::string>{});
  EXPECT_EQ(values[0].size(), 7u);  // U+2581 is three bytes
}

TEST(Strings, WriteInPiecesAtOffsets) {
  polyrep::test::TempDir dir;
  h5::File f = h5::File::create(dir / "s.h5", false);
  h5::Dataset ds = h5::Dataset::create(f.id(), "t", h5::utf8_string(), {4});
  h5::write_strings(ds, 2, {"c", "d"});
  h5::write_strings(ds, 0, {"a", "b"});
  h5::write_strings(ds, 4, {});
  EXPECT_EQ(h5::read_strings(ds), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_THROW(h5::write_strings(ds, 3, {"x", "y"}), polyrep::IoError);
}

TEST(Strings, RejectsNulBytesAndNonStringDatasets) {
  polyrep::test::TempDir dir;
  h5::File f = h5::File::create(dir / "s.h5", false);
  h5::Dataset ds = h5::Dataset::create(f.id(), "t", h5::utf8_string(), {1});
  EXPECT_THROW(h5::write_strings(ds, 0, {std::string("a\0b", 3)}), polyrep::Error);
  h5::Dataset nums = h5::Dataset::create(f.id(), "n", h5::int32(), {1});
  EXPECT_THROW(h5::write_strings(nums, 0, {"x"}), polyrep::Error);
  EXPECT_THROW(h5::read_strings(nums), polyrep::Error);
}

TEST(Strings, ReadsFixedLengthStrings) {
  polyrep::test::TempDir dir;
  h5::File f = h5::File::create(dir / "s.h5", false);
  h5::Datatype fixed = h5::Datatype::owned(H5Tcopy(H5T_C_S1), "copy");
  ASSERT_GE(H5Tset_size(fixed.id(), 4), 0);
  ASSERT_GE(H5Tset_strpad(fixed.id(), H5T_STR_NULLPAD), 0);
  h5::Dataset ds = h5::Dataset::create(f.id(), "fixed", fixed, {2});
  const char raw[8] = {'a', 'b', '\0', '\0', 'w', 'x', 'y', 'z'};
  ds.write(raw, fixed, {0}, {2}, false);
  EXPECT_EQ(h5::read_strings(ds), (std::vector<std::string>{"ab", "wxyz"}));
}

}  // namespace

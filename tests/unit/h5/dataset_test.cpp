#include "polyrep/h5/dataset.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "temp_dir.hpp"

namespace h5 = polyrep::h5;

namespace {

class DatasetTest : public ::testing::Test {
 protected:
  polyrep::test::TempDir dir_;
  std::filesystem::path path_ = dir_ / "data.h5";
};

TEST_F(DatasetTest, Int32AndInt64RoundTrip) {
  const std::vector<std::int32_t> i32 = {-7, 0, 2147483647, -2147483647 - 1, 42, 5};
  const std::vector<std::int64_t> i64 = {-1, 9007199254740993LL, 0, 123456789012345LL};
  {
    h5::File f = h5::File::create(path_, false);
    h5::Dataset a = h5::Dataset::create(f.id(), "/ints/i32", h5::int32(), {2, 3});
    a.write(i32.data(), h5::native<std::int32_t>(), {0, 0}, {2, 3}, false);
    h5::write_vector(f.id(), "/ints/i64", h5::int64(), i64);
  }
  h5::File f = h5::File::open(path_, false);
  h5::Dataset a = h5::Dataset::open(f.id(), "/ints/i32");
  EXPECT_EQ(a.dims(), (std::vector<hsize_t>{2, 3}));
  EXPECT_EQ(a.type().describe(), "int32");
  EXPECT_EQ(h5::read_all<std::int32_t>(a), i32);
  h5::Dataset b = h5::Dataset::open(f.id(), "/ints/i64");
  EXPECT_EQ(b.type().describe(), "int64");
  EXPECT_EQ(h5::read_all<std::int64_t>(b), i64);
}

TEST_F(DatasetTest, Float32HyperslabRoundTrip) {
  h5::File f = h5::File::create(path_, false);
  h5::Dataset ds = h5::Dataset::create(f.id(), "x", h5::float32(), {4, 3});
  const std::vector<float> top = {1.5f, -2.25f, 3.0f, 4.0f, 5.0f, 6.0f};
  const std::vector<float> bottom = {7.0f, 8.0f, 9.0f, 1e-30f, -0.0f, 3.4e38f};
  ds.write(bottom.data(), h5::native<float>(), {2, 0}, {2, 3}, false);
  ds.write(top.data(), h5::native<float>(), {0, 0}, {2, 3}, false);
  ds.write(nullptr, h5::native<float>(), {1, 0}, {0, 3}, false);  // empty selection: no-op
  std::vector<float> row(3);
  ds.read(row.data(), h5::native<float>(), {2, 0}, {1, 3});
  EXPECT_EQ(row, (std::vector<float>{7.0f, 8.0f, 9.0f}));
  std::vector<float> all = h5::read_all<float>(ds);
  std::vector<float> expected = top;
  expected.insert(expected.end(), bottom.begin(), bottom.end());
  EXPECT_EQ(all, expected);
  std::vector<double> col(4);
  ds.read(col.data(), h5::native<double>(), {0, 1}, {4, 1});
  EXPECT_EQ(col, (std::vector<double>{-2.25, 5.0, 8.0, -0.0}));
}

// Known IEEE binary16 bit patterns, independent of the code under test.
TEST_F(DatasetTest, Float16BitsReadBackAsFloat32) {
  const std::vector<std::uint16_t> bits = {0x3C00, 0xC000, 0x3800, 0x0000, 0x7BFF, 0x0001, 0x3555};
  const std::vector<float> values = {1.0f, -2.0f, 0.5f, 0.0f, 65504.0f, 5.9604645e-8f, 0.33325195f};
  {
    h5::File f = h5::File::create(path_, false);
    h5::Dataset ds = h5::Dataset::create(f.id(), "/half", h5::float16(), {bits.size()});
    ds.write(bits.data(), h5::float16(), {0}, {bits.size()}, false);
  }
  h5::File f = h5::File::open(path_, false);
  h5::Dataset ds = h5::Dataset::open(f.id(), "/half");
  EXPECT_EQ(ds.type().size(), 2u);
  EXPECT_EQ(ds.type().describe(), "float16");
  EXPECT_TRUE(ds.type().equals(h5::float16()));
  EXPECT_EQ(h5::read_all<float>(ds), values);
  std::vector<std::uint16_t> raw(bits.size());
  ds.read(raw.data(), h5::float16(), {0}, {bits.size()});
  EXPECT_EQ(raw, bits);
}

TEST_F(DatasetTest, Float32ConvertedToFloat16OnIndependentWrite) {
  h5::File f = h5::File::create(path_, false);
  h5::Dataset ds = h5::Dataset::create(f.id(), "half", h5::float16(), {3});
  const std::vector<float> values = {1.0f, -2.0f, 0.5f};
  ds.write(values.data(), h5::native<float>(), {0}, {3}, false);
  std::vector<std::uint16_t> raw(3);
  ds.read(raw.data(), h5::float16(), {0}, {3});
  EXPECT_EQ(raw, (std::vector<std::uint16_t>{0x3C00, 0xC000, 0x3800}));
}

TEST_F(DatasetTest, CollectiveWriteRefusesTypeConversion) {
  h5::File f = h5::File::create(path_, false);
  h5::Dataset ds = h5::Dataset::create(f.id(), "half", h5::float16(), {3});
  const std::vector<float> values = {1.0f, -2.0f, 0.5f};
  try {
    ds.write(values.data(), h5::native<float>(), {0}, {3}, true);
    FAIL() << "expected polyrep::Error";
  } catch (const polyrep::Error& e) {
    EXPECT_NE(std::string(e.what()).find("convert in memory"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("float16"), std::string::npos) << e.what();
  }
}

TEST_F(DatasetTest, CollectiveWriteNeedsParallelFile) {
  h5::File f = h5::File::create(path_, false);
  h5::Dataset ds = h5::Dataset::create(f.id(), "x", h5::float32(), {3});
  const std::vector<float> values = {1.0f, 2.0f, 3.0f};
  EXPECT_THROW(ds.write(values.data(), h5::native<float>(), {0}, {3}, true), polyrep::Error);
}

TEST_F(DatasetTest, OutOfBoundsAndRankMismatchThrow) {
  h5::File f = h5::File::create(path_, false);
  h5::Dataset ds = h5::Dataset::create(f.id(), "x", h5::float32(), {4, 2});
  std::vector<float> buf(8);
  try {
    ds.write(buf.data(), h5::native<float>(), {3, 0}, {2, 2}, false);
    FAIL() << "expected IoError";
  } catch (const polyrep::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ds.read(buf.data(), h5::native<float>(), {0}, {4}), polyrep::Error);
}

TEST_F(DatasetTest, ExtendableChunkedDataset) {
  h5::File f = h5::File::create(path_, false);
  h5::Dataset::CreateOptions options;
  options.allow_extend = true;
  h5::Dataset ds = h5::Dataset::create(f.id(), "/grow", h5::int32(), {0, 2}, options);
  EXPECT_EQ(ds.dims(), (std::vector<hsize_t>{0, 2}));
  ds.extend({3, 2});
  const std::vector<std::int32_t> v = {1, 2, 3, 4, 5, 6};
  ds.write(v.data(), h5::native<std::int32_t>(), {0, 0}, {3, 2}, false);
  EXPECT_EQ(ds.dims(), (std::vector<hsize_t>{3, 2}));
  EXPECT_EQ(h5::read_all<std::int32_t>(ds), v);
  h5::Dataset fixed = h5::Dataset::create(f.id(), "/fixed", h5::int32(), {2});
  EXPECT_THROW(fixed.extend({5}), polyrep::IoError);
}

TEST_F(DatasetTest, ExtendableMiddleDimensionGetsRowChunks) {
  h5::File f = h5::File::create(path_, false);
  h5::Dataset::CreateOptions options;
  options.max_dims = {3, H5S_UNLIMITED, 768};
  h5::Dataset ds =
      h5::Dataset::create(f.id(), "/hidden/tokens", h5::float16(), {3, 0, 768}, options);
  hid_t dcpl = H5Dget_create_plist(ds.id());
  ASSERT_GE(dcpl, 0);
  hsize_t chunk[3] = {0, 0, 0};
  EXPECT_EQ(H5Pget_chunk(dcpl, 3, chunk), 3);
  H5Pclose(dcpl);
  EXPECT_EQ(chunk[0], 1u);
  EXPECT_EQ(chunk[2], 768u);  // a token's whole hidden vector in one chunk
  EXPECT_EQ(chunk[1], (1u << 20) / (768 * 2));
  ds.extend({3, 10, 768});
  EXPECT_EQ(ds.dims(), (std::vector<hsize_t>{3, 10, 768}));
  EXPECT_THROW(ds.extend({4, 10, 768}), polyrep::IoError);
}

TEST_F(DatasetTest, OpenMissingDatasetNamesIt) {
  h5::File f = h5::File::create(path_, false);
  try {
    h5::Dataset::open(f.id(), "/no/such/thing");
    FAIL() << "expected IoError";
  } catch (const polyrep::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/thing"), std::string::npos) << e.what();
  }
}

TEST_F(DatasetTest, Uint8AndScalar) {
  h5::File f = h5::File::create(path_, false);
  const std::vector<std::uint8_t> flags = {0, 1, 1, 0, 255};
  h5::Dataset ds = h5::write_vector(f.id(), "/tokens/special", h5::uint8(), flags);
  EXPECT_EQ(h5::read_all<std::uint8_t>(ds), flags);
  EXPECT_EQ(ds.type().describe(), "uint8");
  h5::Dataset scalar = h5::Dataset::create(f.id(), "/scalar", h5::float64(), {});
  const double pi = 3.25;
  scalar.write(&pi, h5::native<double>(), {}, {}, false);
  EXPECT_EQ(h5::read_all<double>(scalar), std::vector<double>{3.25});
}

}  // namespace

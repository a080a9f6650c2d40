// Collective writes into one parallel HDF5 file, HighFive/openPMD style: every rank writes a
// contiguous row block, some rounds have ranks with empty selections, and every write must really
// have been collective. Rank 0 then reopens the file serially and checks every value.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/attribute.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/file.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/mpi/comm.hpp"

namespace h5 = polyrep::h5;
namespace mpi = polyrep::mpi;

namespace {

constexpr hsize_t kCols = 4;
constexpr hsize_t kLayers = 3;
constexpr hsize_t kHidden = 5;

/// A directory every rank agrees on (rank 0 names it), removed at the end.
class SharedTempDir {
 public:
  explicit SharedTempDir(const mpi::Comm& comm) : comm_(comm) {
    std::string name;
    if (comm.is_root()) {
      std::string templ = (std::filesystem::temp_directory_path() / "polyrep_ph5_XXXXXX").string();
      if (::mkdtemp(templ.data()) != nullptr) name = templ;
    }
    comm.broadcast(name);
    path_ = name;
  }
  ~SharedTempDir() {
    comm_.barrier();
    std::error_code ec;
    if (comm_.is_root()) std::filesystem::remove_all(path_, ec);
  }
  std::filesystem::path operator/(const std::string& f) const { return path_ / f; }

 private:
  const mpi::Comm& comm_;
  std::filesystem::path path_;
};

// Rank r owns rows [offset(r), offset(r) + rows(r)): uneven blocks.
hsize_t rows_of(int rank) { return static_cast<hsize_t>(rank) + 2; }
hsize_t offset_of(int rank) {
  hsize_t o = 0;
  for (int q = 0; q < rank; ++q) o += rows_of(q);
  return o;
}

float value32(hsize_t row, hsize_t col) { return static_cast<float>(row) * 10.0f + col + 0.25f; }
int value16(hsize_t layer, hsize_t row, hsize_t h) { return int(layer * 64 + row * 5 + h); }

/// IEEE binary16 bits of an integer in [0, 2048), computed independently of HDF5.
std::uint16_t half_bits(int v) {
  if (v == 0) return 0;
  int e = 0;
  while ((2 << e) <= v) ++e;
  return static_cast<std::uint16_t>(((e + 15) << 10) | ((v - (1 << e)) << (10 - e)));
}

TEST(ParallelH5, HalfBitsHelperMatchesKnownValues) {
  EXPECT_EQ(half_bits(1), 0x3C00);
  EXPECT_EQ(half_bits(2), 0x4000);
  EXPECT_EQ(half_bits(3), 0x4200);
  EXPECT_EQ(half_bits(1000), 0x63D0);
}

void write_rows_2d(h5::Dataset& ds, int rank, bool write_now) {
  const hsize_t n = write_now ? rows_of(rank) : 0;
  std::vector<float> buf;
  for (hsize_t i = 0; i < n; ++i) {
    for (hsize_t c = 0; c < kCols; ++c) buf.push_back(value32(offset_of(rank) + i, c));
  }
  ds.write(buf.data(), h5::native<float>(), {offset_of(rank), 0}, {n, kCols}, true);
  EXPECT_EQ(ds.last_no_collective_cause(), 0u) << "rank " << rank;
}

void write_layer_3d(h5::Dataset& ds, int rank, hsize_t layer, bool write_now) {
  const hsize_t n = write_now ? rows_of(rank) : 0;
  std::vector<std::uint16_t> buf;
  for (hsize_t i = 0; i < n; ++i) {
    for (hsize_t h = 0; h < kHidden; ++h) {
      buf.push_back(half_bits(value16(layer, offset_of(rank) + i, h)));
    }
  }
  ds.write(buf.data(), h5::float16(), {layer, offset_of(rank), 0},
           {n > 0 ? hsize_t{1} : hsize_t{0}, n, kHidden}, true);
  EXPECT_EQ(ds.last_no_collective_cause(), 0u) << "rank " << rank << " layer " << layer;
}

void write_parallel_file(const std::filesystem::path& path, const mpi::Comm& world) {
  const int rank = world.rank();
  const hsize_t total = offset_of(world.size());
  h5::File f = h5::File::create_parallel(path, world, false);
  ASSERT_TRUE(f.is_parallel());
  h5::set_attr(f.id(), "model", "mbert ▁test");
  h5::set_attr(f.id(), "ranks", world.size());
  {
    h5::Dataset ds = h5::Dataset::create(f.id(), "/pca/rows", h5::float32(), {total, kCols});
    EXPECT_TRUE(ds.in_parallel_file());
    // Round 1: everyone but rank 1 writes; round 2: only rank 1 (at np 1, rank 0 writes in round
    // 1).
    write_rows_2d(ds, rank, rank != 1);
    write_rows_2d(ds, rank, rank == 1);
  }
  h5::Group hidden = h5::create_group(f.id(), "/hidden");
  h5::Dataset::CreateOptions chunked;
  chunked.max_dims = {kLayers, H5S_UNLIMITED, kHidden};
  h5::Dataset ds =
      h5::Dataset::create(hidden.id(), "tokens", h5::float16(), {kLayers, 0, kHidden}, chunked);
  ds.extend({kLayers, total, kHidden});
  for (hsize_t layer = 0; layer < kLayers; ++layer) {
    write_layer_3d(ds, rank, layer, !(layer == 1 && rank == 1));
  }
  write_layer_3d(ds, rank, 1, rank == 1);  // rank 1's postponed block; everyone else empty
  // A float32 buffer into a float16 dataset would silently be independent I/O: refused.
  const std::vector<float> wrong(kHidden, 1.0f);
  EXPECT_THROW(ds.write(wrong.data(), h5::native<float>(), {0, 0, 0}, {1, 1, kHidden}, true),
               polyrep::Error);
  h5::Dataset text = h5::Dataset::create(f.id(), "/tokens/text", h5::utf8_string(), {1});
  EXPECT_THROW(h5::write_strings(text, 0, {"x"}), polyrep::Error);
  text.close();
  ds.close();
  hidden.close();
  f.close();
}

void verify_serially(const std::filesystem::path& path, int size) {
  const hsize_t total = offset_of(size);
  h5::File f = h5::File::open(path, false);
  EXPECT_FALSE(f.is_parallel());
  EXPECT_EQ(h5::get_attr_string(f.id(), "model"), "mbert ▁test");
  EXPECT_EQ(h5::get_attr_int(f.id(), "ranks"), size);
  h5::Dataset rows = h5::Dataset::open(f.id(), "/pca/rows");
  ASSERT_EQ(rows.dims(), (std::vector<hsize_t>{total, kCols}));
  const std::vector<float> got = h5::read_all<float>(rows);
  for (hsize_t r = 0; r < total; ++r) {
    for (hsize_t c = 0; c < kCols; ++c)
      EXPECT_EQ(got[r * kCols + c], value32(r, c)) << r << "," << c;
  }
  h5::Dataset tokens = h5::Dataset::open(f.id(), "/hidden/tokens");
  ASSERT_EQ(tokens.dims(), (std::vector<hsize_t>{kLayers, total, kHidden}));
  EXPECT_EQ(tokens.type().describe(), "float16");
  const std::vector<float> half = h5::read_all<float>(tokens);
  for (hsize_t l = 0; l < kLayers; ++l) {
    for (hsize_t r = 0; r < total; ++r) {
      for (hsize_t h = 0; h < kHidden; ++h) {
        EXPECT_EQ(half[(l * total + r) * kHidden + h], float(value16(l, r, h)))
            << l << "," << r << "," << h;
      }
    }
  }
}

TEST(ParallelH5, CollectiveRowBlocksWithEmptySelections) {
  const mpi::Comm world = mpi::Comm::world();
  SharedTempDir dir(world);
  const auto path = dir / "reps.h5";
  write_parallel_file(path, world);
  world.barrier();
  if (world.is_root()) verify_serially(path, world.size());
}

TEST(ParallelH5, ExistingFileWithoutTruncateFailsOnEveryRank) {
  const mpi::Comm world = mpi::Comm::world();
  SharedTempDir dir(world);
  const auto path = dir / "exists.h5";
  h5::File::create_parallel(path, world, false).close();
  try {
    h5::File::create_parallel(path, world, false);
    FAIL() << "expected IoError on rank " << world.rank();
  } catch (const polyrep::IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  h5::File again = h5::File::create_parallel(path, world, true);
  again.close();
  try {
    h5::File::open_parallel(dir / "missing.h5", world, false);
    FAIL() << "expected IoError on rank " << world.rank();
  } catch (const polyrep::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.h5"), std::string::npos) << e.what();
  }
}

TEST(ParallelH5, ReopenParallelAndReadCollectively) {
  const mpi::Comm world = mpi::Comm::world();
  SharedTempDir dir(world);
  const auto path = dir / "ints.h5";
  const int n = world.size();
  {
    h5::File f = h5::File::create_parallel(path, world, false);
    std::vector<std::int64_t> all(static_cast<std::size_t>(n) * 3);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i) * 7 - 3;
    h5::write_vector(f.id(), "/sentences/source_index", h5::int64(), all);
    h5::set_attr(f.id(), "written_by", "all ranks");
  }
  h5::File f = h5::File::open_parallel(path, world, false);
  h5::Dataset ds = h5::Dataset::open(f.id(), "/sentences/source_index");
  std::vector<std::int64_t> mine(3);
  const hsize_t start = static_cast<hsize_t>(world.rank()) * 3;
  ds.read(mine.data(), h5::native<std::int64_t>(), {start}, {3}, true);
  EXPECT_EQ(ds.last_no_collective_cause(), 0u);
  for (hsize_t i = 0; i < 3; ++i) {
    EXPECT_EQ(mine[i], static_cast<std::int64_t>(start + i) * 7 - 3);
  }
  // Reads may convert. HDF5 1.10 and 1.12 then fall back to independent I/O, and the cause must
  // say so: this is what makes the "== 0" checks above meaningful. 1.14 converts in a buffer of
  // its own and stays collective (measured with 1.14.5 on Debian 13).
  std::vector<double> converted(3);
  ds.read(converted.data(), h5::native<double>(), {start}, {3}, true);
#if H5_VERSION_GE(1, 14, 0)
  EXPECT_EQ(ds.last_no_collective_cause() & H5D_MPIO_DATATYPE_CONVERSION, 0u);
#else
  EXPECT_NE(ds.last_no_collective_cause() & H5D_MPIO_DATATYPE_CONVERSION, 0u);
#endif
  EXPECT_EQ(converted[0], static_cast<double>(start) * 7 - 3);
  // With collective metadata reads on, every rank reads attributes together.
  EXPECT_EQ(h5::get_attr_string(f.id(), "written_by"), "all ranks");
}

}  // namespace

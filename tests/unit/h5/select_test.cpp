// Scattered row reads: runs group near rows and split far ones, and every reader returns exactly
// the requested rows in the requested order (repeats included), compared with values computed
// from the row numbers, not read back through the code under test.
#include <gtest/gtest.h>

#include "polyrep/h5/file.hpp"
#include "polyrep/h5/select.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/h5/types.hpp"
#include "temp_dir.hpp"

namespace polyrep::h5 {
namespace {

TEST(RowRuns, GroupsNearRowsAndRespectsTheLimits) {
  const auto runs = row_runs({1, 2, 5, 100, 101, 400}, {4, 1000});
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].first, 1);
  EXPECT_EQ(runs[0].span, 5);
  EXPECT_EQ(runs[0].end, 3u);
  EXPECT_EQ(runs[1].first, 100);
  EXPECT_EQ(runs[1].span, 2);
  EXPECT_EQ(runs[2].span, 1);
  EXPECT_EQ(row_runs({0, 1, 2, 3}, {4, 2}).size(), 2u);  // max_span
  EXPECT_TRUE(row_runs({}).empty());
}

TEST(ReadAt, ReturnsRequestedRowsInRequestedOrder) {
  test::TempDir dir("select");
  const std::string path = (dir.path() / "rows.h5").string();
  const hsize_t layers = 2, rows = 300, k = 3;
  {
    File f = File::create(path, true);
    std::vector<float> values(layers * rows * k);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = float(i);
    Dataset m = Dataset::create(f.id(), "m", float32(), {layers, rows, k});
    m.write(values.data(), float32(), {0, 0, 0}, {layers, rows, k}, false);
    std::vector<std::int32_t> ints(rows);
    for (hsize_t i = 0; i < rows; ++i) ints[i] = std::int32_t(7 * i);
    Dataset v = Dataset::create(f.id(), "v", int32(), {rows});
    v.write(ints.data(), int32(), {0}, {rows}, false);
    std::vector<std::string> texts;
    for (hsize_t i = 0; i < rows; ++i) texts.push_back("row " + std::to_string(i));
    write_string_dataset(f.id(), "s", texts);
  }
  File f = File::open(path, false);
  const std::vector<std::int64_t> want{299, 3, 4, 150, 3, 0, 298};
  const Eigen::MatrixXf m = read_rows_at(Dataset::open(f.id(), "m"), 1, want, {2, 100});
  const auto v = read_ints_at(Dataset::open(f.id(), "v"), want);
  const auto s = read_strings_at(Dataset::open(f.id(), "s"), want);
  for (std::size_t i = 0; i < want.size(); ++i) {
    for (hsize_t c = 0; c < k; ++c) {
      EXPECT_EQ(m(Eigen::Index(i), Eigen::Index(c)), float((1 * rows + hsize_t(want[i])) * k + c));
    }
    EXPECT_EQ(v[i], 7 * want[i]);
    EXPECT_EQ(s[i], "row " + std::to_string(want[i]));
  }
}

}  // namespace
}  // namespace polyrep::h5

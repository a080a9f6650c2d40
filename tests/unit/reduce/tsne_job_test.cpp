#include "polyrep/reduce/tsne_job.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace polyrep::reduce {
namespace {

TEST(TsneJobSampling, SmallCloudsKeepEveryRow) {
  EXPECT_EQ(stratified_rows({0, 2, 5}, 10, 1), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
}

TEST(TsneJobSampling, LargeCloudsKeepAProportionalShareOfEveryLanguage) {
  const std::vector<std::int64_t> offsets{0, 1000, 1100, 1101, 4101};  // sizes 1000, 100, 1, 3000
  const auto rows = stratified_rows(offsets, 410, 7);
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
  EXPECT_TRUE(std::adjacent_find(rows.begin(), rows.end()) == rows.end());
  auto in = [&](std::int64_t a, std::int64_t b) {
    return std::count_if(rows.begin(), rows.end(), [&](std::int64_t r) { return r >= a && r < b; });
  };
  EXPECT_EQ(in(0, 1000), 99);       // floor(410 * 1000 / 4101) = floor(99.98)
  EXPECT_EQ(in(1000, 1100), 9);     // floor(410 * 100 / 4101)
  EXPECT_EQ(in(1100, 1101), 1);     // a tiny language keeps one row
  EXPECT_EQ(in(1101, 4101), 299);   // floor(410 * 3000 / 4101) = floor(299.9)
  EXPECT_LE(rows.size(), 410u);
  EXPECT_EQ(stratified_rows(offsets, 410, 7), rows);
  EXPECT_NE(stratified_rows(offsets, 410, 8), rows);
}

TEST(TsneJobAssignment, LongestJobsFirstToTheLeastLoadedRank) {
  // 5 -> r0, 4 -> r1, 3 -> r1 (4 < 5), 1 -> r0 (5 < 7): loads 6 and 7
  EXPECT_EQ(assign_jobs({5, 1, 4, 3}, 2), (std::vector<int>{0, 0, 1, 1}));
}

TEST(TsneJobAssignment, MoreRanksThanJobsLeavesRanksIdle) {
  EXPECT_EQ(assign_jobs({2, 2}, 4), (std::vector<int>{0, 1}));
}

}  // namespace
}  // namespace polyrep::reduce

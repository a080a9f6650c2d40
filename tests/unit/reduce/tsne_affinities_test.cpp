#include "polyrep/reduce/tsne_affinities.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <vector>

#include "tsne_test_data.hpp"

namespace polyrep::reduce {
namespace {

// Brute-force k nearest neighbours (excluding i), by squared distance in double.
std::vector<int> brute_neighbours(const Eigen::MatrixXf& x, int i, int k) {
  std::vector<std::pair<double, int>> d;
  for (int j = 0; j < x.rows(); ++j) {
    if (j != i) d.emplace_back((x.row(i).cast<double>() - x.row(j).cast<double>()).squaredNorm(), j);
  }
  std::sort(d.begin(), d.end());
  std::vector<int> out;
  for (int r = 0; r < k; ++r) out.push_back(d[static_cast<std::size_t>(r)].second);
  return out;
}

TEST(TsneAffinities, NeighbourCountFollowsSklearn) {
  EXPECT_EQ(tsne_neighbour_count(1000, 30), 91);
  EXPECT_EQ(tsne_neighbour_count(1000, 5.5), 17);
  EXPECT_EQ(tsne_neighbour_count(50, 30), 49);
}

TEST(TsneAffinities, RowsAreExactNeighboursWithTheRequestedPerplexity) {
  const auto data = test::gaussian_clusters(3, 100, 10, 11);
  for (double perplexity : {5.0, 30.0}) {
    const SparseAffinities p = conditional_affinities(data.points, perplexity, 2);
    const int k = tsne_neighbour_count(300, perplexity);
    ASSERT_EQ(p.rows(), 300);
    for (int i = 0; i < 300; ++i) {
      const std::size_t b = p.row_offsets[static_cast<std::size_t>(i)];
      ASSERT_EQ(p.row_offsets[static_cast<std::size_t>(i) + 1] - b, static_cast<std::size_t>(k));
      const auto expected = brute_neighbours(data.points, i, k);
      const std::set<int> got(p.columns.begin() + static_cast<std::ptrdiff_t>(b),
                              p.columns.begin() + static_cast<std::ptrdiff_t>(b) + k);
      EXPECT_EQ(got, std::set<int>(expected.begin(), expected.end())) << "row " << i;
      double total = 0, entropy = 0;
      for (int e = 0; e < k; ++e) {
        const double v = p.values[b + static_cast<std::size_t>(e)];
        total += v;
        if (v > 0) entropy -= v * std::log(v);
      }
      EXPECT_NEAR(total, 1.0, 1e-12) << "row " << i;
      EXPECT_NEAR(entropy, std::log(perplexity), 1e-5) << "row " << i << " perplexity " << perplexity;
    }
  }
}

TEST(TsneAffinities, SymmetrisedMatrixIsTheAverageOfBothConditionals) {
  const auto data = test::gaussian_clusters(2, 60, 5, 12);
  const SparseAffinities c = conditional_affinities(data.points, 10, 1);
  const SparseAffinities p = symmetrize_affinities(c);
  const int n = 120;
  Eigen::MatrixXd cond = Eigen::MatrixXd::Zero(n, n), joint = Eigen::MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    for (std::size_t e = c.row_offsets[static_cast<std::size_t>(i)]; e < c.row_offsets[static_cast<std::size_t>(i) + 1]; ++e)
      cond(i, c.columns[e]) = c.values[e];
    for (std::size_t e = p.row_offsets[static_cast<std::size_t>(i)]; e < p.row_offsets[static_cast<std::size_t>(i) + 1]; ++e) {
      if (e > p.row_offsets[static_cast<std::size_t>(i)]) {
        EXPECT_LT(p.columns[e - 1], p.columns[e]);
      }
      joint(i, p.columns[e]) = p.values[e];
    }
  }
  const Eigen::MatrixXd expected = (cond + cond.transpose()) / (2.0 * n);
  EXPECT_LT((joint - expected).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_NEAR(joint.sum(), 1.0, 1e-12);
  EXPECT_EQ(joint.diagonal().cwiseAbs().maxCoeff(), 0.0);
}

TEST(TsneAffinities, ThreadCountDoesNotChangeTheResult) {
  const auto data = test::gaussian_clusters(4, 50, 8, 13);
  const SparseAffinities one = conditional_affinities(data.points, 15, 1);
  const SparseAffinities three = conditional_affinities(data.points, 15, 3);
  EXPECT_EQ(one.columns, three.columns);
  EXPECT_EQ(one.values, three.values);
}

TEST(TsneAffinities, DuplicatePointsStillGiveFullRows) {
  Eigen::MatrixXf x = Eigen::MatrixXf::Zero(40, 3);
  for (int i = 20; i < 40; ++i) x(i, 0) = static_cast<float>(i);  // 20 copies of the origin
  const SparseAffinities p = conditional_affinities(x, 5, 1);
  for (int i = 0; i < 40; ++i) {
    const std::size_t b = p.row_offsets[static_cast<std::size_t>(i)];
    for (std::size_t e = b; e < p.row_offsets[static_cast<std::size_t>(i) + 1]; ++e) {
      EXPECT_NE(p.columns[e], i) << "a point is not its own neighbour";
      EXPECT_TRUE(std::isfinite(p.values[e]));
    }
  }
}

}  // namespace
}  // namespace polyrep::reduce

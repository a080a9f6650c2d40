#include "polyrep/reduce/tsne_quadtree.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tsne_test_data.hpp"

namespace polyrep::reduce {
namespace {

struct Repulsion {
  std::vector<double> force;  // interleaved
  std::vector<double> sum_q;
};

Repulsion exact_repulsion(const std::vector<double>& xy) {
  const std::size_t n = xy.size() / 2;
  Repulsion r{std::vector<double>(2 * n, 0.0), std::vector<double>(n, 0.0)};
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double dx = xy[2 * i] - xy[2 * j], dy = xy[2 * i + 1] - xy[2 * j + 1];
      const double q = 1 / (1 + dx * dx + dy * dy);
      r.sum_q[i] += q;
      r.force[2 * i] += q * q * dx;
      r.force[2 * i + 1] += q * q * dy;
    }
  }
  return r;
}

Repulsion tree_repulsion(const std::vector<double>& xy, double theta) {
  const QuadTree tree(xy);
  const std::size_t n = xy.size() / 2;
  Repulsion r{std::vector<double>(2 * n, 0.0), std::vector<double>(n, 0.0)};
  for (std::size_t i = 0; i < n; ++i) r.sum_q[i] = tree.repulsion(i, theta, &r.force[2 * i]);
  return r;
}

// A t-SNE-like layout: a few dense blobs of different sizes plus uniform background.
std::vector<double> layout(std::size_t n, std::uint64_t seed) {
  test::TestGaussian g(seed);
  std::vector<double> xy(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const double scale = (i % 4 == 3) ? 30.0 : 1.0 + static_cast<double>(i % 4);
    const double cx = (i % 4 == 3) ? 0.0 : 20.0 * static_cast<double>(i % 4) - 20.0;
    xy[2 * i] = cx + scale * g();
    xy[2 * i + 1] = scale * g();
  }
  return xy;
}

double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

TEST(QuadTree, ThetaZeroIsTheExactRepulsion) {
  const auto xy = layout(700, 3);
  const Repulsion exact = exact_repulsion(xy), tree = tree_repulsion(xy, 0.0);
  for (std::size_t i = 0; i < 700; ++i) {
    EXPECT_NEAR(tree.sum_q[i], exact.sum_q[i], 1e-10 * exact.sum_q[i]) << i;
    const double scale = std::hypot(exact.force[2 * i], exact.force[2 * i + 1]) + 1e-12;
    EXPECT_NEAR(tree.force[2 * i], exact.force[2 * i], 1e-10 * scale) << i;
    EXPECT_NEAR(tree.force[2 * i + 1], exact.force[2 * i + 1], 1e-10 * scale) << i;
  }
}

TEST(QuadTree, ThetaHalfIsCloseToTheExactRepulsion) {
  const auto xy = layout(3000, 4);
  const Repulsion exact = exact_repulsion(xy), tree = tree_repulsion(xy, 0.5);
  const double z_exact = sum(exact.sum_q), z_tree = sum(tree.sum_q);
  EXPECT_NEAR(z_tree / z_exact, 1.0, 1e-2);
  double err2 = 0, norm2 = 0;
  for (std::size_t c = 0; c < exact.force.size(); ++c) {
    err2 += (tree.force[c] - exact.force[c]) * (tree.force[c] - exact.force[c]);
    norm2 += exact.force[c] * exact.force[c];
  }
  const double relative = std::sqrt(err2 / norm2);
  EXPECT_LT(relative, 0.03);
  EXPECT_GT(relative, 0.0) << "theta 0.5 should actually summarise cells";
  RecordProperty("relative_force_error", std::to_string(relative));
}

TEST(QuadTree, IdenticalPointsRepelEachOtherWithQOne) {
  std::vector<double> xy = {1, 1, 1, 1, 1, 1, 5, -2, 1, 1};
  const Repulsion exact = exact_repulsion(xy), tree = tree_repulsion(xy, 0.5);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(tree.sum_q[i], exact.sum_q[i], 1e-12) << i;
  EXPECT_NEAR(exact.sum_q[0], 3 + 1 / (1 + 16.0 + 9.0), 1e-15);  // the test's own arithmetic
}

TEST(QuadTree, SinglePointHasNoRepulsion) {
  const QuadTree tree({2.0, 3.0});
  double force[2] = {0, 0};
  EXPECT_EQ(tree.repulsion(0, 0.5, force), 0.0);
  EXPECT_EQ(force[0], 0.0);
  EXPECT_EQ(force[1], 0.0);
}

}  // namespace
}  // namespace polyrep::reduce

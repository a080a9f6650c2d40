#include "polyrep/plot/procrustes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace polyrep::plot {
namespace {

Layout points(std::initializer_list<std::pair<float, float>> xy) {
  Layout out(static_cast<Eigen::Index>(xy.size()), 2);
  Eigen::Index i = 0;
  for (const auto& [x, y] : xy) out.row(i++) << x, y;
  return out;
}

// A = (1,0), (0,2), (-1,-2). B is A turned by 90 degrees ((x,y) -> (-y,x)) and moved by (5,5):
// (5,6), (3,5), (7,4). Aligning B to A must give A back.
TEST(Procrustes, UndoesARotationAndAShift) {
  const Layout a = points({{1, 0}, {0, 2}, {-1, -2}});
  const Layout b = points({{5, 6}, {3, 5}, {7, 4}});
  EXPECT_LT((align_to(b, a) - a).cwiseAbs().maxCoeff(), 1e-5);
}

// PCA's sign flips: B = A with x negated is A mirrored, which the alignment undoes too.
TEST(Procrustes, UndoesAReflection) {
  const Layout a = points({{1, 0}, {0, 2}, {-1, -2}, {3, 1}});
  const Layout b = points({{-1, 0}, {0, 2}, {1, -2}, {-3, 1}});
  EXPECT_LT((align_to(b, a) - a).cwiseAbs().maxCoeff(), 1e-5);
}

// Only rotation, reflection and translation: a layout twice as large stays twice as large
// (its distances from its centre are kept), centred on A's centre.
TEST(Procrustes, KeepsDistancesWithinTheLayout) {
  const Layout a = points({{1, 0}, {0, 1}, {-1, -1}});
  const Layout b = points({{2, 0}, {0, 2}, {-2, -2}});
  const Layout got = align_to(b, a);
  EXPECT_NEAR((got.row(0) - got.row(1)).norm(), (b.row(0) - b.row(1)).norm(), 1e-5);
  EXPECT_LT((got.colwise().mean() - a.colwise().mean()).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_LT((got - 2 * a).cwiseAbs().maxCoeff(), 1e-5);  // A's centre is 0: 2A is the aligned B
}

TEST(Procrustes, DifferentPointCountsAreRefused) {
  EXPECT_THROW(align_to(points({{0, 0}, {1, 1}}), points({{0, 0}})), std::invalid_argument);
  const Layout one = points({{3, 4}});
  EXPECT_EQ(align_to(one, points({{0, 0}})), one);
}

}  // namespace
}  // namespace polyrep::plot

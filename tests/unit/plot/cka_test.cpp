// Linear CKA (src/plot/cka.cpp) against values worked by hand: 1 for a representation and itself,
// for an orthogonal rotation of it, an isotropic scaling and a translation; 0 for representations
// with orthogonal centred columns; 7 / sqrt(145) for the 3 x 2 example below; the same value
// accumulated over row blocks; NaN without variance; UsageError for mismatched rows.
#include <gtest/gtest.h>

#include <cmath>

#include "polyrep/core/error.hpp"
#include "polyrep/plot/cka.hpp"

namespace polyrep::plot {
namespace {

// 8 items x 3 features, no two rows alike.
Eigen::MatrixXd sample() {
  Eigen::MatrixXd x(8, 3);
  x << 0.5, -1.0, 2.0,  //
      1.5, 0.25, -0.5,  //
      -2.0, 1.0, 0.0,   //
      0.0, 3.0, 1.0,    //
      1.0, -2.5, 0.5,   //
      -0.75, 0.5, -1.5, //
      2.5, 1.5, 1.25,   //
      -1.25, -0.5, 3.0;
  return x;
}

TEST(LinearCka, OneForTheSameRepresentation) {
  const Eigen::MatrixXd x = sample();
  EXPECT_NEAR(linear_cka(x, x), 1.0, 1e-12);
}

TEST(LinearCka, InvariantToRotationScalingAndTranslation) {
  const Eigen::MatrixXd x = sample();
  // A rotation by 30 degrees about the z axis, then 90 degrees about the x axis: orthogonal.
  const double c = std::sqrt(3.0) / 2, s = 0.5;
  Eigen::Matrix3d rz, rx;
  rz << c, -s, 0, s, c, 0, 0, 0, 1;
  rx << 1, 0, 0, 0, 0, -1, 0, 1, 0;
  const Eigen::MatrixXd rotated = x * (rz * rx);
  EXPECT_NEAR(linear_cka(x, rotated), 1.0, 1e-12);
  EXPECT_NEAR(linear_cka(x, 3.5 * x), 1.0, 1e-12);
  EXPECT_NEAR(linear_cka(x, 0.01 * rotated), 1.0, 1e-12);
  const Eigen::MatrixXd moved = x.rowwise() + Eigen::RowVector3d(1e6, -2e6, 5e5);  // shifted sums: no cancellation
  EXPECT_NEAR(linear_cka(moved, x), 1.0, 1e-9);
  // Y with more features than X (X rotated, and a column of zeros): still the same geometry.
  Eigen::MatrixXd y(8, 4);
  y << x * rz, Eigen::VectorXd::Zero(8);
  EXPECT_NEAR(linear_cka(x, y), 1.0, 1e-12);
}

TEST(LinearCka, ZeroForOrthogonalCentredRepresentations) {
  // Centred columns (1, -1, 0, 0) and (0, 0, 1, -1): Yc^T Xc = 0.
  Eigen::MatrixXd x(4, 1), y(4, 1);
  x << 1, -1, 0, 0;
  y << 0, 0, 1, -1;
  EXPECT_NEAR(linear_cka(x, y), 0.0, 1e-15);
}

TEST(LinearCka, HandWorkedThreeByTwo) {
  // X = [0 0; 1 3; 2 0], column means (1, 1): Xc = [-1 -1; 0 2; 1 -1].
  // Y = [1 0; 0 0; 2 3], column means (1, 1): Yc = [0 -1; -1 -1; 1 2].
  // Xc^T Xc = [2 0; 0 6]       ||.||_F = sqrt(4 + 36)          = sqrt(40)
  // Yc^T Yc = [2 3; 3 6]       ||.||_F = sqrt(4 + 9 + 9 + 36)  = sqrt(58)
  // Yc^T Xc = [1 -3; 3 -3]     ||.||_F^2 = 1 + 9 + 9 + 9       = 28
  // CKA = 28 / sqrt(40 * 58) = 28 / (4 sqrt(145)) = 7 / sqrt(145) = 0.581318...
  Eigen::MatrixXd x(3, 2), y(3, 2);
  x << 0, 0, 1, 3, 2, 0;
  y << 1, 0, 0, 0, 2, 3;
  EXPECT_NEAR(linear_cka(x, y), 7.0 / std::sqrt(145.0), 1e-14);
  EXPECT_NEAR(linear_cka(y, x), 7.0 / std::sqrt(145.0), 1e-14);  // symmetric
  EXPECT_NEAR(7.0 / std::sqrt(145.0), 0.5813183589761, 1e-12);
}

TEST(LinearCka, BlocksGiveTheWholeValue) {
  const Eigen::MatrixXd x = sample();
  Eigen::MatrixXd y = x.array().square().matrix();  // another geometry
  y.col(1) += x.col(0);
  const double whole = linear_cka(x, y);
  EXPECT_GT(whole, 0.05);
  EXPECT_LT(whole, 0.95);
  for (const Eigen::Index block : {1, 3, 5}) {
    LinearCka cka;
    for (Eigen::Index start = 0; start < x.rows(); start += block) {
      const Eigen::Index n = std::min(block, x.rows() - start);
      cka.add(x.middleRows(start, n), y.middleRows(start, n));
    }
    EXPECT_EQ(cka.rows(), 8);
    EXPECT_NEAR(cka.value(), whole, 1e-12) << "blocks of " << block;
  }
}

TEST(LinearCka, NaNWithoutVariance) {
  Eigen::MatrixXd same(4, 2), x(4, 2);
  same << 0.1, 0.3, 0.1, 0.3, 0.1, 0.3, 0.1, 0.3;
  x << 1, 2, 3, 4, 5, 6, 7, 9;
  EXPECT_TRUE(std::isnan(linear_cka(same, x)));
  EXPECT_TRUE(std::isnan(linear_cka(x.topRows(1), x.topRows(1))));  // one item
  EXPECT_TRUE(std::isnan(LinearCka().value()));                     // none
}

TEST(LinearCka, RowsMustMatch) {
  const Eigen::MatrixXd x = sample();
  EXPECT_THROW(linear_cka(x, x.topRows(7)), UsageError);
  LinearCka cka;
  cka.add(x.topRows(2), x.topRows(2));
  EXPECT_THROW(cka.add(x.bottomRows(2).leftCols(2), x.bottomRows(2)), UsageError);  // another column count
}

}  // namespace
}  // namespace polyrep::plot

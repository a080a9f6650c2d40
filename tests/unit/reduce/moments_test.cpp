// Moments are checked against a plain two-pass mean/scatter computed here in long double, never
// against the code under test.
#include "polyrep/reduce/moments.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "polyrep/core/error.hpp"

namespace {

using polyrep::reduce::Moments;
using polyrep::reduce::RowMatrixXd;
using polyrep::reduce::RowMatrixXf;

RowMatrixXd gaussian_rows(Eigen::Index n, Eigen::Index d, std::uint64_t seed, double offset) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  RowMatrixXd x(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j)
      x(i, j) = offset * (1.0 + j) + (1.0 + 0.5 * j) * normal(rng);
  }
  return x;
}

struct Reference {
  Eigen::VectorXd mean;
  Eigen::MatrixXd m2;
};

// Textbook two-pass in long double: the mean first, then the sum of outer products about it.
Reference two_pass(const RowMatrixXd& x) {
  const Eigen::Index n = x.rows();
  const Eigen::Index d = x.cols();
  std::vector<long double> mean(static_cast<std::size_t>(d), 0.0L);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) mean[j] += x(i, j);
  }
  for (auto& m : mean) m /= static_cast<long double>(n);
  Reference ref{Eigen::VectorXd(d), Eigen::MatrixXd(d, d)};
  for (Eigen::Index a = 0; a < d; ++a) {
    ref.mean(a) = static_cast<double>(mean[a]);
    for (Eigen::Index b = 0; b < d; ++b) {
      long double s = 0.0L;
      for (Eigen::Index i = 0; i < n; ++i) s += (x(i, a) - mean[a]) * (x(i, b) - mean[b]);
      ref.m2(a, b) = static_cast<double>(s);
    }
  }
  return ref;
}

double relative_error(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want) {
  return (got - want).cwiseAbs().maxCoeff() / want.cwiseAbs().maxCoeff();
}

TEST(MomentsTest, OfMatchesTwoPassReference) {
  const RowMatrixXd x = gaussian_rows(1000, 7, 1, 3.0);
  const Moments m = Moments::of(x);
  const Reference ref = two_pass(x);
  EXPECT_EQ(m.count, 1000);
  EXPECT_LT(relative_error(m.mean, ref.mean), 1e-13);
  EXPECT_LT(relative_error(m.m2, ref.m2), 1e-12);
  EXPECT_LT(relative_error(m.covariance(), ref.m2 / 999.0), 1e-12);
}

TEST(MomentsTest, MergeOfRandomSplitsMatchesWhole) {
  const RowMatrixXd x = gaussian_rows(2000, 6, 2, -5.0);
  const Reference ref = two_pass(x);
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    // Random cut points, duplicates allowed so that empty pieces occur.
    std::uniform_int_distribution<Eigen::Index> cut(0, x.rows());
    std::vector<Eigen::Index> cuts{0, x.rows()};
    for (int c = 0; c < 1 + trial % 6; ++c) cuts.push_back(cut(rng));
    std::sort(cuts.begin(), cuts.end());
    Moments merged;
    for (std::size_t p = 0; p + 1 < cuts.size(); ++p) {
      merged.merge(Moments::of(x.middleRows(cuts[p], cuts[p + 1] - cuts[p])));
    }
    EXPECT_EQ(merged.count, x.rows());
    EXPECT_LT(relative_error(merged.mean, ref.mean), 1e-13) << "trial " << trial;
    EXPECT_LT(relative_error(merged.m2, ref.m2), 1e-12) << "trial " << trial;
  }
}

TEST(MomentsTest, AddStreamsBlocksLargerThanOneChunk) {
  const RowMatrixXd x = gaussian_rows(9000, 3, 4, 10.0);
  const Reference ref = two_pass(x);
  Moments m;
  m.add(x.topRows(5000)).add(x.bottomRows(4000));
  EXPECT_EQ(m.count, 9000);
  EXPECT_LT(relative_error(m.mean, ref.mean), 1e-13);
  EXPECT_LT(relative_error(m.m2, ref.m2), 1e-12);
}

TEST(MomentsTest, FloatRowsAreAccumulatedInDouble) {
  const RowMatrixXf xf = gaussian_rows(3000, 5, 5, 100.0).cast<float>();
  const RowMatrixXd xd = xf.cast<double>();
  const Reference ref = two_pass(xd);
  const Moments m = Moments::of(xf);
  // Float accumulation would be off by ~1e-5 here.
  EXPECT_LT(relative_error(m.mean, ref.mean), 1e-13);
  EXPECT_LT(relative_error(m.m2, ref.m2), 1e-12);
}

TEST(MomentsTest, NoCancellationForLargeOffset) {
  // Rows = 1e8 + unit noise: sum(x x^T) is ~1e16 per row, so the naive formula loses every digit
  // of the ~1 variance. x - 1e8 is exact in double (Sterbenz), which gives an exact reference.
  const Eigen::Index n = 4000;
  const Eigen::Index d = 3;
  RowMatrixXd noise = gaussian_rows(n, d, 6, 0.0);
  RowMatrixXd x = noise.array() + 1e8;
  noise = x.array() - 1e8;
  const Reference ref = two_pass(noise);

  const Eigen::VectorXd mu = x.colwise().mean().transpose();
  const Eigen::MatrixXd naive = x.transpose() * x - static_cast<double>(n) * mu * mu.transpose();
  ASSERT_GT(relative_error(naive, ref.m2), 1e-3) << "the data should defeat the naive formula";

  const Moments m = Moments::of(x);
  EXPECT_LT(relative_error(m.m2, ref.m2), 1e-9);
  EXPECT_LT(relative_error(m.mean, ref.mean.array() + 1e8), 1e-15);
  // Merging blocks that sit at the same huge offset must not reintroduce the cancellation.
  Moments merged = Moments::of(x.topRows(1234));
  merged.merge(Moments::of(x.bottomRows(n - 1234)));
  EXPECT_LT(relative_error(merged.m2, ref.m2), 1e-9);
}

TEST(MomentsTest, ScatterStaysExactlySymmetric) {
  Moments m = Moments::of(gaussian_rows(777, 9, 7, 1.0));
  m.merge(Moments::of(gaussian_rows(5, 9, 8, 50.0)));
  EXPECT_TRUE(m.m2 == m.m2.transpose());
}

TEST(MomentsTest, EmptyPiecesAreNeutral) {
  const RowMatrixXd x = gaussian_rows(50, 4, 9, 2.0);
  const Moments whole = Moments::of(x);

  const Moments none = Moments::of(x.topRows(0));
  EXPECT_EQ(none.count, 0);
  EXPECT_EQ(none.dim(), 4);

  Moments a;  // dimension unknown
  a.merge(none).merge(whole).merge(Moments{}).merge(Moments::empty(4));
  EXPECT_EQ(a.count, 50);
  EXPECT_TRUE(a.mean == whole.mean);
  EXPECT_TRUE(a.m2 == whole.m2);
}

TEST(MomentsTest, SingleRowHasZeroCovariance) {
  const RowMatrixXd x = gaussian_rows(1, 3, 10, 1.0);
  const Moments m = Moments::of(x);
  EXPECT_EQ(m.count, 1);
  EXPECT_TRUE(m.mean == x.row(0).transpose());
  EXPECT_TRUE(m.covariance().isZero(0.0));
  EXPECT_TRUE(m.covariance().allFinite());
}

TEST(MomentsTest, DimensionMismatchThrows) {
  Moments m = Moments::of(gaussian_rows(10, 3, 11, 0.0));
  EXPECT_THROW(m.merge(Moments::of(gaussian_rows(10, 4, 12, 0.0))), polyrep::InputError);
  EXPECT_THROW(m.add(gaussian_rows(2, 2, 13, 0.0)), polyrep::InputError);
  EXPECT_THROW(m.merge(Moments::empty(5)), polyrep::InputError);
}

}  // namespace

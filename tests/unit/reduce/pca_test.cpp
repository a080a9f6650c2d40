// PCA is checked against a data set with an exactly constructed spectrum and against a
// single-process Eigen SVD of the centred matrix, never against values produced by polyrep.
#include "polyrep/reduce/pca.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <random>

#include "polyrep/core/error.hpp"

namespace {

using polyrep::reduce::fit;
using polyrep::reduce::Moments;
using polyrep::reduce::PcaModel;
using polyrep::reduce::PcaOptions;
using polyrep::reduce::project;
using polyrep::reduce::RowMatrixXd;
using polyrep::reduce::RowMatrixXf;

Eigen::MatrixXd gaussian(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = normal(rng);
  }
  return m;
}

// X = 1 mu^T + sqrt(n-1) U diag(sigma) Q^T with U's columns orthonormal and centred and Q
// orthogonal, so the covariance is exactly Q diag(sigma^2) Q^T.
struct KnownSpectrum {
  RowMatrixXd x;
  Eigen::VectorXd variance;  // sigma^2, descending
  Eigen::MatrixXd axes;      // d x d, column i = i-th principal axis
};

KnownSpectrum known_spectrum(Eigen::Index n, const Eigen::VectorXd& sigma, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const Eigen::Index d = sigma.size();
  Eigen::MatrixXd z = gaussian(n, d, rng);
  z.rowwise() -= z.colwise().mean();
  const Eigen::MatrixXd u = z.householderQr().householderQ() * Eigen::MatrixXd::Identity(n, d);
  const Eigen::MatrixXd q = gaussian(d, d, rng).householderQr().householderQ();
  const Eigen::RowVectorXd mu = 5.0 * gaussian(1, d, rng);
  KnownSpectrum k;
  k.x = (std::sqrt(static_cast<double>(n - 1)) * u * sigma.asDiagonal() * q.transpose()).rowwise() +
        mu;
  k.variance = sigma.array().square();
  k.axes = q;
  return k;
}

Eigen::VectorXd spectrum_sigma() {
  Eigen::VectorXd s(12);
  s << 10, 8, 6.5, 5, 4, 3, 2.5, 2, 1.5, 1, 0.5, 0.25;
  return s;
}

// Largest |a_i - (+/-) b_i| over rows, each row's sign chosen to fit best.
double row_error_up_to_sign(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  double worst = 0.0;
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    const double plus = (a.row(i) - b.row(i)).cwiseAbs().maxCoeff();
    const double minus = (a.row(i) + b.row(i)).cwiseAbs().maxCoeff();
    worst = std::max(worst, std::min(plus, minus));
  }
  return worst;
}

double max_relative(const Eigen::VectorXd& got, const Eigen::VectorXd& want) {
  return ((got - want).array().abs() / want.array().abs()).maxCoeff();
}

struct SvdReference {
  Eigen::VectorXd variance;
  Eigen::MatrixXd components;  // rows
};

SvdReference svd_reference(const RowMatrixXd& x) {
  Eigen::MatrixXd centred = x;
  centred.rowwise() -= centred.colwise().mean();
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinV);
  return {svd.singularValues().array().square() / static_cast<double>(x.rows() - 1),
          svd.matrixV().transpose()};
}

TEST(PcaFitTest, KnownSpectrumMatchesSvdAndConstruction) {
  const KnownSpectrum data = known_spectrum(500, spectrum_sigma(), 21);
  const PcaModel model = fit(Moments::of(data.x), PcaOptions{5});
  const SvdReference svd = svd_reference(data.x);
  ASSERT_EQ(model.k(), 5);
  ASSERT_EQ(model.components.cols(), 12);

  const double ev_vs_svd = max_relative(model.explained_variance, svd.variance.head(5));
  const double ev_vs_exact = max_relative(model.explained_variance, data.variance.head(5));
  const double comp_vs_svd = row_error_up_to_sign(model.components, svd.components.topRows(5));
  const double comp_vs_exact =
      row_error_up_to_sign(model.components, data.axes.leftCols(5).transpose());
  std::cout << "[ pca ] ev vs SVD " << ev_vs_svd << ", vs exact " << ev_vs_exact
            << "; components vs SVD " << comp_vs_svd << ", vs exact " << comp_vs_exact << "\n";
  EXPECT_LT(ev_vs_svd, 1e-6);
  EXPECT_LT(ev_vs_exact, 1e-6);
  EXPECT_LT(comp_vs_svd, 1e-6);
  EXPECT_LT(comp_vs_exact, 1e-6);

  const double total = data.variance.sum();
  EXPECT_LT(max_relative(model.explained_variance_ratio, data.variance.head(5) / total), 1e-6);
  EXPECT_NEAR(model.total_variance, total, 1e-9 * total);
  EXPECT_TRUE(model.mean.isApprox(data.x.colwise().mean().transpose(), 1e-12));
  EXPECT_EQ(model.count, 500);
  EXPECT_EQ(model.requested_components, 5);
  // Unit rows, mutually orthogonal.
  EXPECT_TRUE((model.components * model.components.transpose())
                  .isApprox(Eigen::MatrixXd::Identity(5, 5), 1e-12));
}

TEST(PcaFitTest, FloatRowsMatchSvdOfTheSameFloats) {
  const KnownSpectrum data = known_spectrum(800, spectrum_sigma(), 22);
  const RowMatrixXf xf = data.x.cast<float>();
  const PcaModel model = fit(Moments::of(xf), PcaOptions{12});
  const SvdReference svd = svd_reference(xf.cast<double>());
  const double ev = max_relative(model.explained_variance, svd.variance);
  const double comp = row_error_up_to_sign(model.components, svd.components);
  std::cout << "[ pca ] float input, all 12 components: ev vs SVD " << ev << ", components " << comp
            << "\n";
  EXPECT_LT(ev, 1e-6);
  EXPECT_LT(comp, 1e-6);
  EXPECT_NEAR(model.explained_variance_ratio.sum(), 1.0, 1e-12);
}

TEST(PcaFitTest, SignConventionPinsLargestEntryPositive) {
  // All rows lie on t * (0.6, -0.8): the axis must come out as (-0.6, 0.8).
  RowMatrixXd x(4, 2);
  x << 0.6, -0.8, -1.2, 1.6, 1.8, -2.4, -0.3, 0.4;
  const PcaModel model = fit(Moments::of(x), PcaOptions{1});
  EXPECT_NEAR(model.components(0, 0), -0.6, 1e-12);
  EXPECT_NEAR(model.components(0, 1), 0.8, 1e-12);

  const KnownSpectrum data = known_spectrum(300, spectrum_sigma(), 23);
  const PcaModel a = fit(Moments::of(data.x), PcaOptions{12});
  for (Eigen::Index i = 0; i < a.k(); ++i) {
    Eigen::Index at = 0;
    a.components.row(i).cwiseAbs().maxCoeff(&at);
    EXPECT_GT(a.components(i, at), 0.0) << "component " << i;
  }
  // Same data, rows in reverse order: same signs (not merely up to sign).
  const RowMatrixXd reversed = data.x.colwise().reverse();
  const PcaModel b = fit(Moments::of(reversed), PcaOptions{12});
  EXPECT_LT((a.components - b.components).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(PcaFitTest, ComponentsAreClippedToDimensionAndRows) {
  std::mt19937_64 rng(24);
  const RowMatrixXd wide = gaussian(2, 5, rng);
  const PcaModel few_rows = fit(Moments::of(wide), PcaOptions{4});
  EXPECT_EQ(few_rows.k(), 2);
  EXPECT_EQ(few_rows.requested_components, 4);

  const RowMatrixXd narrow = gaussian(100, 3, rng);
  const PcaModel few_dims = fit(Moments::of(narrow), PcaOptions{});
  EXPECT_EQ(few_dims.k(), 3);
  EXPECT_EQ(few_dims.requested_components, 50);
  EXPECT_NEAR(few_dims.explained_variance_ratio.sum(), 1.0, 1e-12);
}

TEST(PcaFitTest, SingleRowGivesZeroVarianceWithoutNan) {
  RowMatrixXd x(1, 3);
  x << 1.0, -2.0, 3.5;
  const PcaModel model = fit(Moments::of(x), PcaOptions{10});
  ASSERT_EQ(model.k(), 1);
  EXPECT_EQ(model.explained_variance(0), 0.0);
  EXPECT_EQ(model.explained_variance_ratio(0), 0.0);
  EXPECT_EQ(model.total_variance, 0.0);
  EXPECT_TRUE(model.components.allFinite());
  EXPECT_NEAR(model.components.row(0).norm(), 1.0, 1e-15);
  EXPECT_TRUE(model.mean == x.row(0).transpose());
  const RowMatrixXf projected = project(model, x.cast<float>());
  EXPECT_EQ(projected(0, 0), 0.0F);
}

TEST(PcaFitTest, BadInputsThrow) {
  std::mt19937_64 rng(25);
  const Moments m = Moments::of(RowMatrixXd(gaussian(10, 3, rng)));
  EXPECT_THROW(fit(m, PcaOptions{0}), polyrep::UsageError);
  EXPECT_THROW(fit(Moments{}, PcaOptions{}), polyrep::InputError);
  EXPECT_THROW(fit(Moments::empty(3), PcaOptions{}), polyrep::InputError);
  RowMatrixXd bad = gaussian(10, 3, rng);
  bad(4, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(fit(Moments::of(bad), PcaOptions{}), polyrep::InputError);
  const PcaModel model = fit(m, PcaOptions{2});
  EXPECT_THROW(project(model, RowMatrixXf::Zero(2, 4)), polyrep::InputError);
}

TEST(PcaProjectTest, MatchesManualProjectionAcrossBlocks) {
  const KnownSpectrum data = known_spectrum(5000, spectrum_sigma().head(6), 26);
  const RowMatrixXf xf = data.x.cast<float>();
  const PcaModel model = fit(Moments::of(xf), PcaOptions{3});
  const RowMatrixXf got = project(model, xf);
  ASSERT_EQ(got.rows(), 5000);
  ASSERT_EQ(got.cols(), 3);
  double worst = 0.0;
  for (Eigen::Index i = 0; i < xf.rows(); ++i) {
    for (Eigen::Index c = 0; c < 3; ++c) {
      double s = 0.0;
      for (Eigen::Index j = 0; j < xf.cols(); ++j) {
        s += (static_cast<double>(xf(i, j)) - model.mean(j)) * model.components(c, j);
      }
      worst = std::max(worst, std::abs(static_cast<double>(got(i, c)) - s) / (1.0 + std::abs(s)));
    }
  }
  EXPECT_LT(worst, 1e-6);  // float output rounding
  // The projections' sample variances are the explained variances.
  const Eigen::MatrixXd p = got.cast<double>();
  const Eigen::RowVectorXd var =
      (p.rowwise() - p.colwise().mean()).colwise().squaredNorm() / (p.rows() - 1.0);
  EXPECT_LT(max_relative(var.transpose(), model.explained_variance), 1e-5);
}

TEST(PcaProjectTest, ColumnMajorInputIsAccepted) {
  std::mt19937_64 rng(27);
  const Eigen::MatrixXf x = gaussian(40, 4, rng).cast<float>();
  const PcaModel model = fit(Moments::of(RowMatrixXf(x)), PcaOptions{2});
  EXPECT_TRUE(project(model, x) == project(model, RowMatrixXf(x)));
}

}  // namespace

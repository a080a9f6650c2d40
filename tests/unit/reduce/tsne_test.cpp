#include "polyrep/reduce/tsne.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "polyrep/core/error.hpp"
#include "polyrep/reduce/tsne_affinities.hpp"
#include "tsne_test_data.hpp"

namespace polyrep::reduce {
namespace {

// Fraction of each point's 10 nearest 2-D neighbours (brute force) that share its label.
std::vector<double> own_cluster_fraction(const Eigen::MatrixXf& y, const std::vector<int>& label) {
  const auto n = static_cast<int>(y.rows());
  std::vector<double> fraction(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::vector<std::pair<double, int>> d;
    for (int j = 0; j < n; ++j) {
      if (j != i) d.emplace_back((y.row(i) - y.row(j)).cast<double>().squaredNorm(), j);
    }
    std::partial_sort(d.begin(), d.begin() + 10, d.end());
    int same = 0;
    for (int r = 0; r < 10; ++r) same += label[static_cast<std::size_t>(d[static_cast<std::size_t>(r)].second)] == label[static_cast<std::size_t>(i)];
    fraction[static_cast<std::size_t>(i)] = same / 10.0;
  }
  return fraction;
}

bool bit_identical(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::equal(a.data(), a.data() + a.size(), b.data());
}

class TsneClusters : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new test::Clusters(test::gaussian_clusters(5, 200, 50, 7));
    TsneOptions options;
    options.seed = 42;
    options.threads = 2;
    result_ = new TsneResult(tsne(data_->points, options));
  }
  static void TearDownTestSuite() {
    delete data_;
    delete result_;
  }
  static test::Clusters* data_;
  static TsneResult* result_;
};
test::Clusters* TsneClusters::data_ = nullptr;
TsneResult* TsneClusters::result_ = nullptr;

TEST_F(TsneClusters, TenNearestNeighboursIn2DShareTheCluster) {
  ASSERT_EQ(result_->embedding.rows(), 1000);
  ASSERT_EQ(result_->embedding.cols(), 2);
  const auto fraction = own_cluster_fraction(result_->embedding, data_->label);
  for (std::size_t i = 0; i < fraction.size(); ++i) EXPECT_GE(fraction[i], 0.95) << "point " << i;
}

TEST_F(TsneClusters, KlDecreasesAfterExaggeration) {
  const auto& kl = result_->kl_history;
  ASSERT_EQ(kl.size(), 20u);  // after iterations 50, 100, ..., 1000
  EXPECT_EQ(kl.back(), result_->kl_divergence);
  // Entries 4.. are after iteration 250, where exaggeration stops.
  for (std::size_t k = 5; k < kl.size(); ++k) EXPECT_LE(kl[k], kl[k - 1] + 1e-3) << "entry " << k;
  EXPECT_LT(result_->kl_divergence, kl[4] - 0.05);
  EXPECT_GT(result_->kl_divergence, 0.0);
  EXPECT_LT(result_->kl_divergence, 3.0);
  EXPECT_DOUBLE_EQ(result_->learning_rate, 50.0);  // max(1000 / 12 / 4, 50)
}

TEST_F(TsneClusters, SameSeedAndAnyThreadCountGiveTheSameLayout) {
  TsneOptions options;
  options.seed = 42;
  options.threads = 1;
  const TsneResult again = tsne(data_->points, options);
  EXPECT_TRUE(bit_identical(again.embedding, result_->embedding));
  EXPECT_EQ(again.kl_history, result_->kl_history);
  options.seed = 43;
  options.iterations = 300;
  const TsneResult other = tsne(data_->points, options);
  EXPECT_FALSE(bit_identical(other.embedding.topRows(10), result_->embedding.topRows(10)));
}

// KL of the returned layout recomputed densely, with exact Q (theta = 0 gives exact Z).
TEST(Tsne, ReportedKlIsTheExactDivergenceOfTheLayout) {
  const auto data = test::gaussian_clusters(3, 40, 10, 8);
  TsneOptions options;
  options.perplexity = 10;
  options.iterations = 300;
  options.theta = 0;
  options.seed = 5;
  const TsneResult r = tsne(data.points, options);
  const SparseAffinities p = symmetrize_affinities(conditional_affinities(data.points, 10));
  const Eigen::MatrixXd y = r.embedding.cast<double>();
  const int n = 120;
  Eigen::MatrixXd q(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) q(i, j) = i == j ? 0 : 1 / (1 + (y.row(i) - y.row(j)).squaredNorm());
  q /= q.sum();
  double kl = 0;
  for (int i = 0; i < n; ++i)
    for (std::size_t e = p.row_offsets[static_cast<std::size_t>(i)]; e < p.row_offsets[static_cast<std::size_t>(i) + 1]; ++e)
      kl += p.values[e] * std::log(p.values[e] / q(i, p.columns[e]));
  EXPECT_NEAR(r.kl_divergence, kl, 1e-4 * kl);
}

TEST(Tsne, PcaInitIsDeterministicAndSeparatesClusters) {
  const auto data = test::gaussian_clusters(4, 60, 20, 9);
  TsneOptions options;
  options.perplexity = 15;
  options.iterations = 400;
  options.init = TsneInit::Pca;
  const TsneResult a = tsne(data.points, options);
  options.seed = 99;  // no effect with PCA init
  const TsneResult b = tsne(data.points, options);
  EXPECT_TRUE(bit_identical(a.embedding, b.embedding));
  const auto fraction = own_cluster_fraction(a.embedding, data.label);
  EXPECT_GE(*std::min_element(fraction.begin(), fraction.end()), 0.95);
}

void expect_usage_error(const TsneOptions& options, std::ptrdiff_t n, const std::string& flag) {
  try {
    validate_tsne_options(options, n);
    ADD_FAILURE() << "no error for " << flag;
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(flag), std::string::npos) << e.what();
  }
}

TEST(Tsne, OptionsAreValidated) {
  TsneOptions o;
  expect_usage_error(o, 31, "--perplexity");  // needs perplexity < N - 1
  EXPECT_NO_THROW(validate_tsne_options(o, 32));
  o.perplexity = 0;
  expect_usage_error(o, 100, "--perplexity");
  o = TsneOptions{};
  o.iterations = 0;
  expect_usage_error(o, 100, "--iterations");
  o = TsneOptions{};
  o.early_exaggeration_iterations = 1001;
  expect_usage_error(o, 100, "--early-exaggeration-iterations");
  o = TsneOptions{};
  o.theta = -0.1;
  expect_usage_error(o, 100, "--theta");
  o = TsneOptions{};
  o.learning_rate = -1;
  expect_usage_error(o, 100, "--learning-rate");
  o = TsneOptions{};
  o.threads = 0;
  expect_usage_error(o, 100, "--threads");
  Eigen::MatrixXf tiny = Eigen::MatrixXf::Random(10, 3);
  EXPECT_THROW(tsne(tiny, TsneOptions{}), UsageError);
}

TEST(Tsne, NonFiniteInputIsRejected) {
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(50, 3);
  x(7, 1) = std::numeric_limits<float>::quiet_NaN();
  TsneOptions o;
  o.perplexity = 5;
  EXPECT_THROW(tsne(x, o), InputError);
}

}  // namespace
}  // namespace polyrep::reduce

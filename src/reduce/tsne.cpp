#include "polyrep/reduce/tsne.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "polyrep/core/error.hpp"
#include "polyrep/reduce/tsne_affinities.hpp"
#include "polyrep/reduce/tsne_quadtree.hpp"
#include "tsne_parallel.hpp"

namespace polyrep::reduce {
namespace {

// splitmix64 and Box-Muller: std:: distributions differ between standard libraries, and the
// layout must not.
class Gaussian {
 public:
  explicit Gaussian(std::uint64_t seed) : state_(seed) {}
  double operator()() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586476925 * u2);
  }

 private:
  double uniform() {  // in (0, 1): never 0, so log() is finite
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (static_cast<double>(z >> 11) + 0.5) * 0x1.0p-53;
  }
  std::uint64_t state_;
};

std::vector<double> random_init(std::ptrdiff_t n, std::uint64_t seed) {
  Gaussian gaussian(seed);
  std::vector<double> y(static_cast<std::size_t>(2 * n));
  for (double& v : y) v = 1e-4 * gaussian();
  return y;
}

// sklearn's init="pca": the top two principal axes, scaled to std 1e-4 along the first. Each
// axis's sign is fixed (largest-magnitude loading positive) so the layout does not depend on the
// eigensolver's sign convention.
std::vector<double> pca_init(const Eigen::Ref<const Eigen::MatrixXf>& points) {
  const Eigen::MatrixXd x = points.cast<double>();
  const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd covariance = centred.transpose() * centred;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  const std::ptrdiff_t d = covariance.cols();
  Eigen::MatrixXd axes(d, 2);
  for (std::ptrdiff_t c = 0; c < 2; ++c) {
    Eigen::VectorXd axis = d - 1 - c >= 0 ? Eigen::VectorXd(solver.eigenvectors().col(d - 1 - c))
                                          : Eigen::VectorXd::Zero(d);
    Eigen::Index largest = 0;
    if (d > 0) axis.cwiseAbs().maxCoeff(&largest);
    if (d > 0 && axis(largest) < 0) axis = -axis;
    axes.col(c) = axis;
  }
  const Eigen::MatrixXd projected = centred * axes;
  const double mean0 = projected.col(0).mean();
  const double std0 = std::sqrt((projected.col(0).array() - mean0).square().mean());
  const double scale = std0 > 0 ? 1e-4 / std0 : 0;
  std::vector<double> y(static_cast<std::size_t>(2 * x.rows()));
  for (std::ptrdiff_t i = 0; i < x.rows(); ++i) {
    y[2 * static_cast<std::size_t>(i)] = projected(i, 0) * scale;
    y[2 * static_cast<std::size_t>(i) + 1] = projected(i, 1) * scale;
  }
  return y;
}

struct GradientPass {
  double z = 0;   // Barnes-Hut estimate of sum_{i != j} q_ij
  double kl = 0;  // against the unexaggerated P; only when asked for
};

// grad = 4 (exaggeration * sum_j P_ij q_ij (y_i - y_j) - sum_j q_ij^2 (y_i - y_j) / Z).
// Per-point partial sums go into arrays and are reduced in index order (thread-count free).
GradientPass gradient(const std::vector<double>& y, const SparseAffinities& p, double exaggeration,
                      const TsneOptions& options, bool want_kl, std::vector<double>& grad) {
  const std::ptrdiff_t n = p.rows();
  const QuadTree tree(y);
  std::vector<double> sum_q(static_cast<std::size_t>(n)), kl_row(static_cast<std::size_t>(n), 0.0);
  std::vector<double> repulsive(static_cast<std::size_t>(2 * n));
  detail::parallel_for(n, options.threads, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    for (auto i = static_cast<std::size_t>(begin); i < static_cast<std::size_t>(end); ++i) {
      double force[2] = {0, 0};
      sum_q[i] = tree.repulsion(i, options.theta, force);
      repulsive[2 * i] = force[0];
      repulsive[2 * i + 1] = force[1];
      double ax = 0, ay = 0, kl = 0;
      for (std::size_t e = p.row_offsets[i]; e < p.row_offsets[i + 1]; ++e) {
        const auto j = static_cast<std::size_t>(p.columns[e]);
        const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
        const double q = 1.0 / (1.0 + dx * dx + dy * dy);
        const double pq = p.values[e] * q;
        ax += pq * dx;
        ay += pq * dy;
        if (want_kl && p.values[e] > 0) kl += p.values[e] * std::log(p.values[e] / q);
      }
      grad[2 * i] = exaggeration * ax;
      grad[2 * i + 1] = exaggeration * ay;
      kl_row[i] = kl;
    }
  });
  GradientPass pass;
  for (double s : sum_q) pass.z += s;
  for (std::size_t c = 0; c < grad.size(); ++c) grad[c] = 4.0 * (grad[c] - repulsive[c] / pass.z);
  if (want_kl) {
    double p_total = 0;
    for (double v : p.values) p_total += v;
    for (double k : kl_row) pass.kl += k;
    pass.kl += p_total * std::log(pass.z);  // KL = sum P log(P / q) + log Z * sum P
  }
  return pass;
}

// One step of gradient descent with momentum and sklearn/bhtsne per-coordinate gains.
void descend(const std::vector<double>& grad, double momentum, double learning_rate,
             std::vector<double>& gains, std::vector<double>& update, std::vector<double>& y) {
  for (std::size_t c = 0; c < y.size(); ++c) {
    // As sklearn: a step still going downhill (update against the gradient) grows the gain.
    gains[c] = update[c] * grad[c] < 0 ? gains[c] + 0.2 : std::max(gains[c] * 0.8, 0.01);
    update[c] = momentum * update[c] - learning_rate * gains[c] * grad[c];
    y[c] += update[c];
  }
  // Re-centring keeps the quadtree's root cell tight; it changes no distance.
  double mx = 0, my = 0;
  const std::size_t n = y.size() / 2;
  for (std::size_t i = 0; i < n; ++i) {
    mx += y[2 * i];
    my += y[2 * i + 1];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[2 * i] -= mx;
    y[2 * i + 1] -= my;
  }
}

void check_finite(const Eigen::Ref<const Eigen::MatrixXf>& points) {
  for (std::ptrdiff_t c = 0; c < points.cols(); ++c) {
    for (std::ptrdiff_t r = 0; r < points.rows(); ++r) {
      if (!std::isfinite(points(r, c))) {
        throw InputError("t-SNE input: row " + std::to_string(r) + ", column " +
                         std::to_string(c) + " is not a finite number");
      }
    }
  }
}

}  // namespace

void validate_tsne_options(const TsneOptions& o, std::ptrdiff_t n_points) {
  auto fail = [](const std::string& message) { throw UsageError(message); };
  if (!(o.perplexity > 0) || !std::isfinite(o.perplexity)) {
    fail("--perplexity must be a positive number; got " + std::to_string(o.perplexity));
  }
  if (!(o.perplexity < static_cast<double>(n_points - 1))) {
    fail("--perplexity " + std::to_string(o.perplexity) + " needs more than perplexity + 1 points "
         "per t-SNE job; this job has " + std::to_string(n_points));
  }
  if (o.iterations < 1) fail("--iterations must be at least 1; got " + std::to_string(o.iterations));
  if (o.early_exaggeration_iterations < 0 || o.early_exaggeration_iterations > o.iterations) {
    fail("--early-exaggeration-iterations must be between 0 and --iterations (" +
         std::to_string(o.iterations) + "); got " + std::to_string(o.early_exaggeration_iterations));
  }
  if (!(o.early_exaggeration >= 1) || !std::isfinite(o.early_exaggeration)) {
    fail("--early-exaggeration must be at least 1; got " + std::to_string(o.early_exaggeration));
  }
  if (!(o.learning_rate >= 0) || !std::isfinite(o.learning_rate)) {
    fail("--learning-rate must be positive, or 0 for auto; got " + std::to_string(o.learning_rate));
  }
  if (!(o.theta >= 0 && o.theta <= 1)) {
    fail("--theta must be between 0 and 1; got " + std::to_string(o.theta));
  }
  if (o.threads < 1) fail("--threads must be at least 1; got " + std::to_string(o.threads));
  if (o.kl_every < 1) fail("t-SNE kl_every must be at least 1; got " + std::to_string(o.kl_every));
}

TsneResult tsne(const Eigen::Ref<const Eigen::MatrixXf>& points, const TsneOptions& options) {
  const std::ptrdiff_t n = points.rows();
  validate_tsne_options(options, n);
  check_finite(points);
  const SparseAffinities p =
      symmetrize_affinities(conditional_affinities(points, options.perplexity, options.threads));

  TsneResult result;
  result.learning_rate = options.learning_rate > 0
                             ? options.learning_rate
                             : std::max(static_cast<double>(n) / options.early_exaggeration / 4, 50.0);
  std::vector<double> y =
      options.init == TsneInit::Pca ? pca_init(points) : random_init(n, options.seed);
  std::vector<double> grad(y.size()), gains(y.size(), 1.0), update(y.size(), 0.0);
  for (int t = 0; t < options.iterations; ++t) {
    const bool exaggerating = t < options.early_exaggeration_iterations;
    const bool want_kl = t > 0 && t % options.kl_every == 0;
    const GradientPass pass =
        gradient(y, p, exaggerating ? options.early_exaggeration : 1.0, options, want_kl, grad);
    if (want_kl) result.kl_history.push_back(pass.kl);
    descend(grad, exaggerating ? 0.5 : 0.8, result.learning_rate, gains, update, y);
  }
  result.kl_divergence = gradient(y, p, 1.0, options, true, grad).kl;
  if (options.iterations % options.kl_every == 0) result.kl_history.push_back(result.kl_divergence);
  result.iterations = options.iterations;
  result.embedding.resize(n, 2);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    result.embedding(i, 0) = static_cast<float>(y[2 * static_cast<std::size_t>(i)]);
    result.embedding(i, 1) = static_cast<float>(y[2 * static_cast<std::size_t>(i) + 1]);
  }
  return result;
}

}  // namespace polyrep::reduce

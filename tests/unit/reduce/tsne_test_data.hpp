#pragma once
// Shared by the t-SNE unit tests: well-separated Gaussian clusters, generated without std::
// distributions so the data are the same on every standard library.
#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <vector>

namespace polyrep::reduce::test {

class TestGaussian {
 public:
  explicit TestGaussian(std::uint64_t seed) : state_(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}
  double operator()() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double uniform() {  // xorshift64*, in (0, 1)
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return (static_cast<double>((state_ * 2685821657736338717ULL) >> 11) + 0.5) / 9007199254740992.0;
  }

 private:
  std::uint64_t state_;
};

struct Clusters {
  Eigen::MatrixXf points;
  std::vector<int> label;
};

/// `clusters` x `per_cluster` points in `dim` dimensions; centres N(0, 10^2) per coordinate,
/// points N(centre, 1): centres ~100 apart, clusters ~7 across.
inline Clusters gaussian_clusters(int clusters, int per_cluster, int dim, std::uint64_t seed) {
  TestGaussian g(seed);
  Eigen::MatrixXf centres(clusters, dim);
  for (int c = 0; c < clusters; ++c)
    for (int d = 0; d < dim; ++d) centres(c, d) = static_cast<float>(10 * g());
  Clusters out;
  out.points.resize(clusters * per_cluster, dim);
  for (int i = 0; i < clusters * per_cluster; ++i) {
    const int c = i % clusters;  // interleaved, so no cluster is a contiguous block of rows
    out.label.push_back(c);
    for (int d = 0; d < dim; ++d) out.points(i, d) = centres(c, d) + static_cast<float>(g());
  }
  return out;
}

}  // namespace polyrep::reduce::test

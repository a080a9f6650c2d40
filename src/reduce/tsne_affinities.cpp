#include "polyrep/reduce/tsne_affinities.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <nanoflann.hpp>

#include "polyrep/core/error.hpp"
#include "tsne_parallel.hpp"

namespace polyrep::reduce {
namespace {

// nanoflann's dataset interface over a row-major copy of the points.
struct RowMajorPoints {
  std::vector<float> data;
  std::size_t n = 0, dim = 0;

  std::size_t kdtree_get_point_count() const { return n; }
  float kdtree_get_pt(std::size_t index, std::size_t d) const { return data[index * dim + d]; }
  template <class Box>
  bool kdtree_get_bbox(Box&) const {
    return false;
  }
};

using KdTree = nanoflann::KDTreeSingleIndexAdaptor<
    nanoflann::L2_Adaptor<float, RowMajorPoints, double>, RowMajorPoints, -1, std::uint32_t>;

// Finds beta with entropy(exp(-beta d) / sum) = log(perplexity) by bracketing then bisection, and
// writes the normalised row. Distances are shifted by their minimum first: the entropy is
// invariant to the shift and exp() then cannot underflow for every neighbour at once.
void calibrate_row(const double* distances, std::size_t k, double perplexity, double* out) {
  const double target = std::log(perplexity);
  const double shift = *std::min_element(distances, distances + k);
  double beta = 1, lo = 0, hi = std::numeric_limits<double>::infinity();
  for (int step = 0; step < 200; ++step) {
    double sum = 0, weighted = 0;
    for (std::size_t j = 0; j < k; ++j) {
      const double d = distances[j] - shift;
      out[j] = std::exp(-beta * d);
      sum += out[j];
      weighted += d * out[j];
    }
    const double entropy = std::log(sum) + beta * weighted / sum;
    for (std::size_t j = 0; j < k; ++j) out[j] /= sum;
    const double diff = entropy - target;
    if (std::abs(diff) < 1e-12) break;
    if (diff > 0) {  // too flat: sharpen
      lo = beta;
      beta = std::isinf(hi) ? beta * 2 : 0.5 * (beta + hi);
      if (beta > 1e300) break;  // all distances equal: any beta gives the same row
    } else {
      hi = beta;
      beta = 0.5 * (beta + lo);
    }
  }
}

}  // namespace

int tsne_neighbour_count(std::ptrdiff_t n_points, double perplexity) {
  const double wanted = std::floor(3 * perplexity) + 1;
  return static_cast<int>(std::min<double>(static_cast<double>(n_points - 1), wanted));
}

SparseAffinities conditional_affinities(const Eigen::Ref<const Eigen::MatrixXf>& points,
                                        double perplexity, int threads) {
  const std::ptrdiff_t n = points.rows();
  const int k = tsne_neighbour_count(n, perplexity);
  if (k < 1) throw UsageError("t-SNE needs at least 2 points; got " + std::to_string(n));
  RowMajorPoints data;
  data.n = static_cast<std::size_t>(n);
  data.dim = static_cast<std::size_t>(points.cols());
  data.data.resize(data.n * data.dim);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    for (std::ptrdiff_t d = 0; d < points.cols(); ++d) {
      data.data[static_cast<std::size_t>(i) * data.dim + static_cast<std::size_t>(d)] = points(i, d);
    }
  }
  const KdTree tree(static_cast<int>(data.dim), data, nanoflann::KDTreeSingleIndexAdaptorParams(10));

  const auto uk = static_cast<std::size_t>(k);
  SparseAffinities result;
  result.row_offsets.resize(data.n + 1);
  for (std::size_t i = 0; i <= data.n; ++i) result.row_offsets[i] = i * uk;
  result.columns.resize(data.n * uk);
  result.values.resize(data.n * uk);
  detail::parallel_for(n, threads, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    std::vector<std::uint32_t> found(uk + 1);
    std::vector<double> found_d(uk + 1), distances(uk);
    for (auto i = static_cast<std::size_t>(begin); i < static_cast<std::size_t>(end); ++i) {
      const std::size_t got = tree.knnSearch(&data.data[i * data.dim], uk + 1, found.data(), found_d.data());
      // Drop the point itself; among exact duplicates it may come later or not at all.
      std::size_t out = 0;
      for (std::size_t r = 0; r < got && out < uk; ++r) {
        if (found[r] == i) continue;
        result.columns[i * uk + out] = static_cast<std::int32_t>(found[r]);
        distances[out++] = found_d[r];
      }
      calibrate_row(distances.data(), uk, perplexity, &result.values[i * uk]);
    }
  });
  return result;
}

SparseAffinities symmetrize_affinities(const SparseAffinities& conditional) {
  const auto n = static_cast<std::size_t>(conditional.rows());
  std::vector<std::size_t> count(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t e = conditional.row_offsets[i]; e < conditional.row_offsets[i + 1]; ++e) {
      ++count[i + 1];
      ++count[static_cast<std::size_t>(conditional.columns[e]) + 1];
    }
  }
  std::partial_sum(count.begin(), count.end(), count.begin());
  std::vector<std::pair<std::int32_t, double>> entries(count[n]);
  std::vector<std::size_t> cursor(count.begin(), count.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t e = conditional.row_offsets[i]; e < conditional.row_offsets[i + 1]; ++e) {
      const auto j = static_cast<std::size_t>(conditional.columns[e]);
      entries[cursor[i]++] = {static_cast<std::int32_t>(j), conditional.values[e]};
      entries[cursor[j]++] = {static_cast<std::int32_t>(i), conditional.values[e]};
    }
  }
  SparseAffinities joint;
  joint.row_offsets.push_back(0);
  for (std::size_t i = 0; i < n; ++i) {
    auto first = entries.begin() + static_cast<std::ptrdiff_t>(count[i]);
    auto last = entries.begin() + static_cast<std::ptrdiff_t>(count[i + 1]);
    std::sort(first, last, [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = first; it != last; ++it) {
      if (joint.columns.size() > joint.row_offsets.back() && joint.columns.back() == it->first) {
        joint.values.back() += it->second;  // p_{j|i} + p_{i|j}: two terms, order-free
      } else {
        joint.columns.push_back(it->first);
        joint.values.push_back(it->second);
      }
    }
    joint.row_offsets.push_back(joint.columns.size());
  }
  const double total = std::accumulate(joint.values.begin(), joint.values.end(), 0.0);
  for (double& v : joint.values) v /= total;
  return joint;
}

}  // namespace polyrep::reduce

#pragma once
/// t-SNE input affinities on the k nearest neighbours. conditional_affinities() finds each point's
/// exact k nearest neighbours (nanoflann KD-tree, squared Euclidean distance) and binary-searches
/// the Gaussian precision beta_i so that the row's entropy equals log(perplexity);
/// symmetrize_affinities() turns those p_{j|i} into the joint P = (P + P^T) / sum, stored as CSR.
/// Both are deterministic for any thread count (rows are independent).
#include <Eigen/Dense>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace polyrep::reduce {

/// Compressed sparse rows: row i's entries are columns[row_offsets[i] .. row_offsets[i+1]).
struct SparseAffinities {
  std::vector<std::size_t> row_offsets;  ///< rows() + 1 entries
  std::vector<std::int32_t> columns;
  std::vector<double> values;

  std::ptrdiff_t rows() const {
    return row_offsets.empty() ? 0 : static_cast<std::ptrdiff_t>(row_offsets.size()) - 1;
  }
};

/// sklearn's choice: min(N - 1, floor(3 * perplexity) + 1).
int tsne_neighbour_count(std::ptrdiff_t n_points, double perplexity);

/// p_{j|i} over the tsne_neighbour_count() nearest neighbours j != i of each row i of `points`
/// (N x D); each row sums to 1 and its entropy (natural log) is log(perplexity) to ~1e-10.
/// Columns within a row are in order of increasing distance.
SparseAffinities conditional_affinities(const Eigen::Ref<const Eigen::MatrixXf>& points,
                                        double perplexity, int threads = 1);

/// P_ij = (p_{j|i} + p_{i|j}) / sum over all entries; rows sorted by column, sum of values 1.
SparseAffinities symmetrize_affinities(const SparseAffinities& conditional);

}  // namespace polyrep::reduce

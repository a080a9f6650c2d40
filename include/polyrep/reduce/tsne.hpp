#pragma once
/// Barnes-Hut t-SNE (van der Maaten 2014) of one job's points, typically a PCA-50 projection, to
/// two dimensions. Input affinities are perplexity-calibrated on the exact k = min(N-1,
/// floor(3*perplexity)+1) nearest neighbours (nanoflann KD-tree) and symmetrised; the optimiser is
/// sklearn's schedule (early exaggeration with momentum 0.5, then momentum 0.8, per-coordinate
/// gains, learning rate "auto" = max(N / exaggeration / 4, 50) with the gradient's factor 4
/// included) and the repulsion is a Barnes-Hut quadtree with opening angle theta. Every result is a
/// pure function of (points, options except threads): work is split over threads by point and all
/// reductions run in a fixed order, so the layout is bit-identical for any thread count.
#include <Eigen/Dense>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace polyrep::reduce {

/// Random: N(0, 1e-4^2) from the seed. Pca: the first two principal components of the input,
/// scaled to a standard deviation of 1e-4 in the first (sklearn's init="pca"); the seed then
/// changes nothing, since Barnes-Hut t-SNE has no other randomness.
enum class TsneInit { Random, Pca };

struct TsneOptions {
  double perplexity = 30;
  int iterations = 1000;                    ///< total, exaggeration phase included
  int early_exaggeration_iterations = 250;  ///< also the switch from momentum 0.5 to 0.8
  double early_exaggeration = 12;
  double learning_rate = 0;  ///< 0 = auto: max(N / early_exaggeration / 4, 50), as sklearn
  double theta = 0.5;        ///< Barnes-Hut opening angle; 0 = exact repulsion (O(N^2))
  std::uint64_t seed = 0;
  TsneInit init = TsneInit::Random;
  int threads = 1;
  int kl_every = 50;  ///< iterations between entries of TsneResult::kl_history
};

struct TsneResult {
  Eigen::MatrixXf embedding;  ///< N x 2
  /// KL(P || Q) of the final layout against the unexaggerated P. Exact sum over the non-zeros of
  /// the sparse P; Q's normalisation Z = sum_{i != j} (1 + |y_i - y_j|^2)^-1 is the Barnes-Hut
  /// estimate at the same theta (exact for theta = 0).
  double kl_divergence = 0;
  /// The same quantity after iterations kl_every, 2*kl_every, ... (entry k after iteration
  /// (k+1)*kl_every), always against the unexaggerated P, so it can rise during exaggeration.
  std::vector<double> kl_history;
  int iterations = 0;
  double learning_rate = 0;  ///< the one actually used (resolves "auto")
};

/// Throws UsageError naming the flag (--perplexity, --iterations, ...) when `options` cannot run
/// on `n_points` points, e.g. perplexity >= N - 1 (the neighbour set could not reach it).
void validate_tsne_options(const TsneOptions& options, std::ptrdiff_t n_points);

/// Embeds the rows of `points` (N x D) in two dimensions. Throws UsageError from
/// validate_tsne_options and InputError for a non-finite input value.
TsneResult tsne(const Eigen::Ref<const Eigen::MatrixXf>& points, const TsneOptions& options);

}  // namespace polyrep::reduce

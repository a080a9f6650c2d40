#pragma once
/// Linear centered kernel alignment (CKA; Kornblith et al., "Similarity of Neural Network
/// Representations Revisited", ICML 2019) between two representations of the same n items, X
/// (n x p) and Y (n x q), row i of both being item i:
///
///   CKA(X, Y) = ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F),   Xc, Yc: X, Y with column means removed.
///
/// It lies in [0, 1], is 1 for Y = X, and is unchanged by an orthogonal transform or an isotropic
/// scaling of either side (and by adding a constant vector to every row), so it measures how much
/// the geometry of the items changed, not where they moved to. `polyrep plot --compare` reports
/// it per layer for the mean-pooled sentence vectors of two extractions of the same sentences.
/// Accumulated in double precision over row blocks, so a layer never has to be in memory whole:
/// cost n (p^2 + q^2 + p q) / 2 multiply-adds, memory (p + q)^2 doubles.
#include <Eigen/Core>
#include <cstdint>

namespace polyrep::plot {

/// Streaming linear CKA: rows are added in blocks (X's and Y's block of the same items together).
/// Sums are taken about the first block's column means (shifted sums, exact after the final
/// correction and free of the cancellation of sum(x x^T) - n mu mu^T when the shift is near the mean).
class LinearCka {
 public:
  /// UsageError when x and y have different row counts, or a block's column count differs from
  /// the first block's.
  void add(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y);
  std::int64_t rows() const noexcept { return n_; }
  /// The CKA of all rows added; NaN when either side has no variance (fewer than two distinct rows).
  double value() const;

 private:
  std::int64_t n_ = 0;
  Eigen::RowVectorXd shift_x_, shift_y_, sum_x_, sum_y_;  // sums of the shifted rows
  Eigen::MatrixXd xx_, yy_, xy_;                          // sums of products of the shifted rows
};

/// CKA(X, Y) of whole matrices (LinearCka over one block). UsageError when the row counts differ.
double linear_cka(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y);

}  // namespace polyrep::plot

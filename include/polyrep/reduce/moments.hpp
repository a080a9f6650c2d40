#pragma once
/// First and second moments of a set of row vectors (row = one sample), accumulated in double
/// precision without the cancellation of `sum(x x^T) - n mu mu^T`: each block of rows is reduced
/// with the corrected two-pass algorithm (mean, then the scatter about that mean), and blocks,
/// ranks and partial results are combined with the pairwise update of Chan, Golub & LeVeque.
/// `allreduce` merges the moments of every rank of a communicator in a fixed binary tree in rank
/// order and broadcasts rank 0's result, so every rank ends with the same bytes and, for a fixed
/// rank count, the same bytes on every run; other rank counts differ only by rounding.
#include <Eigen/Dense>
#include <cstdint>

#include "polyrep/mpi/comm.hpp"

namespace polyrep::reduce {

/// Row-major, the layout of a (rows, hidden) HDF5 block, so that a read buffer maps without a copy.
using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// count, mean and M2 (the scatter matrix sum_i (x_i - mean)(x_i - mean)^T, kept fully symmetric).
/// A default-constructed value has dimension 0 and merges with anything; `empty(d)` is a rank with
/// no rows that still knows the dimension.
struct Moments {
  std::int64_t count = 0;
  Eigen::VectorXd mean;
  Eigen::MatrixXd m2;

  static Moments empty(Eigen::Index dim);
  /// Moments of `rows` (one sample per row); zero rows give `empty(rows.cols())`.
  static Moments of(const Eigen::Ref<const RowMatrixXf>& rows);
  static Moments of(const Eigen::Ref<const RowMatrixXd>& rows);

  Eigen::Index dim() const { return mean.size(); }
  /// Adds more rows (streaming reads); same as merging `of(rows)`.
  Moments& add(const Eigen::Ref<const RowMatrixXf>& rows);
  Moments& add(const Eigen::Ref<const RowMatrixXd>& rows);
  /// Chan et al.'s pairwise update; `other`'s rows count as coming after this one's. Throws
  /// InputError when both are non-empty and their dimensions differ.
  Moments& merge(const Moments& other);
  /// The unbiased sample covariance M2 / (count - 1); all zero when count < 2.
  Eigen::MatrixXd covariance() const;
};

/// Collective: every rank passes its own moments and gets the global ones (identical bytes on all
/// ranks). Ranks may hold zero rows, with dimension 0 or the common one. Throws InputError (on
/// every rank) when two ranks with rows disagree on the dimension. Ranks are merged pairwise in a
/// binomial tree ((0+1)+(2+3))+..., which keeps the merges between blocks of similar size, and the
/// result is broadcast from rank 0 rather than reduced everywhere so that no rank can round
/// differently.
Moments allreduce(const Moments& local, const mpi::Comm& comm);

}  // namespace polyrep::reduce

#pragma once
/// Principal component analysis from merged moments (see moments.hpp): the covariance M2/(n-1) is
/// diagonalised with Eigen's SelfAdjointEigenSolver, components are sorted by decreasing variance
/// and their signs fixed so that the largest-magnitude entry of each is positive (as scikit-learn's
/// svd_flip does), so every rank that fits the same moments holds the same model. The number of
/// components is clipped to min(requested, dimension, rows); `requested_components` keeps what was
/// asked for. `project` maps each rank's own rows onto the components. The variance convention is
/// scikit-learn's: explained_variance = eigenvalue of the (n-1)-normalised covariance, ratio = that
/// over the total variance (trace), 0 when the total is 0 (for example a single row).
#include <Eigen/Dense>
#include <cstdint>

#include "polyrep/reduce/moments.hpp"

namespace polyrep::reduce {

struct PcaOptions {
  /// `--pca K`; must be positive.
  int components = 50;
};

struct PcaModel {
  Eigen::VectorXd mean;                      // d
  Eigen::MatrixXd components;                // k x d, unit rows, descending variance
  Eigen::VectorXd explained_variance;        // k, >= 0
  Eigen::VectorXd explained_variance_ratio;  // k, in [0, 1]
  double total_variance = 0.0;               // trace of the covariance
  std::int64_t count = 0;                    // rows the moments came from
  int requested_components = 0;              // before clipping to min(d, count)

  Eigen::Index k() const { return components.rows(); }
  Eigen::Index dim() const { return mean.size(); }
};

/// Throws UsageError for components < 1 and InputError for moments of no rows or dimension 0.
PcaModel fit(const Moments& global, const PcaOptions& options = {});

/// (rows - mean) * components^T, computed in double and returned as float: rows x k, row-major
/// (ready to write as a (rows, k) dataset). Throws InputError when rows.cols() != model.dim().
RowMatrixXf project(const PcaModel& model, const Eigen::Ref<const RowMatrixXf>& rows);

}  // namespace polyrep::reduce

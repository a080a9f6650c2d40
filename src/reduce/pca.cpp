#include "polyrep/reduce/pca.hpp"

#include <algorithm>
#include <string>

#include "polyrep/core/error.hpp"

namespace polyrep::reduce {
namespace {

// Rows projected at a time, bounding the double copy of the input.
constexpr Eigen::Index kBlockRows = 4096;

// svd_flip's convention: a component's sign is arbitrary, so pin it by its largest-magnitude entry
// (the first one on ties) to make the model reproducible and comparable across runs.
void fix_sign(Eigen::VectorXd& component) {
  Eigen::Index largest = 0;
  component.cwiseAbs().maxCoeff(&largest);
  if (component(largest) < 0) component = -component;
}

}  // namespace

PcaModel fit(const Moments& global, const PcaOptions& options) {
  if (options.components < 1) {
    throw UsageError("--pca must be at least 1, got " + std::to_string(options.components));
  }
  if (global.count < 1 || global.dim() == 0) {
    throw InputError("PCA needs at least one row with at least one column");
  }
  const Eigen::MatrixXd cov = global.covariance();
  if (!cov.allFinite() || !global.mean.allFinite()) {
    throw InputError("PCA: the rows contain NaN or infinite values");
  }
  const Eigen::Index d = global.dim();
  const Eigen::Index k = std::min(
      {static_cast<Eigen::Index>(options.components), d, static_cast<Eigen::Index>(global.count)});
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
  if (solver.info() != Eigen::Success) {
    throw InputError("PCA: the eigendecomposition of the covariance did not converge");
  }

  PcaModel model;
  model.mean = global.mean;
  model.count = global.count;
  model.requested_components = options.components;
  model.total_variance = cov.trace();
  model.components.resize(k, d);
  model.explained_variance.resize(k);
  model.explained_variance_ratio.resize(k);
  for (Eigen::Index i = 0; i < k; ++i) {
    const Eigen::Index col = d - 1 - i;  // Eigen sorts eigenvalues in increasing order
    // Rounding can leave the eigenvalues of a (semi-definite) null space slightly negative.
    const double variance = std::max(0.0, solver.eigenvalues()(col));
    Eigen::VectorXd component = solver.eigenvectors().col(col);
    fix_sign(component);
    model.components.row(i) = component.transpose();
    model.explained_variance(i) = variance;
    model.explained_variance_ratio(i) =
        model.total_variance > 0.0 ? variance / model.total_variance : 0.0;
  }
  return model;
}

RowMatrixXf project(const PcaModel& model, const Eigen::Ref<const RowMatrixXf>& rows) {
  if (rows.cols() != model.dim()) {
    throw InputError("PCA projection: rows have " + std::to_string(rows.cols()) +
                     " columns, the model expects " + std::to_string(model.dim()));
  }
  const Eigen::MatrixXd basis = model.components.transpose();
  const Eigen::RowVectorXd mean = model.mean.transpose();
  RowMatrixXf out(rows.rows(), model.k());
  for (Eigen::Index start = 0; start < rows.rows(); start += kBlockRows) {
    const Eigen::Index len = std::min(kBlockRows, rows.rows() - start);
    Eigen::MatrixXd x = rows.middleRows(start, len).cast<double>();
    x.rowwise() -= mean;
    out.middleRows(start, len) = (x * basis).cast<float>();
  }
  return out;
}

}  // namespace polyrep::reduce

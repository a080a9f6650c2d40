#include "polyrep/plot/procrustes.hpp"

#include <Eigen/SVD>

#include <stdexcept>

namespace polyrep::plot {

Layout align_to(const Layout& moving, const Layout& reference) {
  if (moving.rows() != reference.rows()) throw std::invalid_argument("align_to: layouts of different point counts");
  if (moving.rows() < 2) return moving;
  // In double: layouts are float, their cross products summed over 200,000 points are not.
  const Eigen::MatrixXd b = moving.cast<double>(), a = reference.cast<double>();
  const Eigen::RowVector2d mean_b = b.colwise().mean(), mean_a = a.colwise().mean();
  const Eigen::MatrixXd bc = b.rowwise() - mean_b, ac = a.rowwise() - mean_a;
  const Eigen::JacobiSVD<Eigen::Matrix2d> svd(Eigen::Matrix2d(bc.transpose() * ac), Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::Matrix2d r = svd.matrixU() * svd.matrixV().transpose();
  const Eigen::MatrixXd out = (bc * r).rowwise() + mean_a;
  return out.cast<float>();
}

}  // namespace polyrep::plot

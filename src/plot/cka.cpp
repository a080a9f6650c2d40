#include "polyrep/plot/cka.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "polyrep/core/error.hpp"

namespace polyrep::plot {

void LinearCka::add(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y) {
  if (x.rows() != y.rows()) {
    throw UsageError("linear CKA: " + std::to_string(x.rows()) + " rows of X against " + std::to_string(y.rows()) +
                     " of Y (the rows must be the same items)");
  }
  if (x.rows() == 0) return;
  if (n_ == 0) {
    shift_x_ = x.colwise().mean();
    shift_y_ = y.colwise().mean();
    sum_x_ = Eigen::RowVectorXd::Zero(x.cols());
    sum_y_ = Eigen::RowVectorXd::Zero(y.cols());
    xx_ = Eigen::MatrixXd::Zero(x.cols(), x.cols());
    yy_ = Eigen::MatrixXd::Zero(y.cols(), y.cols());
    xy_ = Eigen::MatrixXd::Zero(x.cols(), y.cols());
  } else if (x.cols() != shift_x_.cols() || y.cols() != shift_y_.cols()) {
    throw UsageError("linear CKA: a block of " + std::to_string(x.cols()) + " x " + std::to_string(y.cols()) +
                     " columns after blocks of " + std::to_string(shift_x_.cols()) + " x " +
                     std::to_string(shift_y_.cols()));
  }
  const Eigen::MatrixXd xs = x.rowwise() - shift_x_, ys = y.rowwise() - shift_y_;
  sum_x_ += xs.colwise().sum();
  sum_y_ += ys.colwise().sum();
  xx_.selfadjointView<Eigen::Lower>().rankUpdate(xs.transpose());
  yy_.selfadjointView<Eigen::Lower>().rankUpdate(ys.transpose());
  xy_.noalias() += xs.transpose() * ys;
  n_ += x.rows();
}

double LinearCka::value() const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (n_ < 2) return nan;
  // Centered cross-products: sum (x - s)(x - s)^T - n d d^T, d = mean - s (the shifted mean).
  const double n = double(n_);
  const Eigen::RowVectorXd dx = sum_x_ / n, dy = sum_y_ / n;
  Eigen::MatrixXd cxx = xx_.selfadjointView<Eigen::Lower>();
  Eigen::MatrixXd cyy = yy_.selfadjointView<Eigen::Lower>();
  cxx.noalias() -= n * dx.transpose() * dx;
  cyy.noalias() -= n * dy.transpose() * dy;
  const Eigen::MatrixXd cxy = xy_ - n * dx.transpose() * dy;
  // No variance: every row the same, up to the rounding of the shift (relative 1e-16, squared 1e-32).
  const auto flat = [n](const Eigen::MatrixXd& c, const Eigen::RowVectorXd& shift) {
    return !(c.trace() > 1e-24 * (n * shift.squaredNorm() + c.trace()));
  };
  if (flat(cxx, shift_x_) || flat(cyy, shift_y_)) return nan;
  const double denominator = cxx.norm() * cyy.norm();
  if (!(denominator > 0) || !std::isfinite(denominator)) return nan;
  return cxy.squaredNorm() / denominator;
}

double linear_cka(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y) {
  LinearCka cka;
  cka.add(x, y);
  return cka.value();
}

}  // namespace polyrep::plot

// Distributed PCA under mpiexec (np 1, 2, 3): every rank builds the same global matrix from a
// fixed seed and keeps one contiguous row block; the merged model must agree with a
// single-process fit and an Eigen SVD of the whole matrix, and be byte-identical on every rank.
#include "polyrep/reduce/pca.hpp"

#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <iostream>
#include <random>
#include <vector>

#include "polyrep/core/error.hpp"
#include "polyrep/mpi/comm.hpp"
#include "polyrep/reduce/moments.hpp"

namespace {

using polyrep::mpi::Comm;
using polyrep::reduce::allreduce;
using polyrep::reduce::fit;
using polyrep::reduce::Moments;
using polyrep::reduce::PcaModel;
using polyrep::reduce::PcaOptions;
using polyrep::reduce::project;
using polyrep::reduce::RowMatrixXf;

constexpr Eigen::Index kRows = 1001;
constexpr Eigen::Index kDim = 16;

// Known, well separated spectrum on a random orthogonal basis, offset far from the origin, rounded
// to float as hidden states are.
RowMatrixXf global_matrix() {
  std::mt19937_64 rng(4242);
  std::normal_distribution<double> normal;
  auto gaussian = [&](Eigen::Index r, Eigen::Index c) {
    Eigen::MatrixXd m(r, c);
    for (Eigen::Index j = 0; j < c; ++j) {
      for (Eigen::Index i = 0; i < r; ++i) m(i, j) = normal(rng);
    }
    return m;
  };
  const Eigen::MatrixXd q = gaussian(kDim, kDim).householderQr().householderQ();
  Eigen::VectorXd sigma(kDim);
  for (Eigen::Index i = 0; i < kDim; ++i) sigma(i) = 20.0 * std::pow(0.7, static_cast<double>(i));
  const Eigen::MatrixXd x = gaussian(kRows, kDim) * sigma.asDiagonal() * q.transpose();
  const Eigen::RowVectorXd offset = Eigen::RowVectorXd::Constant(kDim, 300.0);
  return (x.rowwise() + offset).cast<float>();
}

using Partition = std::function<std::vector<Eigen::Index>(int size)>;  // size + 1 boundaries

// Uneven: rank r's share grows with (r + 1)^2.
std::vector<Eigen::Index> uneven(int size) {
  std::vector<Eigen::Index> bounds{0};
  Eigen::Index weight_sum = 0;
  for (int r = 0; r < size; ++r) weight_sum += (r + 1) * (r + 1);
  Eigen::Index acc = 0;
  for (int r = 0; r < size; ++r) {
    acc += (r + 1) * (r + 1);
    bounds.push_back(kRows * acc / weight_sum);
  }
  return bounds;
}

// Rank 1 (the middle one at np 3, the last at np 2) holds no rows.
std::vector<Eigen::Index> rank_one_empty(int size) {
  if (size == 1) return {0, kRows};
  if (size == 2) return {0, kRows, kRows};
  std::vector<Eigen::Index> bounds{0, kRows / 3, kRows / 3};
  for (int r = 2; r < size; ++r)
    bounds.push_back(kRows / 3 + (kRows - kRows / 3) * (r - 1) / (size - 2));
  return bounds;
}

std::vector<double> serialise(const PcaModel& m) {
  std::vector<double> out{static_cast<double>(m.count), m.total_variance,
                          static_cast<double>(m.k())};
  out.insert(out.end(), m.mean.data(), m.mean.data() + m.mean.size());
  out.insert(out.end(), m.components.data(), m.components.data() + m.components.size());
  out.insert(out.end(), m.explained_variance.data(),
             m.explained_variance.data() + m.explained_variance.size());
  out.insert(out.end(), m.explained_variance_ratio.data(),
             m.explained_variance_ratio.data() + m.explained_variance_ratio.size());
  return out;
}

double max_relative(const Eigen::VectorXd& got, const Eigen::VectorXd& want) {
  return ((got - want).array().abs() / want.array().abs()).maxCoeff();
}

double row_error_up_to_sign(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  double worst = 0.0;
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    worst = std::max(worst, std::min((a.row(i) - b.row(i)).cwiseAbs().maxCoeff(),
                                     (a.row(i) + b.row(i)).cwiseAbs().maxCoeff()));
  }
  return worst;
}

// True on every rank when every rank's bytes equal rank 0's.
bool identical_on_all_ranks(const std::vector<double>& mine, const Comm& comm) {
  std::vector<double> root = mine;
  comm.broadcast_bytes(root.data(), root.size() * sizeof(double), 0);
  const bool same = std::memcmp(root.data(), mine.data(), mine.size() * sizeof(double)) == 0;
  return !comm.allreduce_or(!same);
}

void check_partition(const Partition& partition, bool unknown_dim_when_empty) {
  const Comm comm = Comm::world();
  const RowMatrixXf x = global_matrix();
  const std::vector<Eigen::Index> bounds = partition(comm.size());
  ASSERT_EQ(bounds.size(), static_cast<std::size_t>(comm.size() + 1));
  ASSERT_EQ(bounds.back(), kRows);
  const Eigen::Index begin = bounds[comm.rank()];
  const Eigen::Index rows = bounds[comm.rank() + 1] - begin;
  const auto block = x.middleRows(begin, rows);

  const Moments local = rows == 0 && unknown_dim_when_empty ? Moments{} : Moments::of(block);
  const Moments global = allreduce(local, comm);
  const PcaOptions options{6};
  const PcaModel model = fit(global, options);

  // Reference 1: single-process fit of the whole matrix (rounding-level agreement).
  const PcaModel single = fit(Moments::of(x), options);
  ASSERT_EQ(model.k(), 6);
  EXPECT_EQ(model.count, kRows);
  const double ev_vs_single = max_relative(model.explained_variance, single.explained_variance);
  const double comp_vs_single = (model.components - single.components).cwiseAbs().maxCoeff();
  const double mean_vs_single = max_relative(model.mean, single.mean);
  EXPECT_LT(ev_vs_single, 1e-9);
  EXPECT_LT(comp_vs_single, 1e-9);  // same sign convention, so no sign freedom
  EXPECT_LT(mean_vs_single, 1e-12);
  EXPECT_LT(max_relative(model.explained_variance_ratio, single.explained_variance_ratio), 1e-9);

  // Reference 2: Eigen SVD of the gathered, centred matrix.
  Eigen::MatrixXd centred = x.cast<double>();
  centred.rowwise() -= centred.colwise().mean();
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinV);
  const Eigen::VectorXd svd_ev = svd.singularValues().head(6).array().square() / (kRows - 1.0);
  const double ev_vs_svd = max_relative(model.explained_variance, svd_ev);
  const double comp_vs_svd =
      row_error_up_to_sign(model.components, svd.matrixV().leftCols(6).transpose());
  EXPECT_LT(ev_vs_svd, 1e-6);
  EXPECT_LT(comp_vs_svd, 1e-6);
  if (comm.is_root()) {
    std::cout << "[ pca np" << comm.size() << " ] vs single-process fit: ev " << ev_vs_single
              << ", components " << comp_vs_single << ", mean " << mean_vs_single << "; vs SVD: ev "
              << ev_vs_svd << ", components " << comp_vs_svd << "\n";
  }

  // Byte-identical on all ranks, and again on a second, independent merge.
  const std::vector<double> bytes = serialise(model);
  EXPECT_TRUE(identical_on_all_ranks(bytes, comm));
  const std::vector<double> again = serialise(fit(allreduce(local, comm), options));
  EXPECT_TRUE(bytes == again);

  // Each rank projects its own rows; they match the whole-matrix projection of those rows.
  const RowMatrixXf mine = project(model, block);
  const RowMatrixXf reference = project(single, x).middleRows(begin, rows);
  ASSERT_EQ(mine.rows(), rows);
  if (rows > 0) {
    EXPECT_LT((mine - reference).cwiseAbs().maxCoeff(), 1e-4F);
  }
}

TEST(PcaMpiTest, UnevenBlocksMatchSingleProcess) { check_partition(uneven, false); }

TEST(PcaMpiTest, EmptyRankMatchesSingleProcess) { check_partition(rank_one_empty, false); }

TEST(PcaMpiTest, EmptyRankWithUnknownDimension) { check_partition(rank_one_empty, true); }

TEST(PcaMpiTest, DimensionMismatchThrowsOnEveryRank) {
  const Comm comm = Comm::world();
  if (comm.size() < 2) GTEST_SKIP() << "needs two ranks";
  const RowMatrixXf rows = RowMatrixXf::Ones(3, comm.rank() == 1 ? 5 : 4);
  EXPECT_THROW(allreduce(Moments::of(rows), comm), polyrep::InputError);
}

TEST(PcaMpiTest, NoRowsAnywhereGivesEmptyMoments) {
  const Comm comm = Comm::world();
  const Moments global = allreduce(Moments::empty(7), comm);
  EXPECT_EQ(global.count, 0);
  EXPECT_EQ(global.dim(), 7);
  EXPECT_THROW(fit(global, PcaOptions{}), polyrep::InputError);
}

}  // namespace

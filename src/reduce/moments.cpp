#include "polyrep/reduce/moments.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "polyrep/core/error.hpp"

namespace polyrep::reduce {
namespace {

// Rows converted to double at a time: large enough for an efficient rank-k update, small enough
// that the double copy of a (block, 4096) slice stays around 128 MiB.
constexpr Eigen::Index kBlockRows = 4096;
// Elements per MPI message, so that huge dimensions never overflow MPI's int counts.
constexpr std::size_t kMessageDoubles = std::size_t{1} << 27;
constexpr int kTag = 0x5043;  // "PC"
// Counts travel as doubles; beyond 2^53 they would stop being exact.
constexpr std::int64_t kMaxExactCount = std::int64_t{1} << 53;

// Keeps m2 bitwise symmetric: updates touch the lower triangle only, then it is mirrored.
void mirror_lower(Eigen::MatrixXd& m) {
  for (Eigen::Index j = 1; j < m.cols(); ++j) {
    for (Eigen::Index i = 0; i < j; ++i) m(i, j) = m(j, i);
  }
}

// Corrected two-pass algorithm (Chan, Golub & LeVeque 1983): the scatter about the block mean,
// minus the tiny correction for the rounding of that mean.
template <typename Block>
Moments block_moments(const Block& block) {
  const Eigen::Index n = block.rows();
  Eigen::MatrixXd x = block.template cast<double>();
  const Eigen::RowVectorXd mean = x.colwise().sum() / static_cast<double>(n);
  x.rowwise() -= mean;
  const Eigen::VectorXd residual = x.colwise().sum().transpose();

  Moments m;
  m.count = n;
  m.mean = mean.transpose() + residual / static_cast<double>(n);
  m.m2 = Eigen::MatrixXd::Zero(block.cols(), block.cols());
  m.m2.selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
  m.m2.selfadjointView<Eigen::Lower>().rankUpdate(residual, -1.0 / static_cast<double>(n));
  mirror_lower(m.m2);
  return m;
}

template <typename Rows>
void add_rows(Moments& acc, const Rows& rows) {
  if (acc.dim() == 0 && acc.count == 0) acc = Moments::empty(rows.cols());
  for (Eigen::Index start = 0; start < rows.rows(); start += kBlockRows) {
    const Eigen::Index len = std::min(kBlockRows, rows.rows() - start);
    acc.merge(block_moments(rows.middleRows(start, len)));
  }
}

std::vector<double> pack(const Moments& m) {
  if (m.count > kMaxExactCount) {
    throw InputError("PCA moments: " + std::to_string(m.count) + " rows are too many to merge");
  }
  const auto d = static_cast<std::size_t>(m.dim());
  std::vector<double> buf(1 + d + d * d);
  buf[0] = static_cast<double>(m.count);
  std::copy(m.mean.data(), m.mean.data() + d, buf.begin() + 1);
  std::copy(m.m2.data(), m.m2.data() + d * d, buf.begin() + 1 + static_cast<std::ptrdiff_t>(d));
  return buf;
}

Moments unpack(const std::vector<double>& buf, Eigen::Index d) {
  Moments m;
  m.count = static_cast<std::int64_t>(buf[0]);
  m.mean = Eigen::Map<const Eigen::VectorXd>(buf.data() + 1, d);
  m.m2 = Eigen::Map<const Eigen::MatrixXd>(buf.data() + 1 + d, d, d);
  return m;
}

// Runs `op(pointer, count)` over pieces of at most kMessageDoubles.
template <typename Op>
void in_pieces(std::vector<double>& buf, Op op) {
  for (std::size_t off = 0; off < buf.size(); off += kMessageDoubles) {
    op(buf.data() + off, static_cast<int>(std::min(kMessageDoubles, buf.size() - off)));
  }
}

// Binomial tree towards rank 0: at distance `step`, rank r (a multiple of 2*step) absorbs rank
// r + step, which by then holds ranks [r + step, r + 2*step); merging in that order keeps the rows
// in rank order and the two sides of every merge of similar size.
Moments reduce_to_root(Moments acc, const mpi::Comm& comm) {
  const int rank = comm.rank();
  const int size = comm.size();
  const Eigen::Index d = acc.dim();
  for (int step = 1; step < size; step *= 2) {
    if (rank % (2 * step) == step) {
      std::vector<double> buf = pack(acc);
      in_pieces(buf, [&](double* p, int n) {
        mpi::check(MPI_Send(p, n, MPI_DOUBLE, rank - step, kTag, comm.handle()), "MPI_Send");
      });
      break;
    }
    if (rank % (2 * step) == 0 && rank + step < size) {
      std::vector<double> buf(static_cast<std::size_t>(1 + d + d * d));
      in_pieces(buf, [&](double* p, int n) {
        mpi::check(MPI_Recv(p, n, MPI_DOUBLE, rank + step, kTag, comm.handle(), MPI_STATUS_IGNORE),
                   "MPI_Recv");
      });
      acc.merge(unpack(buf, d));
    }
  }
  return acc;
}

}  // namespace

Moments Moments::empty(Eigen::Index dim) {
  Moments m;
  m.mean = Eigen::VectorXd::Zero(dim);
  m.m2 = Eigen::MatrixXd::Zero(dim, dim);
  return m;
}

Moments Moments::of(const Eigen::Ref<const RowMatrixXf>& rows) {
  Moments m = empty(rows.cols());
  m.add(rows);
  return m;
}

Moments Moments::of(const Eigen::Ref<const RowMatrixXd>& rows) {
  Moments m = empty(rows.cols());
  m.add(rows);
  return m;
}

Moments& Moments::add(const Eigen::Ref<const RowMatrixXf>& rows) {
  add_rows(*this, rows);
  return *this;
}

Moments& Moments::add(const Eigen::Ref<const RowMatrixXd>& rows) {
  add_rows(*this, rows);
  return *this;
}

Moments& Moments::merge(const Moments& other) {
  if (dim() != 0 && other.dim() != 0 && dim() != other.dim()) {
    throw InputError("PCA moments: cannot merge rows of dimension " + std::to_string(other.dim()) +
                     " into dimension " + std::to_string(dim()));
  }
  if (other.count == 0) {
    if (dim() == 0) *this = empty(other.dim());
    return *this;
  }
  if (count == 0) {
    *this = other;
    return *this;
  }
  const double na = static_cast<double>(count);
  const double nb = static_cast<double>(other.count);
  const double n = na + nb;
  const Eigen::VectorXd delta = other.mean - mean;
  mean += delta * (nb / n);
  m2 += other.m2;
  m2.selfadjointView<Eigen::Lower>().rankUpdate(delta, na * nb / n);
  mirror_lower(m2);
  count += other.count;
  return *this;
}

Eigen::MatrixXd Moments::covariance() const {
  if (count < 2) return Eigen::MatrixXd::Zero(dim(), dim());
  return m2 / static_cast<double>(count - 1);
}

Moments allreduce(const Moments& local, const mpi::Comm& comm) {
  // Every rank takes the same decisions from allreduced values, so errors are thrown everywhere.
  const std::int64_t d = comm.allreduce_max(static_cast<std::int64_t>(local.dim()));
  const bool mismatch = local.dim() != 0 && local.dim() != d;
  if (comm.allreduce_or(mismatch)) {
    throw InputError("PCA moments: ranks disagree on the row dimension (largest is " +
                     std::to_string(d) + ")");
  }
  if (comm.allreduce_sum(local.count) > kMaxExactCount) {
    throw InputError("PCA moments: more than 2^53 rows cannot be counted exactly");
  }
  Moments acc = local.dim() == 0 ? Moments::empty(static_cast<Eigen::Index>(d)) : local;
  acc = reduce_to_root(std::move(acc), comm);

  std::vector<double> buf =
      comm.rank() == 0 ? pack(acc) : std::vector<double>(static_cast<std::size_t>(1 + d + d * d));
  in_pieces(buf, [&](double* p, int n) {
    mpi::check(MPI_Bcast(p, n, MPI_DOUBLE, 0, comm.handle()), "MPI_Bcast");
  });
  return unpack(buf, static_cast<Eigen::Index>(d));
}

}  // namespace polyrep::reduce

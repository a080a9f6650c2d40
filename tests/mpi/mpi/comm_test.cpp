#include "polyrep/mpi/comm.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "polyrep/core/error.hpp"

namespace mpi = polyrep::mpi;

namespace {

TEST(Comm, RankSizeAndReductions) {
  const mpi::Comm world = mpi::Comm::world();
  const int n = world.size();
  const int r = world.rank();
  ASSERT_GE(n, 1);
  ASSERT_LT(r, n);
  EXPECT_EQ(world.is_root(), r == 0);
  EXPECT_EQ(world.allreduce_sum(std::int64_t{r + 1}), std::int64_t{n} * (n + 1) / 2);
  EXPECT_EQ(world.allreduce_max(std::int64_t{r} * 1000000000000LL), (n - 1) * 1000000000000LL);
  EXPECT_EQ(world.allreduce_min(std::int64_t{r} - 5), -5);
  EXPECT_DOUBLE_EQ(world.allreduce_sum(0.5 * r), 0.25 * n * (n - 1));
  EXPECT_DOUBLE_EQ(world.allreduce_max(-1.0 * r), 0.0);
  EXPECT_EQ(world.allreduce_sum(1), n);  // int through the integral template
  EXPECT_EQ(world.allreduce_max(std::size_t(r)), std::size_t(n - 1));
  EXPECT_TRUE(world.allreduce_or(r == n - 1));
  EXPECT_FALSE(world.allreduce_or(false));
  std::vector<double> v = {1.0, double(r)};
  world.allreduce_sum_inplace(v);
  EXPECT_EQ(v, (std::vector<double>{double(n), 0.5 * n * (n - 1)}));
  world.barrier();
}

TEST(Comm, AllgatherAndUnevenAllgatherv) {
  const mpi::Comm world = mpi::Comm::world();
  const int n = world.size();
  const int r = world.rank();
  std::vector<std::int64_t> expected_gather(n);
  std::iota(expected_gather.begin(), expected_gather.end(), 10);
  EXPECT_EQ(world.allgather(10 + r), expected_gather);

  // Rank r contributes r elements (rank 0 contributes none), valued 100*r + i.
  std::vector<std::int32_t> mine32;
  std::vector<std::int64_t> mine64;
  for (int i = 0; i < r; ++i) {
    mine32.push_back(100 * r + i);
    mine64.push_back((std::int64_t{1} << 40) * r + i);
  }
  std::vector<std::int32_t> expected32;
  std::vector<std::int64_t> expected64;
  for (int q = 0; q < n; ++q) {
    for (int i = 0; i < q; ++i) {
      expected32.push_back(100 * q + i);
      expected64.push_back((std::int64_t{1} << 40) * q + i);
    }
  }
  EXPECT_EQ(world.allgatherv(mine32), expected32);
  EXPECT_EQ(world.allgatherv(mine64), expected64);
  // Nobody contributes anything.
  EXPECT_TRUE(world.allgatherv(std::vector<std::int32_t>{}).empty());
}

TEST(Comm, Broadcasts) {
  const mpi::Comm world = mpi::Comm::world();
  const int n = world.size();
  const int root = n - 1;
  const bool is_root = world.rank() == root;
  std::string s = is_root ? "▁gato 日本語" : "garbage that is longer than the root's string";
  world.broadcast(s, root);
  EXPECT_EQ(s, "▁gato 日本語");
  std::vector<std::int64_t> v =
      is_root ? std::vector<std::int64_t>{1, -2, 3} : std::vector<std::int64_t>{9};
  world.broadcast(v, root);
  EXPECT_EQ(v, (std::vector<std::int64_t>{1, -2, 3}));
  std::vector<std::string> names;
  if (world.rank() == 0) names = {"eng_Latn", "", "jpn_Jpan"};
  world.broadcast(names);
  EXPECT_EQ(names, (std::vector<std::string>{"eng_Latn", "", "jpn_Jpan"}));
  std::string empty = world.rank() == 0 ? "" : "x";
  world.broadcast(empty);
  EXPECT_EQ(empty, "");
}

TEST(Comm, SplitSharedOnOneNode) {
  const mpi::Comm world = mpi::Comm::world();
  mpi::Comm local = world.split_shared();
  // ctest runs every rank on this machine.
  EXPECT_EQ(local.size(), world.size());
  EXPECT_EQ(local.rank(), world.rank());
  EXPECT_EQ(local.allreduce_sum(std::int64_t{1}), world.size());
  mpi::Comm moved = std::move(local);
  EXPECT_EQ(moved.size(), world.size());
  mpi::Comm view = moved.view();
  EXPECT_EQ(view.handle(), moved.handle());
}

TEST(Comm, CheckReportsMpiErrorString) {
  EXPECT_NO_THROW(mpi::check(MPI_SUCCESS, "MPI_Barrier"));
  try {
    mpi::check(MPI_ERR_COUNT, "MPI_Allreduce");
    FAIL() << "expected MpiError";
  } catch (const polyrep::MpiError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("MPI_Allreduce failed: ", 0), 0u) << msg;
    EXPECT_GT(msg.size(), std::string("MPI_Allreduce failed: ").size()) << msg;
  }
}

}  // namespace

#include "polyrep/mpi/environment.hpp"

namespace {

TEST(Environment, ReusesExistingInitAndMakesErrorsThrow) {
  int argc = 1;
  char name[] = "mpi_mpi";
  char* args[] = {name, nullptr};
  char** argv = args;
  const mpi::Environment env(argc, argv);  // MPI is already up: must neither init nor finalize
  EXPECT_GE(env.thread_level(), MPI_THREAD_SINGLE);
  // With MPI_ERRORS_RETURN installed, an invalid call comes back as an MpiError, not an abort.
  int value = 0;
  EXPECT_THROW(mpi::check(MPI_Bcast(&value, -1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast"),
               polyrep::MpiError);
}

TEST(Comm, AllgatherOfStringsKeepsRankOrderAndEmptyParts) {
  const mpi::Comm world = mpi::Comm::world();
  const std::string mine = world.rank() == 1 ? std::string() : "rank" + std::to_string(world.rank()) + "\xc3\xa9";
  const std::vector<std::string> all = world.allgather(mine);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(world.size()));
  for (int r = 0; r < world.size(); ++r) {
    EXPECT_EQ(all[static_cast<std::size_t>(r)], r == 1 ? std::string() : "rank" + std::to_string(r) + "\xc3\xa9");
  }
}

}  // namespace

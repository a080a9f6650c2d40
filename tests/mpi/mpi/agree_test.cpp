#include "polyrep/mpi/agree.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "polyrep/core/error.hpp"

namespace mpi = polyrep::mpi;

namespace {

TEST(Agree, FailureOnLastRankReachesEveryRank) {
  const mpi::Comm world = mpi::Comm::world();
  const int last = world.size() - 1;
  try {
    mpi::agree(world, [&]() -> int {
      if (world.rank() == last) throw polyrep::InputError("corpus/eng_Latn.dev: line 3 is empty");
      return 1;
    });
    FAIL() << "expected CollectiveError on rank " << world.rank();
  } catch (const polyrep::CollectiveError& e) {
    EXPECT_STREQ(e.what(), "corpus/eng_Latn.dev: line 3 is empty");
    EXPECT_EQ(e.origin_rank(), last);
  }
}

TEST(Agree, LowestFailingRankWins) {
  const mpi::Comm world = mpi::Comm::world();
  try {
    mpi::agree(world, [&] { throw std::runtime_error("rank " + std::to_string(world.rank())); });
    FAIL() << "expected CollectiveError";
  } catch (const polyrep::CollectiveError& e) {
    EXPECT_STREQ(e.what(), "rank 0");
    EXPECT_EQ(e.origin_rank(), 0);
  }
}

TEST(Agree, SuccessReturnsValueIncludingMoveOnly) {
  const mpi::Comm world = mpi::Comm::world();
  EXPECT_EQ(mpi::agree(world, [&] { return world.rank() * 2; }), world.rank() * 2);
  std::unique_ptr<int> p = mpi::agree(world, [] { return std::make_unique<int>(5); });
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 5);
  int calls = 0;
  mpi::agree(world, [&] { ++calls; });
  EXPECT_EQ(calls, 1);
  int target = 3;
  int& ref = mpi::agree(world, [&]() -> int& { return target; });
  EXPECT_EQ(&ref, &target);
}

TEST(Agree, NestedKeepsOriginRankAndLongMessagesAreTruncated) {
  const mpi::Comm world = mpi::Comm::world();
  const int last = world.size() - 1;
  try {
    mpi::agree(world, [&] {
      mpi::agree(world, [&] {
        if (world.rank() == last) throw polyrep::IoError(std::string(10000, 'x'));
      });
    });
    FAIL() << "expected CollectiveError";
  } catch (const polyrep::CollectiveError& e) {
    EXPECT_EQ(e.origin_rank(), last);
    EXPECT_EQ(std::string(e.what()), std::string(mpi::kAgreeMessageBytes - 1, 'x'));
  }
}

TEST(OnRoot, RunsOnlyOnRootAndSharesFailure) {
  const mpi::Comm world = mpi::Comm::world();
  int calls = 0;
  mpi::on_root(world, [&] { ++calls; });
  EXPECT_EQ(calls, world.is_root() ? 1 : 0);
  EXPECT_EQ(world.allreduce_sum(std::int64_t{calls}), 1);
  try {
    mpi::on_root(world, [] { throw polyrep::IoError("out.h5: disk full"); });
    FAIL() << "expected CollectiveError";
  } catch (const polyrep::CollectiveError& e) {
    EXPECT_STREQ(e.what(), "out.h5: disk full");
    EXPECT_EQ(e.origin_rank(), 0);
  }
}

}  // namespace

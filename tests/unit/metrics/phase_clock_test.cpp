#include "polyrep/metrics/phase_clock.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace {

using polyrep::metrics::PhaseClock;
using namespace std::chrono_literals;

TEST(PhaseClock, ChargesEachPieceOfWorkToItsPhase) {
  PhaseClock clock({"load", "forward"});
  ASSERT_EQ(clock.phases().size(), 2u);
  EXPECT_EQ(clock.seconds(), (std::vector<double>{0.0, 0.0}));
  const int value = clock.time(1, [] {
    std::this_thread::sleep_for(30ms);
    return 7;
  });
  EXPECT_EQ(value, 7);
  clock.time(1, [] { std::this_thread::sleep_for(20ms); });
  EXPECT_EQ(clock.seconds(0), 0.0);
  EXPECT_GE(clock.seconds(1), 0.050);
  EXPECT_LT(clock.seconds(1), 5.0);
  EXPECT_GE(clock.since_start(), clock.seconds(1));
}

TEST(PhaseClock, WorkThatThrowsIsStillCharged) {
  PhaseClock clock({"write"});
  EXPECT_THROW(clock.time(0, [] {
    std::this_thread::sleep_for(20ms);
    throw std::runtime_error("disk full");
  }), std::runtime_error);
  EXPECT_GE(clock.seconds(0), 0.020);
}

TEST(PhaseClock, ReturnsReferencesAndMoveOnlyValues) {
  PhaseClock clock({"a"});
  int x = 1;
  int& ref = clock.time(0, [&]() -> int& { return x; });
  ref = 5;
  EXPECT_EQ(x, 5);
  auto owned = clock.time(0, [] { return std::make_unique<int>(3); });
  EXPECT_EQ(*owned, 3);
}

TEST(PhaseClock, UnknownPhaseIsRejectedBeforeTheWorkRuns) {
  PhaseClock clock({"a", "b"});
  bool ran = false;
  EXPECT_THROW(clock.time(2, [&] { ran = true; }), std::out_of_range);
  EXPECT_FALSE(ran);
  EXPECT_THROW(clock.add(5, 1.0), std::out_of_range);
  clock.add(1, 2.5);
  EXPECT_EQ(clock.seconds(1), 2.5);
}

}  // namespace

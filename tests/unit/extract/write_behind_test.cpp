#include "polyrep/extract/write_behind.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

using polyrep::extract::WriteBehind;
using namespace std::chrono_literals;

TEST(WriteBehind, RunsTasksInOrderOnOtherThreadOneAtATime) {
  WriteBehind behind(true);
  std::vector<int> order;  // touched only by tasks, which never overlap
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  const auto caller = std::this_thread::get_id();
  std::atomic<bool> other_thread{true};
  for (int i = 0; i < 20; ++i) {
    behind.run([&, i] {
      const int now = ++running;
      most = std::max(most.load(), now);
      if (std::this_thread::get_id() == caller) other_thread = false;
      std::this_thread::sleep_for(1ms);
      order.push_back(i);
      --running;
    });
  }
  behind.finish();
  ASSERT_EQ(order.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(most.load(), 1);
  EXPECT_TRUE(other_thread.load());
}

TEST(WriteBehind, RunReturnsWhileTheTaskRunsAndWaitsForThePreviousOne) {
  WriteBehind behind(true);
  std::atomic<bool> release{false};
  std::atomic<bool> first_done{false};
  behind.run([&] {
    while (!release) std::this_thread::sleep_for(1ms);
    first_done = true;
  });
  EXPECT_FALSE(first_done.load());  // run() did not wait for the task itself
  std::thread opener([&] {
    std::this_thread::sleep_for(30ms);
    release = true;
  });
  behind.run([&] { EXPECT_TRUE(first_done.load()); });  // waited for the first to finish
  EXPECT_TRUE(first_done.load());
  behind.finish();
  opener.join();
}

TEST(WriteBehind, ATaskErrorComesBackFromTheNextRunOrFinish) {
  WriteBehind behind(true);
  behind.run([] { throw std::runtime_error("disk full"); });
  EXPECT_THROW(behind.run([] {}), std::runtime_error);
  WriteBehind other(true);
  other.run([] { throw std::runtime_error("disk full"); });
  EXPECT_THROW(other.finish(), std::runtime_error);
}

TEST(WriteBehind, DestructorCancelsAWaitingTaskAndJoins) {
  std::atomic<bool> saw_cancel{false};
  {
    WriteBehind behind(true);
    behind.run([&] {
      // A task waiting for other ranks that will never come: it must see the cancellation.
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (std::chrono::steady_clock::now() < deadline) {
        if (behind.cancelled()) {
          saw_cancel = true;
          return;
        }
        std::this_thread::sleep_for(1ms);
      }
    });
    std::this_thread::sleep_for(10ms);
  }  // as when the caller throws: no finish()
  EXPECT_TRUE(saw_cancel.load());
}

TEST(WriteBehind, DisabledRunsInlineAndThrowsAtOnce) {
  WriteBehind behind(false);
  EXPECT_FALSE(behind.enabled());
  const auto caller = std::this_thread::get_id();
  bool ran = false;
  behind.run([&] {
    ran = true;
    EXPECT_EQ(std::this_thread::get_id(), caller);
  });
  EXPECT_TRUE(ran);
  EXPECT_THROW(behind.run([] { throw std::runtime_error("x"); }), std::runtime_error);
  behind.finish();
}

}  // namespace

namespace {

// With depth 3 the caller queues three windows while the first is still being written, and only
// the fourth waits: ranks can drift by a few windows instead of meeting at every write round.
TEST(WriteBehind, ADeeperQueueLetsTheCallerRunAhead) {
  WriteBehind behind(true, 3);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> done{0};
  std::vector<int> order;
  for (int i = 0; i < 3; ++i) behind.run([&, gate, i] { gate.wait(); order.push_back(i); ++done; });
  EXPECT_EQ(done.load(), 0);  // all three queued, none finished
  std::thread opener([&] { std::this_thread::sleep_for(50ms); release.set_value(); });
  const auto start = std::chrono::steady_clock::now();
  behind.run([&] { order.push_back(3); ++done; });  // waits until the first has finished
  EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
  behind.finish();
  opener.join();
  EXPECT_EQ(done.load(), 4);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

}  // namespace

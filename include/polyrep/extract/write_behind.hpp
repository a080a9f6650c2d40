#pragma once
/// Runs the collective writes behind the compute. `run(task)` waits until fewer than `depth`
/// tasks are queued or running, then queues `task` for a single writer thread (tasks run one at a
/// time, in order) and returns, so the caller computes window k+1 while window k is written. At
/// most depth + 1 windows are in memory per rank (those queued or being written, the one being
/// computed), and a rank that finishes a window early starts the next one instead of idling at the
/// collective write: differences between ranks' windows average out over depth + 1 rounds instead
/// of costing the slowest rank's time every round, and I/O overlaps compute. Disabled
/// (`--overlap off`, or an MPI without MPI_THREAD_SERIALIZED), tasks run inline.
///
/// Only the writer thread calls MPI and HDF5 while tasks are in flight: the caller must make no
/// MPI or HDF5 call between the first run() and finish(). A task's exception is rethrown by the
/// next run() or by finish(). The destructor (reached when the caller throws) sets cancelled(),
/// which tasks poll while waiting for other ranks, waits for the task in flight and joins; it
/// never throws.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace polyrep::extract {

class WriteBehind {
 public:
  explicit WriteBehind(bool enabled, std::size_t depth = 1);
  ~WriteBehind();
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  bool enabled() const { return enabled_; }
  void run(std::function<void()> task);
  /// Waits for the last task, stops the thread, rethrows a task's exception.
  void finish();
  /// True once the owner is unwinding: a task waiting for other ranks should give up.
  bool cancelled() const;

 private:
  void loop();
  void wait_idle(std::unique_lock<std::mutex>& lock);
  void rethrow_pending();

  bool enabled_;
  std::size_t depth_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> queue_;
  std::size_t pending_ = 0;  // tasks queued or running
  bool stopping_ = false;
  bool cancelled_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace polyrep::extract

#pragma once
/// Runs the collective writes one window behind the compute. `run(task)` waits until the previous
/// task has finished, then starts `task` on a single writer thread and returns, so the caller
/// computes window k+1 while window k is written. At most two windows are in memory per rank (the
/// one being written, the one being computed), and a rank that finishes a window early starts the
/// next one instead of idling at the collective write: differences between ranks' windows average
/// out over two rounds instead of costing the slowest rank's time every round, and I/O overlaps
/// compute. Disabled (`--overlap off`, `auto` on a CPU, or an MPI without MPI_THREAD_SERIALIZED),
/// tasks run inline.
///
/// Only the writer thread calls MPI and HDF5 while tasks are in flight: the caller must make no
/// MPI or HDF5 call between the first run() and finish(). A task's exception is rethrown by the
/// next run() or by finish(). The destructor (reached when the caller throws) sets cancelled(),
/// which tasks poll while waiting for other ranks, waits for the task in flight and joins; it
/// never throws.
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace polyrep::extract {

class WriteBehind {
 public:
  explicit WriteBehind(bool enabled);
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
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::function<void()> next_;
  bool busy_ = false;        // a task is queued or running
  bool stopping_ = false;
  bool cancelled_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace polyrep::extract

#include "polyrep/extract/write_behind.hpp"

namespace polyrep::extract {

WriteBehind::WriteBehind(bool enabled, std::size_t depth) : enabled_(enabled), depth_(depth < 1 ? 1 : depth) {
  if (enabled_) thread_ = std::thread([this] { loop(); });
}

WriteBehind::~WriteBehind() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

bool WriteBehind::cancelled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cancelled_;
}

void WriteBehind::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty() || cancelled_) return;  // stopping, or the owner is unwinding: start nothing new
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    std::exception_ptr error;
    try {
      task();
    } catch (...) {
      error = std::current_exception();
    }
    task = nullptr;  // release the window's memory before saying we are idle
    lock.lock();
    if (error && !error_) error_ = error;
    --pending_;
    changed_.notify_all();
  }
}

void WriteBehind::wait_idle(std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [this] { return pending_ == 0; });
}

void WriteBehind::rethrow_pending() {
  if (error_) {
    std::exception_ptr error = error_;
    error_ = nullptr;
    std::rethrow_exception(error);
  }
}

void WriteBehind::run(std::function<void()> task) {
  if (!enabled_) {
    task();
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return pending_ < depth_; });
  rethrow_pending();
  queue_.push_back(std::move(task));
  ++pending_;
  changed_.notify_all();
}

void WriteBehind::finish() {
  if (!enabled_) return;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    wait_idle(lock);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  rethrow_pending();
}

}  // namespace polyrep::extract

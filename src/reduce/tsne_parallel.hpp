#pragma once
// Private to the t-SNE sources: splits [0, n) into `threads` contiguous blocks, one std::thread
// each (the caller's thread takes the first). Bodies write only their own rows, and callers reduce
// per-row results in index order, so results do not depend on the thread count.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace polyrep::reduce::detail {

template <class Body>
void parallel_for(std::ptrdiff_t n, int threads, const Body& body) {
  const std::ptrdiff_t parts = std::max<std::ptrdiff_t>(1, std::min<std::ptrdiff_t>(threads, n));
  if (parts == 1) {
    body(std::ptrdiff_t{0}, n);
    return;
  }
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(parts));
  auto run = [&](std::ptrdiff_t part) {
    try {
      body(n * part / parts, n * (part + 1) / parts);
    } catch (...) {
      errors[static_cast<std::size_t>(part)] = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(parts - 1));
  for (std::ptrdiff_t part = 1; part < parts; ++part) workers.emplace_back(run, part);
  run(0);
  for (auto& worker : workers) worker.join();
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace polyrep::reduce::detail

#pragma once
/// Collective error agreement. Code that can fail on some ranks but not others (reading a file,
/// allocating, a bad token) is run inside `agree()`: afterwards either every rank has the result,
/// or every rank throws `polyrep::CollectiveError` carrying the message of the lowest failing rank
/// and that rank's number. Without this, one rank throwing while the others enter the next
/// collective call hangs the job. The agreement costs exactly one MPI_Allreduce and one MPI_Bcast
/// of a fixed-size buffer on every rank, whether or not anything failed; messages longer than
/// `kAgreeMessageBytes - 1` bytes are truncated. A CollectiveError thrown inside `fn` (a nested
/// agree) keeps its original origin rank.
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "polyrep/core/error.hpp"
#include "polyrep/mpi/comm.hpp"

namespace polyrep::mpi {

inline constexpr std::size_t kAgreeMessageBytes = 4096;

namespace detail {

/// The outcome of `fn` on this rank: empty message and origin -1 when it succeeded.
struct LocalOutcome {
  bool failed = false;
  int origin_rank = -1;
  std::string message;
};

/// Runs the agreement; throws CollectiveError on every rank if any rank failed.
void settle(const Comm& comm, const LocalOutcome& mine);

template <typename Fn>
LocalOutcome capture(const Comm& comm, Fn&& fn) {
  LocalOutcome out;
  try {
    std::forward<Fn>(fn)();
  } catch (const CollectiveError& e) {
    out = {true, e.origin_rank(), e.what()};
  } catch (const std::exception& e) {
    out = {true, comm.rank(), e.what()};
  } catch (...) {
    out = {true, comm.rank(), "unknown exception (not derived from std::exception)"};
  }
  return out;
}

}  // namespace detail

template <typename Fn>
auto agree(const Comm& comm, Fn&& fn) -> decltype(fn()) {
  using R = decltype(fn());
  if constexpr (std::is_void_v<R>) {
    detail::settle(comm, detail::capture(comm, std::forward<Fn>(fn)));
  } else if constexpr (std::is_reference_v<R>) {
    std::remove_reference_t<R>* result = nullptr;
    detail::settle(comm, detail::capture(comm, [&] { result = &fn(); }));
    return static_cast<R>(*result);
  } else {
    std::optional<R> result;
    detail::settle(comm, detail::capture(comm, [&] { result.emplace(fn()); }));
    return std::move(*result);
  }
}

/// Runs fn on rank 0 only (e.g. a serial step on the output file); every rank then learns whether
/// it failed, as with agree().
template <typename Fn>
void on_root(const Comm& comm, Fn&& fn) {
  agree(comm, [&] {
    if (comm.is_root()) fn();
  });
}

}  // namespace polyrep::mpi

#pragma once
/// The polyrep error hierarchy. Library code throws these and never catches them to log; only the
/// CLI's main() catches, prints one line with the rank, and makes every rank exit non-zero.
/// `UsageError` is a bad flag, `InputError` a bad input file or its content (the message names the
/// file), `IoError` a failed read/write of our own output, `MpiError` a failed MPI call.
#include <stdexcept>
#include <string>

namespace polyrep {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

class UsageError : public Error {
 public:
  using Error::Error;
};

class InputError : public Error {
 public:
  using Error::Error;
};

class IoError : public Error {
 public:
  using Error::Error;
};

class MpiError : public Error {
 public:
  using Error::Error;
};

/// Thrown on every rank when the ranks agreed to stop on a signal (core/stop.hpp) and left their
/// output resumable; main() prints the message once and exits with kExitResumable.
class Interrupted : public Error {
 public:
  using Error::Error;
};

/// Thrown on every rank with the same message when ranks agreed that one of them failed
/// (see mpi::agree); main() then prints it once, on rank 0, instead of aborting.
class CollectiveError : public Error {
 public:
  CollectiveError(const std::string& what, int origin_rank)
      : Error(what), origin_rank_(origin_rank) {}
  int origin_rank() const noexcept { return origin_rank_; }

 private:
  int origin_rank_;
};

/// Re-throws the exception in flight with `context + ": "` prepended, keeping its type for the
/// polyrep hierarchy (llama.cpp-style stage context: "loading model: config.json: ...").
[[noreturn]] void rethrow_with_context(const std::string& context);

}  // namespace polyrep

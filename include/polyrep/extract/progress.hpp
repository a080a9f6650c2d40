#pragma once
/// Progress of a collective run as rank 0 reports it: sentences and tokens done over all ranks,
/// tokens/s and an ETA. On a terminal it redraws one line; in a log (mpirun, batch jobs) it prints
/// a plain line at most every `interval` seconds, so logs stay short.
#include <chrono>
#include <cstdint>
#include <string>

namespace polyrep::extract {

class Progress {
 public:
  Progress(std::string what, std::int64_t total_sentences, std::int64_t total_tokens,
           double interval_seconds, bool enabled);

  /// Called with global counts (already summed over ranks).
  void update(std::int64_t sentences_done, std::int64_t tokens_done);
  void finish(std::int64_t sentences_done, std::int64_t tokens_done);

  double elapsed_seconds() const;
  /// Tokens an earlier run already did (--resume): counted as done, not in tokens/s.
  void start_from(std::int64_t tokens_done) { base_tokens_ = tokens_done; }

  /// "1h02m", "3m05s", "12s": the ETA format, exposed for tests.
  static std::string format_duration(double seconds);

 private:
  std::string line(std::int64_t sentences_done, std::int64_t tokens_done) const;

  std::string what_;
  std::int64_t total_sentences_;
  std::int64_t total_tokens_;
  std::int64_t base_tokens_ = 0;
  double interval_;
  bool enabled_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace polyrep::extract

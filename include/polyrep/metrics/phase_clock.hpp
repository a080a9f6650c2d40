#pragma once
/// Wall time per named phase of one rank's run (load, tokenize, forward, ...), for `--metrics`.
/// Phases are indices into a fixed list so that the hot loop only adds doubles; `time()` wraps a
/// piece of work and charges it to a phase even when it throws, and `since_start()` gives the
/// moments (such as "this rank finished its last window") that are not durations of one phase.
///
/// Code below a run does not take a clock as a parameter: the run installs its clock with
/// `ActiveClock`, and a timed scope is one line, `POLYREP_PROFILE(phase::forward);` (CTranslate2's
/// PROFILE), which charges nothing when no clock is active. Charges are thread-safe, so that
/// extract's writer thread and its compute thread can share one clock.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace polyrep::metrics {

class PhaseClock {
 public:
  using clock = std::chrono::steady_clock;

  explicit PhaseClock(std::vector<std::string> phases);

  const std::vector<std::string>& phases() const { return phases_; }
  /// Seconds charged to each phase, aligned with phases().
  const std::vector<double>& seconds() const { return seconds_; }
  double seconds(std::size_t phase) const { return seconds_.at(phase); }
  /// Seconds since construction.
  double since_start() const;

  /// std::out_of_range for a phase index outside phases().
  void add(std::size_t phase, double seconds);

  template <typename Fn>
  decltype(auto) time(std::size_t phase, Fn&& fn) {
    const Charge charge(*this, phase);
    return std::forward<Fn>(fn)();
  }

 private:
  struct Charge {  // adds the elapsed time on scope exit, exception or not
    Charge(PhaseClock& owner_clock, std::size_t phase_index);
    ~Charge();
    Charge(const Charge&) = delete;
    Charge& operator=(const Charge&) = delete;
    PhaseClock& owner;
    std::size_t phase;
    clock::time_point start;
  };

  std::vector<std::string> phases_;
  std::vector<double> seconds_;
  clock::time_point start_;
  mutable std::mutex mutex_;
};

/// The clock POLYREP_PROFILE charges in this process (null when none is active).
PhaseClock* active_clock();

/// Makes `clock` the active one until destroyed, then restores the previous one.
class ActiveClock {
 public:
  explicit ActiveClock(PhaseClock& clock);
  ~ActiveClock();
  ActiveClock(const ActiveClock&) = delete;
  ActiveClock& operator=(const ActiveClock&) = delete;

 private:
  PhaseClock* previous_;
};

/// Charges its lifetime to `phase` of the clock active at construction (if any).
class ScopedPhase {
 public:
  explicit ScopedPhase(std::size_t phase);
  ~ScopedPhase();
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;

 private:
  PhaseClock* clock_;
  std::size_t phase_;
  PhaseClock::clock::time_point start_;
};

}  // namespace polyrep::metrics

#define POLYREP_PROFILE_CAT2(a, b) a##b
#define POLYREP_PROFILE_CAT(a, b) POLYREP_PROFILE_CAT2(a, b)
/// Charges the rest of the enclosing scope to `phase` of the active clock.
#define POLYREP_PROFILE(phase) \
  const ::polyrep::metrics::ScopedPhase POLYREP_PROFILE_CAT(polyrep_profile_, __LINE__)(phase)

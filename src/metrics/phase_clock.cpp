#include "polyrep/metrics/phase_clock.hpp"

#include <atomic>
#include <stdexcept>

namespace polyrep::metrics {

PhaseClock::PhaseClock(std::vector<std::string> phases)
    : phases_(std::move(phases)), seconds_(phases_.size(), 0.0), start_(clock::now()) {}

double PhaseClock::since_start() const {
  return std::chrono::duration<double>(clock::now() - start_).count();
}

void PhaseClock::add(std::size_t phase, double seconds) {
  if (phase >= seconds_.size()) {
    throw std::out_of_range("PhaseClock: phase " + std::to_string(phase) + " of " +
                            std::to_string(seconds_.size()));
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  seconds_[phase] += seconds;
}

PhaseClock::Charge::Charge(PhaseClock& owner_clock, std::size_t phase_index)
    : owner(owner_clock), phase(phase_index), start(clock::now()) {
  if (phase >= owner.seconds_.size()) owner.add(phase, 0.0);  // throws before any work is done
}

PhaseClock::Charge::~Charge() {
  owner.add(phase, std::chrono::duration<double>(clock::now() - start).count());
}

namespace {
std::atomic<PhaseClock*> active{nullptr};
}

PhaseClock* active_clock() { return active.load(); }

ActiveClock::ActiveClock(PhaseClock& clock) : previous_(active.exchange(&clock)) {}

ActiveClock::~ActiveClock() { active.store(previous_); }

ScopedPhase::ScopedPhase(std::size_t phase)
    : clock_(active.load()), phase_(phase), start_(PhaseClock::clock::now()) {
  if (clock_ != nullptr && phase_ >= clock_->phases().size()) clock_->add(phase_, 0.0);  // throws
}

ScopedPhase::~ScopedPhase() {
  if (clock_ != nullptr) clock_->add(phase_, std::chrono::duration<double>(PhaseClock::clock::now() - start_).count());
}

}  // namespace polyrep::metrics

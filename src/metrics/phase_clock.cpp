#include "polyrep/metrics/phase_clock.hpp"

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
  seconds_[phase] += seconds;
}

PhaseClock::Charge::Charge(PhaseClock& owner_clock, std::size_t phase_index)
    : owner(owner_clock), phase(phase_index), start(clock::now()) {
  if (phase >= owner.seconds_.size()) owner.add(phase, 0.0);  // throws before any work is done
}

PhaseClock::Charge::~Charge() {
  owner.seconds_[phase] += std::chrono::duration<double>(clock::now() - start).count();
}

}  // namespace polyrep::metrics

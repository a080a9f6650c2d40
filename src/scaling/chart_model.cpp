#include "chart_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace polyrep::scaling::chart {
namespace {

// Above this many distinct rank counts, a log axis ticks powers of two instead.
constexpr std::size_t kMaxRankTicks = 8;
// Log axes extend this many octaves past the extreme rank counts, so end markers stay inside.
constexpr double kLogPad = 0.3;
// Value axes reach this far above the largest value.
constexpr double kHeadroom = 1.08;

double nice_step(double span, int target_ticks) {
  const double raw = span / target_ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0}) {
    if (raw <= m * magnitude * 1.0000001) return m * magnitude;
  }
  return 10 * magnitude;
}

}  // namespace

double Axis::unit(double v) const {
  if (log2) {
    if (!(v > 0)) return std::nan("");
    return (std::log2(v) - std::log2(lo)) / (std::log2(hi) - std::log2(lo));
  }
  return (v - lo) / (hi - lo);
}

bool Panel::has_data() const {
  if (!bars.empty()) return true;
  for (const Line& line : lines) {
    for (std::size_t i = 0; i < line.x.size(); ++i)
      if (std::isfinite(line.x[i]) && std::isfinite(line.y[i])) return true;
  }
  return false;
}

bool log2_ranks(const std::vector<int>& ranks) {
  if (ranks.empty()) return false;
  const auto [lo, hi] = std::minmax_element(ranks.begin(), ranks.end());
  return *hi > 2 * *lo;
}

Axis rank_axis(std::vector<int> ranks, const std::string& title) {
  Axis axis;
  axis.title = title;
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  if (ranks.empty()) ranks.push_back(1);
  const double lo = ranks.front(), hi = ranks.back();
  axis.log2 = log2_ranks(ranks);
  if (axis.log2) {
    axis.lo = lo / std::exp2(kLogPad);
    axis.hi = hi * std::exp2(kLogPad);
  } else {
    const double pad = std::max(0.5, 0.06 * (hi - lo));
    axis.lo = lo - pad;
    axis.hi = hi + pad;
  }
  if (ranks.size() <= kMaxRankTicks || !axis.log2) {
    // A linear axis with many rank counts: every k-th one, so labels do not collide.
    const std::size_t every = (ranks.size() + kMaxRankTicks - 1) / kMaxRankTicks;
    for (std::size_t i = 0; i < ranks.size(); i += every) axis.ticks.push_back(ranks[i]);
  } else {
    for (double p = std::exp2(std::ceil(std::log2(lo))); p <= hi; p *= 2) axis.ticks.push_back(p);
  }
  for (double t : axis.ticks) axis.tick_labels.push_back(tick_label(t));
  return axis;
}

Axis value_axis(double data_max, double min_hi, const std::string& title) {
  Axis axis;
  axis.title = title;
  double hi = std::isfinite(data_max) ? data_max * kHeadroom : 0;
  hi = std::max(hi, min_hi);
  if (!(hi > 0)) hi = 1;
  axis.lo = 0;
  axis.hi = hi;
  const double step = nice_step(hi, 4);
  for (int k = 0; k * step <= hi * 1.0000001; ++k) axis.ticks.push_back(k * step);
  for (double t : axis.ticks) axis.tick_labels.push_back(tick_label(t));
  return axis;
}

std::string tick_label(double v) {
  char text[32];
  const double a = std::fabs(v);
  if (a >= 1e6) {
    std::snprintf(text, sizeof text, "%gM", v / 1e6);
  } else if (a >= 1e4) {
    std::snprintf(text, sizeof text, "%gk", v / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%g", std::round(v * 1e6) / 1e6);
  }
  return text;
}

}  // namespace polyrep::scaling::chart

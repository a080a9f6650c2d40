#include "polyrep/extract/work_estimate.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace polyrep::extract {
namespace {
// Fitted by tools/bench/work_calibration (see work_estimate.hpp).
constexpr double kAttentionPerHidden = 2.5;
constexpr double kWindowOverhead = 0.0;
}  // namespace

WorkModel work_model_for_hidden(std::int64_t hidden_size) {
  if (hidden_size <= 0) throw std::invalid_argument("work model: hidden size must be positive");
  return WorkModel{kAttentionPerHidden * static_cast<double>(hidden_size), kWindowOverhead};
}

std::vector<double> window_work(const Plan& plan, const WorkModel& model) {
  std::vector<double> out;
  out.reserve(plan.windows.size());
  for (const Window& window : plan.windows) {
    double cost = static_cast<double>(window.end_token - window.first_token) + model.window_overhead;
    if (model.attention_length > 0) {
      for (const Batch& batch : window.batches) {
        const auto len = static_cast<double>(batch.max_len);
        cost += static_cast<double>(batch.sentences.size()) * len * len / model.attention_length;
      }
    }
    out.push_back(cost);
  }
  return out;
}

std::vector<double> rank_work(const std::vector<RankSlice>& slices, const std::vector<double>& window_weights) {
  std::vector<double> out;
  out.reserve(slices.size());
  for (const RankSlice& slice : slices) {
    if (slice.first_window < 0 || slice.end_window < slice.first_window ||
        slice.end_window > static_cast<std::int64_t>(window_weights.size())) {
      throw std::invalid_argument("rank_work: slice outside the windows");
    }
    out.push_back(std::accumulate(window_weights.begin() + slice.first_window,
                                  window_weights.begin() + slice.end_window, 0.0));
  }
  return out;
}

double imbalance(const std::vector<double>& per_rank) {
  if (per_rank.empty()) return 0;
  const double total = std::accumulate(per_rank.begin(), per_rank.end(), 0.0);
  if (total <= 0) return 0;
  const double mean = total / static_cast<double>(per_rank.size());
  return *std::max_element(per_rank.begin(), per_rank.end()) / mean - 1.0;
}

}  // namespace polyrep::extract

#pragma once
/// How much forward work each window of a plan is, so that ranks can be given equal work rather
/// than equal tokens. Languages differ in tokenizer fertility, so equal tokens can mean very
/// different sentence lengths: a batch costs its padded tokens (B x max_len) times a per-token
/// factor that grows with the sequence length through attention. Per layer and token a transformer
/// does about 24 h^2 flops in its dense parts and 4 L h in attention (L = padded length, h =
/// hidden size), so the factor is 1 + L / (6 h). The unit is "padded-token equivalents".
#include <cstdint>
#include <vector>

#include "polyrep/extract/plan.hpp"

namespace polyrep::extract {

struct WorkModel {
  /// 6 x hidden size; the padded length at which attention costs as much as the dense layers.
  /// 0 counts padded tokens only.
  double attention_length = 0;
};

WorkModel work_model_for_hidden(std::int64_t hidden_size);

/// Estimated cost of each window of `plan`, in plan order.
std::vector<double> window_work(const Plan& plan, const WorkModel& model);

/// Per-rank sums of `window_weights` over each slice.
std::vector<double> rank_work(const std::vector<RankSlice>& slices, const std::vector<double>& window_weights);

/// max / mean - 1 of per-rank work (0 for one rank or no work): how much later than the average
/// the most loaded rank would finish if time were proportional to the estimate.
double imbalance(const std::vector<double>& per_rank);

}  // namespace polyrep::extract

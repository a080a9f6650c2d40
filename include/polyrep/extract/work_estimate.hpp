#pragma once
/// How much forward work each window of a plan is, so that ranks can be given equal work rather
/// than equal tokens. The forward runs a window's sentences packed without padding, so its dense
/// layers (about 24 h^2 flops per token and layer, h = hidden size) cost its real tokens; only
/// attention is computed on length groups padded to their longest sentence, B x L^2 slots per
/// group (about 4 h flops each per layer), and its cost grows with the square of the length:
/// languages whose tokenizer fertility doubles the length quadruple it. Per window there is also
/// a fixed cost (the collective write round, index set-up, copies). The unit is "token
/// equivalents": a window of real tokens T costs T + sum_groups B L^2 / attention_length +
/// window_overhead.
#include <cstdint>
#include <vector>

#include "polyrep/extract/plan.hpp"

namespace polyrep::extract {

struct WorkModel {
  /// Padded attention slots that cost as much as one token of the dense layers; 0 = attention
  /// not counted.
  double attention_length = 0;
  /// Fixed cost of one window, in token equivalents.
  double window_overhead = 0;
};

/// Calibrated against measured forward times of an mBERT-base-shaped model on 2 cores (OpenBLAS;
/// tools/bench/calibrate_work.sh): attention_length = 1.6 h (the flop ratio alone would give
/// 6 h: attention's small matrix products and softmax run far below GEMM speed) and a window
/// overhead of 8 tokens. std::invalid_argument for hidden_size <= 0.
WorkModel work_model_for_hidden(std::int64_t hidden_size);

/// Estimated cost of each window of `plan`, in plan order.
std::vector<double> window_work(const Plan& plan, const WorkModel& model);

/// Per-rank sums of `window_weights` over each slice.
std::vector<double> rank_work(const std::vector<RankSlice>& slices, const std::vector<double>& window_weights);

/// max / mean - 1 of per-rank work (0 for one rank or no work): how much later than the average
/// the most loaded rank would finish if time were proportional to the estimate.
double imbalance(const std::vector<double>& per_rank);

}  // namespace polyrep::extract

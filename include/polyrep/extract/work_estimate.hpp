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

/// Calibrated against measured times of the window runner (packed forward, copies, pooling) on an
/// mBERT-base-shaped model, 1 thread, OpenBLAS, 36 windows of 256 to 1,124 tokens made of
/// sentences of 8 to 256 tokens (tools/bench/work_calibration): the least-squares fit gives
/// attention_length = 2.48 h (the flop ratio alone would say 6 h: attention's small products and
/// softmax run well below GEMM speed) and 1.3 tokens per window, within the noise, so 2.5 h and 0;
/// the fit's errors are within +-11% per window, the machine's run-to-run noise. (A window's
/// collective write round is not in it: its cost is the "wait"/"write" phases, not forward work.)
/// std::invalid_argument for hidden_size <= 0.
WorkModel work_model_for_hidden(std::int64_t hidden_size);

/// Estimated cost of each window of `plan`, in plan order.
std::vector<double> window_work(const Plan& plan, const WorkModel& model);

/// Per-rank sums of `window_weights` over each slice.
std::vector<double> rank_work(const std::vector<RankSlice>& slices, const std::vector<double>& window_weights);

/// max / mean - 1 of per-rank work (0 for one rank or no work): how much later than the average
/// the most loaded rank would finish if time were proportional to the estimate.
double imbalance(const std::vector<double>& per_rank);

}  // namespace polyrep::extract

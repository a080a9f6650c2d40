#include "polyrep/extract/work_estimate.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using namespace polyrep::extract;

TEST(WorkEstimate, RealTokensPlusPaddedAttentionPlusWindowOverhead) {
  // batch_tokens 10: window 0 = sentences {5,3} (8 tokens) -> one batch [5,3] (2x5 = 10 <= 10);
  // window 1 = {8,2} (10 tokens) -> batches [8] and [2]; window 2 = {7,1} (8 tokens) -> [7], [1].
  const Plan plan = make_plan({5, 3, 8, 2, 7, 1}, PlanOptions{10, 2, 100});
  ASSERT_EQ(plan.windows.size(), 3u);
  EXPECT_EQ(window_work(plan, WorkModel{}), (std::vector<double>{8, 10, 8}));  // real tokens only
  const auto work = window_work(plan, WorkModel{12, 3});
  EXPECT_DOUBLE_EQ(work[0], 8 + 3 + 2 * 5 * 5 / 12.0);           // one group of 2 padded to 5
  EXPECT_DOUBLE_EQ(work[1], 10 + 3 + (8 * 8 + 2 * 2) / 12.0);
  EXPECT_DOUBLE_EQ(work[2], 8 + 3 + (7 * 7 + 1 * 1) / 12.0);
  // The calibrated model (work_estimate.hpp): attention_length 2.5 h, nothing per window.
  const WorkModel model = work_model_for_hidden(10);
  EXPECT_DOUBLE_EQ(model.attention_length, 25.0);
  EXPECT_DOUBLE_EQ(model.window_overhead, 0.0);
  EXPECT_THROW(work_model_for_hidden(0), std::invalid_argument);
}

TEST(WorkEstimate, RankSumsAndImbalance) {
  const Plan plan = make_plan({5, 3, 8, 2, 7, 1}, PlanOptions{10, 2, 100});
  const std::vector<double> weights{10, 10, 8};
  const std::vector<RankSlice> slices = partition(plan, 2, weights);
  // Ideal 14: boundaries after window 0 (10) or 1 (20) are 4 and 6 away -> after window 0.
  ASSERT_EQ(slices.size(), 2u);
  EXPECT_EQ(slices[0].end_window, 1);
  EXPECT_EQ(rank_work(slices, weights), (std::vector<double>{10, 18}));
  EXPECT_DOUBLE_EQ(imbalance({10, 18}), 18.0 / 14.0 - 1.0);
  EXPECT_EQ(imbalance({}), 0.0);
  EXPECT_EQ(imbalance({0, 0}), 0.0);
  EXPECT_EQ(imbalance({7}), 0.0);
}

TEST(WorkEstimate, WeightedPartitionFollowsWeightsNotTokens) {
  // Four windows of equal tokens (4 each) but the last two are four times as costly: equal work
  // puts three windows on rank 0 ... no: weights 1,1,4,4 -> ideal 5 -> boundary after window 2
  // (prefix 6, distance 1) beats after window 1 (prefix 2, distance 3).
  const Plan plan = make_plan({4, 4, 4, 4}, PlanOptions{4, 1, 4});
  ASSERT_EQ(plan.windows.size(), 4u);
  EXPECT_EQ(partition(plan, 2)[0].end_window, 2);  // by tokens: halves
  EXPECT_EQ(partition(plan, 2, {1, 1, 4, 4})[0].end_window, 3);
  EXPECT_THROW(partition(plan, 2, {1, 1, 4}), std::invalid_argument);
  EXPECT_THROW(partition(plan, 2, {1, -1, 4, 4}), std::invalid_argument);
}

}  // namespace

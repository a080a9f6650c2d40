#include "polyrep/model/packed_attention.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "polyrep/model/layers.hpp"

namespace polyrep::model {
namespace {

PackedInput two_sentences(std::vector<std::vector<std::int64_t>> groups) {
  PackedInput in;
  in.ids = at::arange(5, at::kLong);
  in.offsets = {0, 3, 5};  // sentence 0: rows 0-2, sentence 1: rows 3-4
  in.groups = std::move(groups);
  return in;
}

std::vector<std::int64_t> values(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

TEST(PackedInput, LayoutIsChecked) {
  EXPECT_NO_THROW(check_packed(two_sentences({{0, 1}})));
  EXPECT_THROW(check_packed(two_sentences({{0}})), std::invalid_argument);        // sentence 1 missing
  EXPECT_THROW(check_packed(two_sentences({{0, 1}, {1}})), std::invalid_argument);  // twice
  PackedInput empty_sentence = two_sentences({{0, 1}});
  empty_sentence.offsets = {0, 5, 5};
  EXPECT_THROW(check_packed(empty_sentence), std::invalid_argument);
  PackedInput short_ids = two_sentences({{0, 1}});
  short_ids.ids = at::arange(4, at::kLong);
  EXPECT_THROW(check_packed(short_ids), std::invalid_argument);
  EXPECT_EQ(values(positions_in_sentence(two_sentences({{0, 1}}))), (std::vector<std::int64_t>{0, 1, 2, 0, 1}));
}

TEST(AttentionLayout, PadsEachGroupToItsLongestSentence) {
  const AttentionLayout layout(two_sentences({{0, 1}}), false, at::kCPU);
  ASSERT_EQ(layout.groups().size(), 1u);
  const auto& g = layout.groups()[0];
  EXPECT_EQ(g.count, 2);
  EXPECT_EQ(g.length, 3);
  EXPECT_EQ(values(g.gather), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 4}));  // the pad repeats row 4
  EXPECT_EQ(values(g.real), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(values(g.rows), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  ASSERT_TRUE(g.mask.defined());
  EXPECT_EQ(g.mask.sizes(), (at::IntArrayRef{2, 1, 1, 3}));
  EXPECT_EQ(g.mask[1][0][0][2].item<double>(), kMaskValue);  // sentence 1's padded key
  EXPECT_EQ(g.mask.sum().item<double>(), kMaskValue);        // and nothing else
  // One sentence per group: nothing to mask unless causal.
  const AttentionLayout alone(two_sentences({{1}, {0}}), false, at::kCPU);
  EXPECT_FALSE(alone.groups()[0].mask.defined());
  EXPECT_EQ(alone.groups()[0].first_row, 3);  // attended in place: rows 3-4
  EXPECT_EQ(alone.groups()[0].length, 2);
  const AttentionLayout causal(two_sentences({{1}, {0}}), true, at::kCPU);
  EXPECT_EQ(causal.groups()[1].mask.sizes(), (at::IntArrayRef{1, 1, 3, 3}));
  EXPECT_EQ(causal.groups()[1].mask[0][0][0][1].item<double>(), kMaskValue);  // query 0 must not see key 1
  EXPECT_EQ(causal.groups()[1].mask[0][0][1][0].item<double>(), 0.0);
}

// Per sentence and head, by the textbook formula: softmax(q k^T / sqrt(d)) v.
at::Tensor reference_attention(const at::Tensor& qkv, const std::vector<std::int64_t>& offsets, std::int64_t heads) {
  const std::int64_t hidden = qkv.size(1) / 3, d = hidden / heads;
  at::Tensor out = at::zeros({qkv.size(0), hidden}, at::kDouble);
  const at::Tensor x = qkv.to(at::kDouble);
  for (std::size_t s = 0; s + 1 < offsets.size(); ++s) {
    const std::int64_t first = offsets[s], n = offsets[s + 1] - first;
    for (std::int64_t h = 0; h < heads; ++h) {
      const at::Tensor q = x.narrow(0, first, n).narrow(1, h * d, d);
      const at::Tensor k = x.narrow(0, first, n).narrow(1, hidden + h * d, d);
      const at::Tensor v = x.narrow(0, first, n).narrow(1, 2 * hidden + h * d, d);
      const at::Tensor w = at::softmax(at::matmul(q, k.t()) / std::sqrt(double(d)), 1);
      out.narrow(0, first, n).narrow(1, h * d, d).copy_(at::matmul(w, v));
    }
  }
  return out;
}

TEST(PackedAttention, MatchesPerSentenceAttentionWhateverTheGrouping) {
  at::manual_seed(3);
  const at::Tensor qkv = at::randn({5, 3 * 8});  // hidden 8, 2 heads of 4
  const ScoreFn scores = [](const at::Tensor& q, const at::Tensor& k, const at::Tensor& mask) {
    at::Tensor s = at::matmul(q, k.transpose(-1, -2)) / 2.0;  // sqrt(4)
    return mask.defined() ? s + mask : s;
  };
  const at::Tensor expected = reference_attention(qkv, {0, 3, 5}, 2);
  for (const auto& groups : {std::vector<std::vector<std::int64_t>>{{0, 1}}, {{1, 0}}, {{0}, {1}}}) {
    const at::Tensor got = packed_attention(AttentionLayout(two_sentences(groups), false, at::kCPU), qkv, 2, scores);
    EXPECT_LT((got.to(at::kDouble) - expected).abs().max().item<double>(), 1e-6);
  }
}

}  // namespace
}  // namespace polyrep::model

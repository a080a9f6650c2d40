#include "polyrep/model/packed_attention.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "polyrep/model/layers.hpp"

namespace polyrep::model {
namespace {

at::Tensor longs_on(const std::vector<std::int64_t>& values, const at::Device& device) {
  return at::tensor(values, at::kLong).to(device);
}

/// HF's masks: padded keys get finfo.min (get_extended_attention_mask); a causal model also
/// masks keys after the query (_prepare_4d_causal_attention_mask).
at::Tensor group_mask(const std::vector<std::int64_t>& lengths, std::int64_t length, bool causal) {
  const auto count = static_cast<std::int64_t>(lengths.size());
  const bool padded = std::any_of(lengths.begin(), lengths.end(), [&](std::int64_t n) { return n < length; });
  if (!causal && !padded) return {};
  at::Tensor keys_padded = at::zeros({count, length}, at::kBool);
  auto acc = keys_padded.accessor<bool, 2>();
  for (std::int64_t j = 0; j < count; ++j) {
    for (std::int64_t i = lengths[static_cast<std::size_t>(j)]; i < length; ++i) acc[j][i] = true;
  }
  if (!causal) {
    return at::zeros({count, 1, 1, length}, at::kFloat).masked_fill(keys_padded.view({count, 1, 1, length}), kMaskValue);
  }
  at::Tensor upper = at::full({length, length}, kMaskValue, at::kFloat).triu(1);
  return upper.view({1, 1, length, length})
      .expand({count, 1, length, length})
      .masked_fill(keys_padded.view({count, 1, 1, length}), kMaskValue);
}

}  // namespace

void check_packed(const PackedInput& input) {
  const auto& off = input.offsets;
  if (!input.ids.defined() || input.ids.dim() != 1 || input.ids.scalar_type() != at::kLong)
    throw std::invalid_argument("packed input: ids must be int64 [N]");
  if (off.empty() || off.front() != 0 || off.back() != input.ids.numel())
    throw std::invalid_argument("packed input: offsets must run from 0 to the token count");
  for (std::size_t s = 0; s + 1 < off.size(); ++s) {
    if (off[s + 1] <= off[s]) throw std::invalid_argument("packed input: sentence " + std::to_string(s) + " is empty");
  }
  std::vector<int> seen(off.size() - 1, 0);
  for (const auto& group : input.groups) {
    for (std::int64_t s : group) {
      if (s < 0 || s >= input.sentences() || seen[static_cast<std::size_t>(s)]++)
        throw std::invalid_argument("packed input: groups must hold every sentence exactly once");
    }
  }
  if (std::find(seen.begin(), seen.end(), 0) != seen.end())
    throw std::invalid_argument("packed input: groups must hold every sentence exactly once");
  for (std::size_t i = 0; i < input.attention.size(); ++i) {
    const std::int64_t s = input.attention[i];
    if (s < 0 || s >= input.sentences() || (i > 0 && s <= input.attention[i - 1]))
      throw std::invalid_argument("packed input: attention sentences must be ascending and within range");
  }
}

at::Tensor positions_in_sentence(const PackedInput& input) {
  at::Tensor out = at::empty({input.tokens()}, at::kLong);
  std::int64_t* p = out.data_ptr<std::int64_t>();
  for (std::size_t s = 0; s + 1 < input.offsets.size(); ++s) {
    for (std::int64_t r = input.offsets[s]; r < input.offsets[s + 1]; ++r) *p++ = r - input.offsets[s];
  }
  return out;
}

AttentionLayout::AttentionLayout(const PackedInput& input, bool causal, const at::Device& device)
    : tokens_(input.tokens()) {
  const auto& off = input.offsets;
  const auto length_of = [&](std::int64_t s) { return off[static_cast<std::size_t>(s) + 1] - off[static_cast<std::size_t>(s)]; };
  std::vector<std::int64_t> map_offset(static_cast<std::size_t>(input.sentences()), -1);
  for (std::int64_t s : input.attention) {
    map_offset[static_cast<std::size_t>(s)] = map_elements_;
    map_elements_ += length_of(s) * length_of(s);
  }
  for (const auto& sentences : input.groups) {
    Group g;
    g.count = static_cast<std::int64_t>(sentences.size());
    std::vector<std::int64_t>& lengths = g.lengths;
    for (std::int64_t s : sentences) {
      lengths.push_back(length_of(s));
      g.map_offset.push_back(map_offset[static_cast<std::size_t>(s)]);
    }
    g.length = *std::max_element(lengths.begin(), lengths.end());
    g.first_row = off[static_cast<std::size_t>(sentences.front())];
    std::vector<std::int64_t> gather, real, rows;
    for (std::int64_t j = 0; j < g.count; ++j) {
      const std::int64_t first = off[static_cast<std::size_t>(sentences[static_cast<std::size_t>(j)])];
      const std::int64_t n = lengths[static_cast<std::size_t>(j)];
      for (std::int64_t i = 0; i < g.length; ++i) {
        gather.push_back(first + std::min(i, n - 1));  // padding repeats a real row: finite, masked
        if (i < n) {
          real.push_back(j * g.length + i);
          rows.push_back(first + i);
        }
      }
    }
    if (g.count > 1) {  // a single sentence is attended in place (packed_attention)
      g.gather = longs_on(gather, device);
      g.real = longs_on(real, device);
      g.rows = longs_on(rows, device);
    }
    at::Tensor mask = group_mask(lengths, g.length, causal);
    if (mask.defined()) g.mask = mask.to(device);
    groups_.push_back(std::move(g));
  }
}

namespace {

/// The head average of the wanted sentences' probabilities [count, heads, length, length], each
/// cut to its real tokens (padded keys have probability 0, padded queries are dropped).
void store_maps(const AttentionLayout::Group& g, const at::Tensor& probs, at::Tensor* maps) {
  if (maps == nullptr) return;
  for (std::int64_t j = 0; j < g.count; ++j) {
    const std::int64_t at_offset = g.map_offset[static_cast<std::size_t>(j)];
    if (at_offset < 0) continue;
    const std::int64_t n = g.lengths[static_cast<std::size_t>(j)];
    const at::Tensor mean = probs[j].to(at::kFloat).mean(0).narrow(0, 0, n).narrow(1, 0, n);
    maps->narrow(0, at_offset, n * n).view({n, n}).copy_(mean);
  }
}

void attend_group(const AttentionLayout::Group& g, const at::Tensor& qkv, std::int64_t heads, const ScoreFn& scores,
                  at::Tensor& context, at::Tensor* maps) {
  const std::int64_t hidden = qkv.size(1) / 3, head_dim = hidden / heads;
  if (g.count == 1) {  // one sentence: its rows are contiguous, nothing to gather or pad
    const at::Tensor slab =
        qkv.narrow(0, g.first_row, g.length).view({1, g.length, 3, heads, head_dim}).permute({2, 0, 3, 1, 4});
    const at::Tensor probs = softmax_float32(scores(slab[0], slab[1], g.mask), qkv.scalar_type());
    store_maps(g, probs, maps);
    context.narrow(0, g.first_row, g.length).view({1, g.length, heads, head_dim})
        .copy_(at::matmul(probs, slab[2]).permute({0, 2, 1, 3}));
    return;
  }
  // [3, count, heads, length, head_dim]: the HF layout of query/key/value per sentence.
  const at::Tensor slab =
      qkv.index_select(0, g.gather).view({g.count, g.length, 3, heads, head_dim}).permute({2, 0, 3, 1, 4});
  const at::Tensor probs = softmax_float32(scores(slab[0], slab[1], g.mask), qkv.scalar_type());
  store_maps(g, probs, maps);
  const at::Tensor grouped = at::matmul(probs, slab[2]).permute({0, 2, 1, 3}).reshape({g.count * g.length, hidden});
  context.index_copy_(0, g.rows, grouped.index_select(0, g.real));
}

// Groups ordered longest, shortest, second longest, ...: the contiguous chunks at::parallel_for
// hands the threads then get similar work although attention grows with the length squared.
std::vector<std::size_t> zigzag_by_cost(const std::vector<AttentionLayout::Group>& groups) {
  std::vector<std::size_t> by_cost(groups.size());
  for (std::size_t i = 0; i < by_cost.size(); ++i) by_cost[i] = i;
  const auto cost = [&](std::size_t i) { return groups[i].count * groups[i].length * groups[i].length; };
  std::stable_sort(by_cost.begin(), by_cost.end(), [&](std::size_t a, std::size_t b) { return cost(a) > cost(b); });
  std::vector<std::size_t> order;
  for (std::size_t lo = 0, hi = by_cost.size(); lo < hi;) {
    order.push_back(by_cost[lo++]);
    if (lo < hi) order.push_back(by_cost[--hi]);
  }
  return order;
}

}  // namespace

at::Tensor packed_attention(const AttentionLayout& layout, const at::Tensor& qkv, std::int64_t heads,
                            const ScoreFn& scores, at::Tensor* maps) {
  if (maps != nullptr && (maps->numel() != layout.map_elements() || maps->scalar_type() != at::kFloat))
    throw std::invalid_argument("packed attention: the maps tensor must be float32 [map_elements]");
  at::Tensor context = at::empty({layout.tokens(), qkv.size(1) / 3}, qkv.options());
  const auto& groups = layout.groups();
  if (!qkv.is_cpu()) {  // a GPU runs each group's kernels asynchronously: nothing to gain from threads
    for (const auto& g : groups) attend_group(g, qkv, heads, scores, context, maps);
    return context;
  }
  // On a CPU one small sentence's products and softmax are too small to share between threads
  // (measured: slower at 2 threads than at 1), so threads take whole groups, each computed on one
  // thread (ATen runs ops inside a parallel region sequentially). Each group writes its own rows
  // of `context`, and its arithmetic does not depend on the thread count.
  const std::vector<std::size_t> order = zigzag_by_cost(groups);
  at::parallel_for(0, static_cast<std::int64_t>(order.size()), 1, [&](std::int64_t begin, std::int64_t end) {
    const c10::InferenceMode guard;  // thread-local: the worker threads need it to write `context`
    for (std::int64_t i = begin; i < end; ++i) attend_group(groups[order[static_cast<std::size_t>(i)]], qkv, heads, scores, context, maps);
  });
  return context;
}

at::Tensor* maps_for_layer(const AttentionLayout& layout, PackedOutput& out, const at::Device& device) {
  if (layout.map_elements() == 0) return nullptr;
  out.attention.push_back(at::empty({layout.map_elements()}, at::TensorOptions().dtype(at::kFloat).device(device)));
  return &out.attention.back();
}

}  // namespace polyrep::model

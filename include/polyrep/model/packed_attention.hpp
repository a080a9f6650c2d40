#pragma once
/// Attention over packed sentences. The forward runs on sentences laid back to back without
/// padding ([N, H] for N real tokens): every linear layer, LayerNorm and activation works per
/// token, so padding would only be wasted arithmetic (a quarter to a half of a length-bucketed
/// batch on Flores-200). Only attention mixes the tokens of a sentence; for it, sentences are
/// gathered into small groups padded to the group's longest sentence (masked exactly as
/// HuggingFace masks padding), attended, and the real rows scattered back. The gather/scatter
/// indices and masks are built once per forward and shared by every layer.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace polyrep::model {

/// Sentences packed back to back: the input of Encoder::forward_packed.
struct PackedInput {
  at::Tensor ids;                      // [N] int64 on the CPU, sentence after sentence
  std::vector<std::int64_t> offsets;   // S + 1 prefix sums: sentence s is rows [offsets[s], offsets[s+1])
  /// Sentences (indices into 0..S-1) attended together, padded to the longest of them; every
  /// sentence in exactly one group. Grouping changes nothing but speed and the last bits of
  /// rounding; the extraction takes the groups from its rank-independent plan.
  std::vector<std::vector<std::int64_t>> groups;
  /// Sentences (ascending indices into 0..S-1) whose head-averaged attention maps the forward
  /// returns besides the hidden states (PackedOutput::attention); empty = none.
  std::vector<std::int64_t> attention;

  std::int64_t sentences() const { return static_cast<std::int64_t>(offsets.size()) - 1; }
  std::int64_t tokens() const { return offsets.empty() ? 0 : offsets.back(); }
};

/// What Encoder::forward_packed returns.
struct PackedOutput {
  /// num_layers + 1 tensors [N, H] (HF output_hidden_states convention, see encoder.hpp).
  std::vector<at::Tensor> states;
  /// Empty unless PackedInput::attention names sentences; else one tensor per transformer layer,
  /// [sum of n_s^2] float32 on the model's device: the maps of the named sentences in order, each
  /// n_s x n_s row-major (row = query, column = key), the attention probabilities averaged over
  /// heads as HF's output_attentions gives them (`attentions[l].mean(1)`), padding excluded.
  std::vector<at::Tensor> attention;
};

/// std::invalid_argument unless offsets start at 0, never decrease, end at ids.numel(), the
/// groups cover every sentence exactly once with no empty sentence, and `attention` is ascending
/// and within range.
void check_packed(const PackedInput& input);

/// Position of every packed row inside its sentence (0, 1, ..., n-1 per sentence): [N] int64.
at::Tensor positions_in_sentence(const PackedInput& input);

class AttentionLayout {
 public:
  /// causal: a query sees only keys at or before it (XGLM) besides the padding mask.
  AttentionLayout(const PackedInput& input, bool causal, const at::Device& device);

  struct Group {
    std::int64_t count = 0, length = 0;  // sentences, padded length
    std::int64_t first_row = 0;          // a group of one sentence: its rows [first_row, + length)
    at::Tensor gather;    // [count * length] packed row of each padded slot (padding repeats a real row)
    at::Tensor real;      // [real tokens] padded slots that hold real tokens
    at::Tensor rows;      // [real tokens] their packed rows
    at::Tensor mask;      // additive float mask, [count,1,1,length] or causal [count,1,length,length];
                          // undefined when nothing is masked
    std::vector<std::int64_t> lengths;     // real tokens of each sentence of the group
    std::vector<std::int64_t> map_offset;  // where its attention map starts in the layer's
                                           // PackedOutput::attention tensor; -1: not wanted
  };
  const std::vector<Group>& groups() const { return groups_; }
  std::int64_t tokens() const { return tokens_; }
  /// Elements of one layer's attention maps (sum of n_s^2 over PackedInput::attention).
  std::int64_t map_elements() const { return map_elements_; }

 private:
  std::vector<Group> groups_;
  std::int64_t tokens_ = 0;
  std::int64_t map_elements_ = 0;
};

/// Pre-softmax scores of one group: q, k [count, heads, length, head_dim] and the group's mask
/// (possibly undefined) -> [count, heads, length, length]. Each architecture spells it as its
/// HuggingFace class does, so that rounding follows the reference.
using ScoreFn = std::function<at::Tensor(const at::Tensor& q, const at::Tensor& k, const at::Tensor& mask)>;

/// Multi-head attention on packed rows: qkv [N, 3H] (queries, keys, values side by side) ->
/// context [N, H]. With `maps` (float32 [layout.map_elements()] on qkv's device), the
/// head-averaged probabilities of the wanted sentences are written into it as well.
at::Tensor packed_attention(const AttentionLayout& layout, const at::Tensor& qkv, std::int64_t heads,
                            const ScoreFn& scores, at::Tensor* maps = nullptr);

/// For an architecture's layer loop: appends the next layer's maps tensor to `out.attention`
/// and returns it, or null when the layout wants no maps.
at::Tensor* maps_for_layer(const AttentionLayout& layout, PackedOutput& out, const at::Device& device);

}  // namespace polyrep::model

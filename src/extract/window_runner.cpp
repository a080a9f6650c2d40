#include "polyrep/extract/window_runner.hpp"

#include <ATen/ATen.h>

#include "polyrep/core/error.hpp"
#include "polyrep/model/encoder.hpp"

namespace polyrep::extract {

at::Tensor pool_sentence(const at::Tensor& states, Pooling pooling) {
  const std::int64_t n = states.size(1);
  switch (pooling) {
    case Pooling::mean: return states.to(at::kDouble).mean(1).to(at::kFloat);
    case Pooling::first: return states.select(1, 0);
    case Pooling::last: return states.select(1, n - 1);
    case Pooling::max: return std::get<0>(states.max(1));
  }
  throw Error("pool_sentence: unknown pooling");
}

WindowRunner::WindowRunner(const model::Encoder& encoder, WindowRunnerOptions options)
    : encoder_(encoder), options_(std::move(options)) {}

WindowOutput WindowRunner::run(const Window& window,
                               const std::vector<std::vector<std::int32_t>>& ids) const {
  const auto n_sent = window.end_sentence - window.first_sentence;
  if (static_cast<std::int64_t>(ids.size()) != n_sent) {
    throw Error("window runner: got " + std::to_string(ids.size()) + " sentences for a window of " +
                std::to_string(n_sent));
  }
  std::vector<std::int64_t> local_offsets(ids.size() + 1, 0);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    local_offsets[i + 1] = local_offsets[i] + static_cast<std::int64_t>(ids[i].size());
  }
  const auto n_layers = static_cast<std::int64_t>(options_.layers.size());
  const std::int64_t hidden = encoder_.config().hidden_size;
  const auto dtype = options_.float16 ? at::kHalf : at::kFloat;
  WindowOutput out;
  out.tokens = at::empty({n_layers, local_offsets.back(), hidden}, at::TensorOptions().dtype(dtype));
  for (std::size_t p = 0; p < options_.poolings.size(); ++p) {
    out.pooled.push_back(at::empty({n_layers, n_sent, hidden}, at::TensorOptions().dtype(dtype)));
  }
  for (const Batch& batch : window.batches) run_batch(window, batch, ids, local_offsets, out);
  return out;
}

void WindowRunner::run_batch(const Window& window, const Batch& batch,
                             const std::vector<std::vector<std::int32_t>>& ids,
                             const std::vector<std::int64_t>& local_offsets,
                             WindowOutput& out) const {
  const auto b_size = static_cast<std::int64_t>(batch.sentences.size());
  at::Tensor input = at::full({b_size, batch.max_len}, options_.pad_id, at::kLong);
  at::Tensor mask = at::zeros({b_size, batch.max_len}, at::kLong);
  auto input_a = input.accessor<std::int64_t, 2>();
  auto mask_a = mask.accessor<std::int64_t, 2>();
  for (std::int64_t b = 0; b < b_size; ++b) {
    const auto& sentence = ids[static_cast<std::size_t>(batch.sentences[b] - window.first_sentence)];
    for (std::size_t t = 0; t < sentence.size(); ++t) {
      input_a[b][static_cast<std::int64_t>(t)] = sentence[t];
      mask_a[b][static_cast<std::int64_t>(t)] = 1;
    }
  }
  std::vector<at::Tensor> hidden = encoder_.forward(input, mask);
  std::vector<at::Tensor> kept;  // [B, T, H] each, on the host (no copy when already there)
  kept.reserve(options_.layers.size());
  for (int layer : options_.layers) kept.push_back(hidden.at(static_cast<std::size_t>(layer)).to(at::kCPU));
  std::vector<at::Tensor> rows(kept.size());
  for (std::int64_t b = 0; b < b_size; ++b) {
    const auto local = static_cast<std::size_t>(batch.sentences[b] - window.first_sentence);
    const std::int64_t n = local_offsets[local + 1] - local_offsets[local];
    // Only the sentence's real rows are gathered: padding is never copied.
    for (std::size_t l = 0; l < kept.size(); ++l) rows[l] = kept[l].select(0, b).narrow(0, 0, n);
    const at::Tensor sentence = at::stack(rows, 0);  // [layers, n, H]
    out.tokens.narrow(1, local_offsets[local], n).copy_(sentence);
    for (std::size_t p = 0; p < options_.poolings.size(); ++p) {
      out.pooled[p].select(1, static_cast<std::int64_t>(local))
          .copy_(pool_sentence(sentence, options_.poolings[p]));
    }
  }
}

}  // namespace polyrep::extract

#include "polyrep/extract/window_runner.hpp"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "polyrep/core/error.hpp"
#include "polyrep/model/encoder.hpp"

namespace polyrep::extract {
namespace {

at::Tensor longs(const std::vector<std::int64_t>& values, const at::Device& device) {
  return at::tensor(values, at::kLong).to(device);
}

}  // namespace

model::PackedInput pack_window(const Window& window, const std::vector<std::vector<std::int32_t>>& ids) {
  const auto n_sent = window.end_sentence - window.first_sentence;
  if (static_cast<std::int64_t>(ids.size()) != n_sent) {
    throw Error("window runner: got " + std::to_string(ids.size()) + " sentences for a window of " +
                std::to_string(n_sent));
  }
  model::PackedInput input;
  input.offsets.assign(1, 0);
  for (const auto& sentence : ids) input.offsets.push_back(input.offsets.back() + static_cast<std::int64_t>(sentence.size()));
  input.ids = at::empty({input.offsets.back()}, at::kLong);
  std::int64_t* out = input.ids.data_ptr<std::int64_t>();
  for (const auto& sentence : ids) out = std::copy(sentence.begin(), sentence.end(), out);
  for (const Batch& batch : window.batches) {
    input.groups.emplace_back();
    for (std::int64_t s : batch.sentences) input.groups.back().push_back(s - window.first_sentence);
  }
  return input;
}

PackedPooler::PackedPooler(const std::vector<std::int64_t>& offsets, const at::Device& device) : offsets_(offsets) {
  const auto n_sent = static_cast<std::int64_t>(offsets.size()) - 1;
  std::vector<std::int64_t> first(offsets.begin(), offsets.end() - 1), last, sentence_of_row;
  std::vector<double> counts;
  for (std::int64_t s = 0; s < n_sent; ++s) {
    last.push_back(offsets[s + 1] - 1);
    sentence_of_row.insert(sentence_of_row.end(), static_cast<std::size_t>(offsets[s + 1] - offsets[s]), s);
    counts.push_back(double(offsets[s + 1] - offsets[s]));
  }
  first_ = longs(first, device);
  last_ = longs(last, device);
  sentence_of_row_ = longs(sentence_of_row, device);
  counts_ = at::tensor(counts, at::kDouble).to(device).unsqueeze(1);
}

at::Tensor PackedPooler::operator()(const at::Tensor& states, Pooling pooling) const {
  switch (pooling) {
    case Pooling::first: return states.index_select(0, first_);
    case Pooling::last: return states.index_select(0, last_);
    case Pooling::mean:
      return at::zeros({counts_.size(0), states.size(1)}, states.options().dtype(at::kDouble))
          .index_add_(0, sentence_of_row_, states.to(at::kDouble))
          .div_(counts_)
          .to(at::kFloat);
    case Pooling::max: {
      std::vector<at::Tensor> rows;
      for (std::size_t s = 0; s + 1 < offsets_.size(); ++s)
        rows.push_back(states.narrow(0, offsets_[s], offsets_[s + 1] - offsets_[s]).amax(0));
      return at::stack(rows, 0);
    }
  }
  throw Error("PackedPooler: unknown pooling");
}

WindowRunner::WindowRunner(const model::Encoder& encoder, WindowRunnerOptions options)
    : encoder_(encoder), options_(std::move(options)) {}

WindowOutput WindowRunner::run(const Window& window, const std::vector<std::vector<std::int32_t>>& ids) const {
  const model::PackedInput input = pack_window(window, ids);
  c10::InferenceMode guard;
  const std::vector<at::Tensor> states = encoder_.forward_packed(input);
  const PackedPooler pool(input.offsets, states.front().device());
  const auto n_layers = static_cast<std::int64_t>(options_.layers.size());
  const auto host = at::TensorOptions().dtype(options_.float16 ? at::kHalf : at::kFloat);
  WindowOutput out;
  out.tokens = at::empty({n_layers, input.tokens(), encoder_.config().hidden_size}, host);
  for (std::size_t p = 0; p < options_.poolings.size(); ++p) {
    out.pooled.push_back(at::empty({n_layers, input.sentences(), encoder_.config().hidden_size}, host));
  }
  for (std::int64_t l = 0; l < n_layers; ++l) {
    const at::Tensor& state = states.at(static_cast<std::size_t>(options_.layers[static_cast<std::size_t>(l)]));
    out.tokens.select(0, l).copy_(state);  // to the host, converted to the stored type
    for (std::size_t p = 0; p < options_.poolings.size(); ++p) {
      out.pooled[p].select(0, l).copy_(pool(state, options_.poolings[p]));
    }
  }
  return out;
}

}  // namespace polyrep::extract

#include "polyrep/extract/window_runner.hpp"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "polyrep/core/error.hpp"
#include "polyrep/extract/round_writer.hpp"
#include "polyrep/metrics/phase_clock.hpp"
#include "polyrep/model/encoder.hpp"

namespace polyrep::extract {
namespace {

at::Tensor longs(const std::vector<std::int64_t>& values, const at::Device& device) {
  return at::tensor(values, at::kLong).to(device);
}

}  // namespace

model::PackedInput pack_window(const Window& window, const std::vector<std::vector<std::int32_t>>& ids,
                               const AttentionIndex* attention) {
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
  if (attention != nullptr) {
    const auto [begin, end] = attention->range(window.first_sentence, window.end_sentence);
    for (std::int64_t k = begin; k < end; ++k)
      input.attention.push_back(attention->sentence[static_cast<std::size_t>(k)] - window.first_sentence);
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

WindowRunner::WindowRunner(const model::Encoder& encoder, WindowRunnerOptions options,
                           std::shared_ptr<HostStaging> staging)
    : encoder_(encoder), options_(std::move(options)), staging_(std::move(staging)) {
  if (!staging_) staging_ = make_host_staging(encoder_.device(), options_.cuda_ordinal);
}

WindowOutput WindowRunner::run(const Window& window, const std::vector<std::vector<std::int32_t>>& ids) const {
  const model::PackedInput input = pack_window(window, ids, options_.attention);
  c10::InferenceMode guard;
  const auto n_layers = static_cast<std::int64_t>(options_.layers.size());
  std::vector<at::Tensor> kept;                   // [tokens, hidden] per kept layer, on the device
  std::vector<std::vector<at::Tensor>> pooled(options_.poolings.size());  // [pooling][layer]
  std::vector<at::Tensor> maps;                   // [elements] per transformer layer, on the device
  {
    POLYREP_PROFILE(phase::forward);
    model::PackedOutput output = encoder_.forward_packed(input);
    const std::vector<at::Tensor>& states = output.states;
    const PackedPooler pool(input.offsets, states.front().device());
    for (std::int64_t l = 0; l < n_layers; ++l) {
      kept.push_back(states.at(static_cast<std::size_t>(options_.layers[static_cast<std::size_t>(l)])));
      for (std::size_t p = 0; p < options_.poolings.size(); ++p) pooled[p].push_back(pool(kept.back(), options_.poolings[p]));
    }
    maps = std::move(output.attention);
    staging_->wait();  // a GPU's asynchronous arithmetic is charged here, not to the copies
  }
  POLYREP_PROFILE(phase::copy);
  const at::ScalarType stored = options_.float16 ? at::kHalf : at::kFloat;
  const std::int64_t hidden = encoder_.config().hidden_size;
  WindowOutput out;
  out.tokens = staging_->allocate({n_layers, input.tokens(), hidden}, stored);
  for (std::size_t p = 0; p < options_.poolings.size(); ++p)
    out.pooled.push_back(staging_->allocate({n_layers, input.sentences(), hidden}, stored));
  for (std::int64_t l = 0; l < n_layers; ++l) {
    staging_->copy(out.tokens.select(0, l), kept[static_cast<std::size_t>(l)]);  // converted to the stored type
    for (std::size_t p = 0; p < options_.poolings.size(); ++p)
      staging_->copy(out.pooled[p].select(0, l), pooled[p][static_cast<std::size_t>(l)]);
  }
  if (!maps.empty()) {
    out.attention = staging_->allocate({static_cast<std::int64_t>(maps.size()), maps.front().numel()}, stored);
    for (std::size_t l = 0; l < maps.size(); ++l) staging_->copy(out.attention.select(0, static_cast<std::int64_t>(l)), maps[l]);
  }
  staging_->wait();  // the writer reads these arrays next
  return out;
}

}  // namespace polyrep::extract

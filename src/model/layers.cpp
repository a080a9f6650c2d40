#include "polyrep/model/layers.hpp"

#include <ATen/ATen.h>

#include <cmath>

#include "polyrep/core/error.hpp"

namespace polyrep::model {

Activation parse_activation(const std::string& name) {
  if (name == "gelu") return Activation::gelu;
  if (name == "gelu_new") return Activation::gelu_new;
  if (name == "relu") return Activation::relu;
  throw InputError("unsupported activation '" + name + "' (supported: gelu, gelu_new, relu)");
}

at::Tensor apply_activation(Activation activation, const at::Tensor& x) {
  switch (activation) {
    case Activation::gelu:
      return at::gelu(x);  // exact erf form, as torch.nn.functional.gelu
    case Activation::gelu_new: {
      // Spelled out as HF's NewGELUActivation does, rather than gelu(approximate="tanh"), so that
      // rounding follows the reference implementation.
      const double pi = 3.141592653589793;  // math.pi
      const double c = std::sqrt(2.0 / pi);
      return 0.5 * x * (1.0 + at::tanh(c * (x + 0.044715 * at::pow(x, 3.0))));
    }
    case Activation::relu:
      return at::relu(x);
  }
  throw std::logic_error("unhandled activation");
}

Linear::Linear(const WeightStore& store, const std::string& scope, std::int64_t out,
               std::int64_t in)
    : weight(store.get(scope + ".weight", {out, in})), bias(store.get(scope + ".bias", {out})) {}

at::Tensor Linear::operator()(const at::Tensor& x) const { return at::linear(x, weight, bias); }

void Linear::to(const Target& target) {
  weight = weight.to(target.device, target.dtype);
  bias = bias.to(target.device, target.dtype);
}

LayerNorm::LayerNorm(const WeightStore& store, const std::string& scope, std::int64_t dim,
                     double eps_)
    : weight(store.get(scope + ".weight", {dim})), bias(store.get(scope + ".bias", {dim})),
      eps(eps_) {}

at::Tensor LayerNorm::operator()(const at::Tensor& x) const {
  if (x.scalar_type() == weight.scalar_type()) return at::layer_norm(x, {weight.size(0)}, weight, bias, eps);
  // Mean and variance of 16-bit values summed in 16 bits drift by more than the eps they guard;
  // HF's CUDA kernel accumulates in float32 too.
  return at::layer_norm(x.to(weight.scalar_type()), {weight.size(0)}, weight, bias, eps).to(x.scalar_type());
}

void LayerNorm::to(const at::Device& device) {
  weight = weight.to(device);
  bias = bias.to(device);
}

Embedding::Embedding(const WeightStore& store, const std::string& scope, std::int64_t rows,
                     std::int64_t dim)
    : weight(store.get(scope + ".weight", {rows, dim})) {}

at::Tensor Embedding::operator()(const at::Tensor& ids) const { return at::embedding(weight, ids); }

void Embedding::to(const Target& target) { weight = weight.to(target.device, target.dtype); }

at::Tensor softmax_float32(const at::Tensor& scores, at::ScalarType type) {
  if (scores.scalar_type() == at::kFloat) return at::softmax(scores, -1).to(type);
  return at::softmax(scores, -1, at::kFloat).to(type);
}

}  // namespace polyrep::model

namespace polyrep::model {

Linear fuse(const std::vector<const Linear*>& parts) {
  std::vector<at::Tensor> weights, biases;
  for (const Linear* part : parts) {
    weights.push_back(part->weight);
    biases.push_back(part->bias);
  }
  Linear fused;
  fused.weight = at::cat(weights, 0).contiguous();
  fused.bias = at::cat(biases, 0).contiguous();
  return fused;
}

void check_padded_inputs(const at::Tensor& input_ids, const at::Tensor& attention_mask) {
  if (!input_ids.defined() || !attention_mask.defined() || input_ids.dim() != 2 ||
      input_ids.sizes() != attention_mask.sizes() || input_ids.scalar_type() != at::kLong ||
      attention_mask.scalar_type() != at::kLong)
    throw std::invalid_argument("Encoder::forward: input_ids and attention_mask must be int64 [B,T]");
  const at::Tensor lengths = attention_mask.ne(0).sum(1);
  const at::Tensor expected = at::arange(attention_mask.size(1), at::kLong).unsqueeze(0).lt(lengths.unsqueeze(1));
  if (!attention_mask.eq(expected.to(at::kLong)).all().item<bool>() ||
      (attention_mask.size(0) > 0 && lengths.min().item<std::int64_t>() == 0))
    throw std::invalid_argument("Encoder::forward: the mask must be right-padded with a real token in every row");
}

void check_packed_ids(const ModelConfig& config, const PackedInput& input) {
  check_packed(input);
  for (std::size_t s = 0; s + 1 < input.offsets.size(); ++s) {
    const std::int64_t length = input.offsets[s + 1] - input.offsets[s];
    if (length > config.max_sequence_length())
      throw InputError("a sequence of " + std::to_string(length) + " tokens exceeds the model's " +
                       "maximum of " + std::to_string(config.max_sequence_length()));
  }
  if (input.ids.numel() == 0) return;
  const std::int64_t low = input.ids.min().item<std::int64_t>();
  const std::int64_t high = input.ids.max().item<std::int64_t>();
  if (low < 0 || high >= config.vocab_size)
    throw InputError("token id " + std::to_string(low < 0 ? low : high) +
                     " lies outside the model's vocabulary of " +
                     std::to_string(config.vocab_size) + " (tokenizer and model do not match?)");
}

}  // namespace polyrep::model

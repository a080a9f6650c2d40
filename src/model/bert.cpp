#include "polyrep/model/arch/bert.hpp"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <cmath>

#include "polyrep/model/layers.hpp"

namespace polyrep::model::arch {
namespace {

/// One post-LN encoder layer (HF BertLayer / XLMRobertaLayer), weights named as in the checkpoint.
struct BertLayer {
  Linear query, key, value, attention_output;
  LayerNorm attention_norm;
  Linear intermediate, output;
  LayerNorm output_norm;

  BertLayer(const WeightStore& s, const std::string& scope, const ModelConfig& c)
      : query(s, scope + ".attention.self.query", c.hidden_size, c.hidden_size),
        key(s, scope + ".attention.self.key", c.hidden_size, c.hidden_size),
        value(s, scope + ".attention.self.value", c.hidden_size, c.hidden_size),
        attention_output(s, scope + ".attention.output.dense", c.hidden_size, c.hidden_size),
        attention_norm(s, scope + ".attention.output.LayerNorm", c.hidden_size, c.layer_norm_eps),
        intermediate(s, scope + ".intermediate.dense", c.intermediate_size, c.hidden_size),
        output(s, scope + ".output.dense", c.hidden_size, c.intermediate_size),
        output_norm(s, scope + ".output.LayerNorm", c.hidden_size, c.layer_norm_eps) {}

  void to(const at::Device& d) {
    for (Linear* l : {&query, &key, &value, &attention_output, &intermediate, &output}) l->to(d);
    attention_norm.to(d);
    output_norm.to(d);
  }
};

class BertEncoder final : public Encoder {
 public:
  BertEncoder(const ModelConfig& c, const WeightStore& s, const at::Device& device)
      : config_(c), device_(device), activation_(parse_activation(c.activation)),
        word_(s, "embeddings.word_embeddings", c.vocab_size, c.hidden_size),
        position_(s, "embeddings.position_embeddings", c.max_position_embeddings, c.hidden_size),
        token_type_(s, "embeddings.token_type_embeddings", c.type_vocab_size, c.hidden_size),
        embedding_norm_(s, "embeddings.LayerNorm", c.hidden_size, c.layer_norm_eps) {
    for (int i = 0; i < c.num_layers; ++i)
      layers_.emplace_back(s, "encoder.layer." + std::to_string(i), c);
    for (Embedding* e : {&word_, &position_, &token_type_}) e->to(device_);
    embedding_norm_.to(device_);
    for (auto& layer : layers_) layer.to(device_);
  }

  const ModelConfig& config() const override { return config_; }
  std::string device() const override { return device_.is_cuda() ? "cuda" : "cpu"; }

  std::vector<at::Tensor> forward(const at::Tensor& input_ids,
                                  const at::Tensor& attention_mask) const override {
    check_inputs(config_, input_ids, attention_mask);
    c10::InferenceMode guard;
    const at::Tensor ids = input_ids.to(device_);
    const at::Tensor mask = attention_mask.to(device_);
    // HF get_extended_attention_mask: (1 - mask) * finfo.min, broadcast over heads and queries.
    const at::Tensor additive =
        (1.0 - mask.to(at::kFloat)).mul(kMaskValue).view({mask.size(0), 1, 1, mask.size(1)});
    std::vector<at::Tensor> states{embed(ids, mask)};
    for (const auto& layer : layers_) states.push_back(layer_forward(layer, states.back(), additive));
    return states;
  }

 private:
  at::Tensor embed(const at::Tensor& ids, const at::Tensor& mask) const {
    at::Tensor positions;
    if (config_.model_type == "xlm-roberta") {
      // create_position_ids_from_input_ids: real tokens count from pad_token_id + 1, padding
      // keeps pad_token_id. Derived from the mask, which equals ids != pad for right padding.
      positions = at::cumsum(mask, 1) * mask + config_.pad_token_id;
    } else {
      positions = at::arange(ids.size(1), ids.options()).unsqueeze(0);
    }
    // Same summation order as HF: (word + token_type) + position; token_type_ids are all 0.
    at::Tensor sum = word_(ids) + token_type_.weight[0];
    sum = sum + position_(positions);
    return embedding_norm_(sum);
  }

  at::Tensor self_attention(const BertLayer& layer, const at::Tensor& x,
                            const at::Tensor& additive) const {
    const std::int64_t batch = x.size(0), length = x.size(1);
    const std::int64_t heads = config_.num_heads, head_dim = config_.hidden_size / heads;
    auto split = [&](const at::Tensor& t) {
      return t.view({batch, length, heads, head_dim}).permute({0, 2, 1, 3});
    };
    const at::Tensor q = split(layer.query(x)), k = split(layer.key(x)), v = split(layer.value(x));
    at::Tensor scores = at::matmul(q, k.transpose(-1, -2)) / std::sqrt(double(head_dim));
    const at::Tensor probs = at::softmax(scores + additive, -1);
    return at::matmul(probs, v).permute({0, 2, 1, 3}).contiguous().view(
        {batch, length, config_.hidden_size});
  }

  at::Tensor layer_forward(const BertLayer& layer, const at::Tensor& x,
                           const at::Tensor& additive) const {
    const at::Tensor context = self_attention(layer, x, additive);
    const at::Tensor attended = layer.attention_norm(layer.attention_output(context) + x);
    const at::Tensor inner = apply_activation(activation_, layer.intermediate(attended));
    return layer.output_norm(layer.output(inner) + attended);
  }

  ModelConfig config_;
  at::Device device_;
  Activation activation_;
  Embedding word_, position_, token_type_;
  LayerNorm embedding_norm_;
  std::vector<BertLayer> layers_;
};

}  // namespace

std::vector<std::string> bert_prefixes(const ModelConfig& config) {
  // base_model_prefix of the HF task classes (BertForMaskedLM, XLMRobertaForMaskedLM, ...).
  if (config.model_type == "xlm-roberta") return {"roberta."};
  return {"bert."};
}

std::unique_ptr<Encoder> make_bert(const ModelConfig& config, const WeightStore& store,
                                   const at::Device& device) {
  return std::make_unique<BertEncoder>(config, store, device);
}

}  // namespace polyrep::model::arch

#include "polyrep/model/arch/bert.hpp"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <cmath>

#include "polyrep/model/layers.hpp"

namespace polyrep::model::arch {
namespace {

/// query, key and value of one layer as a single [3H, H] projection.
Linear fused_qkv(const WeightStore& s, const std::string& scope, const ModelConfig& c) {
  const Linear query(s, scope + ".query", c.hidden_size, c.hidden_size);
  const Linear key(s, scope + ".key", c.hidden_size, c.hidden_size);
  const Linear value(s, scope + ".value", c.hidden_size, c.hidden_size);
  return fuse({&query, &key, &value});
}

/// One post-LN encoder layer (HF BertLayer / XLMRobertaLayer), weights named as in the checkpoint.
struct BertLayer {
  Linear qkv, attention_output;
  LayerNorm attention_norm;
  Linear intermediate, output;
  LayerNorm output_norm;

  BertLayer(const WeightStore& s, const std::string& scope, const ModelConfig& c)
      : qkv(fused_qkv(s, scope + ".attention.self", c)),
        attention_output(s, scope + ".attention.output.dense", c.hidden_size, c.hidden_size),
        attention_norm(s, scope + ".attention.output.LayerNorm", c.hidden_size, c.layer_norm_eps),
        intermediate(s, scope + ".intermediate.dense", c.intermediate_size, c.hidden_size),
        output(s, scope + ".output.dense", c.hidden_size, c.intermediate_size),
        output_norm(s, scope + ".output.LayerNorm", c.hidden_size, c.layer_norm_eps) {}

  void to(const Target& t) {
    for (Linear* l : {&qkv, &attention_output, &intermediate, &output}) l->to(t);
    attention_norm.to(t.device);
    output_norm.to(t.device);
  }
};

class BertEncoder final : public Encoder {
 public:
  BertEncoder(const ModelConfig& c, const WeightStore& s, const Target& target)
      : config_(c), device_(target.device), dtype_(target.dtype), activation_(parse_activation(c.activation)),
        word_(s, "embeddings.word_embeddings", c.vocab_size, c.hidden_size),
        position_(s, "embeddings.position_embeddings", c.max_position_embeddings, c.hidden_size),
        token_type_(s, "embeddings.token_type_embeddings", c.type_vocab_size, c.hidden_size),
        embedding_norm_(s, "embeddings.LayerNorm", c.hidden_size, c.layer_norm_eps) {
    for (int i = 0; i < c.num_layers; ++i)
      layers_.emplace_back(s, "encoder.layer." + std::to_string(i), c);
    for (Embedding* e : {&word_, &position_, &token_type_}) e->to(target);
    embedding_norm_.to(device_);
    for (auto& layer : layers_) layer.to(target);
  }

  const ModelConfig& config() const override { return config_; }
  Device device() const override { return device_.is_cuda() ? Device::cuda : Device::cpu; }
  at::ScalarType compute_type() const override { return dtype_; }

  EmbeddingTables embedding_tables() const override {
    EmbeddingTables t;
    t.word = word_.weight.to(at::kCPU, at::kFloat);
    // XLM-R's position p of a sentence is row pad_token_id + 1 + p (embed()).
    const std::int64_t first = config_.model_type == "xlm-roberta" ? config_.pad_token_id + 1 : 0;
    t.position = position_.weight.narrow(0, first, position_.weight.size(0) - first).to(at::kCPU, at::kFloat);
    t.token_type = token_type_.weight.to(at::kCPU, at::kFloat);
    return t;
  }

  PackedOutput forward_packed(const PackedInput& input) const override {
    check_packed_ids(config_, input);
    c10::InferenceMode guard;
    const AttentionLayout layout(input, /*causal=*/false, device_);
    PackedOutput out{{embed(input)}, {}};
    for (const auto& layer : layers_) {
      at::Tensor* maps = maps_for_layer(layout, out, device_);
      out.states.push_back(layer_forward(layer, out.states.back(), layout, maps));
    }
    return out;
  }

 private:
  at::Tensor embed(const PackedInput& input) const {
    at::Tensor positions = positions_in_sentence(input);
    // XLM-R's create_position_ids_from_input_ids: real tokens count from pad_token_id + 1.
    if (config_.model_type == "xlm-roberta") positions += config_.pad_token_id + 1;
    // Same summation order as HF: (word + token_type) + position; token_type_ids are all 0.
    at::Tensor sum = word_(input.ids.to(device_)) + token_type_.weight[0];
    sum = sum + position_(positions.to(device_));
    return embedding_norm_(sum);
  }

  at::Tensor self_attention(const BertLayer& layer, const at::Tensor& x, const AttentionLayout& layout, at::Tensor* maps) const {
    const double scale = std::sqrt(double(config_.hidden_size / config_.num_heads));
    // HF BertSelfAttention: (q k^T) / sqrt(d) + mask, softmax, times v.
    return packed_attention(layout, layer.qkv(x), config_.num_heads,
                            [scale](const at::Tensor& q, const at::Tensor& k, const at::Tensor& mask) {
                              at::Tensor scores = at::matmul(q, k.transpose(-1, -2)) / scale;
                              return mask.defined() ? scores + mask : scores;
                            },
                            maps);
  }

  at::Tensor layer_forward(const BertLayer& layer, const at::Tensor& x, const AttentionLayout& layout, at::Tensor* maps) const {
    const at::Tensor context = self_attention(layer, x, layout, maps);
    const at::Tensor attended = layer.attention_norm(layer.attention_output(context) + x);
    const at::Tensor inner = apply_activation(activation_, layer.intermediate(attended));
    return layer.output_norm(layer.output(inner) + attended);
  }

  ModelConfig config_;
  at::Device device_;
  at::ScalarType dtype_;
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

std::vector<SizeProbe> bert_size_probes(const ModelConfig& c) {
  const auto n = [](const char* key, int value) { return std::string(key) + " = " + std::to_string(value); };
  const std::int64_t hidden = c.hidden_size;
  const std::string last = "encoder.layer." + std::to_string(c.num_layers - 1);
  return {{"embeddings.word_embeddings.weight", {c.vocab_size, hidden},
           n("vocab_size", c.vocab_size) + ", " + n("hidden_size", c.hidden_size)},
          {"embeddings.position_embeddings.weight", {c.max_position_embeddings, hidden},
           n("max_position_embeddings", c.max_position_embeddings)},
          {"embeddings.token_type_embeddings.weight", {c.type_vocab_size, hidden},
           n("type_vocab_size", c.type_vocab_size)},
          {last + ".intermediate.dense.weight", {c.intermediate_size, hidden},
           n("num_hidden_layers", c.num_layers) + ", " + n("intermediate_size", c.intermediate_size)}};
}

std::unique_ptr<Encoder> make_bert(const ModelConfig& config, const WeightStore& store,
                                   const Target& target) {
  return std::make_unique<BertEncoder>(config, store, target);
}

}  // namespace polyrep::model::arch

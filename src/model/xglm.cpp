#include "polyrep/model/arch/xglm.hpp"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>

#include "polyrep/core/error.hpp"
#include "polyrep/model/layers.hpp"

namespace polyrep::model::arch {
namespace {

// fairseq/HF XGLM: position p of a sequence reads row p + 2 of the sinusoidal table.
constexpr std::int64_t kPositionOffset = 2;
// Rows of the table built at load time. No weight bounds max_position_embeddings (the table is
// computed, not stored), so a config asking for 10^9 positions must not allocate them up front;
// longer sentences get a longer table in embed(), with the same values row for row.
constexpr std::int64_t kTablePositions = 4096;

Linear fused_qkv(const WeightStore& s, const std::string& scope, const ModelConfig& c) {
  const Linear q(s, scope + ".q_proj", c.hidden_size, c.hidden_size);
  const Linear k(s, scope + ".k_proj", c.hidden_size, c.hidden_size);
  const Linear v(s, scope + ".v_proj", c.hidden_size, c.hidden_size);
  return fuse({&q, &k, &v});
}

/// One pre-LN decoder layer (HF XGLMDecoderLayer without cross-attention).
struct XglmLayer {
  LayerNorm attention_norm;
  Linear qkv, out_proj;  // q_proj, k_proj, v_proj fused
  LayerNorm final_norm;
  Linear fc1, fc2;

  XglmLayer(const WeightStore& s, const std::string& scope, const ModelConfig& c)
      : attention_norm(s, scope + ".self_attn_layer_norm", c.hidden_size, c.layer_norm_eps),
        qkv(fused_qkv(s, scope + ".self_attn", c)),
        out_proj(s, scope + ".self_attn.out_proj", c.hidden_size, c.hidden_size),
        final_norm(s, scope + ".final_layer_norm", c.hidden_size, c.layer_norm_eps),
        fc1(s, scope + ".fc1", c.intermediate_size, c.hidden_size),
        fc2(s, scope + ".fc2", c.hidden_size, c.intermediate_size) {}

  void to(const Target& t) {
    for (Linear* l : {&qkv, &out_proj, &fc1, &fc2}) l->to(t);
    attention_norm.to(t.device);
    final_norm.to(t.device);
  }
};

class XglmEncoder final : public Encoder {
 public:
  XglmEncoder(const ModelConfig& c, const WeightStore& s, const Target& target)
      : config_(c), device_(target.device), dtype_(target.dtype), activation_(parse_activation(c.activation)),
        embed_scale_(c.scale_embedding ? std::sqrt(double(c.hidden_size)) : 1.0),
        embed_tokens_(s, "embed_tokens", c.vocab_size, c.hidden_size),
        final_norm_(s, "layer_norm", c.hidden_size, c.layer_norm_eps),
        positions_(sinusoidal_table(std::min<std::int64_t>(c.max_position_embeddings, kTablePositions) +
                                        kPositionOffset,
                                    c.hidden_size, c.pad_token_id)) {
    for (int i = 0; i < c.num_layers; ++i)
      layers_.emplace_back(s, "layers." + std::to_string(i), c);
    embed_tokens_.to(target);
    final_norm_.to(device_);
    positions_ = positions_.to(device_, dtype_);
    for (auto& layer : layers_) layer.to(target);
  }

  const ModelConfig& config() const override { return config_; }
  Device device() const override { return device_.is_cuda() ? Device::cuda : Device::cpu; }
  at::ScalarType compute_type() const override { return dtype_; }

  EmbeddingTables embedding_tables() const override {
    EmbeddingTables t;
    t.word = embed_tokens_.weight.to(at::kCPU, at::kFloat);
    t.word_scale = embed_scale_;
    // Positions 0..max-1 are rows kPositionOffset.. of the table, computed in float32 (embed()).
    t.position = sinusoidal_table(config_.max_position_embeddings + kPositionOffset, config_.hidden_size,
                                  config_.pad_token_id)
                     .narrow(0, kPositionOffset, config_.max_position_embeddings);
    t.position_learned = false;
    return t;
  }

  PackedOutput forward_packed(const PackedInput& input) const override {
    check_packed_ids(config_, input);
    c10::InferenceMode guard;
    const AttentionLayout layout(input, /*causal=*/true, device_);
    // HF appends the input of every layer, then the final LayerNorm of the last layer's output.
    PackedOutput out{{embed(input)}, {}};
    for (std::size_t i = 0; i < layers_.size(); ++i) {
      at::Tensor* maps = maps_for_layer(layout, out, device_);
      at::Tensor h = layer_forward(layers_[i], out.states.back(), layout, maps);
      out.states.push_back(i + 1 == layers_.size() ? final_norm_(h) : h);
    }
    return out;
  }

 private:
  at::Tensor embed(const PackedInput& input) const {
    std::int64_t longest = 0;
    for (std::size_t s = 0; s + 1 < input.offsets.size(); ++s)
      longest = std::max(longest, input.offsets[s + 1] - input.offsets[s]);
    at::Tensor table = positions_;
    if (longest + kPositionOffset > table.size(0))  // HF grows its table the same way
      table = sinusoidal_table(longest + kPositionOffset, config_.hidden_size, config_.pad_token_id)
                  .to(device_, dtype_);
    // Positions are 0..n-1 in every sentence (XGLMModel's default position_ids).
    const at::Tensor rows = (positions_in_sentence(input) + kPositionOffset).to(device_);
    return embed_tokens_(input.ids.to(device_)) * embed_scale_ + table.index_select(0, rows);
  }

  at::Tensor self_attention(const XglmLayer& layer, const at::Tensor& x, const AttentionLayout& layout, at::Tensor* maps) const {
    const std::int64_t hidden = config_.hidden_size, head_dim = hidden / config_.num_heads;
    at::Tensor qkv = layer.qkv(x);
    // HF XGLMAttention scales the projected queries before the product.
    qkv.narrow(1, 0, hidden).mul_(std::pow(double(head_dim), -0.5));
    const at::Tensor context = packed_attention(
        layout, qkv, config_.num_heads, [](const at::Tensor& q, const at::Tensor& k, const at::Tensor& mask) {
          return (at::matmul(q, k.transpose(-1, -2)) + mask).clamp_min(kMaskValue);
        },
        maps);
    return layer.out_proj(context);
  }

  at::Tensor layer_forward(const XglmLayer& layer, const at::Tensor& x, const AttentionLayout& layout, at::Tensor* maps) const {
    const at::Tensor h = x + self_attention(layer, layer.attention_norm(x), layout, maps);
    const at::Tensor inner = apply_activation(activation_, layer.fc1(layer.final_norm(h)));
    return h + layer.fc2(inner);
  }

  ModelConfig config_;
  at::Device device_;
  at::ScalarType dtype_;  // the sinusoidal table is computed in float32, then held in this type
  Activation activation_;
  double embed_scale_;
  Embedding embed_tokens_;
  LayerNorm final_norm_;
  at::Tensor positions_;
  std::vector<XglmLayer> layers_;
};

}  // namespace

std::vector<std::string> xglm_prefixes() { return {"model."}; }

at::Tensor sinusoidal_table(std::int64_t rows, std::int64_t dim, std::int64_t padding_idx) {
  // Same op sequence as XGLMSinusoidalPositionalEmbedding.get_embedding, in float32.
  const std::int64_t half = dim / 2;
  const double step = std::log(10000.0) / double(half - 1);
  const at::Tensor freq = at::exp(at::arange(half, at::kLong).to(at::kFloat) * -step);
  const at::Tensor angles =
      at::arange(rows, at::kLong).to(at::kFloat).unsqueeze(1) * freq.unsqueeze(0);
  at::Tensor table = at::cat({at::sin(angles), at::cos(angles)}, 1).view({rows, -1});
  if (dim % 2 == 1) table = at::cat({table, at::zeros({rows, 1}, at::kFloat)}, 1);
  if (padding_idx >= 0 && padding_idx < rows) table[padding_idx].zero_();
  return table;
}

std::vector<SizeProbe> xglm_size_probes(const ModelConfig& c) {
  const auto n = [](const char* key, int value) { return std::string(key) + " = " + std::to_string(value); };
  const std::int64_t hidden = c.hidden_size;
  return {{"embed_tokens.weight", {c.vocab_size, hidden},
           n("vocab_size", c.vocab_size) + ", " + n("d_model", c.hidden_size)},
          {"layers." + std::to_string(c.num_layers - 1) + ".fc1.weight", {c.intermediate_size, hidden},
           n("num_layers", c.num_layers) + ", " + n("ffn_dim", c.intermediate_size)}};
}

std::unique_ptr<Encoder> make_xglm(const ModelConfig& config, const WeightStore& store,
                                   const Target& target) {
  if (config.hidden_size < 4)  // the table divides by d_model/2 - 1
    throw InputError("xglm: d_model " + std::to_string(config.hidden_size) +
                     " is too small for the sinusoidal position table");
  return std::make_unique<XglmEncoder>(config, store, target);
}

}  // namespace polyrep::model::arch

#pragma once
/// Building blocks shared by the architectures, CTranslate2 style: each layer is constructed from
/// (store, scope) and pulls `scope + ".weight"` etc. with its expected shape, so every weight is
/// resolved and validated once at load time and the forward code only does arithmetic.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "polyrep/model/config.hpp"
#include "polyrep/model/packed_attention.hpp"
#include "polyrep/model/weights.hpp"

namespace polyrep::model {

enum class Activation { gelu, gelu_new, relu };

/// Where a model's weights live and the type its arithmetic runs in (model/precision.hpp):
/// matrices and embeddings are converted to `dtype`, LayerNorm parameters stay float32.
struct Target {
  at::Device device{at::kCPU};
  at::ScalarType dtype = at::kFloat;
};

/// "gelu" (exact erf), "gelu_new" (tanh approximation, HF NewGELUActivation), "relu";
/// InputError for any other name.
Activation parse_activation(const std::string& name);
at::Tensor apply_activation(Activation activation, const at::Tensor& x);

struct Linear {
  at::Tensor weight;  // [out, in], as torch.nn.Linear stores it
  at::Tensor bias;    // [out]
  Linear() = default;
  Linear(const WeightStore& store, const std::string& scope, std::int64_t out, std::int64_t in);
  at::Tensor operator()(const at::Tensor& x) const;
  void to(const Target& target);
};

/// One Linear computing `parts` side by side (their outputs concatenated): query, key and value
/// in one matrix multiply, which keeps the cores busier than three thinner ones.
Linear fuse(const std::vector<const Linear*>& parts);

struct LayerNorm {
  at::Tensor weight;
  at::Tensor bias;
  double eps = 1e-12;
  LayerNorm() = default;
  LayerNorm(const WeightStore& store, const std::string& scope, std::int64_t dim, double eps);
  /// A 16-bit x is normalised in float32 and the result returned in x's type.
  at::Tensor operator()(const at::Tensor& x) const;
  void to(const at::Device& device);
};

struct Embedding {
  at::Tensor weight;  // [rows, dim]
  Embedding() = default;
  Embedding(const WeightStore& store, const std::string& scope, std::int64_t rows,
            std::int64_t dim);
  at::Tensor operator()(const at::Tensor& ids) const;
  void to(const Target& target);
};

/// Checks the padded Encoder::forward contract (std::invalid_argument otherwise): int64 [B,T] ids
/// and a mask of the same shape, right-padded (ones, then zeros), at least one real token a row.
void check_padded_inputs(const at::Tensor& input_ids, const at::Tensor& attention_mask);

/// Checks a packed batch against the model (InputError): no sentence longer than
/// config.max_sequence_length(), every id within the vocabulary (else the tokenizer does not
/// belong to the model). The layout itself is checked by check_packed (std::invalid_argument).
void check_packed_ids(const ModelConfig& config, const PackedInput& input);

/// Softmax over the last dimension accumulated in float32 whatever the scores' type (16-bit
/// scores would lose the small probabilities), returned in `type` for the product with the values.
at::Tensor softmax_float32(const at::Tensor& scores, at::ScalarType type);

/// torch.finfo(torch.float32).min, the value HF adds to masked attention scores.
constexpr double kMaskValue = -3.4028234663852886e38;

}  // namespace polyrep::model

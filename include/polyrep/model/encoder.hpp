#pragma once
/// The model-facing interface of polyrep: a loaded transformer that maps token ids to every
/// layer's hidden states, following HuggingFace's `output_hidden_states=True` convention exactly
/// (index 0 = embedding output, index l = output of layer l). Architectures (BERT, XLM-R, XGLM)
/// implement Encoder; load_encoder() picks one from config.json's model_type.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "polyrep/model/config.hpp"
#include "polyrep/model/device.hpp"
#include "polyrep/model/packed_attention.hpp"
#include "polyrep/model/precision.hpp"

namespace polyrep::model {

struct EncoderOptions {
  DeviceRequest device = DeviceRequest::cpu;  // auto: cuda if built with CUDA and available
  int cuda_ordinal = 0;                       // which visible GPU (model/cuda_devices.hpp)
  Precision precision = Precision::float32;   // the forward's arithmetic (model/precision.hpp)
  int threads = 0;                            // intra-op threads; 0 = leave as is
  // PEFT adapter directories (LoRA, IA3) merged into the weights as they load, in this order
  // (model/adapter.hpp); empty = the checkpoint as it is.
  std::vector<std::filesystem::path> adapters;
};

/// The model's input embedding tables as its forward adds them (adapters merged), float32 on the
/// CPU: `polyrep embeddings`.
struct EmbeddingTables {
  at::Tensor word;        // [vocab, H], row = token id, as stored (before any embed_scale)
  double word_scale = 1;  // what the forward multiplies it by (XGLM: sqrt(H) with scale_embedding)
  at::Tensor position;    // [positions, H], row p = what position p of a sentence adds (XLM-R's and
                          // XGLM's offsets resolved; XGLM's sinusoids computed)
  bool position_learned = true;  // false: computed (sinusoidal), not trained
  at::Tensor token_type;  // [types, H]; undefined when the model has none (XGLM)
};

class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual const ModelConfig& config() const = 0;
  /// The resolved device (never "auto").
  virtual Device device() const = 0;
  /// The forward's arithmetic type: float32, or float16/bfloat16 under --precision.
  virtual at::ScalarType compute_type() const = 0;
  virtual EmbeddingTables embedding_tables() const = 0;
  /// The sentences of `input` packed back to back (packed_attention.hpp). Returns num_layers+1
  /// states [N,H] of compute_type() on the model's device, row r = packed token r (HF
  /// output_hidden_states convention: index 0 = embedding output), and the head-averaged
  /// attention maps of the sentences input.attention names (PackedOutput). Runs under inference
  /// mode. InputError for a sentence longer than the model allows or an id outside its vocabulary.
  virtual PackedOutput forward_packed(const PackedInput& input) const = 0;

  /// The HuggingFace calling convention, for tests against the reference: input_ids,
  /// attention_mask int64 [B,T] (CPU), right-padded, mask 1 = real token, every row with at
  /// least one. Packs the rows (one attention group), runs forward_packed and returns [B,T,H]
  /// per layer with zeros at padded positions.
  std::vector<at::Tensor> forward(const at::Tensor& input_ids, const at::Tensor& attention_mask) const;
  /// The same inputs: per transformer layer the head-averaged attention probabilities [B,T,T]
  /// float32 (HF `output_attentions=True`, `attentions[l].mean(1)`), zero at padded queries and keys.
  std::vector<at::Tensor> attention(const at::Tensor& input_ids, const at::Tensor& attention_mask) const;
};

/// Loads config.json + model.safetensors (or the sharded model.safetensors.index.json) from a
/// local HuggingFace snapshot directory. Each stage re-throws with context
/// ("loading model weights: ..."); a bad device option is a UsageError.
std::unique_ptr<Encoder> load_encoder(const std::filesystem::path& model_dir,
                                      const EncoderOptions& options = {});

}  // namespace polyrep::model

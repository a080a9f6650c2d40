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
};

class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual const ModelConfig& config() const = 0;
  /// The resolved device (never "auto").
  virtual Device device() const = 0;
  /// The forward's arithmetic type: float32, or float16/bfloat16 under --precision.
  virtual at::ScalarType compute_type() const = 0;
  /// The sentences of `input` packed back to back (packed_attention.hpp). Returns num_layers+1
  /// tensors [N,H] of compute_type() on the model's device, row r = packed token r (HF
  /// output_hidden_states convention: index 0 = embedding output). Runs under inference mode.
  /// InputError for a sentence longer than the model allows or an id outside its vocabulary.
  virtual std::vector<at::Tensor> forward_packed(const PackedInput& input) const = 0;

  /// The HuggingFace calling convention, for tests against the reference: input_ids,
  /// attention_mask int64 [B,T] (CPU), right-padded, mask 1 = real token, every row with at
  /// least one. Packs the rows (one attention group), runs forward_packed and returns [B,T,H]
  /// per layer with zeros at padded positions.
  std::vector<at::Tensor> forward(const at::Tensor& input_ids, const at::Tensor& attention_mask) const;
};

/// Loads config.json + model.safetensors (or the sharded model.safetensors.index.json) from a
/// local HuggingFace snapshot directory. Each stage re-throws with context
/// ("loading model weights: ..."); a bad device option is a UsageError.
std::unique_ptr<Encoder> load_encoder(const std::filesystem::path& model_dir,
                                      const EncoderOptions& options = {});

}  // namespace polyrep::model

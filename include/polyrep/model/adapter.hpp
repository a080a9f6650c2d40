#pragma once
/// PEFT adapters (https://github.com/huggingface/peft) merged into a checkpoint's weights as they
/// load, so that the architectures never see them: `--adapter DIR` names a directory holding
/// `adapter_config.json` and `adapter_model.safetensors`, as PEFT's save_pretrained writes it.
/// Two kinds merge exactly into plain weights and are supported: LoRA (W + scaling * B A, for
/// nn.Linear and nn.Embedding targets, scaling = lora_alpha / r or lora_alpha / sqrt(r) with
/// use_rslora, r read from each lora_A so that rank_pattern is honoured) and IA3 (W * l, scaling
/// input columns of feed-forward modules, else output rows and the bias). Every other tensor in
/// the file (`bias: all`, modules_to_save, saved embeddings) replaces the base tensor of its name.
/// Options whose effect is not a plain merge (DoRA, alpha_pattern, lora_bias, layer replication,
/// activated LoRA) and other PEFT types are refused: silently computing something else than PEFT
/// would be worse than stopping.
///
/// Adapter::open() reads and validates everything that does not need the base model (config,
/// key names, A/B pairs, ranks, target_modules against the file); WeightStore::add_adapter()
/// then resolves the edits against the checkpoint's tensor names and shapes, and
/// WeightStore::get() applies them (model/weights.hpp).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace polyrep::model {

class SafetensorsFile;

enum class AdapterKind { lora, ia3 };
/// "lora" or "ia3".
std::string adapter_kind_name(AdapterKind kind);

struct AdapterInfo {
  std::string path;                  // the adapter directory, as given
  AdapterKind kind = AdapterKind::lora;
  std::uint64_t weights_hash = 0;    // polyrep::hash_file of adapter_model.safetensors
  std::string summary;               // e.g. "lora r=8 alpha=16 on query,value (24 tensors)"
};

/// One change an adapter makes to one tensor of the base checkpoint.
struct AdapterEdit {
  enum class Op {
    replace,         // a full tensor of the adapter file takes the base tensor's place
    lora,            // W + scaling * (B @ A)                      (nn.Linear weight [out, in])
    lora_embedding,  // W + scaling * (B @ A)^T                    (nn.Embedding weight [vocab, dim])
    ia3_weight,      // W * l, l [1, in] (feed-forward) or [out, 1]
    ia3_bias,        // b * l.reshape(out)                         (non-feed-forward modules only)
  };
  Op op = Op::replace;
  /// The tensor changed, named as in the model PEFT wrapped, `base_model.model.`, `.base_layer`
  /// and `.modules_to_save` removed (e.g. "bert.encoder.layer.0.attention.self.query.weight");
  /// it may still carry a task-model prefix, which the WeightStore resolves.
  std::string target;
  /// The adapter file's keys this edit reads: the full tensor, {A, B}, or {ia3_l}.
  std::vector<std::string> sources;
  double scaling = 1.0;      // LoRA only
  bool feedforward = false;  // IA3 only: l is [1, in] (scales input columns), else [out, 1]
  /// An IA3 bias edit is dropped where the base layer has no bias, as PEFT does.
  bool optional = false;
};

class Adapter {
 public:
  /// Reads dir/adapter_config.json and dir/adapter_model.safetensors. InputError, naming the
  /// file and the key or tensor, for a missing file, an unsupported peft_type or option, a LoRA
  /// A without its B (or the reverse), inconsistent ranks or dimensions, an IA3 vector of the
  /// wrong orientation, an unknown adapter tensor, or a target_modules entry that matches no
  /// module of the file.
  static Adapter open(const std::filesystem::path& dir);

  const AdapterInfo& info() const { return info_; }
  /// Replacements first, then deltas, in key order: a replaced tensor still gets its delta.
  const std::vector<AdapterEdit>& edits() const { return edits_; }
  /// dir/adapter_model.safetensors, for messages.
  std::string file() const;

  /// InputError naming the adapter file, the edit's source tensor and `base_name` when the edit
  /// cannot apply to a base tensor of this shape (checked from the header, before any load).
  void check_shape(const AdapterEdit& edit, const std::vector<std::int64_t>& base_shape,
                   const std::string& base_name) const;
  /// `base` (float32, CPU, shape checked by check_shape) with the edit applied, in float32.
  at::Tensor apply(const AdapterEdit& edit, const at::Tensor& base) const;

 private:
  Adapter() = default;
  at::Tensor tensor(const std::string& key) const;
  std::vector<std::int64_t> shape(const std::string& key) const;

  AdapterInfo info_;
  std::shared_ptr<const SafetensorsFile> file_;  // shared: Adapter is copied into WeightStore
  std::vector<AdapterEdit> edits_;
};

}  // namespace polyrep::model

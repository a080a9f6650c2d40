#pragma once
/// WeightStore: the tensors of one HuggingFace checkpoint, single-file (`model.safetensors`) or
/// sharded (`model.safetensors.index.json`). Names are resolved against architecture prefixes
/// (hub checkpoints of task models store `bert.encoder...`, `roberta.encoder...`, `model.layers...`)
/// and the legacy LayerNorm names `gamma`/`beta`; tensors the model does not ask for (task heads,
/// pooler, position_ids buffers) are simply ignored. get() validates shapes and returns float32.
/// PEFT adapters added with add_adapter() are merged into the tensors get() returns, in the order
/// added (model/adapter.hpp), so the architectures load adapted weights without knowing it.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "polyrep/model/adapter.hpp"
#include "polyrep/model/safetensors.hpp"

namespace polyrep::model {

/// A copy of `view` as a float32 CPU tensor that owns its memory. InputError naming `file` and
/// the tensor when the dtype is not F32, F16 or BF16.
at::Tensor read_float32(const TensorView& view, const std::string& file);

class WeightStore {
 public:
  /// Opens model_dir/model.safetensors, else model_dir/model.safetensors.index.json and its
  /// shards. InputError when neither exists (naming pytorch_model.bin, with how to convert it,
  /// when only PyTorch pickle weights are there), or on an invalid index or shard.
  static WeightStore open(const std::filesystem::path& model_dir);

  /// Prefixes tried, in order, after the bare name (e.g. {"bert."}).
  void set_prefixes(std::vector<std::string> prefixes) { prefixes_ = std::move(prefixes); }

  bool contains(const std::string& name) const { return find(name) != nullptr; }

  /// The stored tensor `name` resolves to (prefixes and gamma/beta spellings applied), read from
  /// the header only: nothing is allocated. Null when absent.
  const TensorView* view(const std::string& name) const;
  /// The file that holds `name` (for messages); source() when absent.
  std::string file_of(const std::string& name) const;

  /// The tensor `name` (bare, without prefix) converted to a float32 CPU tensor that owns its
  /// memory. InputError "<file>: missing tensor '<name>'", or naming the expected and actual shape,
  /// or when the stored dtype is not F32/F16/BF16.
  /// Every adapter added applies its edits of this tensor, in order, in float32.
  at::Tensor get(const std::string& name, const std::vector<std::int64_t>& expected_shape) const;

  /// Merges `adapter` into the tensors get() returns, after the adapters added before. Call after
  /// set_prefixes: each edit's target is resolved like get() resolves names, and also with a
  /// task-model prefix the adapter's keys carry removed (an adapter trained on
  /// BertForSequenceClassification applies to a bare BertModel checkpoint and the reverse).
  /// InputError naming the adapter file and tensor when a target matches no tensor of the
  /// checkpoint (an adapter for another base model), when shapes disagree, or when two tensors
  /// of the adapter change the same base tensor the same way. Nothing is added on error.
  void add_adapter(Adapter adapter);
  /// After the model is built: every adapter edit of a tensor that get() returned was applied
  /// exactly once (edits of tensors the model never asks for, e.g. task heads, are ignored).
  /// polyrep::Error otherwise: that is a bug, not a bad input.
  void check_adapters_applied() const;

  /// The file name used in messages: "model.safetensors" or "model.safetensors.index.json".
  const std::string& source() const { return source_; }

 private:
  WeightStore() = default;
  struct Entry {
    const TensorView* view;
    std::size_t file;  // index into files_
  };
  /// One edit of adapters_[adapter].edits(), waiting for its tensor.
  struct PendingEdit {
    std::size_t adapter;
    std::size_t edit;
  };
  const Entry* find(const std::string& name) const;
  const Entry* resolve_adapter_target(const std::string& name) const;
  void build_index();

  std::string source_;
  std::vector<SafetensorsFile> files_;
  std::map<std::string, Entry> index_;
  std::vector<std::string> prefixes_;
  std::vector<Adapter> adapters_;
  std::map<std::string, std::vector<PendingEdit>> edits_;  // by stored tensor name, in order
  std::vector<std::vector<std::string>> edit_targets_;     // [adapter][edit]: stored name, "" = none
  // Bookkeeping for check_adapters_applied (get() is const: loading is a read of the store).
  mutable std::vector<std::vector<int>> applied_;          // [adapter][edit]: times applied
  mutable std::set<std::string> loaded_;                   // stored names get() returned
};

}  // namespace polyrep::model

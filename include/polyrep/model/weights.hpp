#pragma once
/// WeightStore: the tensors of one HuggingFace checkpoint, single-file (`model.safetensors`) or
/// sharded (`model.safetensors.index.json`). Names are resolved against architecture prefixes
/// (hub checkpoints of task models store `bert.encoder...`, `roberta.encoder...`, `model.layers...`)
/// and the legacy LayerNorm names `gamma`/`beta`; tensors the model does not ask for (task heads,
/// pooler, position_ids buffers) are simply ignored. get() validates shapes and returns float32.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "polyrep/model/safetensors.hpp"

namespace polyrep::model {

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
  at::Tensor get(const std::string& name, const std::vector<std::int64_t>& expected_shape) const;

  /// The file name used in messages: "model.safetensors" or "model.safetensors.index.json".
  const std::string& source() const { return source_; }

 private:
  WeightStore() = default;
  struct Entry {
    const TensorView* view;
    std::size_t file;  // index into files_
  };
  const Entry* find(const std::string& name) const;
  void build_index();

  std::string source_;
  std::vector<SafetensorsFile> files_;
  std::map<std::string, Entry> index_;
  std::vector<std::string> prefixes_;
};

}  // namespace polyrep::model

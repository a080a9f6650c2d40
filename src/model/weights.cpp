#include "polyrep/model/weights.hpp"

#include <ATen/ATen.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "polyrep/core/error.hpp"

// Safetensors data is little-endian and is copied byte for byte into tensors.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "polyrep needs a little-endian host");

namespace polyrep::model {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string shape_text(at::IntArrayRef shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

at::ScalarType scalar_type(DType dtype) {
  switch (dtype) {
    case DType::F32: return at::kFloat;
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    default: throw std::logic_error("not a weight dtype");
  }
}

/// Shard file names from model.safetensors.index.json's weight_map, checked to stay inside the
/// model directory.
std::map<std::string, std::string> read_weight_map(const fs::path& index_path) {
  std::ifstream in(index_path, std::ios::binary);
  if (!in) throw InputError(index_path.string() + ": cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  json root = json::parse(buffer.str(), nullptr, false);
  if (root.is_discarded() || !root.is_object())
    throw InputError(index_path.string() + ": malformed JSON");
  if (!root.contains("weight_map") || !root.at("weight_map").is_object())
    throw InputError(index_path.string() + ": missing or non-object key 'weight_map'");
  std::map<std::string, std::string> map;
  for (const auto& [name, file] : root.at("weight_map").items()) {
    if (!file.is_string())
      throw InputError(index_path.string() + ": weight_map['" + name + "'] is not a string");
    auto shard = file.get<std::string>();
    if (shard.empty() || shard.find('/') != std::string::npos || shard == "." || shard == "..")
      throw InputError(index_path.string() + ": weight_map['" + name + "'] = '" + shard +
                       "' is not a file name in the model directory");
    map.emplace(name, shard);
  }
  return map;
}

// PyTorch's .bin checkpoints are pickles, and unpickling runs whatever code the file names: they
// are refused, with the one-line conversion that HuggingFace itself recommends.
std::string missing_weights_message(const fs::path& model_dir) {
  for (const char* pickle : {"pytorch_model.bin", "pytorch_model.bin.index.json"}) {
    if (!fs::exists(model_dir / pickle)) continue;
    const std::string dir = model_dir.string();
    return (model_dir / pickle).string() +
           ": PyTorch pickle weights are not loaded (unpickling can run arbitrary code); convert them "
           "once to safetensors: python3 -c \"from transformers import AutoModel; "
           "AutoModel.from_pretrained('" + dir + "').save_pretrained('" + dir + "', safe_serialization=True)\"";
  }
  return model_dir.string() +
         ": no model.safetensors or model.safetensors.index.json (polyrep reads safetensors weights only)";
}

}  // namespace

WeightStore WeightStore::open(const fs::path& model_dir) {
  WeightStore store;
  const fs::path single = model_dir / "model.safetensors";
  const fs::path index = model_dir / "model.safetensors.index.json";
  if (fs::exists(single)) {
    store.source_ = single.string();
    store.files_.emplace_back(single);
  } else if (fs::exists(index)) {
    store.source_ = index.string();
    auto weight_map = read_weight_map(index);
    std::set<std::string> shards;
    for (const auto& entry : weight_map) shards.insert(entry.second);
    for (const auto& shard : shards) store.files_.emplace_back(model_dir / shard);
    store.build_index();
    for (const auto& [name, shard] : weight_map) {
      auto it = store.index_.find(name);
      if (it == store.index_.end() || store.files_[it->second.file].path().filename() != shard)
        throw InputError(index.string() + ": maps tensor '" + name + "' to '" + shard +
                         "', which does not contain it");
    }
    return store;
  } else {
    throw InputError(missing_weights_message(model_dir));
  }
  store.build_index();
  return store;
}

void WeightStore::build_index() {
  index_.clear();
  for (std::size_t f = 0; f < files_.size(); ++f) {
    for (const auto& [name, view] : files_[f].tensors()) {
      if (!index_.emplace(name, Entry{&view, f}).second)
        throw InputError(source_ + ": tensor '" + name + "' is stored in more than one shard (" +
                         files_[index_.at(name).file].path().filename().string() + ", " +
                         files_[f].path().filename().string() + ")");
    }
  }
}

const WeightStore::Entry* WeightStore::find(const std::string& name) const {
  // Checkpoints converted from the original TF BERT still call LayerNorm parameters gamma/beta;
  // HF renames them on load, and so do we.
  std::vector<std::string> spellings{name};
  const std::string ln_w = "LayerNorm.weight", ln_b = "LayerNorm.bias";
  auto ends_with = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with(ln_w)) spellings.push_back(name.substr(0, name.size() - 6) + "gamma");
  if (ends_with(ln_b)) spellings.push_back(name.substr(0, name.size() - 4) + "beta");
  for (const auto& spelling : spellings) {
    if (auto it = index_.find(spelling); it != index_.end()) return &it->second;
    for (const auto& prefix : prefixes_)
      if (auto it = index_.find(prefix + spelling); it != index_.end()) return &it->second;
  }
  return nullptr;
}

const TensorView* WeightStore::view(const std::string& name) const {
  const Entry* entry = find(name);
  return entry == nullptr ? nullptr : entry->view;
}

std::string WeightStore::file_of(const std::string& name) const {
  const Entry* entry = find(name);
  return entry == nullptr ? source_ : files_[entry->file].path().string();
}

at::Tensor WeightStore::get(const std::string& name,
                            const std::vector<std::int64_t>& expected_shape) const {
  const Entry* entry = find(name);
  if (entry == nullptr) {
    std::string tried;
    for (const auto& p : prefixes_) tried += (tried.empty() ? "" : ", ") + ("'" + p + "'");
    throw InputError(source_ + ": missing tensor '" + name + "'" +
                     (tried.empty() ? "" : " (also tried prefixes " + tried + ")"));
  }
  const TensorView& view = *entry->view;
  const std::string file = files_[entry->file].path().string();
  if (!is_weight_dtype(view.dtype))
    throw InputError(file + ": tensor '" + view.name + "' has dtype " + dtype_name(view.dtype) +
                     "; weights must be F32, F16 or BF16");
  if (view.shape != expected_shape)
    throw InputError(file + ": tensor '" + view.name + "' has shape " + shape_text(view.shape) +
                     ", expected " + shape_text(expected_shape));
  at::Tensor tensor = read_float32(view, file);
  if (auto it = edits_.find(view.name); it != edits_.end()) {
    for (const PendingEdit& pending : it->second) {
      const Adapter& adapter = adapters_[pending.adapter];
      tensor = adapter.apply(adapter.edits()[pending.edit], tensor);
      ++applied_[pending.adapter][pending.edit];
    }
  }
  loaded_.insert(view.name);
  return tensor;
}

const WeightStore::Entry* WeightStore::resolve_adapter_target(const std::string& name) const {
  if (const Entry* entry = find(name)) return entry;
  // The adapter was trained on a task model (bert.encoder...), the checkpoint is the bare one.
  for (const auto& prefix : prefixes_)
    if (name.rfind(prefix, 0) == 0)
      if (const Entry* entry = find(name.substr(prefix.size()))) return entry;
  return nullptr;
}

void WeightStore::add_adapter(Adapter adapter) {
  const std::vector<AdapterEdit>& edits = adapter.edits();
  std::vector<std::string> targets(edits.size());
  std::map<std::pair<std::string, bool>, std::string> seen;  // (stored name, is replace) -> source
  for (std::size_t i = 0; i < edits.size(); ++i) {
    const AdapterEdit& edit = edits[i];
    const Entry* entry = resolve_adapter_target(edit.target);
    if (entry == nullptr) {
      if (edit.optional) continue;
      std::string tried;
      for (const auto& p : prefixes_) tried += (tried.empty() ? "" : ", ") + ("'" + p + "'");
      throw InputError(adapter.file() + ": tensor '" + edit.sources[0] + "' changes '" + edit.target + "', which " +
                       source_ + " does not hold" + (tried.empty() ? "" : " (with or without prefixes " + tried + ")") +
                       "; is the adapter for another base model?");
    }
    const std::string& stored = entry->view->name;
    adapter.check_shape(edit, entry->view->shape, stored);
    const auto key = std::make_pair(stored, edit.op == AdapterEdit::Op::replace);
    if (auto [it, fresh] = seen.emplace(key, edit.sources[0]); !fresh)
      throw InputError(adapter.file() + ": tensors '" + it->second + "' and '" + edit.sources[0] +
                       "' both change the checkpoint's '" + stored + "'");
    targets[i] = stored;
  }
  // Validated: commit.
  const std::size_t index = adapters_.size();
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (!targets[i].empty()) edits_[targets[i]].push_back({index, i});
  applied_.emplace_back(edits.size(), 0);
  edit_targets_.push_back(std::move(targets));
  adapters_.push_back(std::move(adapter));
}

void WeightStore::check_adapters_applied() const {
  for (std::size_t a = 0; a < adapters_.size(); ++a) {
    for (std::size_t i = 0; i < edit_targets_[a].size(); ++i) {
      const std::string& stored = edit_targets_[a][i];
      if (stored.empty()) continue;
      const int expected = loaded_.count(stored) ? 1 : 0;
      if (applied_[a][i] != expected)
        throw Error("internal error: " + adapters_[a].file() + ": tensor '" + adapters_[a].edits()[i].sources[0] +
                    "' was merged " + std::to_string(applied_[a][i]) + " times into '" + stored + "', expected " +
                    std::to_string(expected));
    }
  }
}

at::Tensor read_float32(const TensorView& view, const std::string& file) {
  if (!is_weight_dtype(view.dtype))
    throw InputError(file + ": tensor '" + view.name + "' has dtype " + dtype_name(view.dtype) +
                     "; weights must be F32, F16 or BF16");
  // Copy out of the mapping: the data need not be aligned, and the tensor must own its memory.
  at::Tensor raw = at::empty(view.shape, at::TensorOptions().dtype(scalar_type(view.dtype)));
  if (view.nbytes > 0) std::memcpy(raw.data_ptr(), view.data, view.nbytes);
  return raw.to(at::kFloat);
}

}  // namespace polyrep::model

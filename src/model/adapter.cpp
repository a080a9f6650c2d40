#include "polyrep/model/adapter.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "polyrep/core/error.hpp"
#include "polyrep/core/hash.hpp"
#include "polyrep/model/safetensors.hpp"
#include "polyrep/model/weights.hpp"

namespace polyrep::model {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// PeftModel keeps the wrapped transformer at base_model.model, and save_pretrained keeps that
// path in every key.
const std::string kModelPrefix = "base_model.model.";

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& s, const std::string& x) { return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0; }

std::string join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::vector<std::string> dims;
  for (std::int64_t d : shape) dims.push_back(std::to_string(d));
  return "[" + join(dims, ",") + "]";
}

/// What adapter_config.json says, checked; everything merge-relevant that PEFT would not turn
/// into a plain weight update is refused here.
struct Config {
  std::string path;
  AdapterKind kind = AdapterKind::lora;
  double alpha = 8;  // LoraConfig's default lora_alpha
  bool rslora = false;
  json target_modules;       // null, a regex string, or a list of names
  json feedforward_modules;  // IA3 only, same forms
};

json read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  json root = json::parse(buffer.str(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) throw InputError(path + ": malformed JSON");
  return root;
}

bool flag(const json& root, const char* key, const std::string& path) {
  if (!root.contains(key) || root.at(key).is_null()) return false;
  if (!root.at(key).is_boolean()) throw InputError(path + ": '" + key + "' is not true or false");
  return root.at(key).get<bool>();
}

void check_module_list(const json& root, const char* key, const std::string& path) {
  if (!root.contains(key)) return;
  const json& value = root.at(key);
  bool ok = value.is_null() || value.is_string() || value.is_array();
  if (value.is_array())
    for (const auto& entry : value) ok = ok && entry.is_string();
  if (!ok) throw InputError(path + ": '" + key + "' is not a module name list or a regular expression");
}

// These change what the layer computes beyond W + delta (or are read per module in a way the
// merge would have to reproduce); PEFT's merge_and_unload() handles them and gives a plain model.
void refuse_unmergeable_lora_options(const json& root, const std::string& path) {
  const std::string hint = "; merge it with PEFT's merge_and_unload() and pass the merged model instead";
  if (flag(root, "use_dora", path)) throw InputError(path + ": use_dora: true (DoRA) is not supported" + hint);
  if (flag(root, "lora_bias", path)) throw InputError(path + ": lora_bias: true is not supported" + hint);
  if (root.contains("alpha_pattern") && !root.at("alpha_pattern").is_null() && !root.at("alpha_pattern").empty())
    throw InputError(path + ": a non-empty alpha_pattern (per-module lora_alpha) is not supported" + hint);
  for (const char* key : {"layer_replication", "alora_invocation_tokens"})
    if (root.contains(key) && !root.at(key).is_null())
      throw InputError(path + ": '" + key + "' is not supported" + hint);
}

Config parse_config(const fs::path& file) {
  Config config;
  config.path = file.string();
  const json root = read_json(config.path);
  if (!root.contains("peft_type") || !root.at("peft_type").is_string())
    throw InputError(config.path + ": missing or non-string key 'peft_type'");
  const std::string type = root.at("peft_type").get<std::string>();
  if (type != "LORA" && type != "IA3")
    throw InputError(config.path + ": peft_type '" + type + "' is not supported (polyrep merges LORA and IA3 adapters)");
  config.kind = type == "LORA" ? AdapterKind::lora : AdapterKind::ia3;
  check_module_list(root, "target_modules", config.path);
  config.target_modules = root.value("target_modules", json());
  // fan_in_fan_out marks GPT-2 style Conv1D layers whose weight is stored [in, out]; on
  // nn.Linear targets (all of polyrep's models) PEFT resets it to false, and the [out, in] update
  // is the same either way, so it is only type-checked.
  flag(root, "fan_in_fan_out", config.path);
  if (config.kind == AdapterKind::ia3) {
    check_module_list(root, "feedforward_modules", config.path);
    config.feedforward_modules = root.value("feedforward_modules", json());
    return config;
  }
  refuse_unmergeable_lora_options(root, config.path);
  if (root.contains("lora_alpha")) {
    if (!root.at("lora_alpha").is_number()) throw InputError(config.path + ": 'lora_alpha' is not a number");
    config.alpha = root.at("lora_alpha").get<double>();
  }
  config.rslora = flag(root, "use_rslora", config.path);
  // bias only says which full tensors were saved; they are merged as they come (replace).
  const json bias = root.value("bias", json("none"));
  if (!bias.is_string() || (bias != "none" && bias != "all" && bias != "lora_only"))
    throw InputError(config.path + ": bias " + bias.dump() + " is not one of \"none\", \"all\", \"lora_only\"");
  return config;
}

/// A key of adapter_model.safetensors: the model-relative module it changes and the adapter part
/// ("lora_A", "lora_B", "lora_embedding_A", "lora_embedding_B", "ia3_l"), or for a full tensor
/// the base tensor's name and an empty part.
struct Key {
  std::string module;
  std::string part;
  bool skip = false;
};

Key parse_key(const std::string& key, const std::string& file) {
  const std::string name = starts_with(key, kModelPrefix) ? key.substr(kModelPrefix.size()) : key;
  // X.base_layer is the original layer inside PEFT's wrapper and X.modules_to_save the trained
  // copy of a module: both stand for the base model's X.
  std::vector<std::string> segments;
  std::stringstream in(name);
  for (std::string segment; std::getline(in, segment, '.');)
    if (segment != "base_layer" && segment != "modules_to_save") segments.push_back(segment);
  Key parsed;
  // Old PEFT versions also saved the frozen original of a modules_to_save module: not a change.
  parsed.skip = std::find(segments.begin(), segments.end(), "original_module") != segments.end();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& part = segments[i];
    if (!starts_with(part, "lora_") && !starts_with(part, "ia3_")) continue;
    const std::vector<std::string> rest(segments.begin() + static_cast<std::ptrdiff_t>(i) + 1, segments.end());
    if (part == "lora_magnitude_vector")
      throw InputError(file + ": tensor '" + key + "' is a DoRA magnitude vector; DoRA is not supported");
    const bool linear = (part == "lora_A" || part == "lora_B") && rest == std::vector<std::string>{"weight"};
    const bool parameter = (part == "lora_embedding_A" || part == "lora_embedding_B" || part == "ia3_l") && rest.empty();
    if (i == 0 || (!linear && !parameter))
      throw InputError(file + ": tensor '" + key + "' is not a LoRA or IA3 tensor polyrep can merge");
    parsed.module = join({segments.begin(), segments.begin() + static_cast<std::ptrdiff_t>(i)}, ".");
    parsed.part = part;
    return parsed;
  }
  parsed.module = join(segments, ".");
  return parsed;
}

/// PEFT's target_modules list matching: the module's full name, or its last dotted components.
bool matches_target(const std::string& module, const std::string& target) {
  return module == target || ends_with(module, "." + target);
}

/// PEFT's is_feedforward: a regex fullmatch, or a plain suffix test (no '.' boundary, so
/// "output.dense" also marks BERT's attention.output.dense).
bool is_feedforward(const std::string& module, const json& feedforward, const std::string& path) {
  if (feedforward.is_string()) {
    try {
      return std::regex_match(module, std::regex(feedforward.get<std::string>()));
    } catch (const std::regex_error&) {
      throw InputError(path + ": feedforward_modules '" + feedforward.get<std::string>() + "' is not a valid regular expression");
    }
  }
  if (!feedforward.is_array()) return false;
  return std::any_of(feedforward.begin(), feedforward.end(),
                     [&](const json& entry) { return ends_with(module, entry.get<std::string>()); });
}

struct LoraPair {
  std::string a, b;
  bool embedding = false;
};

/// LoRA edits, one per module: A and B paired, ranks agreeing; scaling from lora_A's rank.
std::vector<AdapterEdit> lora_edits(const std::map<std::string, LoraPair>& modules, const Config& config,
                                    const SafetensorsFile& file, std::set<std::int64_t>& ranks) {
  const std::string path = file.path().string();
  std::vector<AdapterEdit> edits;
  for (const auto& [module, pair] : modules) {
    const std::string a_name = pair.embedding ? "lora_embedding_A" : "lora_A";
    const std::string b_name = pair.embedding ? "lora_embedding_B" : "lora_B";
    if (pair.a.empty() || pair.b.empty())
      throw InputError(path + ": tensor '" + (pair.a.empty() ? pair.b : pair.a) + "' has no matching " +
                       (pair.a.empty() ? a_name : b_name) + " for module '" + module + "'");
    const auto& a = file.find(pair.a)->shape;
    const auto& b = file.find(pair.b)->shape;
    if (a.size() != 2 || b.size() != 2 || a[0] != b[1] || a[0] <= 0)
      throw InputError(path + ": '" + pair.a + "' " + shape_text(a) + " and '" + pair.b + "' " + shape_text(b) +
                       " are not a rank-r pair [r, in] and [out, r]");
    ranks.insert(a[0]);
    AdapterEdit edit;
    edit.op = pair.embedding ? AdapterEdit::Op::lora_embedding : AdapterEdit::Op::lora;
    edit.target = module + ".weight";
    edit.sources = {pair.a, pair.b};
    const double r = static_cast<double>(a[0]);
    edit.scaling = config.alpha / (config.rslora ? std::sqrt(r) : r);
    edits.push_back(edit);
  }
  return edits;
}

/// IA3 edits: the weight of every module, and the bias of the non-feed-forward ones.
std::vector<AdapterEdit> ia3_edits(const std::map<std::string, std::string>& modules, const Config& config,
                                   const SafetensorsFile& file) {
  const std::string path = file.path().string();
  std::vector<AdapterEdit> edits;
  for (const auto& [module, key] : modules) {
    const bool feedforward = is_feedforward(module, config.feedforward_modules, config.path);
    const auto& shape = file.find(key)->shape;
    if (shape.size() != 2 || shape[feedforward ? 0 : 1] != 1)
      throw InputError(path + ": '" + key + "' has shape " + shape_text(shape) + ", but " + module + " is " +
                       (feedforward ? "a feed-forward module (feedforward_modules), whose IA3 vector is [1, in]"
                                    : "not a feed-forward module, whose IA3 vector is [out, 1]"));
    AdapterEdit weight;
    weight.op = AdapterEdit::Op::ia3_weight;
    weight.target = module + ".weight";
    weight.sources = {key};
    weight.feedforward = feedforward;
    edits.push_back(weight);
    if (feedforward) continue;
    edits.push_back({AdapterEdit::Op::ia3_bias, module + ".bias", {key}, 1.0, false, /*optional=*/true});
  }
  return edits;
}

/// A target_modules list entry that matches no module of the file means tensors are missing
/// (a truncated or mismatched file): what PEFT trained would not be what we merge.
void check_targets_present(const Config& config, const std::set<std::string>& modules, const std::string& file) {
  if (modules.empty())
    throw InputError(file + ": holds no " + adapter_kind_name(config.kind) + " tensors (" +
                     (config.kind == AdapterKind::lora ? "lora_A / lora_B" : "ia3_l") + ")");
  if (!config.target_modules.is_array()) return;
  for (const auto& entry : config.target_modules) {
    const std::string target = entry.get<std::string>();
    if (std::none_of(modules.begin(), modules.end(), [&](const std::string& m) { return matches_target(m, target); }))
      throw InputError(config.path + ": target_modules entry '" + target + "' matches no module of " + file +
                       " (its tensors are missing)");
  }
}

std::string summary(const Config& config, const std::set<std::string>& modules, const std::set<std::int64_t>& ranks,
                    std::size_t replaced, std::size_t tensors) {
  std::string text = adapter_kind_name(config.kind);
  if (config.kind == AdapterKind::lora) {
    std::vector<std::string> r;
    for (std::int64_t rank : ranks) r.push_back(std::to_string(rank));
    std::ostringstream alpha;
    alpha << config.alpha;
    text += " r=" + join(r, "/") + " alpha=" + alpha.str() + (config.rslora ? " rslora" : "");
  }
  // The config's own words where it has them, else the modules' last names.
  std::vector<std::string> targets;
  std::set<std::string> last;
  for (const auto& m : modules) last.insert(m.substr(m.rfind('.') + 1));
  if (config.target_modules.is_array()) config.target_modules.get_to(targets);
  else if (config.target_modules.is_string()) targets = {"'" + config.target_modules.get<std::string>() + "'"};
  else targets.assign(last.begin(), last.end());
  text += " on " + join(targets, ",");
  if (replaced > 0) text += " + " + std::to_string(replaced) + " replaced tensors";
  return text + " (" + std::to_string(tensors) + " tensors)";
}

std::string missing_file_message(const fs::path& dir) {
  const std::string what = " (a PEFT adapter directory holds adapter_config.json and adapter_model.safetensors)";
  if (!fs::exists(dir / "adapter_config.json")) return dir.string() + ": no adapter_config.json" + what;
  if (fs::exists(dir / "adapter_model.bin"))
    return (dir / "adapter_model.bin").string() +
           ": PyTorch pickle adapters are not loaded (unpickling can run arbitrary code); save the adapter with "
           "save_pretrained(..., safe_serialization=True) to get adapter_model.safetensors";
  return dir.string() + ": no adapter_model.safetensors" + what;
}

}  // namespace

std::string adapter_kind_name(AdapterKind kind) { return kind == AdapterKind::lora ? "lora" : "ia3"; }

Adapter Adapter::open(const fs::path& dir) {
  if (!fs::exists(dir)) throw InputError(dir.string() + ": no such adapter directory");
  if (!fs::is_directory(dir)) throw InputError(dir.string() + ": is not a directory (a PEFT adapter is one)");
  if (!fs::exists(dir / "adapter_config.json") || !fs::exists(dir / "adapter_model.safetensors"))
    throw InputError(missing_file_message(dir));
  const Config config = parse_config(dir / "adapter_config.json");
  Adapter adapter;
  adapter.file_ = std::make_shared<const SafetensorsFile>(dir / "adapter_model.safetensors");
  const SafetensorsFile& file = *adapter.file_;
  const std::string path = file.path().string();
  std::map<std::string, LoraPair> lora;
  std::map<std::string, std::string> ia3;
  std::vector<AdapterEdit> replaced;
  for (const auto& [key, view] : file.tensors()) {
    const Key parsed = parse_key(key, path);
    if (parsed.skip) continue;
    if (parsed.part.empty()) {
      replaced.push_back({AdapterEdit::Op::replace, parsed.module, {key}});
      continue;
    }
    const bool is_ia3 = parsed.part == "ia3_l";
    if (is_ia3 != (config.kind == AdapterKind::ia3))
      throw InputError(path + ": tensor '" + key + "' does not belong in a " + adapter_kind_name(config.kind) +
                       " adapter (" + config.path + ")");
    if (is_ia3) {
      ia3[parsed.module] = key;
      continue;
    }
    LoraPair& pair = lora[parsed.module];
    const bool embedding = starts_with(parsed.part, "lora_embedding_");
    if ((!pair.a.empty() || !pair.b.empty()) && pair.embedding != embedding)
      throw InputError(path + ": module '" + parsed.module + "' has both lora_A/B and lora_embedding_A/B tensors");
    pair.embedding = embedding;
    (ends_with(parsed.part, "A") ? pair.a : pair.b) = key;
  }
  std::set<std::string> modules;
  for (const auto& entry : lora) modules.insert(entry.first);
  for (const auto& entry : ia3) modules.insert(entry.first);
  check_targets_present(config, modules, path);
  std::set<std::int64_t> ranks;
  std::vector<AdapterEdit> deltas = config.kind == AdapterKind::lora ? lora_edits(lora, config, file, ranks)
                                                                     : ia3_edits(ia3, config, file);
  adapter.edits_ = replaced;
  adapter.edits_.insert(adapter.edits_.end(), deltas.begin(), deltas.end());
  adapter.info_ = {dir.string(), config.kind, hash_file(dir / "adapter_model.safetensors"),
                   summary(config, modules, ranks, replaced.size(), file.tensors().size())};
  return adapter;
}

std::string Adapter::file() const { return file_->path().string(); }

std::vector<std::int64_t> Adapter::shape(const std::string& key) const { return file_->find(key)->shape; }

at::Tensor Adapter::tensor(const std::string& key) const { return read_float32(*file_->find(key), file()); }

void Adapter::check_shape(const AdapterEdit& edit, const std::vector<std::int64_t>& base,
                          const std::string& base_name) const {
  const std::vector<std::int64_t> first = shape(edit.sources.at(0));
  std::vector<std::int64_t> expected;  // the shape the base tensor must have for this edit
  std::string what = "tensor '" + edit.sources[0] + "' " + shape_text(first);
  switch (edit.op) {
    case AdapterEdit::Op::replace: expected = first; break;
    case AdapterEdit::Op::lora:
    case AdapterEdit::Op::lora_embedding: {
      const std::vector<std::int64_t> b = shape(edit.sources.at(1));
      expected = edit.op == AdapterEdit::Op::lora ? std::vector<std::int64_t>{b[0], first[1]}
                                                  : std::vector<std::int64_t>{first[1], b[0]};
      what += " with '" + edit.sources[1] + "' " + shape_text(b) + " gives a " + shape_text(expected) + " update";
      break;
    }
    case AdapterEdit::Op::ia3_weight:
      // Only the scaled dimension is fixed by l; the other one is whatever the base has.
      if (base.size() == 2) expected = edit.feedforward ? std::vector<std::int64_t>{base[0], first[1]}
                                                        : std::vector<std::int64_t>{first[0], base[1]};
      what += edit.feedforward ? " scales the " + std::to_string(first[1]) + " input columns of a weight"
                               : " scales the " + std::to_string(first[0]) + " output rows of a weight";
      break;
    case AdapterEdit::Op::ia3_bias:
      expected = {first[0] * first[1]};
      what += " scales a " + shape_text(expected) + " bias";
      break;
  }
  if (base != expected)
    throw InputError(file() + ": " + what + ", but the checkpoint's '" + base_name + "' is " + shape_text(base));
}

at::Tensor Adapter::apply(const AdapterEdit& edit, const at::Tensor& base) const {
  at::Tensor result;
  switch (edit.op) {
    case AdapterEdit::Op::replace: result = tensor(edit.sources[0]); break;
    case AdapterEdit::Op::lora:
      result = base + at::matmul(tensor(edit.sources[1]), tensor(edit.sources[0])).mul(edit.scaling);
      break;
    case AdapterEdit::Op::lora_embedding:
      result = base + at::matmul(tensor(edit.sources[1]), tensor(edit.sources[0])).t().mul(edit.scaling);
      break;
    case AdapterEdit::Op::ia3_weight: result = base * tensor(edit.sources[0]); break;
    case AdapterEdit::Op::ia3_bias: result = base * tensor(edit.sources[0]).reshape({-1}); break;
  }
  // check_shape ran on the header: a different shape here is a bug, not a bad input.
  if (result.sizes() != base.sizes())
    throw Error("internal: adapter edit of '" + edit.target + "' changed its shape");
  return result.contiguous();
}

}  // namespace polyrep::model

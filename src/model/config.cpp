#include "polyrep/model/config.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "polyrep/core/error.hpp"
#include "polyrep/model/layers.hpp"

namespace polyrep::model {
namespace {

using nlohmann::json;

/// Reads typed keys out of one config.json, naming the file and key in every error.
class ConfigReader {
 public:
  ConfigReader(const json& root, std::string file) : root_(root), file_(std::move(file)) {}

  bool has(const char* key) const { return root_.contains(key) && !root_.at(key).is_null(); }

  int integer(const char* key) const {
    if (!has(key)) fail(key, "missing required key");
    return as_int(key);
  }
  int integer(const char* key, int fallback) const { return has(key) ? as_int(key) : fallback; }
  int positive(const char* key) const {
    int v = integer(key);
    if (v <= 0) fail(key, "must be positive, got " + std::to_string(v));
    return v;
  }
  double number(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    if (!root_.at(key).is_number()) fail(key, "expected a number");
    return root_.at(key).get<double>();
  }
  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!root_.at(key).is_boolean()) fail(key, "expected true or false");
    return root_.at(key).get<bool>();
  }
  std::string string(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!root_.at(key).is_string()) fail(key, "expected a string");
    return root_.at(key).get<std::string>();
  }
  [[noreturn]] void fail(const char* key, const std::string& what) const {
    throw InputError(file_ + ": key '" + key + "': " + what);
  }

 private:
  int as_int(const char* key) const {
    const json& v = root_.at(key);
    if (!v.is_number_integer()) fail(key, "expected an integer");
    // Also keeps absurd sizes (vocab_size 10^12) from reaching any arithmetic in int.
    constexpr long long kLimit = 1000000000LL;
    const bool fits = v.is_number_unsigned()
                          ? v.get<unsigned long long>() <= static_cast<unsigned long long>(kLimit)
                          : v.get<long long>() >= -kLimit && v.get<long long>() <= kLimit;
    if (!fits) fail(key, v.dump() + " is out of range (at most 10^9 in magnitude)");
    const auto value = v.get<long long>();
    return static_cast<int>(value);
  }

  const json& root_;
  std::string file_;
};

std::string joined_types() {
  std::string out;
  for (const auto& t : supported_model_types()) out += (out.empty() ? "" : ", ") + t;
  return out;
}

void read_bert_family(const ConfigReader& r, ModelConfig& c) {
  bool xlmr = c.model_type == "xlm-roberta";
  c.num_layers = r.positive("num_hidden_layers");
  c.hidden_size = r.positive("hidden_size");
  c.num_heads = r.positive("num_attention_heads");
  c.intermediate_size = r.positive("intermediate_size");
  c.max_position_embeddings = r.positive("max_position_embeddings");
  c.vocab_size = r.positive("vocab_size");
  c.type_vocab_size = r.integer("type_vocab_size", 2);
  if (c.type_vocab_size <= 0) r.fail("type_vocab_size", "must be positive");
  c.pad_token_id = r.integer("pad_token_id", xlmr ? 1 : 0);
  c.layer_norm_eps = r.number("layer_norm_eps", 1e-12);
  c.activation = r.string("hidden_act", "gelu");
  std::string position_type = r.string("position_embedding_type", "absolute");
  if (position_type != "absolute")
    r.fail("position_embedding_type", "'" + position_type + "' is not supported (only 'absolute')");
}

void read_xglm(const ConfigReader& r, ModelConfig& c) {
  c.num_layers = r.positive("num_layers");
  c.hidden_size = r.positive("d_model");
  c.num_heads = r.positive("attention_heads");
  c.intermediate_size = r.positive("ffn_dim");
  c.max_position_embeddings = r.positive("max_position_embeddings");
  c.vocab_size = r.positive("vocab_size");
  c.type_vocab_size = 0;
  c.pad_token_id = r.integer("pad_token_id", 1);
  c.layer_norm_eps = 1e-5;  // XGLM's nn.LayerNorm uses torch's default eps; config has no key
  c.activation = r.string("activation_function", "gelu");
  c.scale_embedding = r.boolean("scale_embedding", true);
}

void validate(const ConfigReader& r, const ModelConfig& c) {
  const char* heads_key = c.model_type == "xglm" ? "attention_heads" : "num_attention_heads";
  if (c.hidden_size % c.num_heads != 0)
    r.fail(heads_key, std::to_string(c.num_heads) + " heads do not divide hidden size " +
                          std::to_string(c.hidden_size));
  if (c.pad_token_id < 0 || c.pad_token_id >= c.vocab_size)
    r.fail("pad_token_id", "outside the vocabulary");
  if (c.layer_norm_eps <= 0) r.fail("layer_norm_eps", "must be positive");
  if (c.max_sequence_length() <= 0) r.fail("max_position_embeddings", "too small");
  try {
    parse_activation(c.activation);
  } catch (const InputError& e) {
    r.fail(c.model_type == "xglm" ? "activation_function" : "hidden_act", e.what());
  }
}

json parse_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot open (missing or unreadable)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  json root = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) throw InputError(path.string() + ": malformed JSON");
  if (!root.is_object()) throw InputError(path.string() + ": expected a JSON object");
  return root;
}

}  // namespace

const std::vector<std::string>& supported_model_types() {
  static const std::vector<std::string> types{"bert", "xlm-roberta", "xglm"};
  return types;
}

int ModelConfig::max_sequence_length() const {
  if (model_type == "xlm-roberta") return max_position_embeddings - pad_token_id - 1;
  return max_position_embeddings;
}

std::string read_model_type(const std::filesystem::path& config_json) {
  std::error_code ec;
  if (!std::filesystem::exists(config_json, ec)) return "";
  const json root = parse_file(config_json);
  return ConfigReader(root, config_json.string()).string("model_type", "");
}

ModelConfig load_config(const std::filesystem::path& config_json) {
  json root = parse_file(config_json);
  ConfigReader r(root, config_json.string());
  ModelConfig c;
  if (!r.has("model_type")) r.fail("model_type", "missing required key");
  c.model_type = r.string("model_type", "");
  const auto& types = supported_model_types();
  if (std::find(types.begin(), types.end(), c.model_type) == types.end())
    r.fail("model_type", "unsupported model type '" + c.model_type + "' (supported: " +
                             joined_types() + ")");
  if (r.has("architectures")) {
    const json& a = root.at("architectures");
    if (!a.is_array() || (!a.empty() && !a.at(0).is_string()))
      r.fail("architectures", "expected an array of strings");
    if (!a.empty()) c.architecture = a.at(0).get<std::string>();
  }
  if (c.model_type == "xglm")
    read_xglm(r, c);
  else
    read_bert_family(r, c);
  validate(r, c);
  return c;
}

}  // namespace polyrep::model

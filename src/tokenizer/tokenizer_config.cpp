#include "polyrep/tokenizer/tokenizer_config.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "polyrep/core/error.hpp"

namespace polyrep::tokenizer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const kSpecialRoles[] = {"unk_token", "cls_token", "sep_token", "pad_token",
                                     "mask_token", "bos_token", "eos_token"};

json read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + ": cannot be opened");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw InputError(file.string() + ": not valid JSON (" + e.what() + ")");
  }
}

// A special token is written either as "[CLS]" or as {"content": "[CLS]", "lstrip": ...}.
std::optional<std::string> token_content(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("content") && value["content"].is_string()) {
    return value["content"].get<std::string>();
  }
  return std::nullopt;
}

void read_special_roles(const json& root, bool overwrite, TokenizerConfig& config) {
  for (const char* role : kSpecialRoles) {
    if (!root.contains(role)) continue;
    const auto content = token_content(root[role]);
    if (content && (overwrite || config.special_tokens.count(role) == 0)) {
      config.special_tokens[role] = *content;
    }
  }
  const auto extra = root.find("additional_special_tokens");
  if (extra != root.end() && extra->is_array() && config.additional_special_tokens.empty()) {
    for (const json& item : *extra) {
      if (const auto content = token_content(item)) config.additional_special_tokens.push_back(*content);
    }
  }
}

AddedToken parse_added_token(const std::string& id, const json& entry) {
  AddedToken token;
  token.id = std::stoi(id);
  token.content = entry.at("content").get<std::string>();
  token.lstrip = entry.value("lstrip", false);
  token.rstrip = entry.value("rstrip", false);
  token.single_word = entry.value("single_word", false);
  token.special = entry.value("special", true);
  return token;
}

void read_main_config(const fs::path& file, TokenizerConfig& config) {
  const json root = read_json(file);
  if (!root.is_object()) throw InputError(file.string() + ": expected a JSON object");
  try {
    if (root.contains("tokenizer_class") && root["tokenizer_class"].is_string()) {
      config.tokenizer_class = root["tokenizer_class"].get<std::string>();
    }
    if (root.contains("vocab_file") && root["vocab_file"].is_string()) {
      config.vocab_file = root["vocab_file"].get<std::string>();
    }
    if (root.contains("do_lower_case")) config.do_lower_case = root["do_lower_case"].get<bool>();
    if (root.contains("strip_accents") && !root["strip_accents"].is_null()) {
      config.strip_accents = root["strip_accents"].get<bool>();
    }
    if (root.contains("tokenize_chinese_chars")) {
      config.tokenize_chinese_chars = root["tokenize_chinese_chars"].get<bool>();
    }
    read_special_roles(root, true, config);
    if (root.contains("added_tokens_decoder")) {
      for (const auto& [id, entry] : root["added_tokens_decoder"].items()) {
        config.added_tokens.push_back(parse_added_token(id, entry));
      }
    }
  } catch (const std::exception& e) {
    throw InputError(file.string() + ": unexpected field value (" + e.what() + ")");
  }
}

// The older format: {"token": id}.
void read_added_tokens_file(const fs::path& file, TokenizerConfig& config) {
  const json root = read_json(file);
  if (!root.is_object()) throw InputError(file.string() + ": expected a JSON object");
  for (const auto& item : root.items()) {
    // Not a structured binding: clang before 16 cannot capture one in the lambda below.
    const std::string& content = item.key();
    const json& id = item.value();
    if (!id.is_number_integer()) throw InputError(file.string() + ": ids must be integers");
    const bool known = std::any_of(config.added_tokens.begin(), config.added_tokens.end(),
                                   [&](const AddedToken& t) { return t.content == content; });
    if (!known) config.added_tokens.push_back({content, id.get<std::int32_t>(), false, false, false, false});
  }
}

}  // namespace

std::string TokenizerConfig::special(const std::string& role, const std::string& fallback) const {
  const auto it = special_tokens.find(role);
  return it == special_tokens.end() ? fallback : it->second;
}

TokenizerConfig read_tokenizer_config(const fs::path& model_dir) {
  TokenizerConfig config;
  if (fs::exists(model_dir / "tokenizer_config.json")) {
    read_main_config(model_dir / "tokenizer_config.json", config);
  }
  const fs::path map_file = model_dir / "special_tokens_map.json";
  if (fs::exists(map_file)) {
    const json root = read_json(map_file);
    if (!root.is_object()) throw InputError(map_file.string() + ": expected a JSON object");
    read_special_roles(root, false, config);
  }
  if (fs::exists(model_dir / "added_tokens.json")) {
    read_added_tokens_file(model_dir / "added_tokens.json", config);
  }
  std::sort(config.added_tokens.begin(), config.added_tokens.end(),
            [](const AddedToken& a, const AddedToken& b) { return a.id < b.id; });
  return config;
}

}  // namespace polyrep::tokenizer

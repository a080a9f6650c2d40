#pragma once
/// What the tokenizers need from a HuggingFace model directory's tokenizer_config.json and
/// special_tokens_map.json: the BasicTokenizer flags, the names of the special tokens and the added
/// tokens with their ids and strip flags. Every field is optional on disk; absent ones keep the
/// defaults below, which are HuggingFace's own.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "polyrep/tokenizer/added_tokens.hpp"

namespace polyrep::tokenizer {

struct TokenizerConfig {
  std::optional<std::string> tokenizer_class;  // "BertTokenizer", "XLMRobertaTokenizer", ...
  std::optional<std::string> vocab_file;       // file name inside the model directory
  bool do_lower_case = false;
  std::optional<bool> strip_accents;
  bool tokenize_chinese_chars = true;
  /// Role ("cls_token", "unk_token", ...) -> token string, from either file.
  std::map<std::string, std::string> special_tokens;
  std::vector<std::string> additional_special_tokens;
  /// From added_tokens_decoder, with their ids; empty when the file has none.
  std::vector<AddedToken> added_tokens;

  /// The token string for `role`, or `fallback` when neither file names one.
  std::string special(const std::string& role, const std::string& fallback) const;
};

/// Reads both files when present (neither is required). Throws InputError naming the file when one
/// exists but is not valid JSON or has a field of the wrong type.
TokenizerConfig read_tokenizer_config(const std::filesystem::path& model_dir);

}  // namespace polyrep::tokenizer

#pragma once
/// SentencePiece's text normaliser (sentencepiece 0.1.97 `normalizer::Normalizer`), reproduced
/// byte for byte: the longest match of the model's precompiled character map (a darts-clone
/// double-array trie, e.g. nmt_nfkc) rewrites the text, user-defined symbols pass unchanged,
/// leading/trailing/repeated spaces are dropped, a dummy "▁" is prefixed and spaces become "▁".
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "polyrep/tokenizer/spm_model.hpp"

namespace polyrep::tokenizer {

class SpmNormalizer {
 public:
  /// Throws InputError when the precompiled character map is malformed.
  SpmNormalizer(const SpmNormalizerSpec& spec, bool treat_whitespace_as_suffix,
                std::vector<std::string> user_defined_symbols);

  /// Normalises valid UTF-8 `input` into `out` (cleared first).
  void normalize(std::string_view input, std::string& out) const;

  /// One normalisation step: (replacement text, input bytes consumed).
  std::pair<std::string_view, std::size_t> normalize_prefix(std::string_view input) const;

 private:
  std::size_t longest_charsmap_match(std::string_view input, std::uint32_t& value) const;

  SpmNormalizerSpec spec_;
  bool treat_whitespace_as_suffix_;
  std::vector<std::string> user_defined_;
  std::vector<std::uint32_t> trie_;  // darts-clone units
  std::string replacements_;         // NUL-ended outputs the trie values point into
};

}  // namespace polyrep::tokenizer

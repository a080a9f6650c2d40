#pragma once
/// HuggingFace "added tokens" ([CLS], <mask>, <madeupword0>, ...): before the model's own
/// tokenizer runs, the slow tokenizers cut the text at every literal occurrence of one of them
/// (longest match first) and emit its id directly, honouring the token's lstrip/rstrip/single_word
/// flags. Reproducing that keeps ids identical even for text that happens to contain "[SEP]".
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace polyrep::tokenizer {

struct AddedToken {
  std::string content;
  std::int32_t id = -1;
  bool lstrip = false;       // eats whitespace on its left
  bool rstrip = false;       // eats whitespace on its right
  bool single_word = false;  // only matches as a whole word
  bool special = true;
};

/// One piece of the input: plain text for the model tokenizer (added_id < 0) or an added token.
struct Segment {
  std::string_view text;
  std::int32_t added_id = -1;
};

class AddedTokenSplitter {
 public:
  AddedTokenSplitter() = default;
  explicit AddedTokenSplitter(std::vector<AddedToken> tokens);

  /// Cuts `text` like transformers' `Trie.split` + the strip handling of
  /// `PreTrainedTokenizer.tokenize`; empty text segments are dropped. `out` is cleared first.
  void split(std::string_view text, std::vector<Segment>& out) const;
  const std::vector<AddedToken>& tokens() const noexcept { return tokens_; }

 private:
  const AddedToken* longest_match_at(std::string_view text, std::size_t pos) const noexcept;

  std::vector<AddedToken> tokens_;
  bool first_byte_[256] = {};
};

}  // namespace polyrep::tokenizer

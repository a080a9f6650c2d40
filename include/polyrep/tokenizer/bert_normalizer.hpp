#pragma once
/// BERT's pre-tokenization (HuggingFace `BasicTokenizer`, slow, transformers 4.40.2): drop NUL,
/// U+FFFD and every category-C character except \t \n \r; map whitespace to ' '; put spaces around
/// CJK ideographs; NFC-normalise; split on Python whitespace; optionally lower-case and strip
/// accents; split each word on punctuation. The result is the list of "words" that WordPiece then
/// cuts into pieces. Unicode properties come from utf8proc; the only hand-written table is the set
/// of CJK ideograph blocks that BERT itself defines.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace polyrep::tokenizer {

struct BasicTokenizerOptions {
  bool do_lower_case = false;               // mBERT cased: false
  std::optional<bool> strip_accents;        // unset: follows do_lower_case (HF's None)
  bool tokenize_chinese_chars = true;
};

/// Words stored back to back in one buffer, so that a sentence costs two allocations, not one per
/// word. Reused across calls by clear().
class Words {
 public:
  void clear() noexcept;
  void push_back(std::string_view word);
  /// Appends to `buffer()` directly; finish the word with end_word() (empty words are dropped).
  std::string& buffer() noexcept { return buffer_; }
  void end_word();
  std::size_t size() const noexcept { return ends_.size(); }
  bool empty() const noexcept { return ends_.empty(); }
  std::string_view operator[](std::size_t i) const noexcept;
  std::vector<std::string> to_vector() const;

 private:
  std::string buffer_;
  std::vector<std::size_t> ends_;
};

/// Runs the whole BasicTokenizer on `text` into `out` (cleared first). Throws InputError on invalid
/// UTF-8.
void basic_tokenize(std::string_view text, const BasicTokenizerOptions& options, Words& out);
std::vector<std::string> basic_tokenize(std::string_view text,
                                        const BasicTokenizerOptions& options = {});

// The character classes, exposed for the unit tests (HF function names in comments).
bool is_cjk_ideograph(char32_t cp) noexcept;   // _is_chinese_char
bool is_bert_control(char32_t cp) noexcept;    // _is_control: category C*, except \t \n \r
bool is_bert_whitespace(char32_t cp) noexcept; // _is_whitespace: ' ' \t \n \r or category Zs
bool is_bert_punctuation(char32_t cp) noexcept;// _is_punctuation: ASCII symbol ranges or P*
bool is_python_space(char32_t cp) noexcept;    // str.isspace(): bidi WS/B/S or category Zs

}  // namespace polyrep::tokenizer

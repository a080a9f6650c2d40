#pragma once
/// WordPiece tokenization as in HuggingFace's slow `BertTokenizer`: BasicTokenizer words, then
/// greedy longest-match-first pieces with "##" continuations; a word longer than
/// `max_input_chars_per_word` code points or with an unmatched remainder becomes one [UNK].
/// Template `[CLS] X [SEP]`. Special ids are looked up by name in vocab.txt.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "polyrep/tokenizer/added_tokens.hpp"
#include "polyrep/tokenizer/bert_normalizer.hpp"
#include "polyrep/tokenizer/prefix_index.hpp"
#include "polyrep/tokenizer/tokenizer.hpp"

namespace polyrep::tokenizer {

/// vocab.txt: one piece per line, id = line number. Built from pieces directly, a piece listed
/// twice keeps its last id for lookups, as HF's dict does; a file with a repeated line is refused.
class WordPieceVocab {
 public:
  /// Throws InputError naming the file when it cannot be read, is empty, is not UTF-8, or repeats
  /// a line ("<file>:<line>: '<piece>' repeats line N").
  static WordPieceVocab load(const std::filesystem::path& vocab_file);
  explicit WordPieceVocab(std::vector<std::string> pieces);
  // Moving the vectors keeps their elements in place, so the views into them stay valid.
  WordPieceVocab(WordPieceVocab&&) noexcept = default;
  WordPieceVocab& operator=(WordPieceVocab&&) noexcept = default;
  WordPieceVocab(const WordPieceVocab&) = delete;
  WordPieceVocab& operator=(const WordPieceVocab&) = delete;

  /// -1 when absent.
  std::int32_t find(std::string_view piece) const noexcept;
  const std::string& piece(std::int32_t id) const { return pieces_.at(static_cast<std::size_t>(id)); }
  std::int32_t size() const noexcept { return static_cast<std::int32_t>(pieces_.size()); }
  /// Id of the longest piece that is a prefix of `text` ("##" + prefix when `continuation`), with
  /// its length in `text` bytes; -1 when none is.
  std::int32_t longest_match(std::string_view text, bool continuation, std::size_t& length) const noexcept;

 private:
  std::vector<std::string> pieces_;
  PrefixIndex index_;
  PrefixIndex::Cursor continuation_;  // index_ narrowed to the "##" pieces
  // Keys view into pieces_, whose strings never move after construction.
  std::unordered_map<std::string_view, std::int32_t> ids_;
};

struct WordPieceOptions {
  BasicTokenizerOptions basic;
  std::string unk_token = "[UNK]";
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
  std::string mask_token = "[MASK]";
  std::size_t max_input_chars_per_word = 100;
  /// Added tokens with their ids; empty: the five special tokens above, ids from the vocabulary.
  std::vector<AddedToken> added_tokens;
};

class WordPieceTokenizer final : public Tokenizer {
 public:
  /// Throws InputError when the vocabulary lacks [UNK], [CLS], [SEP] or [PAD] (by the names given).
  WordPieceTokenizer(WordPieceVocab vocab, WordPieceOptions options);
  static WordPieceTokenizer from_vocab_file(const std::filesystem::path& vocab_file,
                                            WordPieceOptions options = {});

  std::string kind() const override { return "wordpiece"; }
  std::vector<std::string> tokenize(std::string_view text) const override;
  Encoded encode(std::string_view text, std::size_t max_tokens = 0) const override;
  std::string id_to_piece(std::int32_t id) const override;
  bool is_special(std::int32_t id) const override;
  std::int32_t pad_id() const override { return pad_id_; }
  /// vocab.txt's size, or more when an added token has a higher id.
  std::int32_t vocab_size() const override { return vocab_size_; }

  std::int32_t unk_id() const noexcept { return unk_id_; }
  std::int32_t cls_id() const noexcept { return cls_id_; }
  std::int32_t sep_id() const noexcept { return sep_id_; }

  /// Appends the ids of one BasicTokenizer word (exposed for tests).
  void word_to_ids(std::string_view word, std::vector<std::int32_t>& ids) const;

 private:
  void content_ids(std::string_view text, std::vector<std::int32_t>& ids) const;
  std::int32_t required_id(const std::string& token) const;

  WordPieceVocab vocab_;
  WordPieceOptions options_;
  AddedTokenSplitter splitter_;
  std::vector<std::int32_t> special_ids_;
  std::int32_t unk_id_ = -1, cls_id_ = -1, sep_id_ = -1, pad_id_ = -1;
  std::int32_t vocab_size_ = vocab_.size();
};

}  // namespace polyrep::tokenizer

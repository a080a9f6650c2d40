#pragma once
/// The tokenizer interface: turns one sentence into the ids the model sees, exactly as the
/// HuggingFace *slow* tokenizers (transformers 4.40.2) do, so that our hidden states can be compared
/// with theirs row by row. Two implementations exist — WordPiece (BERT/mBERT, vocab.txt) and
/// SentencePiece with fairseq id conventions (XLM-R, XGLM) — and `load_tokenizer` picks one from the
/// files of a HuggingFace model directory. Tokenizers are immutable after loading, so one instance
/// may be shared by threads.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace polyrep::tokenizer {

struct Encoded {
  std::vector<std::int32_t> ids;  // special tokens included, per the model's template
  bool truncated = false;         // true when max_tokens cut content
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  /// "wordpiece" | "sentencepiece".
  virtual std::string kind() const = 0;
  /// Pieces without special tokens (HF `tokenizer.tokenize`). Throws InputError on invalid UTF-8.
  virtual std::vector<std::string> tokenize(std::string_view text) const = 0;
  /// Ids with the template's special tokens. max_tokens > 0 cuts content tokens from the end so
  /// that the total, specials included, is <= max_tokens. Throws InputError on invalid UTF-8.
  virtual Encoded encode(std::string_view text, std::size_t max_tokens = 0) const = 0;
  /// HF `convert_ids_to_tokens`. Throws UsageError for an id outside [0, vocab_size()).
  virtual std::string id_to_piece(std::int32_t id) const = 0;
  /// True for template/control tokens ([CLS] [SEP] [PAD] [MASK] <s> </s> <pad> <mask>
  /// <madeupwordK>), false for [UNK]/<unk> and ordinary pieces.
  virtual bool is_special(std::int32_t id) const = 0;
  virtual std::int32_t pad_id() const = 0;
  virtual std::int32_t vocab_size() const = 0;
};

struct TokenizerOptions {
  std::string model_type;  // from config.json: "bert", "xlm-roberta", "xglm" (id conventions/template)
};

/// Chooses the implementation from the files present in model_dir: vocab.txt -> WordPiece,
/// sentencepiece.bpe.model (or the *.model file named by tokenizer_config.json's vocab_file) ->
/// SentencePiece. tokenizer_config.json / special_tokens_map.json are read when present.
/// Throws InputError naming the directory when none is found or the files are corrupt.
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& model_dir,
                                          const TokenizerOptions& options);

}  // namespace polyrep::tokenizer

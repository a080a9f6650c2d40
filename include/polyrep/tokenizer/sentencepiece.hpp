#pragma once
/// SentencePiece tokenization with fairseq's id conventions, as HuggingFace's slow
/// `XLMRobertaTokenizer` and `XGLMTokenizer` do it: <s>=0 <pad>=1 </s>=2 <unk>=3, every other
/// piece gets its sentencepiece id + 1 (sentencepiece's own unknown maps to 3). XLM-R adds
/// <mask> = sp_size + 1 and the template `<s> X </s>`; XGLM adds <madeupword0..6> = sp_size + 1 + K
/// and the template `</s> X`. Text normalisation is the rule stored inside the .model file; the
/// segmentation itself is polyrep's exact port of sentencepiece 0.1.97 (see spm_unigram.hpp).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "polyrep/tokenizer/added_tokens.hpp"
#include "polyrep/tokenizer/spm_unigram.hpp"
#include "polyrep/tokenizer/tokenizer.hpp"

namespace polyrep::tokenizer {

enum class FairseqConvention { xlm_roberta, xglm };

/// "xlm-roberta" / "xglm" (config.json model_type); throws UsageError for anything else.
FairseqConvention fairseq_convention(const std::string& model_type);

struct SentencePieceOptions {
  FairseqConvention convention = FairseqConvention::xlm_roberta;
  /// Added tokens with their ids; empty: the convention's own specials (with <mask> lstrip, as
  /// XLM-R's tokenizer_config.json has it).
  std::vector<AddedToken> added_tokens;
};

class SentencePieceTokenizer final : public Tokenizer {
 public:
  /// Throws InputError naming the file when it is missing or not a sentencepiece model.
  SentencePieceTokenizer(const std::filesystem::path& model_file, SentencePieceOptions options);

  std::string kind() const override { return "sentencepiece"; }
  std::vector<std::string> tokenize(std::string_view text) const override;
  Encoded encode(std::string_view text, std::size_t max_tokens = 0) const override;
  std::string id_to_piece(std::int32_t id) const override;
  bool is_special(std::int32_t id) const override;
  std::int32_t pad_id() const override { return 1; }
  std::int32_t vocab_size() const override;

  /// Size of the sentencepiece model itself (without the fairseq extras).
  std::int32_t sp_size() const noexcept { return sp_size_; }
  /// fairseq id of a sentencepiece piece string (HF `_convert_token_to_id`).
  std::int32_t piece_to_id(std::string_view piece) const;

 private:
  std::vector<AddedToken> default_added_tokens() const;
  // Content pieces and/or their ids (either may be null), added tokens cut out first.
  void content(std::string_view text, std::vector<std::string>* pieces,
               std::vector<std::int32_t>* ids) const;

  SpmUnigram sp_;
  SentencePieceOptions options_;
  AddedTokenSplitter splitter_;
  std::int32_t sp_size_ = 0;
};

}  // namespace polyrep::tokenizer

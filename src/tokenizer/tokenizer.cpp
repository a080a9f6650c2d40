#include "polyrep/tokenizer/tokenizer.hpp"

#include "polyrep/core/error.hpp"
#include "polyrep/tokenizer/sentencepiece.hpp"
#include "polyrep/tokenizer/tokenizer_config.hpp"
#include "polyrep/tokenizer/wordpiece.hpp"

namespace polyrep::tokenizer {
namespace {

namespace fs = std::filesystem;

enum class Family { unknown, wordpiece, xlm_roberta, xglm };

// config.json's model_type decides; tokenizer_config.json's class, then the files present, are
// the fallbacks for directories without one.
Family choose_family(const fs::path& dir, const std::string& model_type,
                     const TokenizerConfig& config) {
  if (model_type == "xlm-roberta" || model_type == "xlm_roberta") return Family::xlm_roberta;
  if (model_type == "xglm") return Family::xglm;
  if (model_type == "bert") return Family::wordpiece;
  const std::string cls = config.tokenizer_class.value_or("");
  if (cls.rfind("XLMRobertaTokenizer", 0) == 0) return Family::xlm_roberta;
  if (cls.rfind("XGLMTokenizer", 0) == 0) return Family::xglm;
  if (cls.rfind("BertTokenizer", 0) == 0) return Family::wordpiece;
  if (fs::exists(dir / config.vocab_file.value_or("vocab.txt"))) return Family::wordpiece;
  return Family::unknown;
}

fs::path find_file(const fs::path& dir, const TokenizerConfig& config, const char* default_name) {
  const fs::path file = dir / config.vocab_file.value_or(default_name);
  if (!fs::is_regular_file(file)) {
    throw InputError(dir.string() + ": no tokenizer file " + file.filename().string() +
                     " (expected vocab.txt for BERT, sentencepiece.bpe.model for XLM-R/XGLM)");
  }
  return file;
}

std::unique_ptr<Tokenizer> make_wordpiece(const fs::path& dir, const TokenizerConfig& config) {
  WordPieceOptions options;
  options.basic.do_lower_case = config.do_lower_case;
  options.basic.strip_accents = config.strip_accents;
  options.basic.tokenize_chinese_chars = config.tokenize_chinese_chars;
  options.unk_token = config.special("unk_token", options.unk_token);
  options.cls_token = config.special("cls_token", options.cls_token);
  options.sep_token = config.special("sep_token", options.sep_token);
  options.pad_token = config.special("pad_token", options.pad_token);
  options.mask_token = config.special("mask_token", options.mask_token);
  options.added_tokens = config.added_tokens;
  return std::make_unique<WordPieceTokenizer>(
      WordPieceTokenizer::from_vocab_file(find_file(dir, config, "vocab.txt"), std::move(options)));
}

std::unique_ptr<Tokenizer> make_sentencepiece(const fs::path& dir, const TokenizerConfig& config,
                                              FairseqConvention convention) {
  SentencePieceOptions options;
  options.convention = convention;
  options.added_tokens = config.added_tokens;
  return std::make_unique<SentencePieceTokenizer>(
      find_file(dir, config, "sentencepiece.bpe.model"), std::move(options));
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer(const fs::path& model_dir,
                                          const TokenizerOptions& options) {
  if (!fs::is_directory(model_dir)) {
    throw InputError(model_dir.string() + ": not a directory (expected a HuggingFace model folder)");
  }
  const TokenizerConfig config = read_tokenizer_config(model_dir);
  switch (choose_family(model_dir, options.model_type, config)) {
    case Family::wordpiece:
      return make_wordpiece(model_dir, config);
    case Family::xlm_roberta:
      return make_sentencepiece(model_dir, config, FairseqConvention::xlm_roberta);
    case Family::xglm:
      return make_sentencepiece(model_dir, config, FairseqConvention::xglm);
    case Family::unknown:
      break;
  }
  throw InputError(model_dir.string() + ": no supported tokenizer found (model type '" +
                   options.model_type + "'; expected vocab.txt, or sentencepiece.bpe.model with " +
                   "model type xlm-roberta or xglm)");
}

}  // namespace polyrep::tokenizer

#include "polyrep/tokenizer/sentencepiece.hpp"

#include <algorithm>
#include <limits>

#include "polyrep/core/error.hpp"
#include "polyrep/tokenizer/utf8.hpp"

namespace polyrep::tokenizer {
namespace {

// fairseq's dictionary puts these four first; every sentencepiece id moves up by one.
constexpr std::int32_t kBos = 0, kPad = 1, kEos = 2, kUnk = 3;
constexpr std::int32_t kFairseqOffset = 1;
constexpr std::int32_t kMadeUpWords = 7;  // XGLM

struct Scratch {
  std::vector<Segment> segments;
  std::vector<std::string> pieces;
  std::vector<std::int32_t> sp_ids;
};

Scratch& scratch() {
  thread_local Scratch instance;
  return instance;
}

SpmUnigram load_model(const std::filesystem::path& model_file) {
  if (!std::filesystem::is_regular_file(model_file)) {
    throw InputError(model_file.string() + ": no such sentencepiece model file");
  }
  return SpmUnigram::load(model_file);
}

}  // namespace

FairseqConvention fairseq_convention(const std::string& model_type) {
  if (model_type == "xlm-roberta" || model_type == "xlm_roberta") return FairseqConvention::xlm_roberta;
  if (model_type == "xglm") return FairseqConvention::xglm;
  throw UsageError("no sentencepiece id convention is known for model type '" + model_type +
                   "' (known: xlm-roberta, xglm)");
}

SentencePieceTokenizer::SentencePieceTokenizer(const std::filesystem::path& model_file,
                                               SentencePieceOptions options)
    : sp_(load_model(model_file)), options_(std::move(options)), sp_size_(sp_.size()) {
  std::vector<AddedToken> added =
      options_.added_tokens.empty() ? default_added_tokens() : options_.added_tokens;
  // Ids from tokenizer_config.json go straight into encode()'s output, and vocab_size() is the
  // largest + 1: a negative id or INT32_MAX would be an id no model has (or an overflow).
  for (const AddedToken& token : added) {
    if (token.id < 0 || token.id == std::numeric_limits<std::int32_t>::max())
      throw InputError("added token '" + token.content + "' has id " + std::to_string(token.id) +
                       ", outside any vocabulary");
  }
  splitter_ = AddedTokenSplitter(std::move(added));
}

std::vector<AddedToken> SentencePieceTokenizer::default_added_tokens() const {
  std::vector<AddedToken> tokens = {{"<s>", kBos, false, false, false, true},
                                    {"<pad>", kPad, false, false, false, true},
                                    {"</s>", kEos, false, false, false, true},
                                    {"<unk>", kUnk, false, false, false, true}};
  const std::int32_t first_extra = sp_size_ + kFairseqOffset;
  if (options_.convention == FairseqConvention::xlm_roberta) {
    tokens.push_back({"<mask>", first_extra, true, false, false, true});
  } else {
    for (std::int32_t k = 0; k < kMadeUpWords; ++k) {
      tokens.push_back({"<madeupword" + std::to_string(k) + ">", first_extra + k, false, false,
                        false, true});
    }
  }
  return tokens;
}

std::int32_t SentencePieceTokenizer::piece_to_id(std::string_view piece) const {
  for (const AddedToken& token : splitter_.tokens()) {
    if (token.content == piece) return token.id;
  }
  const std::int32_t sp_id = sp_.piece_to_id(piece);
  return sp_id == 0 ? kUnk : sp_id + kFairseqOffset;  // HF: any sentencepiece id 0 -> <unk>
}

void SentencePieceTokenizer::content(std::string_view text, std::vector<std::string>* pieces,
                                     std::vector<std::int32_t>* ids) const {
  require_valid_utf8(text);
  Scratch& s = scratch();
  splitter_.split(text, s.segments);
  for (const Segment& segment : s.segments) {
    if (segment.added_id >= 0) {
      if (pieces != nullptr) pieces->emplace_back(segment.text);
      if (ids != nullptr) ids->push_back(segment.added_id);
      continue;
    }
    sp_.encode(segment.text, s.pieces, s.sp_ids);
    for (std::string& piece : s.pieces) {
      if (ids != nullptr) ids->push_back(piece_to_id(piece));
      if (pieces != nullptr) pieces->push_back(std::move(piece));
    }
  }
}

std::vector<std::string> SentencePieceTokenizer::tokenize(std::string_view text) const {
  std::vector<std::string> pieces;
  content(text, &pieces, nullptr);
  return pieces;
}

Encoded SentencePieceTokenizer::encode(std::string_view text, std::size_t max_tokens) const {
  const bool xlmr = options_.convention == FairseqConvention::xlm_roberta;
  const std::size_t trailing = xlmr ? 1 : 0;  // XLM-R: <s> X </s>; XGLM: </s> X
  if (max_tokens > 0 && max_tokens < 1 + trailing) {
    throw UsageError("max_tokens " + std::to_string(max_tokens) +
                     " leaves no room for the template's special tokens");
  }
  Encoded encoded;
  encoded.ids.push_back(xlmr ? kBos : kEos);
  content(text, nullptr, &encoded.ids);
  if (max_tokens > 0 && encoded.ids.size() + trailing > max_tokens) {
    encoded.ids.resize(max_tokens - trailing);
    encoded.truncated = true;
  }
  if (xlmr) encoded.ids.push_back(kEos);
  return encoded;
}

std::string SentencePieceTokenizer::id_to_piece(std::int32_t id) const {
  for (const AddedToken& token : splitter_.tokens()) {
    if (token.id == id) return token.content;
  }
  if (id < kFairseqOffset || id - kFairseqOffset >= sp_size_) {
    throw UsageError("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                     std::to_string(vocab_size()) + ")");
  }
  return sp_.id_to_piece(id - kFairseqOffset);
}

bool SentencePieceTokenizer::is_special(std::int32_t id) const {
  return std::any_of(splitter_.tokens().begin(), splitter_.tokens().end(),
                     [id](const AddedToken& t) { return t.id == id && t.special && id != kUnk; });
}

std::int32_t SentencePieceTokenizer::vocab_size() const {
  const std::int32_t extras =
      options_.convention == FairseqConvention::xlm_roberta ? 1 : kMadeUpWords;
  std::int32_t size = sp_size_ + kFairseqOffset + extras;
  for (const AddedToken& token : splitter_.tokens()) size = std::max(size, token.id + 1);
  return size;
}

}  // namespace polyrep::tokenizer

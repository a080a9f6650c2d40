// Fuzz target: SentencePiece — polyrep's own reader of the .model protobuf (spm_model.cpp), the
// precompiled character map (a darts-clone trie, spm_normalizer.cpp), the unigram Viterbi
// (spm_unigram.cpp) and the fairseq id mapping with added tokens (sentencepiece.cpp), through the
// public SentencePieceTokenizer.
//
// Input: one flag byte, the text to encode, "\n====\n", then the .model bytes (no separator: all
// of it is the model and a fixed text is encoded). Flag bits: 0 XGLM conventions (else XLM-R);
// 1 added tokens with lstrip/rstrip/single_word instead of the convention's defaults.
// Invariants: ids inside [0, vocab_size()) with a piece each, encode() = template + tokenize().
#include "fuzz_support.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/tokenizer/sentencepiece.hpp"

namespace {

using polyrep::fuzz::require;
using namespace polyrep::tokenizer;

constexpr std::string_view kDefaultText =
    "  Hello   world! caf\xc3\xa9 \xef\xbc\xa8\xef\xbd\x85llo <mask> \xe4\xb8\x96\xe7\x95\x8c\t</s>x ";

SentencePieceOptions options_from(unsigned char flags) {
  SentencePieceOptions options;
  options.convention = (flags & 1u) ? FairseqConvention::xglm : FairseqConvention::xlm_roberta;
  if (flags & 2u) {
    options.added_tokens = {{"<s>", 0, false, false, false, true},
                            {"<pad>", 1, false, false, false, true},
                            {"</s>", 2, true, true, false, true},
                            {"<unk>", 3, false, false, false, true},
                            {"<mask>", 4, true, false, false, true},
                            {"[x]", 5, false, true, true, false}};
  }
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const polyrep::fuzz::Scratch scratch("spm");
  if (size == 0) return 0;
  const auto parts = polyrep::fuzz::split_parts(polyrep::fuzz::as_view(data + 1, size - 1), 2);
  const std::string_view text = parts.size() > 1 ? parts[0] : kDefaultText;
  const auto file = polyrep::fuzz::Scratch::write(scratch.root() / "sentencepiece.bpe.model",
                                                  parts.back());
  try {
    const SentencePieceOptions options = options_from(data[0]);
    const bool xlmr = options.convention == FairseqConvention::xlm_roberta;
    const SentencePieceTokenizer tok(file, options);
    const std::int32_t vocab_size = tok.vocab_size();
    require(tok.sp_size() > 0 && vocab_size > tok.sp_size(), "vocabulary sizes inconsistent");
    const Encoded encoded = tok.encode(text);
    const std::vector<std::string> pieces = tok.tokenize(text);
    require(encoded.ids.size() == pieces.size() + (xlmr ? 2 : 1), "encode() is not template + tokenize()");
    for (const std::int32_t id : encoded.ids) {
      require(id >= 0 && id < vocab_size, "id outside the vocabulary");
      (void)tok.id_to_piece(id);
      (void)tok.is_special(id);
    }
    for (const std::string& piece : pieces) {
      const std::int32_t id = tok.piece_to_id(piece);
      require(id >= 0 && id < vocab_size, "piece_to_id() outside the vocabulary");
    }
    const Encoded cut = tok.encode(text, 3);
    require(cut.ids.size() <= 3, "max_tokens ignored");
  } catch (const polyrep::Error& e) {
    polyrep::fuzz::rejected(e);
  }
  return 0;
}

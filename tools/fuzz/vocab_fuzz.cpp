// Fuzz target: WordPiece — loading a vocab.txt (WordPieceVocab::load: UTF-8 check, universal
// newlines) and encoding a short text with it (BasicTokenizer normalisation through utf8proc,
// added-token splitting, greedy longest-match pieces).
//
// Input: one flag byte, then vocab.txt, then optionally "\n====\n" and the text to encode (a fixed
// multilingual sentence otherwise). Flag bits: 0 do_lower_case; 1-2 strip_accents unset / false /
// true; 3 tokenize_chinese_chars off; 4-7 max_input_chars_per_word = 4 * value (0: default 100).
// Invariants: lookups are consistent with the file, ids are inside the vocabulary, and
// encode() is [CLS] + tokenize() + [SEP].
#include "fuzz_support.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/tokenizer/wordpiece.hpp"

namespace {

using polyrep::fuzz::require;
using namespace polyrep::tokenizer;

constexpr std::string_view kDefaultText =
    "Hello, World! [MASK] caf\xc3\xa9 na\xc3\xafve \xe4\xb8\x96\xe7\x95\x8c "
    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xef\xbc\xa1 ##x";

WordPieceOptions options_from(unsigned char flags) {
  WordPieceOptions options;
  options.basic.do_lower_case = (flags & 1u) != 0;
  const unsigned accents = (flags >> 1) & 3u;
  if (accents == 1) options.basic.strip_accents = false;
  if (accents >= 2) options.basic.strip_accents = true;
  options.basic.tokenize_chinese_chars = (flags & 8u) == 0;
  if ((flags >> 4) != 0) options.max_input_chars_per_word = 4u * (flags >> 4);
  return options;
}

void check_vocab(const std::filesystem::path& file) {
  const WordPieceVocab vocab = WordPieceVocab::load(file);
  require(vocab.size() > 0, "empty vocabulary loaded");
  for (std::int32_t id = 0; id < vocab.size(); ++id) {
    const std::int32_t found = vocab.find(vocab.piece(id));
    require(found >= id && vocab.piece(found) == vocab.piece(id), "find() misses a listed piece");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const polyrep::fuzz::Scratch scratch("vocab");
  if (size == 0) return 0;
  const auto parts = polyrep::fuzz::split_parts(polyrep::fuzz::as_view(data + 1, size - 1), 2);
  const std::string_view text = parts.size() > 1 ? parts[1] : kDefaultText;
  const auto file = polyrep::fuzz::Scratch::write(scratch.root() / "vocab.txt", parts[0]);
  try {
    check_vocab(file);
    const auto tok = WordPieceTokenizer::from_vocab_file(file, options_from(data[0]));
    const std::int32_t vocab_size = tok.vocab_size();
    const Encoded encoded = tok.encode(text);
    const std::vector<std::string> pieces = tok.tokenize(text);
    require(encoded.ids.size() == pieces.size() + 2, "encode() is not [CLS] tokenize() [SEP]");
    require(encoded.ids.front() == tok.cls_id() && encoded.ids.back() == tok.sep_id(),
            "template tokens missing");
    for (std::size_t i = 0; i < encoded.ids.size(); ++i) {
      const std::int32_t id = encoded.ids[i];
      require(id >= 0 && id < vocab_size, "id outside the vocabulary");
      const std::string piece = tok.id_to_piece(id);
      require(i == 0 || i + 1 == encoded.ids.size() || piece == pieces[i - 1],
              "tokenize() and encode() disagree");
    }
    const Encoded cut = tok.encode(text, 4);
    require(cut.ids.size() <= 4 && cut.truncated == (encoded.ids.size() > 4), "max_tokens ignored");
  } catch (const polyrep::Error& e) {
    polyrep::fuzz::rejected(e);
  }
  return 0;
}

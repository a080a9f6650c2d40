// The sentencepiece port: model parsing errors, normalizer whitespace rules. Expected strings are
// what libsentencepiece 0.1.97 gives for the tiny-xlmr model (nmt_nfkc).
#include "polyrep/tokenizer/spm_unigram.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "polyrep/core/error.hpp"
#include "polyrep_test/test_paths.hpp"

namespace polyrep::tokenizer {
namespace {

std::filesystem::path xlmr_model() {
  return std::filesystem::path(test::kDataDir) / "models" / "tiny-xlmr" / "sentencepiece.bpe.model";
}

TEST(SpmModel, ReadsPiecesAndNormalizerSpec) {
  const SpmModel model = read_spm_model(xlmr_model());
  ASSERT_EQ(model.pieces.size(), 2000u);
  EXPECT_EQ(model.pieces[0].piece, "<unk>");
  EXPECT_EQ(model.pieces[0].type, SpmPiece::Type::unknown);
  EXPECT_EQ(model.pieces[1].type, SpmPiece::Type::control);  // <s>
  EXPECT_EQ(model.algorithm, SpmModel::Algorithm::unigram);
  EXPECT_EQ(model.normalizer.name, "nmt_nfkc");
  EXPECT_FALSE(model.normalizer.precompiled_charsmap.empty());
  EXPECT_TRUE(model.normalizer.add_dummy_prefix);
}

TEST(SpmModel, MalformedBytesAreInputErrors) {
  EXPECT_THROW(parse_spm_model(""), InputError);                    // no pieces
  EXPECT_THROW(parse_spm_model("\x0a\x05\x0a\x01"), InputError);    // length past the end
  EXPECT_THROW(parse_spm_model("\x0b"), InputError);                // wire type 3 (groups)
  EXPECT_THROW(parse_spm_model(std::string("\x0a\x02\x18\x09", 4)), InputError);  // type 9
}

// Hand-built ModelProto bytes: varints, length-delimited fields, pieces.
std::string varint(std::uint64_t v) {
  std::string out;
  for (; v >= 0x80; v >>= 7) out += static_cast<char>((v & 0x7F) | 0x80);
  return out + static_cast<char>(v);
}
std::string bytes_field(std::uint32_t number, const std::string& bytes) {
  return varint(number << 3 | 2) + varint(bytes.size()) + bytes;
}
std::string varint_field(std::uint32_t number, std::uint64_t value) { return varint(number << 3) + varint(value); }
std::string piece(const std::string& text, int type) {
  return bytes_field(1, bytes_field(1, text) + varint_field(3, static_cast<std::uint64_t>(type)));
}
const std::string kPieces = piece("<unk>", 2) + piece("<s>", 3) + piece("</s>", 3) + piece("a", 1);
std::string trainer(const std::string& extra = "") {
  return bytes_field(2, varint_field(3, 1) + varint_field(4, 4) + extra);  // unigram, vocab_size 4
}
const std::string kNormalizer = bytes_field(3, bytes_field(1, "identity"));

std::string parse_error(const std::string& bytes) {
  try {
    parse_spm_model(bytes);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(SpmModel, AHandBuiltCompleteModelParses) {
  const SpmModel model = parse_spm_model(kPieces + trainer() + kNormalizer);
  EXPECT_EQ(model.pieces.size(), 4u);
  EXPECT_EQ(model.vocab_size, 4);
  EXPECT_EQ(model.normalizer.name, "identity");
  // bos_id -1 (no <s>) travels as a ten-byte varint and needs no piece.
  const std::string no_bos = piece("<unk>", 2) + piece("a", 1) + piece("</s>", 3) + piece("b", 1);
  const SpmModel without = parse_spm_model(no_bos + trainer(varint_field(41, ~std::uint64_t{0}) + varint_field(42, 2)) + kNormalizer);
  EXPECT_EQ(without.bos_id, -1);
}

TEST(SpmModel, AFileCutOnAFieldBoundaryIsRefused) {
  EXPECT_NE(parse_error(kPieces).find("no trainer_spec after 4 pieces"), std::string::npos) << parse_error(kPieces);
  EXPECT_NE(parse_error(kPieces + trainer()).find("no normalizer_spec"), std::string::npos);
  // The fixture's first 300 bytes end between two pieces: 28 whole pieces, no specs.
  std::ifstream in(xlmr_model(), std::ios::binary);
  std::string head(300, '\0');
  in.read(head.data(), 300);
  EXPECT_NE(parse_error(head).find("no trainer_spec after 28 pieces"), std::string::npos) << parse_error(head);
}

TEST(SpmModel, FewerPiecesThanTheTrainerSpecSaysAreRefused) {
  const std::string five = bytes_field(2, varint_field(3, 1) + varint_field(4, 5));
  EXPECT_NE(parse_error(kPieces + five + kNormalizer).find("only 4 pieces, but its trainer_spec says vocab_size 5"),
            std::string::npos);
  // hard_vocab_limit = false: training may stop short of vocab_size.
  EXPECT_EQ(parse_error(kPieces + bytes_field(2, varint_field(3, 1) + varint_field(4, 5) + varint_field(33, 0)) + kNormalizer), "");
}

TEST(SpmModel, MissingRequiredPiecesAreRefused) {
  const std::string unk_normal = piece("<unk>", 1) + piece("<s>", 3) + piece("</s>", 3) + piece("a", 1);
  EXPECT_NE(parse_error(unk_normal + trainer() + kNormalizer).find("piece 0 ('<unk>', trainer_spec unk_id) is not of type UNKNOWN"),
            std::string::npos);
  const std::string eos_normal = piece("<unk>", 2) + piece("<s>", 3) + piece("</s>", 1) + piece("a", 1);
  EXPECT_NE(parse_error(eos_normal + trainer() + kNormalizer).find("eos_id"), std::string::npos);
  const std::string two = piece("<unk>", 2) + piece("<s>", 3);
  EXPECT_NE(parse_error(two + bytes_field(2, varint_field(3, 1)) + kNormalizer).find("eos_id 2 is not a piece (2 pieces)"),
            std::string::npos);
}

TEST(SpmModel, InvalidFieldsAreRefused) {
  EXPECT_NE(parse_error(std::string("\x02\x00", 2)).find("invalid field number 0"), std::string::npos);
  EXPECT_NE(parse_error(piece("\xC3", 1) + trainer() + kNormalizer).find("not valid UTF-8"), std::string::npos);
  EXPECT_NE(parse_error("this is not a sentencepiece model\n").find("malformed sentencepiece model"), std::string::npos);
}

TEST(SpmNormalizer, NmtNfkcWhitespaceRules) {
  const SpmModel model = read_spm_model(xlmr_model());
  const SpmNormalizer normalizer(model.normalizer, false, {});
  std::string out;
  normalizer.normalize("  Hello \t  world  ", out);
  EXPECT_EQ(out, "\u2581Hello\u2581world");
  normalizer.normalize("ｶﾀｶﾅ①", out);
  EXPECT_EQ(out, "\u2581カタカナ1");
  normalizer.normalize("   ", out);
  EXPECT_EQ(out, "");
}

TEST(SpmUnigram, PieceLookupsAndUnknownRuns) {
  const SpmUnigram sp = SpmUnigram::load(xlmr_model());
  EXPECT_EQ(sp.size(), 2000);
  EXPECT_EQ(sp.unk_id(), 0);
  EXPECT_EQ(sp.piece_to_id("\u2581H"), 413);
  EXPECT_EQ(sp.piece_to_id("<s>"), 1);
  EXPECT_EQ(sp.piece_to_id("nope"), 0);
  std::vector<std::string> pieces;
  std::vector<std::int32_t> ids;
  sp.encode("🍕🍕 x", pieces, ids);
  EXPECT_EQ(pieces, std::vector<std::string>({"\u2581", "🍕🍕", "\u2581", "x"}));
  EXPECT_EQ(ids, std::vector<std::int32_t>({3, 0, 3, 114}));
  sp.encode("", pieces, ids);
  EXPECT_TRUE(pieces.empty());
}

}  // namespace
}  // namespace polyrep::tokenizer

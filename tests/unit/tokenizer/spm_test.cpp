// The sentencepiece port: model parsing errors, normalizer whitespace rules. Expected strings are
// what libsentencepiece 0.1.97 gives for the tiny-xlmr model (nmt_nfkc).
#include "polyrep/tokenizer/spm_unigram.hpp"

#include <gtest/gtest.h>

#include <filesystem>

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

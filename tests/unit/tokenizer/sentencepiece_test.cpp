// fairseq id conventions over the fixture sentencepiece models. Expected ids come from the real
// libsentencepiece 0.1.97 (the version HuggingFace used for the fixtures) plus HF's rule
// id = spm_id + 1, spm <unk> -> 3.
#include "polyrep/tokenizer/sentencepiece.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "polyrep/core/error.hpp"
#include "polyrep_test/test_paths.hpp"

namespace polyrep::tokenizer {
namespace {

using Ids = std::vector<std::int32_t>;

std::filesystem::path model_file(const std::string& model) {
  return std::filesystem::path(test::kDataDir) / "models" / model / "sentencepiece.bpe.model";
}

SentencePieceTokenizer xlmr() {
  return SentencePieceTokenizer(model_file("tiny-xlmr"), {FairseqConvention::xlm_roberta, {}});
}

SentencePieceTokenizer xglm() {
  return SentencePieceTokenizer(model_file("tiny-xglm"), {FairseqConvention::xglm, {}});
}

TEST(SentencePiece, XlmrShiftsIdsAndWrapsInBosEos) {
  const auto tokenizer = xlmr();
  EXPECT_EQ(tokenizer.sp_size(), 2000);
  EXPECT_EQ(tokenizer.vocab_size(), 2002);
  // spm: ▁H=413 ell=658 o=8 ▁=3 w=71 or=65 l=21 d=16; extra spaces are collapsed by nmt_nfkc.
  EXPECT_EQ(tokenizer.encode("  Hello   world  ").ids, Ids({0, 414, 659, 9, 4, 72, 66, 22, 17, 2}));
  EXPECT_EQ(tokenizer.tokenize("Hello world"),
            std::vector<std::string>({"\u2581H", "ell", "o", "\u2581", "w", "or", "l", "d"}));
}

TEST(SentencePiece, UnknownRunsMergeIntoOneUnk) {
  const auto tokenizer = xlmr();
  // spm: ▁=3, "🍕🍕" one merged unknown piece (0), ▁=3, x=114.
  EXPECT_EQ(tokenizer.encode("🍕🍕 x").ids, Ids({0, 4, 3, 4, 115, 2}));
  EXPECT_EQ(tokenizer.tokenize("🍕🍕 x")[1], "🍕🍕");
  EXPECT_EQ(tokenizer.id_to_piece(3), "<unk>");
  EXPECT_FALSE(tokenizer.is_special(3));
}

TEST(SentencePiece, NormalizationRuleComesFromTheModel) {
  const auto tokenizer = xlmr();
  // nmt_nfkc: half-width katakana -> カタカナ, ① -> 1.  spm: ▁=3 カ=1475 タ=825 カ ナ=unk ▁1=720.
  EXPECT_EQ(tokenizer.encode("ｶﾀｶﾅ ①").ids, Ids({0, 4, 1476, 826, 1476, 3, 721, 2}));
}

TEST(SentencePiece, XlmrMaskIsAnAddedTokenThatEatsTheSpaceBeforeIt) {
  const auto tokenizer = xlmr();
  EXPECT_EQ(tokenizer.id_to_piece(2001), "<mask>");
  EXPECT_TRUE(tokenizer.is_special(2001));
  const Ids expected = {0, 414, 659, 9, 2001, 2};
  EXPECT_EQ(tokenizer.encode("Hello<mask>").ids, expected);
  EXPECT_EQ(tokenizer.encode("Hello <mask>").ids, expected);  // lstrip
}

TEST(SentencePiece, FairseqSpecialsAndPieceMapping) {
  const auto tokenizer = xlmr();
  EXPECT_EQ(tokenizer.pad_id(), 1);
  EXPECT_EQ(tokenizer.id_to_piece(0), "<s>");
  EXPECT_EQ(tokenizer.id_to_piece(1), "<pad>");
  EXPECT_EQ(tokenizer.id_to_piece(2), "</s>");
  EXPECT_EQ(tokenizer.id_to_piece(414), "\u2581H");
  EXPECT_EQ(tokenizer.piece_to_id("\u2581H"), 414);
  EXPECT_EQ(tokenizer.piece_to_id("no-such-piece"), 3);
  EXPECT_EQ(tokenizer.piece_to_id("<s>"), 0);
  for (const std::int32_t id : {0, 1, 2}) EXPECT_TRUE(tokenizer.is_special(id)) << id;
  EXPECT_THROW(tokenizer.id_to_piece(2002), UsageError);
}

TEST(SentencePiece, XglmPrependsEosAndHasMadeUpWords) {
  const auto tokenizer = xglm();
  EXPECT_EQ(tokenizer.sp_size(), 2500);
  EXPECT_EQ(tokenizer.vocab_size(), 2508);
  // spm: ▁H=368 ell=612 o=8 ▁=3 w=66 or=78 l=20 d=22
  EXPECT_EQ(tokenizer.encode("Hello world").ids, Ids({2, 369, 613, 9, 4, 67, 79, 21, 23}));
  EXPECT_EQ(tokenizer.id_to_piece(2501), "<madeupword0>");
  EXPECT_EQ(tokenizer.id_to_piece(2507), "<madeupword6>");
  EXPECT_TRUE(tokenizer.is_special(2507));
  EXPECT_EQ(tokenizer.encode("").ids, Ids({2}));
}

TEST(SentencePiece, TruncationKeepsTheTemplate) {
  const Encoded x = xlmr().encode("Hello world", 4);
  EXPECT_TRUE(x.truncated);
  EXPECT_EQ(x.ids, Ids({0, 414, 659, 2}));
  const Encoded g = xglm().encode("Hello world", 3);
  EXPECT_TRUE(g.truncated);
  EXPECT_EQ(g.ids, Ids({2, 369, 613}));
  EXPECT_FALSE(xglm().encode("Hello world", 9).truncated);
  EXPECT_THROW(xlmr().encode("Hello", 1), UsageError);
}

TEST(SentencePiece, ConventionFromModelType) {
  EXPECT_EQ(fairseq_convention("xlm-roberta"), FairseqConvention::xlm_roberta);
  EXPECT_EQ(fairseq_convention("xglm"), FairseqConvention::xglm);
  EXPECT_THROW(fairseq_convention("t5"), UsageError);
}

TEST(SentencePiece, InvalidUtf8IsAnInputError) {
  EXPECT_THROW(xlmr().encode("ab\xF5\x80\x80\x80"), InputError);
}

}  // namespace
}  // namespace polyrep::tokenizer

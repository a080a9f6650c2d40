// WordPiece on a small hand-made vocabulary; expectations follow HF's WordpieceTokenizer.
#include "polyrep/tokenizer/wordpiece.hpp"

#include <gtest/gtest.h>

#include "polyrep/core/error.hpp"
#include "temp_dir.hpp"

namespace polyrep::tokenizer {
namespace {

using Ids = std::vector<std::int32_t>;

// ids:                                     0        1        2        3        4         5     6       7
const std::vector<std::string> kPieces = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able",
                                          // 8     9       10   11     12       13
                                          "play", "##ing", ",", "##a", "unaff", "a"};

WordPieceTokenizer make_tokenizer() {
  return WordPieceTokenizer(WordPieceVocab(kPieces), WordPieceOptions{});
}

TEST(WordPiece, GreedyLongestMatchFirstWithContinuations) {
  const auto tokenizer = make_tokenizer();
  // "unaffable": longest prefix "unaff" (12) wins over "un", then "##able".
  EXPECT_EQ(tokenizer.encode("unaffable playing, a").ids, Ids({2, 12, 7, 8, 9, 10, 13, 3}));
  EXPECT_EQ(tokenizer.tokenize("unaffable playing"),
            std::vector<std::string>({"unaff", "##able", "play", "##ing"}));
}

TEST(WordPiece, UnmatchedRemainderMakesTheWholeWordUnknown) {
  const auto tokenizer = make_tokenizer();
  // "playx": "play" matches but "##x" does not -> one [UNK], not "play" + [UNK].
  EXPECT_EQ(tokenizer.encode("playx a").ids, Ids({2, 1, 13, 3}));
}

TEST(WordPiece, OverLongWordBecomesUnknown) {
  const auto tokenizer = make_tokenizer();
  const std::string hundred(100, 'a');  // "a" + 99 x "##a": still tokenized
  EXPECT_EQ(tokenizer.encode(hundred).ids.size(), 102u);
  EXPECT_EQ(tokenizer.encode(hundred + "a").ids, Ids({2, 1, 3}));  // 101 code points
}

TEST(WordPiece, TruncationKeepsClsAndSep) {
  const auto tokenizer = make_tokenizer();
  const Encoded full = tokenizer.encode("a a a a a");
  EXPECT_FALSE(full.truncated);
  EXPECT_EQ(full.ids, Ids({2, 13, 13, 13, 13, 13, 3}));
  const Encoded cut = tokenizer.encode("unaffable a a a", 4);
  EXPECT_TRUE(cut.truncated);
  EXPECT_EQ(cut.ids, Ids({2, 12, 7, 3}));
  EXPECT_FALSE(tokenizer.encode("a a", 4).truncated);  // exactly fits
  EXPECT_EQ(tokenizer.encode("a a", 2).ids, Ids({2, 3}));
  EXPECT_THROW(tokenizer.encode("a", 1), UsageError);
}

TEST(WordPiece, SpecialTokensInTheTextAreKeptWhole) {
  const auto tokenizer = make_tokenizer();
  // HF cuts added tokens out before BasicTokenizer would split "[SEP]" into "[", "SEP", "]".
  EXPECT_EQ(tokenizer.encode("a[SEP]a [MASK]").ids, Ids({2, 13, 3, 13, 4, 3}));
}

TEST(WordPiece, IdsPiecesAndSpecialFlags) {
  const auto tokenizer = make_tokenizer();
  EXPECT_EQ(tokenizer.kind(), "wordpiece");
  EXPECT_EQ(tokenizer.vocab_size(), 14);
  EXPECT_EQ(tokenizer.pad_id(), 0);
  EXPECT_EQ(tokenizer.id_to_piece(7), "##able");
  EXPECT_EQ(tokenizer.id_to_piece(1), "[UNK]");
  for (const std::int32_t id : {0, 2, 3, 4}) EXPECT_TRUE(tokenizer.is_special(id)) << id;
  for (const std::int32_t id : {1, 5, 13}) EXPECT_FALSE(tokenizer.is_special(id)) << id;
  EXPECT_THROW(tokenizer.id_to_piece(14), UsageError);
  EXPECT_THROW(tokenizer.id_to_piece(-1), UsageError);
}

TEST(WordPiece, VocabularyWithoutRequiredSpecialTokensIsRejected) {
  EXPECT_THROW(WordPieceTokenizer(WordPieceVocab({"[PAD]", "[CLS]", "[SEP]", "a"}), {}), InputError);
  WordPieceOptions renamed;
  renamed.unk_token = "<unk>";
  EXPECT_NO_THROW(WordPieceTokenizer(WordPieceVocab({"[PAD]", "<unk>", "[CLS]", "[SEP]"}), renamed));
}

TEST(WordPiece, RepeatedPieceKeepsItsLastIdLikeAPythonDict) {
  const WordPieceVocab vocab({"[PAD]", "x", "[UNK]", "x"});
  EXPECT_EQ(vocab.find("x"), 3);
  EXPECT_EQ(vocab.find("y"), -1);
}

TEST(WordPiece, VocabularyFileWithARepeatedLineIsRefusedNamingBothLines) {
  test::TempDir dir;
  dir.write("vocab.txt", "[PAD]\nx\n[UNK]\ny\nx\n");
  try {
    WordPieceVocab::load(dir / "vocab.txt");
    FAIL() << "a repeated line was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("vocab.txt:5: 'x' repeats line 2"), std::string::npos) << e.what();
  }
  dir.write("empty.txt", "");
  EXPECT_THROW(WordPieceVocab::load(dir / "empty.txt"), InputError);
  dir.write("ok.txt", "[PAD]\nx\n\n##x\n");  // one empty line is a piece like any other
  EXPECT_EQ(WordPieceVocab::load(dir / "ok.txt").find("##x"), 3);
}

TEST(WordPiece, InvalidUtf8IsAnInputError) {
  const auto tokenizer = make_tokenizer();
  EXPECT_THROW(tokenizer.encode("a\xC3"), InputError);
}

}  // namespace
}  // namespace polyrep::tokenizer

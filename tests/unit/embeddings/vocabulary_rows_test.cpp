#include "polyrep/embeddings/vocabulary_rows.hpp"

#include <gtest/gtest.h>

#include "polyrep/core/error.hpp"

namespace polyrep::embeddings {
namespace {

// ids 0..5: [PAD] [CLS] "the" "##ing" "кот" "中".
const std::vector<std::string> kScript{"Latn", "Latn", "Latn", "Latn", "Cyrl", "Hani"};
const std::vector<bool> kSpecial{true, true, false, false, false, false};

TEST(VocabularyRows, EveryRowGroupedByScriptWithSpecialsApart) {
  const RowGroups all = choose_vocabulary(kScript, kSpecial, {}, 0, 0);
  EXPECT_EQ(all.rows, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(all.groups, (std::vector<std::string>{"special", "Latn", "Cyrl", "Hani"}));
  EXPECT_EQ(all.group, (std::vector<std::int32_t>{0, 0, 1, 1, 2, 3}));
}

TEST(VocabularyRows, FilterKeepsTheScriptsAskedFor) {
  const RowGroups some = choose_vocabulary(kScript, kSpecial, {"Cyrl", "special"}, 0, 0);
  EXPECT_EQ(some.rows, (std::vector<std::int64_t>{0, 1, 4}));
  EXPECT_EQ(some.groups, (std::vector<std::string>{"special", "Cyrl"}));
  EXPECT_THROW(choose_vocabulary(kScript, kSpecial, {"Arab"}, 0, 0), UsageError);
}

TEST(VocabularyRows, SampleIsSeededAndInIdOrder) {
  const RowGroups a = choose_vocabulary(kScript, kSpecial, {}, 3, 7);
  const RowGroups b = choose_vocabulary(kScript, kSpecial, {}, 3, 7);
  ASSERT_EQ(a.rows.size(), 3u);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_TRUE(std::is_sorted(a.rows.begin(), a.rows.end()));
  EXPECT_EQ(choose_vocabulary(kScript, kSpecial, {}, 10, 7).rows.size(), 6u);  // more than there are: all
  EXPECT_THROW(choose_vocabulary(kScript, kSpecial, {}, -1, 0), UsageError);
}

TEST(PositionRows, RunsOfConsecutivePositionsThenTokenTypes) {
  const RowGroups p = position_rows(5, 2, 2);
  EXPECT_EQ(p.rows, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(p.groups, (std::vector<std::string>{"0-1", "2-3", "4-4", "token types"}));
  EXPECT_EQ(p.group, (std::vector<std::int32_t>{0, 0, 1, 1, 2, 3, 3}));
}

TEST(VocabFilter, Syntax) {
  EXPECT_EQ(parse_vocab_filter("scripts=Latn,Cyrl"), (std::vector<std::string>{"Latn", "Cyrl"}));
  EXPECT_EQ(parse_vocab_filter("scripts=special"), (std::vector<std::string>{"special"}));
  EXPECT_THROW(parse_vocab_filter("Latn"), UsageError);
  EXPECT_THROW(parse_vocab_filter("scripts="), UsageError);
  EXPECT_THROW(parse_vocab_filter("scripts=Latn,,Cyrl"), UsageError);
}

}  // namespace
}  // namespace polyrep::embeddings

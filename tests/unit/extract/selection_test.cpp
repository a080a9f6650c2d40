#include "polyrep/extract/selection.hpp"

#include <gtest/gtest.h>

#include "polyrep/core/error.hpp"

namespace polyrep::extract {
namespace {

TEST(ParseLayers, AllListsEveryHiddenState) {
  EXPECT_EQ(parse_layers("all", 3), (std::vector<int>{0, 1, 2}));
}

TEST(ParseLayers, ListIsSortedUniqueAndNegativeCountsFromTheEnd) {
  EXPECT_EQ(parse_layers("12, 0,6,6", 13), (std::vector<int>{0, 6, 12}));
  EXPECT_EQ(parse_layers("-1", 13), (std::vector<int>{12}));
}

TEST(ParseLayers, OutOfRangeOrGarbageNamesTheFlag) {
  try {
    parse_layers("0,13", 13);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--layers"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("0..12"), std::string::npos);
  }
  EXPECT_THROW(parse_layers("1,x", 13), UsageError);
  EXPECT_THROW(parse_layers("", 13), UsageError);
  EXPECT_THROW(parse_layers("3.5", 13), UsageError);
}

TEST(ParsePoolings, AcceptsAliasesKeepsOrderDropsDuplicates) {
  auto p = parse_poolings("max,cls,first,mean");
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0], Pooling::max);
  EXPECT_EQ(p[1], Pooling::first);
  EXPECT_EQ(p[2], Pooling::mean);
  EXPECT_EQ(pooling_name(Pooling::first), "cls");
}

TEST(ParsePoolings, UnknownModeNamesTheFlag) {
  try {
    parse_poolings("mean,median");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--pooling"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("median"), std::string::npos);
  }
}

TEST(CheckLanguageList, AnEmptyListIsRefused) {
  // "--langs ," and "--langs ''" split to nothing: a mistake, not "every language".
  EXPECT_THROW(check_language_list({}), UsageError);
  EXPECT_NO_THROW(check_language_list({"all"}));
  EXPECT_NO_THROW(check_language_list({"eng_Latn"}));
}

TEST(ResolveMaxTokens, ZeroIsTheModelLimitAndTextMustFitBesideTheSpecials) {
  EXPECT_EQ(resolve_max_tokens(0, 2, 512), 512u);
  EXPECT_EQ(resolve_max_tokens(3, 2, 512), 3u);    // [CLS] one token [SEP]
  EXPECT_EQ(resolve_max_tokens(2, 1, 512), 2u);    // XGLM: </s> one token
  EXPECT_EQ(resolve_max_tokens(512, 2, 512), 512u);
  try {
    resolve_max_tokens(2, 2, 512);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--max-tokens 2: leaves no room for text beside the tokenizer's 2 special tokens (at least 3, "
                           "or 0 for the model's limit)");
  }
  EXPECT_THROW(resolve_max_tokens(1, 1, 512), UsageError);
  EXPECT_THROW(resolve_max_tokens(513, 2, 512), UsageError);
  EXPECT_THROW(resolve_max_tokens(-1, 2, 512), UsageError);
}

}  // namespace
}  // namespace polyrep::extract

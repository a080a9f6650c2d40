#include "polyrep/extract/attention_maps.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace polyrep::extract {
namespace {

// Two languages of three sentences; token counts 3, 1, 2 | 4, 2, 5.
const std::vector<std::int32_t> kLanguage{0, 0, 0, 1, 1, 1};
const std::vector<std::int64_t> kOffsets{0, 3, 4, 6, 10, 12, 17};

TEST(AttentionIndex, FirstSentencesOfEachLanguageWithSquaredLengthOffsets) {
  const AttentionIndex two = select_attention(kLanguage, kOffsets, 2);
  EXPECT_EQ(two.sentence, (std::vector<std::int64_t>{0, 1, 3, 4}));
  // 3*3 = 9, 1*1 = 1, 4*4 = 16, 2*2 = 4.
  EXPECT_EQ(two.offset, (std::vector<std::int64_t>{0, 9, 10, 26, 30}));
  EXPECT_EQ(two.elements(), 30);
  EXPECT_EQ(two.maps(), 4);
}

TEST(AttentionIndex, ZeroMeansEverySentence) {
  const AttentionIndex all = select_attention(kLanguage, kOffsets, 0);
  EXPECT_EQ(all.sentence, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
  // 9, 1, 4, 16, 4, 25.
  EXPECT_EQ(all.offset, (std::vector<std::int64_t>{0, 9, 10, 14, 30, 34, 59}));
  EXPECT_EQ(select_attention(kLanguage, kOffsets, 7).sentence, all.sentence);
}

TEST(AttentionIndex, RangeOfAWindowIsItsMapsInOrder) {
  const AttentionIndex two = select_attention(kLanguage, kOffsets, 2);  // sentences 0, 1, 3, 4
  EXPECT_EQ(two.range(0, 6), (std::pair<std::int64_t, std::int64_t>{0, 4}));
  EXPECT_EQ(two.range(1, 4), (std::pair<std::int64_t, std::int64_t>{1, 3}));  // sentences 1 and 3
  EXPECT_EQ(two.range(2, 3), (std::pair<std::int64_t, std::int64_t>{2, 2}));  // sentence 2 has none
  EXPECT_EQ(two.range(5, 6), (std::pair<std::int64_t, std::int64_t>{4, 4}));
}

TEST(AttentionIndex, RefusesBadArguments) {
  EXPECT_THROW(select_attention(kLanguage, kOffsets, -1), std::invalid_argument);
  EXPECT_THROW(select_attention(kLanguage, {0, 3}, 1), std::invalid_argument);
}

TEST(AttentionMode, CliSpellings) {
  EXPECT_EQ(attention_mode_names().at("mean"), AttentionMode::mean);
  EXPECT_EQ(attention_mode_names().at("none"), AttentionMode::none);
  EXPECT_EQ(to_string(AttentionMode::mean), "mean");
  EXPECT_EQ(attention_mode_names().count("max"), 0u);
}

}  // namespace
}  // namespace polyrep::extract

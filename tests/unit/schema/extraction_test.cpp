// The extraction file's paths, against the layout the README documents (hand-written here).
#include "polyrep/schema/extraction.hpp"

#include <gtest/gtest.h>

#include <string>

namespace polyrep::schema {
namespace {

TEST(ExtractionSchema, TablesAreUnderTheirGroups) {
  EXPECT_EQ(std::string(languages), "/languages");
  EXPECT_EQ(std::string(sentences::group), "/sentences");
  EXPECT_EQ(std::string(sentences::text), "/sentences/text");
  EXPECT_EQ(std::string(sentences::lang), "/sentences/lang");
  EXPECT_EQ(std::string(sentences::source_index), "/sentences/source_index");
  EXPECT_EQ(std::string(sentences::token_offset), "/sentences/token_offset");
  EXPECT_EQ(std::string(sentences::truncated), "/sentences/truncated");
  EXPECT_EQ(std::string(tokens::group), "/tokens");
  EXPECT_EQ(std::string(tokens::id), "/tokens/id");
  EXPECT_EQ(std::string(tokens::text), "/tokens/text");
  EXPECT_EQ(std::string(tokens::sentence), "/tokens/sentence");
  EXPECT_EQ(std::string(tokens::position), "/tokens/position");
  EXPECT_EQ(std::string(tokens::special), "/tokens/special");
}

TEST(ExtractionSchema, HiddenStatesAndPoolings) {
  EXPECT_EQ(std::string(hidden::group), "/hidden");
  EXPECT_EQ(std::string(hidden::layers), "/hidden/layers");
  EXPECT_EQ(std::string(hidden::tokens), "/hidden/tokens");
  EXPECT_EQ(std::string(hidden::sentences), "/hidden/sentences");
  EXPECT_EQ(hidden::pooled("mean"), "/hidden/sentences/mean");
  EXPECT_EQ(hidden::pooled("cls"), "/hidden/sentences/cls");
  EXPECT_EQ(hidden::pooled("max"), "/hidden/sentences/max");
}

}  // namespace
}  // namespace polyrep::schema

#include <gtest/gtest.h>

#include "polyrep_test/test_paths.hpp"
#include "reference_file.hpp"

namespace polyrep::test {
namespace {

TEST(ReferenceFile, ReadsFixtureShapesAndStrings) {
  ReferenceFile ref(std::string(kDataDir) + "/models/tiny-bert/reference.h5");
  auto sentences = ref.strings("sentences");
  ASSERT_EQ(sentences.size(), 24u);
  EXPECT_EQ(sentences[0], "The quick brown fox jumps over the lazy dog.");
  EXPECT_EQ(ref.attr_string("model_type"), "bert");
  auto ids = ref.int64(ReferenceFile::sentence_group(0) + "input_ids");
  EXPECT_EQ(ids.data.front(), 2);  // [CLS]
  auto hidden = ref.float32(ReferenceFile::sentence_group(0) + "hidden_states");
  ASSERT_EQ(hidden.shape.size(), 3u);
  EXPECT_EQ(hidden.shape[0], 3u);
  EXPECT_EQ(hidden.shape[1], ids.size());
  EXPECT_EQ(hidden.shape[2], 64u);
}

}  // namespace
}  // namespace polyrep::test

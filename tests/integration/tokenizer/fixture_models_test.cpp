// Every fixture model's tokenizer against the ids and pieces HuggingFace's slow tokenizer wrote
// into reference.h5.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "polyrep/tokenizer/tokenizer.hpp"
#include "polyrep_test/test_paths.hpp"
#include "reference_file.hpp"

namespace polyrep::tokenizer {
namespace {

namespace fs = std::filesystem;

fs::path model_dir(const std::string& name) {
  return fs::path(test::kDataDir) / "models" / name;
}

std::string model_type(const fs::path& dir) {
  std::ifstream in(dir / "config.json");
  return nlohmann::json::parse(in).at("model_type").get<std::string>();
}

class FixtureTokenizer : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTokenizer, IdsAndPiecesMatchHuggingFace) {
  const fs::path dir = model_dir(GetParam());
  const auto tokenizer = load_tokenizer(dir, {model_type(dir)});
  const test::ReferenceFile reference((dir / "reference.h5").string());
  const std::vector<std::string> sentences = reference.strings("sentences");
  ASSERT_EQ(sentences.size(), 24u);
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const std::string group = test::ReferenceFile::sentence_group(static_cast<int>(i));
    const std::vector<std::int64_t> expected = reference.int64(group + "input_ids").data;
    const std::vector<std::string> pieces = reference.strings(group + "tokens");
    const Encoded encoded = tokenizer->encode(sentences[i]);
    EXPECT_FALSE(encoded.truncated);
    ASSERT_EQ(std::vector<std::int64_t>(encoded.ids.begin(), encoded.ids.end()), expected)
        << GetParam() << " sentence " << i << ": " << sentences[i];
    ASSERT_EQ(pieces.size(), encoded.ids.size());
    for (std::size_t t = 0; t < pieces.size(); ++t) {
      EXPECT_EQ(tokenizer->id_to_piece(encoded.ids[t]), pieces[t]) << "sentence " << i << " token " << t;
    }
  }
}

TEST_P(FixtureTokenizer, VocabSizeMatchesConfig) {
  const fs::path dir = model_dir(GetParam());
  const auto tokenizer = load_tokenizer(dir, {model_type(dir)});
  std::ifstream in(dir / "config.json");
  EXPECT_EQ(tokenizer->vocab_size(), nlohmann::json::parse(in).at("vocab_size").get<int>());
}

TEST_P(FixtureTokenizer, SpecialAndPadIdsMatchReferenceFlags) {
  const fs::path dir = model_dir(GetParam());
  const auto tokenizer = load_tokenizer(dir, {model_type(dir)});
  const test::ReferenceFile reference((dir / "reference.h5").string());
  const auto flags = nlohmann::json::parse(reference.attr_string("tokenizer_flags"));
  EXPECT_EQ(tokenizer->pad_id(), flags.at("pad_token_id").get<int>());
  EXPECT_TRUE(tokenizer->is_special(tokenizer->pad_id()));
  EXPECT_FALSE(tokenizer->is_special(flags.at("unk_token_id").get<int>()));
  // The first and last ids of the template are special, content ids in the middle are not.
  const Encoded encoded = tokenizer->encode("Hello world");
  EXPECT_TRUE(tokenizer->is_special(encoded.ids.front()));
  EXPECT_FALSE(tokenizer->is_special(encoded.ids[1]));
}

TEST_P(FixtureTokenizer, TokenizeGivesTheContentPieces) {
  const fs::path dir = model_dir(GetParam());
  const auto tokenizer = load_tokenizer(dir, {model_type(dir)});
  const test::ReferenceFile reference((dir / "reference.h5").string());
  const std::string text = reference.strings("sentences").at(0);
  std::vector<std::string> pieces = reference.strings(test::ReferenceFile::sentence_group(0) + "tokens");
  // Drop the template's specials: BERT and XLM-R wrap, XGLM only prepends.
  pieces.erase(pieces.begin());
  if (GetParam() != "tiny-xglm") pieces.pop_back();
  EXPECT_EQ(tokenizer->tokenize(text), pieces);
}

INSTANTIATE_TEST_SUITE_P(Models, FixtureTokenizer,
                         ::testing::Values("tiny-bert", "tiny-xlmr", "tiny-xglm"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace polyrep::tokenizer

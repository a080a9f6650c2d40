// load_tokenizer: choosing the implementation from a model directory, and its errors.
#include "polyrep/tokenizer/tokenizer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "polyrep/core/error.hpp"
#include "polyrep_test/test_paths.hpp"
#include "temp_dir.hpp"

namespace polyrep::tokenizer {
namespace {

namespace fs = std::filesystem;

using test::TempDir;

fs::path fixture(const std::string& name) { return fs::path(test::kDataDir) / "models" / name; }

// Runs `load` and returns the InputError message (empty when nothing or something else was thrown).
template <typename F>
std::string input_error_of(F load) {
  try {
    load();
  } catch (const InputError& e) {
    return e.what();
  } catch (...) {
  }
  return {};
}

TEST(LoadTokenizer, ChoosesTheImplementationFromTheFiles) {
  EXPECT_EQ(load_tokenizer(fixture("tiny-bert"), {"bert"})->kind(), "wordpiece");
  EXPECT_EQ(load_tokenizer(fixture("tiny-xlmr"), {"xlm-roberta"})->kind(), "sentencepiece");
  EXPECT_EQ(load_tokenizer(fixture("tiny-xglm"), {"xglm"})->kind(), "sentencepiece");
  // Without a model type, tokenizer_config.json's class decides.
  EXPECT_EQ(load_tokenizer(fixture("tiny-xglm"), {})->encode("").ids, std::vector<std::int32_t>({2}));
}

TEST(LoadTokenizer, DirectoryWithOnlyVocabTxtIsWordPiece) {
  TempDir dir;
  dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
  const auto tokenizer = load_tokenizer(dir.path(), {});
  EXPECT_EQ(tokenizer->kind(), "wordpiece");
  EXPECT_EQ(tokenizer->encode("hello").ids, std::vector<std::int32_t>({2, 4, 3}));
}

TEST(LoadTokenizer, MissingDirectoryNamesIt) {
  const fs::path missing = fs::temp_directory_path() / "polyrep_no_such_model_dir";
  const std::string message = input_error_of([&] { load_tokenizer(missing, {"bert"}); });
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
}

TEST(LoadTokenizer, DirectoryWithoutTokenizerFilesNamesIt) {
  TempDir dir;
  for (const char* type : {"bert", "xlm-roberta", ""}) {
    const std::string message = input_error_of([&] { load_tokenizer(dir.path(), {type}); });
    EXPECT_NE(message.find(dir.path().string()), std::string::npos) << type << ": " << message;
  }
}

TEST(LoadTokenizer, CorruptSentencePieceModelIsAnInputError) {
  TempDir dir;
  dir.write("sentencepiece.bpe.model", "this is not a protobuf \x0a\xff\xff\xff\xff\x0f");
  const std::string message = input_error_of([&] { load_tokenizer(dir.path(), {"xlm-roberta"}); });
  EXPECT_NE(message.find(dir.path().string()), std::string::npos) << message;
  EXPECT_NE(message.find("sentencepiece"), std::string::npos) << message;
}

TEST(LoadTokenizer, TruncatedSentencePieceModelIsAnInputError) {
  std::ifstream in(fixture("tiny-xlmr") / "sentencepiece.bpe.model", std::ios::binary);
  std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  TempDir dir;
  dir.write("sentencepiece.bpe.model", content.substr(0, content.size() / 2));
  EXPECT_FALSE(input_error_of([&] { load_tokenizer(dir.path(), {"xlm-roberta"}); }).empty());
}

TEST(LoadTokenizer, ModelCutOnAPieceBoundaryIsRefusedNamingTheFile) {
  // 300 bytes end exactly between two pieces: every field is whole, the specs are gone. This
  // used to load (28 pieces, no normaliser) and tokenize without complaint.
  std::ifstream in(fixture("tiny-xlmr") / "sentencepiece.bpe.model", std::ios::binary);
  std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  TempDir dir;
  dir.write("sentencepiece.bpe.model", content.substr(0, 300));
  const std::string message = input_error_of([&] { load_tokenizer(dir.path(), {"xlm-roberta"}); });
  EXPECT_NE(message.find((dir / "sentencepiece.bpe.model").string() + ": malformed sentencepiece model: no trainer_spec"),
            std::string::npos)
      << message;
}

TEST(LoadTokenizer, BrokenTokenizerConfigNamesTheFile) {
  TempDir dir;
  dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
  dir.write("tokenizer_config.json", "{\"do_lower_case\": tru");
  const std::string message = input_error_of([&] { load_tokenizer(dir.path(), {"bert"}); });
  EXPECT_NE(message.find("tokenizer_config.json"), std::string::npos) << message;
}

TEST(LoadTokenizer, VocabularyWithoutUnkNamesTheFile) {
  TempDir dir;
  dir.write("vocab.txt", "[PAD]\n[CLS]\n[SEP]\n");
  const std::string message = input_error_of([&] { load_tokenizer(dir.path(), {"bert"}); });
  EXPECT_NE(message.find("vocab.txt"), std::string::npos) << message;
  EXPECT_NE(message.find("[UNK]"), std::string::npos) << message;
}

TEST(LoadTokenizer, UncasedConfigLowerCases) {
  TempDir dir;
  dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
  dir.write("tokenizer_config.json", "{\"do_lower_case\": true}");
  EXPECT_EQ(load_tokenizer(dir.path(), {"bert"})->encode("HÉLLO").ids,
            std::vector<std::int32_t>({2, 4, 3}));
}

}  // namespace
}  // namespace polyrep::tokenizer

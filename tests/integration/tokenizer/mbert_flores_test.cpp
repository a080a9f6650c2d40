// The real bert-base-multilingual-cased vocabulary on the first 40 lines of all 204 Flores-200 dev
// files, against the ids HuggingFace's slow BertTokenizer gave (tests/data/mbert-flores-dev-ids).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "polyrep/tokenizer/tokenizer.hpp"
#include "polyrep/tokenizer/wordpiece.hpp"
#include "polyrep_test/test_paths.hpp"

namespace polyrep::tokenizer {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::int32_t> parse_ids(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::int32_t> ids;
  for (std::int32_t id; in >> id;) ids.push_back(id);
  return ids;
}

struct Corpus {
  std::vector<std::string> labels, texts;
  std::vector<std::vector<std::int32_t>> expected;
};

Corpus load_corpus() {
  const fs::path data(test::kDataDir);
  Corpus corpus;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(data / "flores200" / "dev")) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string lang = file.stem().string();
    const std::vector<std::string> texts = read_lines(file);
    const std::vector<std::string> ids = read_lines(data / "mbert-flores-dev-ids" / (lang + ".ids"));
    EXPECT_EQ(texts.size(), ids.size()) << lang;
    for (std::size_t i = 0; i < std::min(texts.size(), ids.size()); ++i) {
      corpus.labels.push_back(lang + ":" + std::to_string(i + 1));
      corpus.texts.push_back(texts[i]);
      corpus.expected.push_back(parse_ids(ids[i]));
    }
  }
  return corpus;
}

TEST(MbertFlores, AllDevLinesMatchHuggingFace) {
  const Corpus corpus = load_corpus();
  ASSERT_EQ(corpus.texts.size(), 8160u);
  // The directory holds only vocab.txt: the factory must manage without tokenizer_config.json.
  const auto tokenizer = load_tokenizer(fs::path(test::kDataDir) / "mbert-cased", {"bert"});
  ASSERT_EQ(tokenizer->kind(), "wordpiece");
  EXPECT_EQ(tokenizer->vocab_size(), 119547);

  std::size_t matched = 0, tokens = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < corpus.texts.size(); ++i) {
    const Encoded encoded = tokenizer->encode(corpus.texts[i]);
    tokens += encoded.ids.size();
    if (encoded.ids == corpus.expected[i]) {
      ++matched;
    } else {
      ADD_FAILURE() << corpus.labels[i] << ": " << corpus.texts[i];
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ mbert ] " << matched << "/" << corpus.texts.size() << " lines match; " << tokens
            << " tokens in " << seconds << " s (" << static_cast<double>(tokens) / seconds
            << " tokens/s)\n";
  EXPECT_EQ(matched, corpus.texts.size());
}

TEST(MbertFlores, SpecialIdsOfTheRealVocabulary) {
  const auto tokenizer = WordPieceTokenizer::from_vocab_file(
      fs::path(test::kDataDir) / "mbert-cased" / "vocab.txt");
  EXPECT_EQ(tokenizer.pad_id(), 0);
  EXPECT_EQ(tokenizer.unk_id(), 100);
  EXPECT_EQ(tokenizer.cls_id(), 101);
  EXPECT_EQ(tokenizer.sep_id(), 102);
  EXPECT_TRUE(tokenizer.is_special(103));  // [MASK]
  EXPECT_FALSE(tokenizer.is_special(100));
  EXPECT_EQ(tokenizer.id_to_piece(103), "[MASK]");
}

}  // namespace
}  // namespace polyrep::tokenizer

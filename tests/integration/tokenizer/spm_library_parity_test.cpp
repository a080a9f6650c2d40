// Our SentencePiece implementation against the real libsentencepiece (run as the separate
// spm_reference executable) on every bundled Flores-200 line: 204 languages x 40 lines, many
// scripts, for both SentencePiece fixture models.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "polyrep/tokenizer/tokenizer.hpp"
#include "polyrep_test/test_paths.hpp"

namespace polyrep::tokenizer {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> flores_lines() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(test::kDataDir) / "flores200" / "dev")) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> lines;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  return lines;
}

std::vector<std::vector<std::int32_t>> reference_ids(const fs::path& model, const std::vector<std::string>& lines) {
  const fs::path input = fs::temp_directory_path() / ("spm_ref_in_" + std::to_string(::getpid()));
  {
    std::ofstream out(input);
    for (const auto& line : lines) out << line << '\n';
  }
  const std::string command = std::string(test::kBinaryDir) + "/tests/spm_reference '" + model.string() +
                              "' < '" + input.string() + "'";
  std::vector<std::vector<std::int32_t>> result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::string text;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  ::pclose(pipe);
  fs::remove(input);
  std::istringstream lines_in(text);
  std::string line;
  while (std::getline(lines_in, line)) {
    std::istringstream ids_in(line);
    std::vector<std::int32_t> ids;
    std::int32_t id = 0;
    while (ids_in >> id) ids.push_back(id);
    result.push_back(std::move(ids));
  }
  return result;
}

// Seeded random strings mixing scripts, combining marks, NFKC-sensitive forms (fullwidth, ligatures,
// compatibility digits), odd spacing and emoji: the corners that Flores text rarely reaches.
std::vector<std::string> random_lines(std::size_t count) {
  static const std::pair<char32_t, char32_t> ranges[] = {
      {0x20, 0x7E},     {0xA0, 0x17F},    {0x300, 0x36F},   {0x391, 0x3C9},   {0x400, 0x44F},
      {0x5D0, 0x5EA},   {0x620, 0x64A},   {0x900, 0x97F},   {0xE01, 0xE3A},   {0x1100, 0x1112},
      {0x2000, 0x200D}, {0x2460, 0x24FF}, {0x3000, 0x303F}, {0x3041, 0x30FF}, {0x4E00, 0x4EFF},
      {0xAC00, 0xAD00}, {0xFB00, 0xFB06}, {0xFF01, 0xFF5E}, {0x1F600, 0x1F64F}};
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < count; ++i) {
    std::string line;
    const std::size_t length = 1 + next() % 40;
    for (std::size_t c = 0; c < length; ++c) {
      const auto& [lo, hi] = ranges[next() % (sizeof ranges / sizeof ranges[0])];
      const char32_t cp = lo + static_cast<char32_t>(next() % (hi - lo + 1));
      if (cp < 0x80) {
        line += static_cast<char>(cp);
      } else if (cp < 0x800) {
        line += static_cast<char>(0xC0 | (cp >> 6));
        line += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        line += static_cast<char>(0xE0 | (cp >> 12));
        line += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        line += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        line += static_cast<char>(0xF0 | (cp >> 18));
        line += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        line += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        line += static_cast<char>(0x80 | (cp & 0x3F));
      }
    }
    lines.push_back(line);
  }
  return lines;
}

std::size_t count_mismatches(const std::string& model, const std::vector<std::string>& lines) {
  const fs::path dir = fs::path(test::kDataDir) / "models" / model;
  const auto expected = reference_ids(dir / "sentencepiece.bpe.model", lines);
  EXPECT_EQ(expected.size(), lines.size()) << "spm_reference did not run";
  if (expected.size() != lines.size()) return lines.size();
  const auto tok = load_tokenizer(dir, {model == "tiny-xglm" ? "xglm" : "xlm-roberta"});
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::int32_t> ours;
    for (std::int32_t id : tok->encode(lines[i]).ids) {
      if (!tok->is_special(id)) ours.push_back(id);
    }
    std::vector<std::int32_t> want;  // fairseq ids: sentencepiece id + 1, its <unk> (0) -> 3
    for (std::int32_t id : expected[i]) want.push_back(id == 0 ? 3 : id + 1);
    if (ours != want && ++mismatches <= 3) ADD_FAILURE() << "line " << i << ": " << lines[i];
  }
  return mismatches;
}

class SpmLibraryParity : public ::testing::TestWithParam<std::string> {};

TEST_P(SpmLibraryParity, EveryFloresLineGivesTheLibrarysPieces) {
  const auto lines = flores_lines();
  ASSERT_EQ(lines.size(), 8160u);
  EXPECT_EQ(count_mismatches(GetParam(), lines), 0u) << "of " << lines.size() << " lines";
}

TEST_P(SpmLibraryParity, RandomMixedScriptStringsGiveTheLibrarysPieces) {
  const auto lines = random_lines(5000);
  EXPECT_EQ(count_mismatches(GetParam(), lines), 0u) << "of " << lines.size() << " lines";
}

INSTANTIATE_TEST_SUITE_P(Models, SpmLibraryParity, ::testing::Values("tiny-xlmr", "tiny-xglm"));

}  // namespace
}  // namespace polyrep::tokenizer

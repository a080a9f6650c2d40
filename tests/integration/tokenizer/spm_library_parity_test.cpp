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

class SpmLibraryParity : public ::testing::TestWithParam<std::string> {};

TEST_P(SpmLibraryParity, EveryFloresLineGivesTheLibrarysPieces) {
  const fs::path dir = fs::path(test::kDataDir) / "models" / GetParam();
  const auto lines = flores_lines();
  ASSERT_EQ(lines.size(), 8160u);
  const auto expected = reference_ids(dir / "sentencepiece.bpe.model", lines);
  ASSERT_EQ(expected.size(), lines.size()) << "spm_reference did not run";
  const std::string model_type = GetParam() == "tiny-xglm" ? "xglm" : "xlm-roberta";
  const auto tok = load_tokenizer(dir, {model_type});
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
  EXPECT_EQ(mismatches, 0u) << "of " << lines.size() << " lines";
}

INSTANTIATE_TEST_SUITE_P(Models, SpmLibraryParity, ::testing::Values("tiny-xlmr", "tiny-xglm"));

}  // namespace
}  // namespace polyrep::tokenizer

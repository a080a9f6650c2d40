// Fuzz target: the corpus readers — layout discovery and line counting (Corpus::open, with the
// TSV column checks), LineReader (BOM, CRLF, TSV columns, UTF-8 validation) and sampling — on
// files written from the input, plus the two UTF-8 validators (corpus:: and tokenizer::), which
// must agree byte for byte.
//
// Input: a layout byte (% 4: TSV table, plain .txt, per-language .tsv, FLORES dev/), an option
// byte (bits 0-1 --tsv-column, bit 4 explicit --langs in reverse order, bit 5 an unknown
// language among them), then up to four files cut at "\n====\n" (the table uses only the
// first). Invariants: a corpus that opened reads back every counted line, each exactly as an
// independent split of the file gives it, and fails only on invalid UTF-8 — never with "changed
// since it was counted" or a missing column.
#include <algorithm>

#include "fuzz_support.hpp"
#include "polyrep/core/error.hpp"
#include "polyrep/corpus/corpus.hpp"
#include "polyrep/corpus/line_reader.hpp"
#include "polyrep/corpus/sample.hpp"
#include "polyrep/tokenizer/utf8.hpp"

namespace {

namespace fs = std::filesystem;
using namespace polyrep::corpus;
using polyrep::fuzz::require;

const char* const kLanguages[] = {"aaa_Latn", "bbb_Cyrl", "ccc_Arab", "ddd_Hans"};

bool utf8_valid(const std::string& s) {
  const std::ptrdiff_t a = find_invalid_utf8(s);
  const std::size_t b = polyrep::tokenizer::find_invalid_utf8(s);
  require(a < 0 ? b == std::string::npos : b == static_cast<std::size_t>(a),
          "corpus:: and tokenizer:: UTF-8 validators disagree");
  return a < 0;
}

// The file's lines as the reader documents them, with no shared code: BOM off the file's start,
// split at "\n" (a last line without one counts), one "\r" off each end, header rows dropped,
// and for TSV the column's field.
std::vector<std::string> expected_lines(std::string_view file, int header_lines, int column) {
  if (file.substr(0, 3) == "\xEF\xBB\xBF") file.remove_prefix(3);
  std::vector<std::string> lines;
  while (!file.empty()) {
    const std::size_t end = std::min(file.find('\n'), file.size());
    std::string line(file.substr(0, end));
    file.remove_prefix(std::min(end + 1, file.size()));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (column >= 0) {
      std::size_t begin = 0;
      for (int c = 0; c < column; ++c) begin = line.find('\t', begin) + 1;
      line = line.substr(begin, line.find('\t', begin) - begin);
    }
    lines.push_back(std::move(line));
  }
  lines.erase(lines.begin(), lines.begin() + std::min<std::size_t>(header_lines, lines.size()));
  return lines;
}

void read_language(const Corpus& corpus, std::size_t lang, std::string_view file) {
  const std::int64_t n = corpus.line_count(lang);
  const auto expected = expected_lines(file, corpus.header_lines(), corpus.column(lang));
  require(static_cast<std::size_t>(n) == expected.size(), "line_count() differs from the file");
  std::vector<std::int64_t> all(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
  try {
    LineReader reader(corpus, lang, all);
    std::string line;
    std::int64_t index = -1, next = 0;
    while (reader.next(line, index)) {
      require(index == next, "LineReader skipped or repeated a line");
      require(line == expected[static_cast<std::size_t>(next)], "LineReader returned other text");
      require(utf8_valid(line), "LineReader returned invalid UTF-8");
      ++next;
    }
    require(next == n, "LineReader stopped before the counted end");
  } catch (const polyrep::InputError& e) {
    require(std::string_view(e.what()).find("invalid UTF-8") != std::string_view::npos,
            "a counted corpus failed to read back for another reason than UTF-8");
    for (std::int64_t i = 0; i < n; ++i) {
      if (!utf8_valid(expected[static_cast<std::size_t>(i)])) return;
    }
    require(false, "UTF-8 error on a file whose lines are all valid");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const polyrep::fuzz::Scratch scratch("corpus");
  if (size < 2) return 0;
  const unsigned layout = data[0] % 4, flags = data[1];
  const auto parts = polyrep::fuzz::split_parts(polyrep::fuzz::as_view(data + 2, size - 2), 4);
  for (const auto part : parts) (void)utf8_valid(std::string(part));

  const fs::path root = scratch.fresh_dir("corpus");
  CorpusOptions options;
  options.tsv_column = static_cast<int>(flags & 3u);
  std::vector<std::string_view> contents;  // by language, in kLanguages order
  if (layout == 0) {
    options.path = polyrep::fuzz::Scratch::write(root / "table.tsv", parts[0]);
  } else {
    const char* ext = layout == 1 ? ".txt" : layout == 2 ? ".tsv" : ".dev";
    const fs::path dir = layout == 3 ? root / "dev" : root;
    fs::create_directories(dir);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      polyrep::fuzz::Scratch::write(dir / (std::string(kLanguages[i]) + ext), parts[i]);
      contents.push_back(parts[i]);
      if (flags & 0x10u) options.languages.insert(options.languages.begin(), kLanguages[i]);
    }
    if (flags & 0x20u) options.languages.push_back("AAA_latn");  // unknown: the close-match hint
    options.path = root;
  }
  try {
    const Corpus corpus = Corpus::open(options);
    require(corpus.size() > 0, "a corpus without languages opened");
    const std::size_t fewest = corpus.fewest_lines_language();
    require(corpus.line_count(fewest) == corpus.common_line_count(), "fewest_lines_language() is not the fewest");
    bool equal = true;
    for (std::size_t lang = 0; lang < corpus.size(); ++lang)
      equal = equal && corpus.line_count(lang) == corpus.line_count(0);
    require(corpus.is_parallel() == equal, "is_parallel() disagrees with the line counts");
    for (std::size_t lang = 0; lang < corpus.size(); ++lang) {
      std::string_view file = parts[0];
      if (layout != 0) {
        const auto it = std::find(std::begin(kLanguages), std::end(kLanguages), corpus.languages()[lang]);
        file = contents.at(static_cast<std::size_t>(it - std::begin(kLanguages)));
      }
      read_language(corpus, lang, file);
    }
    const std::int64_t count = std::min<std::int64_t>(2, corpus.common_line_count());
    const auto sample = sample_corpus(corpus, {count, flags});
    require(static_cast<std::int64_t>(sample.size()) == count, "sample of the wrong size");
    require(std::is_sorted(sample.begin(), sample.end()), "sample not sorted");
  } catch (const polyrep::Error& e) {
    polyrep::fuzz::rejected(e);
  }
  return 0;
}

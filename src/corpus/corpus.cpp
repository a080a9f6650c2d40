#include "polyrep/corpus/corpus.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "discover.hpp"
#include "line_count.hpp"
#include "polyrep/core/error.hpp"

namespace polyrep::corpus {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Up to five known codes that look like `wanted`: same ISO 639-3 prefix ("eng" -> "eng_Latn"),
// different case, or a small edit distance (typos, wrong script).
std::vector<std::string> close_matches(const std::string& wanted, const detail::Discovered& found) {
  const std::string w = lower(wanted);
  const std::string w_prefix = w.substr(0, w.find('_'));
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& entry : found.files) {
    const std::string c = lower(entry.first);
    std::size_t score = edit_distance(w, c);
    if (c.substr(0, c.find('_')) == w_prefix) score = std::min<std::size_t>(score, 1);
    if (score <= std::max<std::size_t>(2, w.size() / 3)) scored.emplace_back(score, entry.first);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> names;
  for (std::size_t i = 0; i < scored.size() && i < 5; ++i) names.push_back(scored[i].second);
  return names;
}

[[noreturn]] void unknown_language(const std::string& language, const detail::Discovered& found) {
  if (const auto it = found.not_files.find(language); it != found.not_files.end()) {
    std::error_code ec;
    throw InputError("--langs " + language + ": " + it->second.string() +
                     (fs::is_directory(it->second, ec) ? " is a directory" : " is not a regular file") +
                     ", not a file of sentences");
  }
  std::string message = "--langs: unknown language '" + language + "' (not found in " +
                        found.dir.string() + ": looked for " + found.expected_location(language) + ")";
  const auto matches = close_matches(language, found);
  for (std::size_t i = 0; i < matches.size(); ++i)
    message += (i == 0 ? "; close matches: " : ", ") + matches[i];
  throw InputError(message);
}

std::vector<std::string> select_languages(const std::vector<std::string>& requested,
                                          const detail::Discovered& found) {
  const bool all = requested.empty() || (requested.size() == 1 && requested[0] == "all");
  std::vector<std::string> chosen;
  if (all) {
    for (const auto& entry : found.files) chosen.push_back(entry.first);  // std::map: sorted
    return chosen;
  }
  std::set<std::string> seen;
  for (const auto& language : requested) {
    if (language.empty()) throw UsageError("--langs: empty language code in the list");
    if (language == "all") throw UsageError("--langs: 'all' cannot be combined with language codes");
    if (!seen.insert(language).second) throw UsageError("--langs: '" + language + "' is given twice");
    if (found.files.count(language) == 0) unknown_language(language, found);
    chosen.push_back(language);
  }
  return chosen;
}

}  // namespace

const char* to_string(Layout layout) {
  switch (layout) {
    case Layout::flores: return "flores";
    case Layout::plain: return "plain";
    case Layout::tsv_table: return "tsv_table";
    case Layout::tsv_per_language: return "tsv_per_language";
  }
  return "unknown";
}

Corpus Corpus::open(const CorpusOptions& options) {
  if (options.tsv_column < 0)
    throw UsageError("--tsv-column must be >= 0 (got " + std::to_string(options.tsv_column) + ")");
  const detail::Discovered found = detail::discover(options);
  Corpus corpus;
  corpus.layout_ = found.layout;
  corpus.languages_ = select_languages(options.languages, found);

  std::int64_t table_lines = -1;  // a table is one file: count it once
  for (const auto& language : corpus.languages_) {
    const fs::path& file = found.files.at(language);
    detail::CountOptions count;
    int column = -1;
    if (found.layout == Layout::tsv_table) {
      count.header_lines = 1;
      count.min_columns = count.max_columns = static_cast<int>(found.table_columns.size());
      column = found.table_columns.at(language);
    } else if (found.layout == Layout::tsv_per_language) {
      count.min_columns = options.tsv_column + 1;
      column = options.tsv_column;
    }
    std::int64_t lines = table_lines;
    if (lines < 0) lines = detail::count_lines(file, count);
    if (found.layout == Layout::tsv_table) table_lines = lines;
    if (lines == 0)
      throw InputError(file.string() + (found.layout == Layout::tsv_table
                                            ? ": no sentences after the header row"
                                            : ": empty file (no sentences)"));
    corpus.sources_.push_back(file);
    corpus.columns_.push_back(column);
    corpus.line_counts_.push_back(lines);
  }
  return corpus;
}

std::int64_t Corpus::common_line_count() const {
  if (line_counts_.empty()) return 0;
  return *std::min_element(line_counts_.begin(), line_counts_.end());
}

std::size_t Corpus::fewest_lines_language() const {
  return static_cast<std::size_t>(std::min_element(line_counts_.begin(), line_counts_.end()) -
                                  line_counts_.begin());
}

bool Corpus::is_parallel() const {
  return std::all_of(line_counts_.begin(), line_counts_.end(),
                     [&](std::int64_t n) { return n == line_counts_.front(); });
}

}  // namespace polyrep::corpus

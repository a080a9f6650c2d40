#pragma once
/// A parallel text corpus on disk: where each language's sentences live and how many there are.
/// Four layouts are recognised from what `--corpus` points at: a FILE ending `.tsv` is one table
/// (header row = language codes, every later row one parallel sentence per column); a DIRECTORY
/// holding `<split>/` is FLORES-200 (`DIR/<split>/<lang>.<split>`; a directory that directly holds
/// `<lang>.<split>` files is accepted as the split directory itself); a directory of `<lang>.txt`
/// files is plain text, one sentence per line; a directory of `<lang>.tsv` files keeps the
/// sentence in column `tsv_column` of each row. TSV fields are split on every tab (no quoting).
/// Opening counts the lines of each selected language by streaming the file (O(1) memory); the text
/// itself is read later, on demand, by `LineReader`. A UTF-8 byte-order mark at the start of a file
/// is not part of the first line. Hidden files (".name") are ignored; a directory holding both
/// `.txt` and `.tsv` files is refused as ambiguous.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace polyrep::corpus {

enum class Layout { flores, plain, tsv_table, tsv_per_language };

/// "flores", "plain", "tsv_table", "tsv_per_language".
const char* to_string(Layout layout);

struct CorpusOptions {
  std::filesystem::path path;          // --corpus
  std::string split = "dev";           // flores: DIR/<split>/<lang>.<split>
  std::vector<std::string> languages{"all"};  // --langs; {"all"} (or empty) = every language found, sorted
                                              // (polyrep extract refuses an empty --langs)
  int tsv_column = 0;                  // per-language TSV: which tab-separated column holds the sentence
};

class Corpus {
 public:
  /// Detects the layout, resolves the languages and counts their lines.
  /// Throws InputError (missing path, no languages found, unknown language with close matches,
  /// empty file, TSV row with too few columns: "<file>:<line>: ...") or UsageError (bad --langs
  /// list: empty entry, duplicate, "all" mixed with codes; negative --tsv-column).
  static Corpus open(const CorpusOptions& options);

  Layout layout() const { return layout_; }
  /// In the order given by the user (sorted when "all").
  const std::vector<std::string>& languages() const { return languages_; }
  std::size_t size() const { return languages_.size(); }
  /// Number of sentences of a language (for tsv_table: data rows, the header excluded).
  std::int64_t line_count(std::size_t lang) const { return line_counts_.at(lang); }
  /// File that holds the language (for tsv_table the same file for every language).
  std::filesystem::path source(std::size_t lang) const { return sources_.at(lang); }
  /// Tab-separated column that holds the language's sentence; -1 when lines are whole sentences.
  int column(std::size_t lang) const { return columns_.at(lang); }
  /// Lines to skip at the start of the source before sentence 0 (1 for tsv_table's header).
  int header_lines() const { return layout_ == Layout::tsv_table ? 1 : 0; }
  /// Smallest line count over the selected languages (parallel corpora: all equal); 0 if none.
  std::int64_t common_line_count() const;
  /// Index of a language with the fewest lines (the first one on ties).
  std::size_t fewest_lines_language() const;
  /// True when every selected language has the same number of lines.
  bool is_parallel() const;

 private:
  Layout layout_ = Layout::plain;
  std::vector<std::string> languages_;
  std::vector<std::filesystem::path> sources_;
  std::vector<int> columns_;
  std::vector<std::int64_t> line_counts_;
};

}  // namespace polyrep::corpus

#pragma once
/// Sequential reader for the selected sentences of ONE language of a `Corpus`. It reads the source
/// file front to back once, skipping unselected lines without storing them, so memory is O(one
/// line) whatever the file size. Lines come back exactly as in the file, without the trailing "\n"
/// and without a trailing "\r" (CRLF files); for TSV layouts only the language's column is returned.
/// Every returned line is checked to be well-formed UTF-8 (no overlong forms, no surrogates, nothing
/// above U+10FFFF): otherwise InputError("<file>:<line>: invalid UTF-8 at byte N"), where <line> is
/// the 1-based line number in the file and N the 1-based byte position within that line.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "polyrep/corpus/corpus.hpp"

namespace polyrep::corpus {

class LineReader {
 public:
  /// Yields sorted_indices[first], sorted_indices[first+1], ... of language `lang`.
  /// `sorted_indices` must be strictly ascending and below corpus.line_count(lang)
  /// (std::invalid_argument otherwise). Opening the file may throw InputError.
  LineReader(const Corpus& corpus, std::size_t lang, std::vector<std::int64_t> sorted_indices,
             std::size_t first = 0);

  /// Next selected sentence and its 0-based sentence index (for tsv_table, the data row index
  /// with the header excluded); false at the end.
  bool next(std::string& line, std::int64_t& source_index);

 private:
  void skip_to(std::int64_t index);

  std::filesystem::path path_;
  std::ifstream in_;
  int column_ = -1;
  int header_lines_ = 0;
  std::vector<std::int64_t> indices_;
  std::size_t position_ = 0;
  std::int64_t next_line_ = 0;  // sentence index of the next line the stream will deliver
  std::string buffer_;
};

/// Returns the 0-based byte offset of the first invalid UTF-8 sequence in `text`, or -1 when
/// it is well-formed (RFC 3629: shortest form only, no surrogates, at most U+10FFFF).
std::ptrdiff_t find_invalid_utf8(const std::string& text);

}  // namespace polyrep::corpus

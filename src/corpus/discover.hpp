#pragma once
// Internal to the corpus module: finding out which layout a --corpus path has and which
// languages it offers, before any selection or line counting.
#include <filesystem>
#include <map>
#include <string>

#include "polyrep/corpus/corpus.hpp"

namespace polyrep::corpus::detail {

struct Discovered {
  Layout layout = Layout::plain;
  std::filesystem::path dir;    // directory holding the language files, or the table file
  std::string extension;        // ".dev", ".txt", ".tsv" (per-language layouts)
  std::map<std::string, std::filesystem::path> files;  // language -> file (sorted by language)
  std::map<std::string, int> table_columns;             // tsv_table: language -> column
  // Entries named like a language file that are no regular file (a directory, a dangling link):
  // not languages, but named when asked for, so that the message says what is wrong with them.
  std::map<std::string, std::filesystem::path> not_files;

  /// Where a language would be expected ("DIR/dev/xyz_Latn.dev", or the table's header).
  std::string expected_location(const std::string& language) const;
};

/// Throws InputError when the path is missing, is not a usable file/directory, or offers no
/// language; UsageError naming --split when the directory holds other splits but not this one.
Discovered discover(const CorpusOptions& options);

/// Strips a UTF-8 byte-order mark from the front of `line` (first line of a file).
void strip_bom(std::string& line);

}  // namespace polyrep::corpus::detail

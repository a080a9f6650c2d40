#include "discover.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <vector>

#include "polyrep/core/error.hpp"

namespace polyrep::corpus::detail {
namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

using Files = std::map<std::string, fs::path>;

// Language files <lang><extension> directly in `dir`, hidden files skipped; entries with such a
// name that are no regular file go to `not_files` when given.
Files list_language_files(const fs::path& dir, const std::string& extension, Files* not_files = nullptr) {
  Files files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.' || !ends_with(name, extension) || name.size() == extension.size())
      continue;
    const std::string language = name.substr(0, name.size() - extension.size());
    std::error_code status_ec;
    if (fs::is_regular_file(it->path(), status_ec)) {  // follows symlinks
      files.emplace(language, it->path());
    } else if (not_files != nullptr) {
      not_files->emplace(language, it->path());
    }
  }
  if (ec) throw InputError("--corpus: cannot list " + dir.string() + ": " + ec.message());
  return files;
}

// Subdirectories of `dir` that look like Flores splits (`<name>/` holding `*.<name>` files).
std::vector<std::string> splits_in(const fs::path& dir) {
  std::vector<std::string> splits;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code status_ec;
    if (name.empty() || name[0] == '.' || !fs::is_directory(it->path(), status_ec)) continue;
    if (!list_language_files(it->path(), "." + name).empty()) splits.push_back(name);
  }
  std::sort(splits.begin(), splits.end());
  return splits;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::string::size_type start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

Discovered discover_table(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string header;
  if (!in || !std::getline(in, header)) throw InputError(file.string() + ": empty file (no header row)");
  strip_bom(header);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  Discovered found;
  found.layout = Layout::tsv_table;
  found.dir = file;
  const auto fields = split_tabs(header);
  for (std::size_t c = 0; c < fields.size(); ++c) {
    const std::string where = file.string() + ":1: column " + std::to_string(c + 1);
    if (fields[c].empty()) throw InputError(where + ": empty language code in the header row");
    if (!found.table_columns.emplace(fields[c], static_cast<int>(c)).second)
      throw InputError(where + ": language '" + fields[c] + "' appears twice in the header row");
    found.files.emplace(fields[c], file);
  }
  return found;
}

Discovered per_language(Layout layout, const fs::path& dir, const std::string& extension, Files files) {
  Discovered found;
  found.layout = layout;
  found.dir = dir;
  found.extension = extension;
  found.files = std::move(files);
  list_language_files(dir, extension, &found.not_files);
  return found;
}

[[noreturn]] void unknown_split(const fs::path& dir, const std::string& split,
                                const std::vector<std::string>& splits) {
  std::string found;
  for (const std::string& s : splits) found += (found.empty() ? "" : ", ") + s;
  throw UsageError("--split " + split + ": no such split in " + dir.string() + " (found: " + found + ")");
}

Discovered discover_directory(const fs::path& dir, const std::string& split) {
  const std::string split_ext = "." + split;
  std::error_code ec;
  if (!split.empty() && fs::is_directory(dir / split, ec)) {
    auto files = list_language_files(dir / split, split_ext);
    if (files.empty())
      throw InputError("--corpus: no languages found in " + (dir / split).string() + " (looked for " +
                       (dir / split / ("*" + split_ext)).string() + ")");
    return per_language(Layout::flores, dir / split, split_ext, std::move(files));
  }
  if (!split.empty()) {
    auto files = list_language_files(dir, split_ext);  // --corpus points at the split directory
    if (!files.empty()) return per_language(Layout::flores, dir, split_ext, std::move(files));
  }
  auto txt = list_language_files(dir, ".txt");
  auto tsv = list_language_files(dir, ".tsv");
  if (!txt.empty() && !tsv.empty())
    throw InputError("--corpus: " + dir.string() +
                     " holds both .txt and .tsv files; point --corpus at a directory with one kind");
  if (!txt.empty()) return per_language(Layout::plain, dir, ".txt", std::move(txt));
  if (!tsv.empty()) return per_language(Layout::tsv_per_language, dir, ".tsv", std::move(tsv));
  if (!split.empty()) {
    const std::vector<std::string> splits = splits_in(dir);
    if (!splits.empty()) unknown_split(dir, split, splits);
  }
  throw InputError("--corpus: no languages found in " + dir.string() + " (looked for " +
                   (dir / split / ("*" + split_ext)).string() + ", " + (dir / "*.txt").string() +
                   " and " + (dir / "*.tsv").string() + ")");
}

}  // namespace

std::string Discovered::expected_location(const std::string& language) const {
  if (layout == Layout::tsv_table) return "the header row of " + dir.string();
  return (dir / (language + extension)).string();
}

void strip_bom(std::string& line) {
  if (line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
}

Discovered discover(const CorpusOptions& options) {
  const fs::path& path = options.path;
  if (path.empty()) throw UsageError("--corpus: no path given");
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw InputError("--corpus: " + path.string() + ": no such file or directory");
  if (fs::is_directory(status)) return discover_directory(path, options.split);
  if (fs::is_regular_file(status) && path.extension() == ".tsv") return discover_table(path);
  throw InputError("--corpus: " + path.string() +
                   " is not a directory or a .tsv table (header row = language codes)");
}

}  // namespace polyrep::corpus::detail

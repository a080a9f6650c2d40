#include "line_count.hpp"

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "polyrep/core/error.hpp"

namespace polyrep::corpus::detail {

namespace {

class ColumnCheck {
 public:
  ColumnCheck(const std::filesystem::path& file, const CountOptions& options)
      : file_(file), options_(options) {}

  // Called at the end of each line (1-based line number in the file).
  void end_line(std::int64_t line_number, std::int64_t tabs) const {
    if (line_number <= options_.header_lines) return;
    const std::int64_t columns = tabs + 1;
    if (columns >= options_.min_columns && (options_.max_columns < 0 || columns <= options_.max_columns))
      return;
    const std::int64_t expected = columns < options_.min_columns ? options_.min_columns : options_.max_columns;
    const bool exact = options_.max_columns == options_.min_columns;
    throw InputError(file_.string() + ":" + std::to_string(line_number) + ": " + std::to_string(columns) +
                     " tab-separated column" + (columns == 1 ? "" : "s") + ", expected " +
                     (exact ? "" : "at least ") + std::to_string(expected));
  }

 private:
  const std::filesystem::path& file_;
  const CountOptions& options_;
};

}  // namespace

std::int64_t count_lines(const std::filesystem::path& file, const CountOptions& options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + ": cannot open for reading");
  const bool check = options.min_columns > 1 || options.max_columns >= 0;
  const ColumnCheck checker(file, options);
  std::vector<char> block(1 << 20);
  std::int64_t lines = 0;      // complete lines seen
  std::int64_t tabs = 0;       // tabs in the current line
  bool partial = false;        // bytes after the last "\n"
  bool first_block = true;
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const std::streamsize got = in.gcount();
    std::streamsize i = 0;
    // A byte-order mark is not text (LineReader skips it): a file holding only one has no line.
    if (first_block && got >= 3 && std::memcmp(block.data(), "\xEF\xBB\xBF", 3) == 0) i = 3;
    first_block = false;
    for (; i < got; ++i) {
      const char c = block[static_cast<std::size_t>(i)];
      if (c == '\n') {
        ++lines;
        if (check) checker.end_line(lines, tabs);
        tabs = 0;
        partial = false;
      } else {
        partial = true;
        tabs += c == '\t';
      }
    }
  }
  if (in.bad()) throw InputError(file.string() + ": read error");
  if (partial) {
    ++lines;
    if (check) checker.end_line(lines, tabs);
  }
  return lines > options.header_lines ? lines - options.header_lines : 0;
}

}  // namespace polyrep::corpus::detail

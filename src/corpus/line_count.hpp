#pragma once
// Internal to the corpus module: streaming line counting with an optional TSV column check.
#include <cstdint>
#include <filesystem>

namespace polyrep::corpus::detail {

struct CountOptions {
  int header_lines = 0;   // lines skipped before counting (not checked)
  int min_columns = 1;    // every counted line needs at least this many tab-separated fields
  int max_columns = -1;   // ... and at most this many (-1: no limit)
};

/// Number of lines after the header (a last line without "\n" counts; an empty file has 0).
/// InputError("<file>:<line>: ...") for a line with a wrong number of columns or a read failure.
std::int64_t count_lines(const std::filesystem::path& file, const CountOptions& options);

}  // namespace polyrep::corpus::detail

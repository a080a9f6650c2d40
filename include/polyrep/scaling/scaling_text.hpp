#pragma once
/// The scaling table as text: a CSV file with every derived value (for spreadsheets and scripts)
/// and a compact Markdown table (for a terminal, a README or a pull request).
///
/// CSV: one header line, then one line per row in table order. Fixed columns first (see
/// `scaling_csv_columns`), then `extract_<phase>_s` for the union of the extract runs' phase names
/// and `reduce_<phase>_s` for the reduce runs', in order of first appearance. Numbers are plain
/// decimals ("%.10g"); a value that is NaN (not computable, or no such run) is an empty field;
/// imbalances are fractions (0.05 = 5%), memory is MiB (2^20 bytes), bandwidth MB/s (10^6 bytes).
/// Fields holding a comma, a quote or a line break are quoted as RFC 4180 says.
#include <filesystem>
#include <string>
#include <vector>

#include "polyrep/scaling/scaling_table.hpp"

namespace polyrep::scaling {

/// The fixed CSV columns, in order (the phase columns follow them).
std::vector<std::string> scaling_csv_columns();

/// Writes the CSV to `out` + ".tmp" and renames it to `out`, so that `out` only ever appears
/// complete. IoError (naming `out`) when it cannot be written; nothing is left at `out.tmp` then.
void write_scaling_csv(const std::filesystem::path& out, const std::vector<ScalingRow>& rows);

/// The CSV text that write_scaling_csv writes.
std::string scaling_csv(const std::vector<ScalingRow>& rows);

struct ScalingMarkdownOptions {
  /// Extract phases that get a column of their own (max over ranks, seconds), when some row has
  /// them; phases a row lacks show "–".
  std::vector<std::string> extract_phases = {"load", "tokenize", "forward", "write"};
};

/// A GitHub-flavoured Markdown table, one line per row, ending in a newline: ranks, languages,
/// tokens, extract wall s, the chosen extract phases, reduce wall s, tokens/s per rank, extract
/// strong and weak efficiency, write MB/s, extract peak RSS MiB per rank (max over ranks), and
/// the extract busy and finish imbalance in percent. "–" marks values that cannot be computed.
std::string scaling_markdown(const std::vector<ScalingRow>& rows,
                             const ScalingMarkdownOptions& options = {});

}  // namespace polyrep::scaling

#pragma once
/// Which rows of an embedding table `polyrep embeddings` writes, and how they are grouped for
/// colour: vocabulary pieces by Unicode script (tokenizer/unicode_script.hpp, tokenizer specials
/// apart), positions in runs of consecutive positions. Pure functions of the tables' sizes and the
/// options, so that they are tested by hand.
#include <cstdint>
#include <string>
#include <vector>

namespace polyrep::embeddings {

/// The rows kept and the group (a "language" of the extraction schema) of each.
struct RowGroups {
  std::vector<std::string> groups;   // group names, in order of first appearance in the kept rows
  std::vector<std::int64_t> rows;    // kept rows of the table, ascending
  std::vector<std::int32_t> group;   // per kept row: index into groups
};

/// Rows whose script is in `scripts` (all when empty; "special" names the tokenizer's specials,
/// whose script entry is ignored), then `sample` of them (0 = all) drawn without replacement with
/// `seed` and kept in id order. `script` and `special` have one entry per vocabulary row.
/// UsageError (naming --vocab-filter / --vocab-sample) when nothing is left or sample < 0.
RowGroups choose_vocabulary(const std::vector<std::string>& script, const std::vector<bool>& special,
                            const std::vector<std::string>& scripts, std::int64_t sample, std::uint64_t seed);

/// Every position 0..positions-1, grouped in runs of `run` ("0-63", "64-127", ...; the last run
/// may be shorter), then `token_types` rows grouped as "token types".
RowGroups position_rows(std::int64_t positions, std::int64_t run, std::int64_t token_types);

/// "scripts=Latn,Cyrl" (the --vocab-filter syntax) -> {"Latn", "Cyrl"}; UsageError otherwise.
std::vector<std::string> parse_vocab_filter(const std::string& filter);

}  // namespace polyrep::embeddings

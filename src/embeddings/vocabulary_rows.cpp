#include "polyrep/embeddings/vocabulary_rows.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

#include "polyrep/core/error.hpp"

namespace polyrep::embeddings {
namespace {

void add(RowGroups& out, std::map<std::string, std::int32_t>& index, std::int64_t row, const std::string& group) {
  auto [it, inserted] = index.emplace(group, static_cast<std::int32_t>(out.groups.size()));
  if (inserted) out.groups.push_back(group);
  out.rows.push_back(row);
  out.group.push_back(it->second);
}

}  // namespace

RowGroups choose_vocabulary(const std::vector<std::string>& script, const std::vector<bool>& special,
                            const std::vector<std::string>& scripts, std::int64_t sample, std::uint64_t seed) {
  if (sample < 0) throw UsageError("--vocab-sample must not be negative (got " + std::to_string(sample) + ")");
  if (script.size() != special.size()) throw Error("vocabulary rows: script and special tables differ in length");
  std::vector<std::int64_t> kept;
  for (std::size_t id = 0; id < script.size(); ++id) {
    const std::string& group = special[id] ? std::string("special") : script[id];
    if (scripts.empty() || std::find(scripts.begin(), scripts.end(), group) != scripts.end())
      kept.push_back(static_cast<std::int64_t>(id));
  }
  if (kept.empty()) throw UsageError("--vocab-filter: no vocabulary piece is of the scripts asked for");
  if (sample > 0 && sample < static_cast<std::int64_t>(kept.size())) {
    std::mt19937_64 rng(seed);
    std::shuffle(kept.begin(), kept.end(), rng);
    kept.resize(static_cast<std::size_t>(sample));
    std::sort(kept.begin(), kept.end());
  }
  RowGroups out;
  std::map<std::string, std::int32_t> index;
  for (std::int64_t id : kept) add(out, index, id, special[static_cast<std::size_t>(id)] ? "special" : script[static_cast<std::size_t>(id)]);
  return out;
}

RowGroups position_rows(std::int64_t positions, std::int64_t run, std::int64_t token_types) {
  if (positions < 0 || run < 1 || token_types < 0) throw Error("position rows: bad sizes");
  RowGroups out;
  std::map<std::string, std::int32_t> index;
  for (std::int64_t p = 0; p < positions; ++p) {
    const std::int64_t first = p / run * run, last = std::min(first + run, positions) - 1;
    add(out, index, p, std::to_string(first) + "-" + std::to_string(last));
  }
  for (std::int64_t t = 0; t < token_types; ++t) add(out, index, positions + t, "token types");
  return out;
}

std::vector<std::string> parse_vocab_filter(const std::string& filter) {
  const std::string key = "scripts=";
  if (filter.rfind(key, 0) != 0 || filter.size() == key.size())
    throw UsageError("--vocab-filter: expected scripts=CODE[,CODE...] (ISO 15924, e.g. scripts=Latn,Cyrl,special), got '" +
                     filter + "'");
  std::vector<std::string> out;
  std::size_t start = key.size();
  while (start <= filter.size()) {
    const std::size_t comma = std::min(filter.find(',', start), filter.size());
    const std::string code = filter.substr(start, comma - start);
    if (code.empty()) throw UsageError("--vocab-filter: empty script code in '" + filter + "'");
    out.push_back(code);
    start = comma + 1;
  }
  return out;
}

}  // namespace polyrep::embeddings

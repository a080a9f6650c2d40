#include "polyrep/plot/attention_data.hpp"

#include <algorithm>
#include <map>

#include "polyrep/core/error.hpp"
#include "polyrep/h5/dataset.hpp"
#include "polyrep/h5/group.hpp"
#include "polyrep/h5/select.hpp"
#include "polyrep/h5/strings.hpp"
#include "polyrep/h5/types.hpp"
#include "polyrep/schema/extraction.hpp"

namespace polyrep::plot {
namespace {

using Groups = std::vector<std::vector<std::size_t>>;  // map positions per group, groups by source index

Groups group_by_source(const std::vector<std::int64_t>& source_index) {
  std::map<std::int64_t, std::vector<std::size_t>> by_source;
  for (std::size_t k = 0; k < source_index.size(); ++k) by_source[source_index[k]].push_back(k);
  Groups groups;
  for (auto& [source, maps] : by_source) groups.push_back(std::move(maps));
  return groups;
}

// k groups spread evenly over n: 0, n/k, 2n/k, ... (rounded down).
std::vector<std::size_t> spread(std::size_t k, std::size_t n) {
  std::vector<std::size_t> picked;
  for (std::size_t i = 0; i < k; ++i) picked.push_back(i * n / k);
  return picked;
}

std::size_t maps_in(const Groups& groups, const std::vector<std::size_t>& picked) {
  std::size_t total = 0;
  for (std::size_t g : picked) total += groups[g].size();
  return total;
}

std::vector<std::int64_t> read_ints(hid_t f, const char* path) {
  return h5::read_all<std::int64_t>(h5::Dataset::open(f, path));
}

// Token texts of `rows` (rows of /sentences), one list per row.
std::vector<std::vector<std::string>> read_tokens(hid_t f, const std::vector<std::int64_t>& rows) {
  const h5::Dataset offsets = h5::Dataset::open(f, schema::sentences::token_offset);
  std::vector<std::int64_t> ends(rows);
  for (std::int64_t& r : ends) ++r;
  const auto first = h5::read_ints_at(offsets, rows), last = h5::read_ints_at(offsets, ends);
  const h5::Dataset text = h5::Dataset::open(f, schema::tokens::text);
  std::vector<std::vector<std::string>> tokens;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    tokens.push_back(h5::read_strings(text, hsize_t(first[k]), hsize_t(last[k] - first[k])));
  }
  return tokens;
}

void read_weights(hid_t f, const std::vector<std::size_t>& kept, AttentionData& a) {
  const auto offset = read_ints(f, schema::attention::offset);
  const h5::Dataset mean = h5::Dataset::open(f, schema::attention::mean);
  const auto dims = mean.dims();
  if (dims.size() != 2 || offset.size() != std::size_t(a.file_maps) + 1 || hsize_t(offset.back()) != dims[1]) {
    throw InputError(std::string(schema::attention::group) + ": offset and mean do not match");
  }
  a.dtype = mean.type().describe();
  for (std::int64_t l = 1; l <= std::int64_t(dims[0]); ++l) a.layers.push_back(l);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    AttentionMap& m = a.maps[i];
    const std::int64_t begin = offset[kept[i]], cells = offset[kept[i] + 1] - begin;
    if (cells != std::int64_t(m.size() * m.size())) {
      throw InputError(std::string(schema::attention::offset) + ": map " + std::to_string(kept[i]) + " has " +
                       std::to_string(cells) + " values, but its sentence has " + std::to_string(m.size()) +
                       " tokens");
    }
    m.weights.resize(std::size_t(dims[0]) * std::size_t(cells));
    if (cells > 0) mean.read(m.weights.data(), h5::native<float>(), {0, hsize_t(begin)}, {dims[0], hsize_t(cells)});
  }
}

}  // namespace

std::vector<std::size_t> choose_attention_maps(const std::vector<std::int64_t>& source_index, std::int64_t max_maps) {
  if (max_maps <= 0) return {};
  const std::size_t cap = std::size_t(max_maps);
  std::vector<std::size_t> kept;
  if (source_index.size() <= cap) {
    for (std::size_t k = 0; k < source_index.size(); ++k) kept.push_back(k);
    return kept;
  }
  const Groups groups = group_by_source(source_index);
  // Groups are usually of equal size (one map per language): start near the answer and go down.
  std::size_t k = std::min(groups.size(), cap * groups.size() / source_index.size() + 1);
  for (; k > 0; --k) {
    const auto picked = spread(k, groups.size());
    if (maps_in(groups, picked) > cap) continue;
    for (std::size_t g : picked) kept.insert(kept.end(), groups[g].begin(), groups[g].end());
    std::sort(kept.begin(), kept.end());
    return kept;
  }
  // Unequal groups, no evenly spread choice fits: the groups that fit, in order; when not even one
  // does, the first maps of the first group.
  for (const auto& g : groups) {
    if (kept.size() + g.size() <= cap) kept.insert(kept.end(), g.begin(), g.end());
  }
  if (kept.empty()) kept.assign(groups[0].begin(), groups[0].begin() + std::ptrdiff_t(cap));
  std::sort(kept.begin(), kept.end());
  return kept;
}

AttentionData read_attention(hid_t f, std::int64_t max_maps) {
  AttentionData a;
  a.max_maps = max_maps;
  if (!h5::exists(f, schema::attention::group)) return a;
  const auto rows = read_ints(f, schema::attention::sentence);
  const auto source = h5::read_ints_at(h5::Dataset::open(f, schema::sentences::source_index), rows);
  const auto kept = choose_attention_maps(source, max_maps);
  a.file_maps = std::int64_t(rows.size());
  std::map<std::int64_t, std::size_t> maps_per_source, kept_per_source;
  for (std::int64_t s : source) ++maps_per_source[s];
  for (std::size_t k : kept) ++kept_per_source[source[k]];
  a.file_groups = std::int64_t(maps_per_source.size());
  a.kept_groups = std::int64_t(kept_per_source.size());
  for (const auto& [s, n] : maps_per_source) {
    const auto it = kept_per_source.find(s);
    if (it == kept_per_source.end() || it->second < n) a.omitted_sources.push_back(s);
  }
  std::vector<std::int64_t> kept_rows;
  for (std::size_t k : kept) kept_rows.push_back(rows[k]);
  auto tokens = read_tokens(f, kept_rows);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    AttentionMap m;
    m.row = kept_rows[i];
    m.tokens = std::move(tokens[i]);
    a.maps.push_back(std::move(m));
  }
  read_weights(f, kept, a);
  return a;
}

}  // namespace polyrep::plot

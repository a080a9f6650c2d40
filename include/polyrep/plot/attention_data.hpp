#pragma once
/// The attention maps that `polyrep plot` shows, read from an extraction made with `extract
/// --attention mean` (README "Attention maps"): for some sentences, the head-averaged T x T
/// attention weights at every transformer layer (row = query token, column = key token), with the
/// sentences' token texts.
///
/// A report keeps at most `max_maps` of them, chosen by translation group (the maps whose
/// sentences share one /sentences/source_index): whole groups, spread evenly over the file's
/// groups in source-index order, so that a sentence always comes with the maps of its
/// translations. Where groups differ in size and no evenly spread choice fits, the groups that
/// fit are taken in source-index order; only when no group fits whole is the first one cut,
/// keeping its first `max_maps` maps in file (language) order.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace polyrep::plot {

struct AttentionMap {
  std::int64_t row = 0;                // row of /sentences
  std::int32_t sentence = -1;          // index into ReportData::sentences (set by load_report_data)
  std::vector<std::string> tokens;     // T token texts, /tokens/text of the sentence
  std::vector<float> weights;          // layers x T x T, row-major, row = query
  std::size_t size() const { return tokens.size(); }
  /// The T x T map of transformer layer index `layer` (0 = the first transformer layer).
  const float* at(std::size_t layer) const { return weights.data() + layer * size() * size(); }
};

struct AttentionData {
  std::vector<std::int64_t> layers;       // transformer layer numbers, 1..num_layers; empty: no maps
  std::vector<AttentionMap> maps;         // the kept maps, in file order (ascending rows)
  std::int64_t max_maps = 0;              // the cap they were chosen under
  std::int64_t file_maps = 0, file_groups = 0;  // maps and translation groups in the file
  std::int64_t kept_groups = 0;           // groups with at least one kept map
  std::vector<std::int64_t> omitted_sources;  // source indices of the groups left out, whole or in part
  std::string dtype;                      // of /attention/mean: "float32" or "float16"
  bool present() const { return !layers.empty(); }
};

/// Which maps to keep, as positions into the maps' list, ascending; `source_index` holds each
/// map's /sentences/source_index in file order. max_maps <= 0 keeps none.
std::vector<std::size_t> choose_attention_maps(const std::vector<std::int64_t>& source_index, std::int64_t max_maps);

/// Reads /attention of an open extraction file, keeping at most `max_maps` maps as described
/// above; no /attention gives an AttentionData without layers. The maps' `sentence` stays -1.
AttentionData read_attention(hid_t source, std::int64_t max_maps);

}  // namespace polyrep::plot
